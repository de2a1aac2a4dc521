// Previews of a change before it is made: the engine's `preview(actor, change)` drawn as a short
// summary (who gains or loses which scope, grouped), every answer that turns in a collapsed list,
// and Apply / Cancel. The page holds no logic here either: the turns are the engine's.
//
// One preview is pending at a time, in one box that moves next to the control it answers; its
// summary is an `aria-live` region, so a screen reader hears it when the control changes.

/** At most this many answers are listed one by one (the summary counts them all). */
const LISTED = 400;

/**
 * The preview box and its controller. `h` and `fill` are the page's element builders; `nameOf`
 * turns a principal string (`user:max`, `token:<id>`) into a name to show.
 */
export function previewer({ h, fill, nameOf }) {
  const text = h('p', { class: 'preview-text', id: 'preview-text', 'data-testid': 'preview-text', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const detail = h('div', { class: 'preview-detail' });
  const apply = h('button', { type: 'button', class: 'btn btn-small btn-primary', 'data-testid': 'preview-apply' }, 'Apply');
  const cancel = h('button', { type: 'button', class: 'btn btn-small btn-ghost', 'data-testid': 'preview-cancel' }, 'Cancel');
  const box = h('div', { class: 'preview', id: 'preview', 'data-testid': 'preview', role: 'group', 'aria-labelledby': 'preview-text', hidden: true },
    text, h('div', { class: 'row preview-actions' }, apply, cancel), detail);
  let pending = null;

  /** Hides the box; with `restore`, the pending control goes back to the engine's value. */
  function close(restore = true) {
    const was = pending;
    pending = null;
    box.hidden = true;
    text.replaceChildren();
    detail.replaceChildren();
    delete box.dataset.allowed;
    delete box.dataset.count;
    if (was?.control) {
      const ids = (was.control.getAttribute('aria-describedby') ?? '').split(/\s+/).filter((x) => x && x !== box.id);
      if (ids.length) was.control.setAttribute('aria-describedby', ids.join(' '));
      else was.control.removeAttribute('aria-describedby');
    }
    if (restore && was) was.onCancel?.();
    return was;
  }

  apply.addEventListener('click', () => {
    const was = close(false);
    if (!was) return;
    was.control?.focus({ preventScroll: true });
    was.onApply();
  });
  cancel.addEventListener('click', () => {
    const was = close(true);
    was?.control?.focus({ preventScroll: true });
  });

  /**
   * Shows what a change would do. `result` is `{ ok, value }` (the engine's preview) or
   * `{ ok: false, err }`; `title` names the change ("Turning on “Members can create teams”").
   */
  function show({ result, title, who, control, place, onApply, onCancel }) {
    close(false);
    pending = { control, onApply, onCancel };
    const p = result.ok ? result.value : null;
    const allowed = Boolean(p?.allowed);
    box.dataset.allowed = String(allowed);
    box.dataset.count = String(p?.count ?? 0);
    if (!allowed) {
      const err = p?.refusal ?? result.err;
      box.dataset.code = err?.code ?? '';
      fill(text, `${title}: ${who} may not make this change (`, h('code', {}, err?.code ?? 'refused'), `). ${err?.message ?? ''}`.trimEnd(),
        ' Apply sends it anyway, to see the engine refuse it.');
      detail.replaceChildren();
      apply.textContent = 'Apply anyway';
    } else {
      delete box.dataset.code;
      fill(text, `${title} `, sentence(p));
      fill(detail, lines(p), stopped(p), entries(p));
      apply.textContent = 'Apply';
    }
    place(box);
    box.hidden = false;
    if (control) {
      const ids = (control.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
      if (!ids.includes(box.id)) control.setAttribute('aria-describedby', [...ids, box.id].join(' '));
    }
    box.scrollIntoView({ block: 'nearest' });
  }

  const count = (n, one, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`;
  const few = (names) => (names.length > 4 ? `${names.slice(0, 4).join(', ')} and ${names.length - 4} more` : names.join(', '));

  /** "who" of a group of principals: "4 members (Max, Tess, …)" or "1 token (ci-bot)". */
  function whom(principals) {
    const users = principals.filter((p) => p.startsWith('user:'));
    const tokens = principals.filter((p) => !p.startsWith('user:'));
    const parts = [];
    if (users.length) parts.push(count(users.length, 'member'));
    if (tokens.length) parts.push(count(tokens.length, 'token'));
    return `${parts.join(' and ')} (${few(principals.map(nameOf))})`;
  }

  /** The turns grouped by scope and direction: scope → { gains: Map(resource → principals) }. */
  function groups(p) {
    const out = new Map();
    for (const block of p.changes) {
      for (const turn of block.scopes) {
        const key = `${turn.allowed ? 'gives' : 'takes'} ${turn.scope}`;
        let g = out.get(key);
        if (!g) out.set(key, (g = { scope: turn.scope, allowed: turn.allowed, principals: new Set(), resources: new Set() }));
        for (const x of block.principals) g.principals.add(x);
        for (const x of block.resources) g.resources.add(x);
      }
    }
    return [...out.values()];
  }

  /** The headline: "gives `team:create` to 4 members (…)." or "changes no answer." */
  function sentence(p) {
    if (!p.count) return 'changes no answer.';
    const gs = groups(p);
    const [first] = gs;
    const head = [first.allowed ? 'gives ' : 'takes ', h('code', {}, first.scope), first.allowed ? ' to ' : ' from ', whom([...first.principals])];
    const rest = gs.length > 1 ? ` and turns ${count(gs.length - 1, 'other scope')}` : '';
    return [head, rest, ` (${count(p.count, 'answer')} in all).`];
  }

  /** One line per scope and direction, short. */
  function lines(p) {
    const gs = groups(p);
    if (gs.length < 2) return null;
    const shown = gs.slice(0, 6);
    return h('ul', { class: 'preview-lines' }, shown.map((g) => h('li', {},
      g.allowed ? 'Gives ' : 'Takes ', h('code', {}, g.scope), g.allowed ? ' to ' : ' from ', whom([...g.principals]),
      ` on ${count(g.resources.size, 'resource')}`)),
    gs.length > shown.length ? h('li', {}, `and ${count(gs.length - shown.length, 'more scope')}`) : null);
  }

  function stopped(p) {
    if (!p.stoppedTokens?.length) return null;
    return h('p', { class: 'preview-stopped', 'data-testid': 'preview-stopped' },
      `Stops ${count(p.stoppedTokens.length, 'token')}: `, few(p.stoppedTokens.map((t) => t.name ?? t.id)), '.');
  }

  /** Every answer that turns, one item each (as data for the tests, and for the curious). */
  function entries(p) {
    if (!p.count) return null;
    const items = [];
    for (const block of p.changes) {
      for (const turn of block.scopes) {
        // The engine gives the reasons before and after for the block's first question.
        let first = true;
        for (const principal of block.principals) {
          for (const resource of block.resources) {
            if (items.length >= LISTED) break;
            const why = first ? ` (${turn.before.reasons.join(', ') || '—'} → ${turn.after.reasons.join(', ') || '—'})` : '';
            first = false;
            items.push(h('li', { 'data-principal': principal, 'data-scope': turn.scope, 'data-resource': resource, 'data-allowed': String(turn.allowed) },
              `${nameOf(principal)} · `, h('code', {}, turn.scope), ` · ${resource}: `, turn.allowed ? 'deny → allow' : 'allow → deny', why));
          }
        }
      }
    }
    return h('details', { class: 'preview-all' },
      h('summary', {}, p.count > items.length ? `The first ${count(items.length, 'answer')} of ${p.count.toLocaleString()}` : `Every answer (${p.count.toLocaleString()})`),
      h('ul', { class: 'preview-entries', tabindex: '0', 'aria-label': 'The answers that turn', 'data-testid': 'preview-entries', 'data-complete': String(p.count <= items.length) }, items));
  }

  return { box, show, close, get pending() { return pending; } };
}

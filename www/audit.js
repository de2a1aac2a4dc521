// The audit panel: every decision record the engine gave `onDecision` in this tab, newest first,
// and a download of them as JSON lines (`Scopegate.decisionRecordsToJsonLines`). By default the
// list shows management actions and authentications; a checkbox adds every check and
// explanation the page asked to draw itself.

/** Records kept for the download (the oldest go first beyond this). */
const KEPT = 5000;
/** Records listed on the page. */
const SHOWN = 40;

/** The panel's controller. `els`: { list, count, all, download }; `h`, `fill` build elements. */
export function auditPanel({ h, fill, Scopegate, els, nameOf }) {
  const records = [];
  let scheduled = false;
  let off = null;

  /** Listens to a new engine (each reset makes one); the session's records stay. */
  function attach(engine) {
    off?.();
    off = engine.onDecision((record) => {
      records.push(record);
      if (records.length > KEPT) records.splice(0, records.length - KEPT);
      if (!scheduled) {
        scheduled = true;
        queueMicrotask(draw);
      }
    });
  }

  const isAction = (r) => r.kind === 'manage' || r.kind === 'authenticate';
  const timeText = (secs) => new Date(secs * 1000).toLocaleTimeString();

  function principalOf(r) {
    if (r.tokenID) return `${r.tokenName ?? 'token'} (${r.tokenID})`;
    return r.user ? nameOf(`user:${r.user}`) : 'nobody';
  }

  function item(r) {
    const verdict = r.allowed ? 'allowed' : (r.kind === 'manage' || r.kind === 'authenticate' ? 'refused' : 'denied');
    return h('li', {
      class: `audit-record audit-${verdict}`, 'data-testid': 'audit-record',
      'data-kind': r.kind, 'data-action': r.action, 'data-allowed': String(r.allowed), 'data-reasons': r.reasons.join(' '),
      'data-user': r.user ?? '',
    },
    h('span', { class: 'audit-time' }, timeText(r.timestamp)), ' ',
    h('span', { class: 'audit-who' }, principalOf(r)), ' ',
    h('code', {}, r.action), r.resource ? [' on ', h('code', {}, r.resource)] : null, ': ',
    h('strong', {}, verdict),
    r.reasons.length ? [' — ', r.reasons.map((c, i) => [i ? ', ' : '', h('code', { class: 'audit-reason' }, c)])] : null);
  }

  function draw() {
    scheduled = false;
    const all = els.all.checked;
    const chosen = [];
    let total = 0;
    for (let i = records.length - 1; i >= 0; i -= 1) {
      const r = records[i];
      if (!all && !isAction(r)) continue;
      total += 1;
      if (chosen.length < SHOWN) chosen.push(r);
    }
    const what = all ? 'decision record' : 'action and authentication record';
    els.count.textContent = `${total.toLocaleString()} ${what}${total === 1 ? '' : 's'} in this tab`
      + (total > chosen.length ? `; the newest ${chosen.length} are listed.` : '.')
      + ` ${records.length.toLocaleString()} in all for the download.`;
    fill(els.list, chosen.length ? chosen.map(item) : h('li', { class: 'muted' }, 'No record yet: change a setting or a grant, or check a credential.'));
    els.download.disabled = records.length === 0;
  }

  function download() {
    const text = Scopegate.decisionRecordsToJsonLines(records);
    const url = URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' }));
    const a = h('a', { href: url, download: 'scopegate-decisions.jsonl', hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  els.all.addEventListener('change', draw);
  els.download.addEventListener('click', download);
  return { attach, draw, records };
}

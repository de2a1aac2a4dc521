// The sample site. It holds no authorization logic: every allow, deny, refusal and token answer
// below comes from the engine (`explain`, `effectivePermission`, the management actions,
// `authenticate`, `mintToken`). The page only reads the engine's current state (`toJSON`) to
// know what to draw, and turns the engine's answers into markup.

import init, { Scopegate } from './pkg/scopegate.js';

/** Stack actions in the matrix, each one scope of the catalog. */
const ACTIONS = [
  { key: 'read', label: 'Read', scope: 'stack:read' },
  { key: 'update', label: 'Update', scope: 'stack:write' },
  { key: 'delete', label: 'Delete', scope: 'stack:delete' },
  { key: 'transfer', label: 'Transfer', scope: 'stack:transfer' },
  { key: 'access', label: 'Manage access', scope: 'stack_access:update' },
];

/** Organization-wide actions shown above the matrix. */
const ORG_ACTIONS = [
  { key: 'create-stack', label: 'Create stacks', scope: 'stack:create' },
  { key: 'create-team', label: 'Create teams', scope: 'team:create' },
  { key: 'settings', label: 'Change settings', scope: 'organization:update' },
  { key: 'add-member', label: 'Add members', scope: 'org_member:add' },
  { key: 'org-token', label: 'Create org tokens', scope: 'org_token:create' },
];

const TOGGLES = [
  ['membersCanCreateStacks', 'Members can create stacks', 'Built-in Members may create new stacks.'],
  ['stackAdminsCanDeleteStacks', 'Stack admins can delete stacks', 'Whoever holds admin on a stack (its creator, a team grant) may delete it. Organization admins always can.'],
  ['stackAdminsCanTransferStacks', 'Stack admins can transfer stacks', 'Stack admins may move a stack to another organization.'],
  ['membersCanCreateTeams', 'Members can create teams', 'Built-in Members may create teams (and become their team admin).'],
  ['membersCanCreateAccounts', 'Members can create cloud accounts', 'Built-in Members may create Insights accounts.'],
  ['teamTokensGetMemberDefaults', 'Team tokens get member defaults', 'Team tokens also receive the default permissions and the member toggles.'],
];

const LEVELS = ['none', 'read', 'write', 'admin'];

/** Short labels for the engine's reason and deny codes (presentation only). */
const REASON_LABEL = {
  org_admin: () => 'org admin',
  builtin_role: (r) => `${r.role} role`,
  custom_role: (r) => `role ${r.role}`,
  team_token_baseline: () => 'team token',
  default_permission: () => 'default',
  team_grant: (r) => `team ${r.team}`,
  role_rule: (r) => `role ${r.role}`,
  creator_grant: () => 'creator',
  explicit_grant: () => 'direct grant',
  setting: () => 'setting on',
  team_admin: () => 'team admin',
};
const DENY_LABEL = {
  missing_scope: 'no grant',
  setting_disabled: 'setting off',
  not_a_member: 'not a member',
  machine_token: 'humans only',
  unknown_principal: 'unknown',
  unknown_scope: 'unknown scope',
  unknown_resource: 'no such stack',
  invalid_resource: 'invalid',
  destination_denied: 'destination',
};

const ROLE_LABEL = { admin: 'Admin', member: 'Member', 'billing-manager': 'Billing Manager' };

const S = {
  engine: null,
  base: null,
  key: null,
  credentials: [],
  actor: 'user:max',
  org: 'acme',
  team: null,
  open: null, // { stack: 'project/name', action: key } of the expanded matrix cell
  orgOpen: null, // key of the expanded organization action
  prev: { who: '', cells: new Map() },
  minted: new Map(), // token id → how it was minted
};

const $ = (id) => document.getElementById(id);

/** Builds an element: `h('div', { class: 'x', dataset: {...}, onclick }, ...children)`. */
function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props ?? {})) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (['value', 'checked', 'selected', 'disabled', 'hidden'].includes(k)) el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** The engine's messages quote names in backticks: render those as code. */
function rich(text) {
  const frag = document.createDocumentFragment();
  String(text ?? '').split('`').forEach((part, i) => {
    if (part) frag.append(i % 2 ? h('code', {}, part) : part);
  });
  return frag;
}

const tick = (allowed) => (allowed ? '✓' : '✕');
const when = (secs) => new Date(secs * 1000).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
const nowSecs = () => Math.floor(Date.now() / 1000);

// ---------------------------------------------------------------- data the page draws

function data() {
  return S.engine.toJSON();
}

function orgOf(d) {
  return d.organizations.find((o) => o.name === S.org);
}

function roleLabel(role) {
  return ROLE_LABEL[role] ?? `${role} (custom role)`;
}

function userName(d, login) {
  return d.users?.find((u) => u.login === login)?.name ?? login;
}

/** Every principal a visitor may act as: users, then the tokens on record. */
function principals(d) {
  const org = orgOf(d);
  const logins = new Set((d.users ?? []).map((u) => u.login));
  for (const o of d.organizations) for (const m of o.members ?? []) logins.add(m.login);
  const people = [...logins].map((login) => {
    const member = org?.members?.find((m) => m.login === login);
    const role = member ? roleLabel(member.role ?? 'member') : `not in ${S.org}`;
    return { value: `user:${login}`, label: `${userName(d, login)} (${login}) — ${role}` };
  });
  const tokens = [];
  for (const o of d.organizations) {
    for (const t of o.tokens ?? []) {
      if (t.deleted) continue;
      const what = t.kind === 'team' ? `team ${t.team}` : roleLabel(t.role ?? 'member');
      const extra = S.minted.has(t.id) ? ' · minted here' : '';
      tokens.push({ value: `token:${t.id}`, label: `${o.name} ${t.kind} token “${t.name}” — ${what}${extra}` });
    }
  }
  for (const u of d.users ?? []) {
    for (const t of u.tokens ?? []) {
      if (t.deleted) continue;
      const extra = S.minted.has(t.id) ? ' · minted here' : t.description ? ` · ${t.description}` : '';
      tokens.push({ value: `token:${t.id}`, label: `personal token of ${u.login} (${t.id.slice(0, 13)})${extra}` });
    }
  }
  return { people, tokens };
}

/** What the acting principal is, from the snapshot data (for the summary card). */
function describeActor(d) {
  const org = orgOf(d);
  const [type, id] = [S.actor.slice(0, S.actor.indexOf(':')), S.actor.slice(S.actor.indexOf(':') + 1)];
  if (type === 'user') {
    const member = org?.members?.find((m) => m.login === id);
    const teams = (org?.teams ?? []).filter((t) => t.members.includes(id) || t.admins.includes(id));
    const teamText = teams.map((t) => `${t.displayName ?? t.name}${t.admins.includes(id) ? ' (team admin)' : ''}`);
    return {
      initials: userName(d, id).split(/\s+/).map((w) => w[0]).join('').slice(0, 2).toUpperCase(),
      title: userName(d, id),
      lines: [
        member ? `${roleLabel(member.role ?? 'member')} of ${S.org}` : `not a member of ${S.org}`,
        teamText.length ? `teams: ${teamText.join(', ')}` : 'no teams',
      ],
      hue: [...id].reduce((a, c) => a + c.charCodeAt(0) * 37, 0) % 360,
    };
  }
  for (const o of d.organizations) {
    const t = (o.tokens ?? []).find((x) => x.id === id);
    if (t) {
      return {
        initials: t.kind === 'team' ? 'TT' : 'OT',
        title: `${t.kind === 'team' ? 'Team' : 'Organization'} token “${t.name}”`,
        lines: [
          t.kind === 'team' ? `team ${t.team} of ${o.name}` : `${roleLabel(t.role ?? 'member')} of ${o.name}`,
          t.expires ? `expires ${when(t.expires)}` : 'never expires',
        ],
        hue: 200,
        token: true,
      };
    }
  }
  for (const u of d.users ?? []) {
    const t = (u.tokens ?? []).find((x) => x.id === id);
    if (t) {
      return {
        initials: 'PT',
        title: `Personal token of ${userName(d, u.login)}`,
        lines: [`acts as ${u.login}`, t.expires ? `expires ${when(t.expires)}` : 'never expires'],
        hue: 280,
        token: true,
      };
    }
  }
  return { initials: '?', title: S.actor, lines: ['unknown principal'], hue: 0 };
}

function actorName(d) {
  return describeActor(d).title;
}

// ---------------------------------------------------------------- rendering

function render() {
  const focused = document.activeElement?.dataset?.testid;
  const d = data();
  renderToolbar(d);
  renderOrgActions(d);
  renderMatrix(d);
  renderSettings(d);
  renderTeams(d);
  renderMintOptions(d);
  if (focused) document.querySelector(`[data-testid="${CSS.escape(focused)}"]`)?.focus();
}

function renderToolbar(d) {
  const sel = $('act-as');
  const { people, tokens } = principals(d);
  const all = [...people, ...tokens].map((p) => p.value);
  if (!all.includes(S.actor)) S.actor = people[0]?.value ?? '';
  sel.replaceChildren(
    h('optgroup', { label: 'People' }, people.map((p) => h('option', { value: p.value }, p.label))),
    h('optgroup', { label: 'Tokens' }, tokens.map((p) => h('option', { value: p.value }, p.label))),
  );
  sel.value = S.actor;

  const orgSel = $('org');
  orgSel.replaceChildren(...d.organizations.map((o) => h('option', { value: o.name }, o.name)));
  orgSel.value = S.org;

  const who = describeActor(d);
  $('whoami').replaceChildren(
    h('span', { class: `avatar${who.token ? ' avatar-token' : ''}`, style: `--hue:${who.hue}`, 'aria-hidden': 'true' }, who.initials),
    h('span', { class: 'whoami-text' },
      h('strong', { 'data-testid': 'whoami-name' }, who.title),
      h('span', { class: 'muted' }, who.lines.join(' · '))),
  );
}

/** A verdict cell: colour, icon, word and a short source; the full answer on demand. */
function verdictButton(decision, testid, expanded, onclick, extraClass = '') {
  const first = decision.reasons[0];
  const short = decision.allowed
    ? (REASON_LABEL[first?.code]?.(first) ?? first?.code ?? '') + (decision.reasons.length > 1 ? ` +${decision.reasons.length - 1}` : '')
    : DENY_LABEL[decision.deny?.code] ?? decision.deny?.code ?? '';
  const title = decision.allowed
    ? `Allowed: ${decision.reasons.map((r) => r.message.replaceAll('`', '')).join('; ')}`
    : `Denied: ${(decision.deny?.message ?? '').replaceAll('`', '')}`;
  return h('button', {
    type: 'button',
    class: `verdict ${decision.allowed ? 'allow' : 'deny'} ${extraClass}`,
    'data-testid': testid,
    'data-allowed': String(decision.allowed),
    'aria-expanded': String(expanded),
    title,
    onclick,
  },
  h('span', { class: 'verdict-icon', 'aria-hidden': 'true' }, tick(decision.allowed)),
  h('span', { class: 'verdict-word' }, decision.allowed ? 'Allow' : 'Deny'),
  h('span', { class: 'verdict-src' }, short));
}

/** The full explanation of one decision. */
function explanation(d, decision, scope, resource, testid, onClose, effective) {
  return h('div', { class: `why ${decision.allowed ? 'allow' : 'deny'}`, 'data-testid': testid },
    h('div', { class: 'why-head' },
      h('p', {},
        h('strong', {}, actorName(d)), ' → ', h('code', {}, scope), ' on ', h('code', {}, resource), ': ',
        h('span', { class: `pill ${decision.allowed ? 'pill-allow' : 'pill-deny'}` }, `${tick(decision.allowed)} ${decision.allowed ? 'allowed' : 'denied'}`)),
      h('button', { type: 'button', class: 'btn btn-small btn-ghost', onclick: onClose, 'aria-label': 'Close the explanation' }, 'Close')),
    decision.allowed
      ? h('div', {}, h('p', { class: 'why-label' }, decision.reasons.length > 1 ? 'Granted by each of:' : 'Granted by:'),
        h('ul', { class: 'why-list' }, decision.reasons.map((r) =>
          h('li', {}, h('span', { class: 'code-tag' }, r.code), ' ', rich(r.message)))))
      : h('p', { class: 'why-deny' }, h('span', { class: 'code-tag code-tag-deny' }, decision.deny?.code ?? 'deny'), ' ', rich(decision.deny?.message ?? '')),
    effective ? h('p', { class: 'muted why-foot' }, 'Effective permission on this stack: ', h('strong', {}, effective), '.') : null,
  );
}

function renderOrgActions(d) {
  const resource = S.org;
  const box = $('org-actions');
  box.replaceChildren(...ORG_ACTIONS.map((a) => {
    const decision = S.engine.explain(S.actor, a.scope, resource);
    return h('div', { class: 'org-action' },
      h('span', { class: 'org-action-label' }, a.label, h('code', {}, a.scope)),
      verdictButton(decision, `org:${a.key}`, S.orgOpen === a.key, () => {
        S.orgOpen = S.orgOpen === a.key ? null : a.key;
        renderOrgActions(data());
      }));
  }));
  const open = ORG_ACTIONS.find((a) => a.key === S.orgOpen);
  $('org-why').replaceChildren(open
    ? explanation(d, S.engine.explain(S.actor, open.scope, resource), open.scope, resource, `why:org:${open.key}`, () => {
      S.orgOpen = null;
      renderOrgActions(data());
      document.querySelector(`[data-testid="org:${open.key}"]`)?.focus();
    })
    : '');
}

function renderMatrix(d) {
  const org = orgOf(d);
  const stacks = org?.stacks ?? [];
  const who = `${S.actor}@${S.org}`;
  const prev = S.prev.who === who ? S.prev.cells : new Map();
  const cells = new Map();

  $('matrix-sub').replaceChildren(`What `, h('strong', {}, actorName(d)), ` may do on the ${stacks.length} stacks of `, h('code', {}, S.org), '.');
  $('matrix-caption').textContent = `Stack actions for ${actorName(d)} in ${S.org}`;
  $('matrix-head').replaceChildren(h('tr', {},
    h('th', { scope: 'col', class: 'col-stack' }, 'Stack'),
    ACTIONS.map((a) => h('th', { scope: 'col' }, h('span', { class: 'th-label' }, a.label), h('code', { class: 'th-scope' }, a.scope))),
  ));

  const rows = [];
  for (const s of stacks) {
    const id = `${s.project}/${s.name}`;
    const resource = `${S.org}/${id}`;
    const effective = S.engine.effectivePermission(S.actor, 'stack', resource);
    const creator = s.creator?.user ? `created by ${s.creator.user}` : s.creator?.token ? `created by token ${s.creator.token}` : 'no creator on record';
    const row = h('tr', { 'data-testid': `row:${id}` },
      h('th', { scope: 'row', class: 'col-stack' },
        h('span', { class: 'stack-line' },
          h('span', { class: 'stack-name' }, h('span', { class: 'muted' }, `${s.project}/`), s.name),
          h('span', { class: `level level-${effective}`, 'data-testid': `effective:${id}`, title: `effective permission: ${effective}` }, effective)),
        h('span', { class: 'stack-meta' },
          Object.entries(s.tags ?? {}).map(([k, v]) => h('span', { class: 'tag' }, v === 'true' ? k : `${k}:${v}`)),
          h('span', { class: 'creator' }, creator))),
    );
    for (const a of ACTIONS) {
      const decision = S.engine.explain(S.actor, a.scope, resource);
      const key = `${id}:${a.key}`;
      cells.set(key, decision.allowed);
      const changed = prev.has(key) && prev.get(key) !== decision.allowed;
      const isOpen = S.open?.stack === id && S.open?.action === a.key;
      const button = verdictButton(decision, `cell:${key}`, isOpen, () => {
        S.open = isOpen ? null : { stack: id, action: a.key };
        renderMatrix(data());
        document.querySelector(`[data-testid="cell:${CSS.escape(key)}"]`)?.focus();
      }, changed ? 'changed' : '');
      if (isOpen) button.setAttribute('aria-controls', 'matrix-why');
      button.setAttribute('aria-label', `${a.label} ${id}: ${decision.allowed ? 'allowed' : 'denied'}, ${button.querySelector('.verdict-src').textContent}`);
      row.append(h('td', {}, button));
    }
    rows.push(row);
    if (S.open?.stack === id) {
      const a = ACTIONS.find((x) => x.key === S.open.action);
      const decision = S.engine.explain(S.actor, a.scope, resource);
      rows.push(h('tr', { class: 'why-row' }, h('td', { colspan: String(1 + ACTIONS.length), id: 'matrix-why' },
        explanation(d, decision, a.scope, resource, `why:${id}:${a.key}`, () => {
          S.open = null;
          renderMatrix(data());
          document.querySelector(`[data-testid="cell:${CSS.escape(`${id}:${a.key}`)}"]`)?.focus();
        }, effective))));
    }
  }
  if (!stacks.length) rows.push(h('tr', {}, h('td', { colspan: String(1 + ACTIONS.length), class: 'empty' }, `No stacks in ${S.org}.`)));
  $('matrix-body').replaceChildren(...rows);
  S.prev = { who, cells };
}

/** A padlock, open or closed (inline SVG: no icon font, no emoji font needed). */
function lockIcon(open) {
  const span = h('span', { class: 'access-icon', 'aria-hidden': 'true' });
  span.innerHTML = `<svg viewBox="0 0 20 20" width="18" height="18"><rect x="3.5" y="9" width="13" height="9" rx="2" fill="currentColor"/>`
    + `<path d="${open ? 'M6.5 9V6.5a3.5 3.5 0 0 1 6.8-1.2' : 'M6.5 9V6.5a3.5 3.5 0 0 1 7 0V9'}" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg>`;
  return span;
}

function accessLine(el, decision, can, cannot) {
  el.className = `access ${decision.allowed ? 'access-yes' : 'access-no'}`;
  el.dataset.allowed = String(decision.allowed);
  el.replaceChildren(
    lockIcon(decision.allowed),
    h('span', {},
      decision.allowed ? can : cannot, ' ',
      h('span', { class: 'muted' }, decision.allowed
        ? ['(', rich(decision.reasons.map((r) => r.message).join('; ')), ')']
        : ['(', rich(decision.deny?.message ?? ''), ')'])),
  );
}

function renderSettings(d) {
  const settings = S.engine.settings(S.org);
  const decision = S.engine.explain(S.actor, 'organization:update', S.org);
  accessLine($('settings-access'), decision,
    `${actorName(d)} can change these settings.`,
    `${actorName(d)} cannot change these settings; try one to see the engine refuse it.`);
  if (!settings) return;
  $('setting-defaultStackPermission').value = settings.defaultStackPermission;
  $('setting-tokenExpiryPolicyDays').value = settings.tokenExpiryPolicyDays == null ? '' : String(settings.tokenExpiryPolicyDays);
  if (settings.tokenExpiryPolicyDays != null && $('setting-tokenExpiryPolicyDays').value !== String(settings.tokenExpiryPolicyDays)) {
    const sel = $('setting-tokenExpiryPolicyDays');
    sel.append(h('option', { value: String(settings.tokenExpiryPolicyDays) }, `Expire within ${settings.tokenExpiryPolicyDays} days`));
    sel.value = String(settings.tokenExpiryPolicyDays);
  }
  for (const [name] of TOGGLES) {
    const input = $(`setting-${name}`);
    input.checked = settings[name];
    input.setAttribute('aria-checked', String(settings[name]));
  }
}

function buildToggles() {
  $('toggles').replaceChildren(...TOGGLES.map(([name, label, hint]) =>
    h('li', { class: 'toggle' },
      h('input', {
        type: 'checkbox', role: 'switch', id: `setting-${name}`, 'data-testid': `setting:${name}`,
        'aria-describedby': `hint-${name}`,
        onchange: (e) => changeSetting({ [name]: e.target.checked }, `${label}: ${e.target.checked ? 'on' : 'off'}`),
      }),
      h('label', { for: `setting-${name}` }, h('span', { class: 'switch', 'aria-hidden': 'true' }), h('span', { class: 'toggle-label' }, label)),
      h('p', { class: 'hint', id: `hint-${name}` }, hint))));
}

/** The answer of a management action, shown where it was made. */
function showResult(el, ok, title, err) {
  el.dataset.state = ok ? 'ok' : 'refused';
  if (ok) {
    delete el.dataset.code;
    el.replaceChildren(h('div', { class: 'callout callout-ok' },
      h('span', { class: 'callout-icon', 'aria-hidden': 'true' }, '✓'), h('div', {}, rich(title))));
    return;
  }
  el.dataset.code = err.code;
  const reason = err.details?.deny?.message ?? err.message;
  el.replaceChildren(h('div', { class: 'callout callout-refused' },
    h('span', { class: 'callout-icon', 'aria-hidden': 'true' }, '✕'),
    h('div', {},
      h('p', { class: 'callout-title' }, rich(title)),
      h('p', {}, h('span', { class: 'code-tag code-tag-deny', 'data-testid': 'error-code' }, err.code),
        err.details?.deny ? [' ', h('span', { class: 'code-tag' }, err.details.deny.code)] : null,
        ' ', h('span', { 'data-testid': 'error-reason' }, rich(reason))),
      err.details?.action ? h('p', { class: 'muted' }, 'Action checked: ', h('code', {}, err.details.action)) : null)));
}

/** Runs one engine call; a `ScopegateError` is an answer to show, anything else a real bug. */
function attempt(fn) {
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    if (err?.name !== 'ScopegateError') throw err;
    return { ok: false, err };
  }
}

function changeSetting(patch, label) {
  const d = data();
  const who = actorName(d);
  const r = attempt(() => S.engine.updateSettings(S.actor, S.org, patch));
  showResult($('settings-result'), r.ok,
    r.ok ? `${who} changed “${label}”.` : `${who} may not change “${label}”.`, r.err);
  render();
}

function renderTeams(d) {
  const org = orgOf(d);
  const teams = org?.teams ?? [];
  if (!teams.some((t) => t.name === S.team)) S.team = teams[0]?.name ?? null;
  const picker = $('team-picker');
  picker.replaceChildren(
    h('legend', { class: 'visually-hidden' }, 'Team'),
    ...teams.map((t) => h('label', { class: 'seg' },
      h('input', {
        type: 'radio', name: 'team', value: t.name, checked: t.name === S.team,
        'data-testid': `team-tab:${t.name}`,
        onchange: () => { S.team = t.name; render(); },
      }),
      h('span', {}, t.displayName ?? t.name))),
  );
  const view = $('team-view');
  const team = teams.find((t) => t.name === S.team);
  if (!team) {
    view.replaceChildren(h('p', { class: 'muted' }, `${S.org} has no teams.`));
    return;
  }
  const access = h('p', { class: 'access', 'data-testid': 'team-access' });
  accessLine(access, S.engine.explain(S.actor, 'team:update', `${S.org}/${team.name}`),
    `${actorName(d)} can edit ${team.displayName ?? team.name}.`,
    `${actorName(d)} cannot edit ${team.displayName ?? team.name}.`);

  const everyone = [...new Set([...team.admins, ...team.members])];
  const candidates = (org.members ?? []).map((m) => m.login).filter((l) => !everyone.includes(l));
  const members = h('ul', { class: 'people', 'data-testid': 'team-members' }, everyone.map((login) =>
    h('li', { class: 'person' },
      h('span', { class: 'avatar avatar-small', style: `--hue:${[...login].reduce((a, c) => a + c.charCodeAt(0) * 37, 0) % 360}`, 'aria-hidden': 'true' }, login.slice(0, 2).toUpperCase()),
      h('span', {}, userName(d, login), ' ', h('span', { class: 'muted' }, login)),
      team.admins.includes(login) ? h('span', { class: 'badge', 'data-testid': `team-admin:${login}` }, 'team admin') : null,
      h('button', {
        type: 'button', class: 'btn btn-small btn-ghost', 'aria-label': `Remove ${login} from ${team.name}`,
        'data-testid': `remove-member:${login}`,
        onclick: () => teamAction(`remove ${login} from team \`${team.name}\``,
          () => S.engine.removeTeamMember(S.actor, S.org, team.name, login)),
      }, 'Remove'))));

  const addForm = h('form', {
    class: 'add-member',
    onsubmit: (e) => {
      e.preventDefault();
      const login = e.target.elements.login.value;
      const admin = e.target.elements.admin.checked;
      if (!login) return;
      teamAction(`add ${login} to team \`${team.name}\`${admin ? ' as team admin' : ''}`,
        () => S.engine.setTeamMember(S.actor, S.org, team.name, login, admin));
    },
  },
  h('div', { class: 'field field-inline' },
    h('label', { for: 'add-login' }, 'Add member'),
    h('select', { id: 'add-login', name: 'login', 'data-testid': 'add-member-login' },
      candidates.length ? candidates.map((l) => h('option', { value: l }, l)) : h('option', { value: '' }, 'everyone is in'))),
  h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'admin', 'data-testid': 'add-member-admin' }), ' team admin'),
  h('button', { type: 'submit', class: 'btn btn-small', 'data-testid': 'add-member-submit', disabled: !candidates.length }, 'Add'));

  const grants = h('table', { class: 'grants', 'data-testid': 'grants' },
    h('caption', { class: 'visually-hidden' }, `Stack grants of team ${team.name}`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Stack'), h('th', { scope: 'col' }, 'Team permission'))),
    h('tbody', {}, (org.stacks ?? []).map((s) => {
      const id = `${s.project}/${s.name}`;
      const level = team.stacks?.[id] ?? 'none';
      const selectId = `grant-${team.name}-${id.replace(/[^a-z0-9-]/gi, '_')}`;
      return h('tr', { class: level === 'none' ? 'grant-none' : '' },
        h('th', { scope: 'row' }, h('label', { for: selectId }, h('span', { class: 'muted' }, `${s.project}/`), s.name)),
        h('td', {}, h('select', {
          id: selectId, class: `level-select level-${level}`, 'data-testid': `grant:${team.name}:${id}`,
          onchange: (e) => {
            const to = e.target.value;
            teamAction(`set team \`${team.name}\` to \`${to}\` on \`${id}\``,
              () => S.engine.setTeamPermission(S.actor, S.org, team.name, 'stack', id, to));
          },
        }, LEVELS.map((l) => h('option', { value: l, selected: l === level }, l)))));
    })));

  view.replaceChildren(
    h('div', { class: 'team-intro' },
      h('h3', { class: 'team-name' }, team.displayName ?? team.name, ' ', h('code', {}, team.name)),
      team.kind === 'github' ? h('span', { class: 'badge badge-muted' }, 'GitHub team') : null,
      team.description ? h('p', { class: 'muted' }, team.description) : null,
      team.roles?.length ? h('p', { class: 'muted' }, 'Roles: ', team.roles.map((r, i) => [i ? ', ' : '', h('code', {}, r)])) : null),
    access,
    h('div', { class: 'team-cols' },
      h('div', {}, h('h4', {}, 'Members'), members, addForm,
        h('p', { class: 'hint team-hint' }, 'Team admins may change their own team’s members, stack grants and tokens. ',
          'Members inherit every grant of the team; try a grant here, then act as a member and watch the matrix.')),
      h('div', {}, h('h4', {}, 'Stack grants'), h('div', { class: 'grants-scroll' }, grants))),
  );
}

function teamAction(what, fn) {
  const who = actorName(data());
  const r = attempt(fn);
  showResult($('team-result'), r.ok, r.ok ? `${who}: ${what} — done.` : `${who} may not ${what}.`, r.err);
  render();
}

// ---------------------------------------------------------------- tokens

function renderCredentials() {
  $('cred-list').replaceChildren(...S.credentials.map((c) =>
    h('li', {},
      h('span', { class: 'cred-label' }, c.label, c.expect ? h('span', { class: 'badge badge-muted' }, c.expect) : null),
      h('button', {
        type: 'button', class: 'btn btn-small', 'data-testid': `paste:${c.id}`,
        'aria-label': `Paste ${c.label} into the credential field`,
        onclick: () => { $('credential').value = c.token; $('credential').focus(); },
      }, 'Paste'),
      h('code', { class: 'cred-token' }, c.token))));
}

function checkCredential(credential) {
  const el = $('auth-result');
  const r = attempt(() => S.engine.authenticate(credential, { organization: S.org }));
  if (!r.ok) {
    el.dataset.state = 'refused';
    el.dataset.code = r.err.code;
    el.replaceChildren(h('div', { class: 'callout callout-refused' },
      h('span', { class: 'callout-icon', 'aria-hidden': 'true' }, '✕'),
      h('div', {},
        h('p', { class: 'callout-title' }, 'Refused'),
        h('p', {}, h('span', { class: 'code-tag code-tag-deny', 'data-testid': 'auth-code' }, r.err.code), ' ', rich(r.err.message)),
        r.err.code === 'token_expired' ? h('p', { class: 'muted' }, `Checked at ${when(nowSecs())}.`) : null)));
    return;
  }
  const a = r.value;
  el.dataset.state = 'ok';
  el.dataset.code = 'ok';
  const kind = { personal: 'Personal', organization: 'Organization', team: 'Team' }[a.kind] ?? a.kind;
  el.replaceChildren(h('div', { class: 'callout callout-ok' },
    h('span', { class: 'callout-icon', 'aria-hidden': 'true' }, '✓'),
    h('div', {},
      h('p', { class: 'callout-title' }, `${kind} token`, a.signed ? ' · signed' : ' · opaque'),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Principal'), h('dd', { 'data-testid': 'auth-principal' }, h('code', {}, a.principal ?? '(claims only)')),
        h('dt', {}, a.kind === 'personal' ? 'User' : a.kind === 'team' ? 'Team' : 'Acts as'), h('dd', {}, a.subject),
        h('dt', {}, 'Organization'), h('dd', {}, a.organization ?? 'any of the user’s'),
        h('dt', {}, 'Expires'), h('dd', {}, a.expires ? when(a.expires) : 'never')),
      a.principal
        ? h('button', { type: 'button', class: 'btn btn-small btn-primary', 'data-testid': 'auth-act-as', onclick: () => actAs(a.principal) }, 'Act as this token')
        : null)));
}

function renderMintOptions(d) {
  const org = orgOf(d);
  const roleSel = $('mint-role');
  const role = roleSel.value || 'member';
  roleSel.replaceChildren(
    h('option', { value: 'member' }, 'Member'),
    h('option', { value: 'admin' }, 'Admin'),
    (org?.roles ?? []).map((r) => h('option', { value: r.name }, `${r.name} (custom)`)));
  roleSel.value = [...roleSel.options].some((o) => o.value === role) ? role : 'member';
  const teamSel = $('mint-team');
  const team = teamSel.value;
  teamSel.replaceChildren(...(org?.teams ?? []).map((t) => h('option', { value: t.name }, t.displayName ?? t.name)));
  if ([...teamSel.options].some((o) => o.value === team)) teamSel.value = team;
  $('mint-submit').textContent = `Mint as ${actorName(d)}`;
  syncMintFields();
}

function syncMintFields() {
  const kind = $('mint-kind').value;
  $('mint-role-field').hidden = kind !== 'organization';
  $('mint-team-field').hidden = kind !== 'team';
  $('mint-name-field').hidden = kind === 'personal';
}

function mint() {
  const kind = $('mint-kind').value;
  const signed = $('mint-format').value === 'signed';
  const ttl = Number($('mint-expires').value);
  const now = nowSecs();
  const request = { kind, expires: ttl ? now + ttl : 0 };
  if (kind !== 'personal') {
    request.organization = S.org;
    request.name = $('mint-name').value.trim();
  }
  if (kind === 'organization') request.role = $('mint-role').value;
  if (kind === 'team') request.team = $('mint-team').value;
  const who = actorName(data());
  const r = attempt(() => S.engine.mintToken(S.actor, request, signed ? { now, signingKey: S.key } : { now }));
  const el = $('mint-result');
  if (!r.ok) {
    showResult(el, false, `${who} may not mint this ${kind} token.`, r.err);
    return;
  }
  const m = r.value;
  S.minted.set(m.id, { kind, signed });
  el.dataset.state = 'ok';
  delete el.dataset.code;
  const principal = `token:${m.id}`;
  el.replaceChildren(h('div', { class: 'callout callout-ok' },
    h('span', { class: 'callout-icon', 'aria-hidden': 'true' }, '✓'),
    h('div', { class: 'minted' },
      h('p', { class: 'callout-title' }, `${who} minted a ${signed ? 'signed' : 'opaque'} ${kind} token. It is shown once:`),
      h('label', { for: 'minted-token', class: 'visually-hidden' }, 'Minted token'),
      h('textarea', { id: 'minted-token', class: 'token-out', 'data-testid': 'mint-token', readonly: true, rows: signed ? '5' : '1', spellcheck: 'false' }, m.token),
      h('p', { class: 'muted' }, 'Record ', h('code', {}, m.id), ' is stored in the engine (its ', signed ? 'id for revocation' : 'SHA-256 digest', ', not the secret).'),
      h('div', { class: 'row' },
        h('button', { type: 'button', class: 'btn btn-small btn-primary', 'data-testid': 'mint-act-as', onclick: () => actAs(principal) }, 'Act as this token'),
        h('button', {
          type: 'button', class: 'btn btn-small', 'data-testid': 'mint-check',
          onclick: () => { $('credential').value = m.token; checkCredential(m.token); },
        }, 'Check it above'),
        h('button', {
          type: 'button', class: 'btn btn-small btn-ghost',
          onclick: (e) => navigator.clipboard?.writeText(m.token).then(() => { e.target.textContent = 'Copied'; }, () => { e.target.textContent = 'Copy failed'; }),
        }, 'Copy')))));
  render();
}

function actAs(principal) {
  S.actor = principal;
  S.open = null;
  render();
  $('act-as').focus();
  $('whoami').scrollIntoView({ block: 'nearest' });
}

// ---------------------------------------------------------------- start

async function fetchJSON(path) {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}

function build() {
  S.engine?.free?.();
  S.engine = new Scopegate(S.base);
  S.minted.clear();
}

async function main() {
  await init();
  const [snapshot, creds] = await Promise.all([fetchJSON('./demo-snapshot.json'), fetchJSON('./demo-credentials.json')]);
  // A demo signing key, made fresh in this tab: its public half joins the snapshot's keys, so
  // tokens signed with it validate; the private half never leaves the page.
  S.key = Scopegate.generateSigningKey('demo-page-key');
  snapshot.signing = {
    ...(snapshot.signing ?? {}),
    keys: [...(snapshot.signing?.keys ?? []), { kid: S.key.kid, alg: S.key.alg, publicKey: S.key.publicKey }],
  };
  S.base = snapshot;
  S.credentials = creds.credentials;
  build();

  buildToggles();
  renderCredentials();
  $('signing-key-note').replaceChildren('Signed tokens use the demo Ed25519 key ', h('code', {}, S.key.kid),
    ', generated in this tab at load; its public half was added to the snapshot’s ', h('code', {}, 'signing.keys'), '.');

  $('act-as').addEventListener('change', (e) => actAs(e.target.value));
  $('org').addEventListener('change', (e) => { S.org = e.target.value; S.open = null; S.orgOpen = null; render(); });
  $('reset').addEventListener('click', () => {
    build();
    for (const id of ['settings-result', 'team-result', 'auth-result', 'mint-result']) {
      $(id).replaceChildren();
      delete $(id).dataset.state;
      delete $(id).dataset.code;
    }
    render();
  });
  $('setting-defaultStackPermission').addEventListener('change', (e) =>
    changeSetting({ defaultStackPermission: e.target.value }, `Default stack permission: ${e.target.value}`));
  $('setting-tokenExpiryPolicyDays').addEventListener('change', (e) => {
    const days = e.target.value ? Number(e.target.value) : null;
    changeSetting({ tokenExpiryPolicyDays: days }, days ? `Token expiry policy: ${days} days` : 'Token expiry policy: none');
  });
  $('settings-form').addEventListener('submit', (e) => e.preventDefault());
  $('auth-form').addEventListener('submit', (e) => { e.preventDefault(); checkCredential($('credential').value.trim()); });
  $('mint-form').addEventListener('submit', (e) => { e.preventDefault(); mint(); });
  $('mint-kind').addEventListener('change', syncMintFields);

  for (const id of ['act-as', 'org', 'reset']) $(id).disabled = false;
  for (const id of ['matrix-panel', 'settings-panel', 'teams-panel', 'tokens-panel']) $(id).hidden = false;
  $('boot').remove();
  render();
  document.body.dataset.ready = 'true';
}

main().catch((err) => {
  const boot = $('boot');
  if (boot) {
    boot.className = 'boot boot-failed';
    boot.textContent = `The engine did not start: ${err?.message ?? err}`;
  }
  throw err;
});

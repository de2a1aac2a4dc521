// The sample site. It holds no authorization logic: every allow, deny, refusal and token answer
// below comes from the engine (`explain`, `effectivePermission`, `settings`, the management
// actions, `authenticate`, `mintToken`). The page turns the engine's answers into markup.
//
// Drawing: each region is built once and then updated in place. After every change the page asks
// the engine again and touches only the nodes whose answer differs from what they show (a
// signature per node), so focus, scroll position and screen-reader context survive. The
// organization's structure (teams, members, stacks, token records) is read with `toJSON()` at
// load, on reset and after a change that alters it, never to redraw.

import init, { Scopegate } from './pkg/scopegate.js';
import { auditPanel } from './audit.js';
import { previewer } from './preview.js';

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

/** The engine's limits, mirrored in the forms (the engine still decides). */
const LIMITS = { tokenName: 40, policyMinDays: 1, policyMaxDays: 3650 };

const DAY = 86400;
/** Expiry choices of the mint form, in seconds from now (0: never). */
const EXPIRY_CHOICES = [
  [3600, 'In 1 hour'],
  [DAY, 'In 1 day'],
  [7 * DAY, 'In 7 days'],
  [30 * DAY, 'In 30 days'],
  [90 * DAY, 'In 90 days'],
  [365 * DAY, 'In 1 year'],
  [0, 'Never'],
];
const DEFAULT_EXPIRY = 30 * DAY;

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
/** Short labels for `authenticate`'s refusals of a token. */
const REFUSAL_LABEL = {
  token_expired: 'expired',
  token_revoked: 'deleted',
  token_not_yet_valid: 'not valid yet',
  expiry_policy_violation: 'over the expiry policy',
  wrong_organization: 'other organization',
  unknown_token: 'unknown token',
  bad_signature: 'bad signature',
  unknown_key: 'unknown key',
};

const ROLE_LABEL = { admin: 'Admin', member: 'Member', 'billing-manager': 'Billing Manager' };
const KIND_LABEL = { personal: 'Personal', organization: 'Organization', team: 'Team' };

const S = {
  engine: null,
  base: null,
  key: null,
  credentials: [],
  secrets: new Map(), // token id → token string (the demo credentials and every token minted here)
  minted: new Map(), // token id → how it was minted
  model: null, // the engine's state (toJSON), refreshed only when the structure changes
  actor: 'user:max',
  org: 'acme',
  team: null,
  open: null, // { stack: 'project/name', action: key } of the expanded matrix cell
  orgOpen: null, // key of the expanded organization action
  refusal: null, // authenticate's error for the acting token, if it refuses it
  changes: 0, // successful changes made to the engine: answers asked before one are stale
};

const $ = (id) => document.getElementById(id);

/** The pending preview (www/preview.js) and the audit panel (www/audit.js), made at start. */
let PV = null;
let AUDIT = null;

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

/** Replaces an element's children, flattening arrays and skipping empty ones (as `h` does). */
function fill(el, ...children) {
  const tmp = h('div', {}, ...children);
  el.replaceChildren(...tmp.childNodes);
  return el;
}

/** Runs `draw` only when `value` differs from what the node was last drawn from. */
function once(el, value, draw) {
  const key = typeof value === 'string' ? value : JSON.stringify(value);
  if (el.__sig === key) return false;
  el.__sig = key;
  draw();
  return true;
}

function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

function setAttr(el, name, value) {
  if (value == null) el.removeAttribute(name);
  else if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

// ---------------------------------------------------------------- words and dates

const DATE_FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const nowSecs = () => Math.floor(Date.now() / 1000);
const dateText = (secs) => DATE_FORMAT.format(new Date(secs * 1000));
/** A date as a `<time>`: the reader's locale and zone, the exact instant in `datetime`. */
function timeEl(secs) {
  const iso = new Date(secs * 1000).toISOString().replace('.000Z', 'Z');
  return h('time', { datetime: iso, title: iso }, dateText(secs));
}

const plural = (n, one, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`;
const article = (word) => (/^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`);

/** Seconds since the epoch in a message (10 digits, 2001–2096) are shown as dates. */
const EPOCH = /\b([1-3]\d{9})\b/g;

/** The engine's messages quote names in backticks: render those as code, timestamps as dates. */
function rich(text) {
  const frag = document.createDocumentFragment();
  String(text ?? '').split('`').forEach((part, i) => {
    if (!part) return;
    if (i % 2) {
      frag.append(h('code', {}, part));
      return;
    }
    let last = 0;
    for (const m of part.matchAll(EPOCH)) {
      frag.append(part.slice(last, m.index), timeEl(Number(m[1])));
      last = m.index + m[0].length;
    }
    frag.append(part.slice(last));
  });
  return frag;
}

/** The same text, plain, for announcements and titles. */
function plain(text) {
  return String(text ?? '').replaceAll('`', '').replace(EPOCH, (_, s) => dateText(Number(s)));
}

const tick = (allowed) => (allowed ? '✓' : '✕');

// ---------------------------------------------------------------- the engine's state

function refreshModel() {
  S.model = S.engine.toJSON();
}

function orgOf() {
  return S.model.organizations.find((o) => o.name === S.org) ?? null;
}

function roleLabel(role) {
  return ROLE_LABEL[role] ?? `${role} (custom role)`;
}

function userName(login) {
  return S.model.users?.find((u) => u.login === login)?.name ?? login;
}

/** A principal string of the engine (`user:max`, `token:<id>`) as a name to show. */
function principalName(principal) {
  if (principal.startsWith('user:')) return userName(principal.slice(5));
  const id = principal.replace(/^token:/, '');
  const found = tokenRecords().find(({ t }) => t.id === id);
  return found?.t.name ?? found?.t.description ?? id;
}

/** Every token record, with where it lives. */
function tokenRecords() {
  const out = [];
  for (const o of S.model.organizations) for (const t of o.tokens ?? []) out.push({ t, org: o.name });
  for (const u of S.model.users ?? []) for (const t of u.tokens ?? []) out.push({ t, user: u.login, kind: 'personal' });
  return out;
}

/**
 * What `authenticate` says about a token on record, checked now against the selected
 * organization; the page knows the credential of every demo token and of every token minted here.
 */
function tokenStatus(id) {
  const secret = S.secrets.get(id);
  if (!secret) return { known: false };
  // The same answer until a change, another organization or the next minute (tokens expire).
  const cache = cached('tokens', `${S.changes}|${S.org}|${Math.floor(nowSecs() / 60)}`);
  if (cache.has(id)) return cache.get(id);
  let status;
  try {
    S.engine.authenticate(secret, { now: nowSecs(), organization: S.org });
    status = { known: true, ok: true };
  } catch (err) {
    if (err?.name !== 'ScopegateError') throw err;
    status = { known: true, ok: false, err };
  }
  cache.set(id, status);
  return status;
}

/**
 * Answers are asked once per state: a map that is emptied when `key` (what the answers depend
 * on: the changes made so far, the actor, the organization) differs from the last one.
 */
const CACHES = new Map();
function cached(name, key) {
  let c = CACHES.get(name);
  if (!c || c.key !== key) {
    c = { key, map: new Map() };
    CACHES.set(name, c);
  }
  return c.map;
}

function refusalWords(err, record) {
  const label = REFUSAL_LABEL[err.code] ?? err.code.replaceAll('_', ' ');
  if (err.code === 'token_expired' && record?.expires) return `expired ${dateText(record.expires)}`;
  if (err.code === 'token_not_yet_valid' && record?.created) return `not valid before ${dateText(record.created)}`;
  return label;
}

/** Every principal a visitor may act as: users, usable tokens, then the tokens authenticate refuses. */
function principals() {
  const org = orgOf();
  const logins = new Set((S.model.users ?? []).map((u) => u.login));
  for (const o of S.model.organizations) for (const m of o.members ?? []) logins.add(m.login);
  const people = [...logins].map((login) => {
    const member = org?.members?.find((m) => m.login === login);
    const role = member ? roleLabel(member.role ?? 'member') : `not in ${S.org}`;
    return { value: `user:${login}`, label: `${userName(login)} (${login}) — ${role}` };
  });
  const tokens = [];
  const refused = [];
  for (const { t, org: o, user } of tokenRecords()) {
    let label;
    if (user) label = `personal token of ${user} (${t.id.slice(0, 13)})`;
    else label = `${o} ${t.kind} token “${t.name}” — ${t.kind === 'team' ? `team ${t.team}` : roleLabel(t.role ?? 'member')}`;
    const extra = S.minted.has(t.id) ? 'minted here' : user && t.description ? t.description : '';
    const status = tokenStatus(t.id);
    const entry = { value: `token:${t.id}`, status };
    if (status.known && !status.ok) {
      entry.label = `${label} — refused: ${refusalWords(status.err, t)}`;
      refused.push(entry);
    } else {
      entry.label = extra ? `${label} · ${extra}` : label;
      tokens.push(entry);
    }
  }
  return { people, tokens, refused };
}

/** What the acting principal is, from the organization's data (for the summary card). */
function describeActor() {
  const org = orgOf();
  const at = S.actor.indexOf(':');
  const [type, id] = [S.actor.slice(0, at), S.actor.slice(at + 1)];
  if (type === 'user') {
    const member = org?.members?.find((m) => m.login === id);
    const teams = (org?.teams ?? []).filter((t) => t.members.includes(id) || t.admins.includes(id));
    const teamText = teams.map((t) => `${t.displayName ?? t.name}${t.admins.includes(id) ? ' (team admin)' : ''}`);
    return {
      initials: userName(id).split(/\s+/).map((w) => w[0]).join('').slice(0, 2).toUpperCase(),
      title: userName(id),
      lines: [
        member ? `${roleLabel(member.role ?? 'member')} of ${S.org}` : `not a member of ${S.org}`,
        teamText.length ? `teams: ${teamText.join(', ')}` : 'no teams',
      ],
      hue: [...id].reduce((a, c) => a + c.charCodeAt(0) * 37, 0) % 360,
    };
  }
  const found = tokenRecords().find((r) => r.t.id === id);
  if (found) {
    const { t, org: o, user } = found;
    const expiry = t.expires ? ['expires ', timeEl(t.expires)] : 'never expires';
    if (user) {
      return { initials: 'PT', title: `Personal token of ${userName(user)}`, lines: [`acts as ${user}`, expiry], hue: 280, token: true, record: t };
    }
    return {
      initials: t.kind === 'team' ? 'TT' : 'OT',
      title: `${t.kind === 'team' ? 'Team' : 'Organization'} token “${t.name}”`,
      lines: [t.kind === 'team' ? `team ${t.team} of ${o}` : `${roleLabel(t.role ?? 'member')} of ${o}`, expiry],
      hue: 200,
      token: true,
      record: t,
    };
  }
  return { initials: '?', title: S.actor, lines: ['unknown principal'], hue: 0 };
}

function actorName() {
  return describeActor().title;
}

/** Is the acting token refused by `authenticate`? Then no question is asked as it. */
function refreshRefusal() {
  const id = S.actor.startsWith('token:') ? S.actor.slice(6) : null;
  const status = id ? tokenStatus(id) : { known: false };
  S.refusal = status.known && !status.ok ? status.err : null;
}

/** One answer for a cell: the engine's explanation, or the credential's refusal. */
function answer(scope, resource) {
  const cache = cached('answers', `${S.changes}|${S.actor}|${S.org}|${S.refusal?.code ?? ''}`);
  const key = `${scope} ${resource}`;
  if (!cache.has(key)) cache.set(key, ask(scope, resource));
  return cache.get(key);
}

function effectivePermission(resource) {
  if (S.refusal) return 'none';
  const cache = cached('effective', `${S.changes}|${S.actor}|${S.org}`);
  if (!cache.has(resource)) cache.set(resource, S.engine.effectivePermission(S.actor, 'stack', resource));
  return cache.get(resource);
}

function ask(scope, resource) {
  if (S.refusal) {
    const code = S.refusal.code;
    return { allowed: false, refused: code, short: REFUSAL_LABEL[code] ?? code.replaceAll('_', ' '), sig: `refused:${code}:${S.refusal.message}` };
  }
  const decision = S.engine.explain(S.actor, scope, resource);
  const first = decision.reasons[0];
  const short = decision.allowed
    ? (REASON_LABEL[first?.code]?.(first) ?? first?.code ?? '') + (decision.reasons.length > 1 ? ` +${decision.reasons.length - 1}` : '')
    : DENY_LABEL[decision.deny?.code] ?? decision.deny?.code ?? '';
  return { allowed: decision.allowed, decision, short, sig: JSON.stringify(decision) };
}

// ---------------------------------------------------------------- announcements and results

/** One polite summary (or an assertive refusal) for screen readers; a new node re-announces. */
function announce(text, urgent = false) {
  $(urgent ? 'live-alert' : 'live-status').replaceChildren(h('p', {}, text));
  if (urgent) $('live-status').replaceChildren();
}

const RESULTS = ['settings-result', 'team-result', 'auth-result', 'mint-result'];

/** Each result's own place (the end of its panel or form), where it goes back when cleared. */
const HOME = new Map();

/** Empties a result and puts it back in its place. */
function clearResult(el) {
  el.replaceChildren();
  for (const k of Object.keys(el.dataset)) if (k !== 'testid') delete el.dataset[k];
  unlinkResult(el);
  const home = HOME.get(el.id);
  if (home && el.parentElement !== home) home.append(el);
}

/** Empties every result (a new actor, organization or reset: old answers no longer apply). */
function clearResults() {
  clearMarks();
  for (const id of RESULTS) clearResult($(id));
  T.view?.resultRow.remove();
  $('live-alert').replaceChildren();
}

/** Links a result to the control it answers (`aria-describedby`), undoing any earlier link. */
function linkResult(el, control) {
  unlinkResult(el);
  if (!control) return;
  const ids = (control.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
  if (!ids.includes(el.id)) control.setAttribute('aria-describedby', [...ids, el.id].join(' '));
  el.__control = control;
}

function unlinkResult(el) {
  const control = el.__control;
  if (!control) return;
  const ids = (control.getAttribute('aria-describedby') ?? '').split(/\s+/).filter((x) => x && x !== el.id);
  setAttr(control, 'aria-describedby', ids.length ? ids.join(' ') : null);
  el.__control = null;
}

/** Links a result to its control and scrolls both into view (below the sticky toolbar). */
function reveal(el, control) {
  linkResult(el, control);
  el.scrollIntoView({ block: 'nearest' });
  control?.scrollIntoView({ block: 'nearest' });
}

/** The answer of an action. Returns the text to announce. */
function showResult(el, ok, title, err, more) {
  el.dataset.state = ok ? 'ok' : 'refused';
  delete el.dataset.deny;
  delete el.dataset.action;
  if (ok) {
    delete el.dataset.code;
    fill(el, h('div', { class: 'callout callout-ok' },
      h('span', { class: 'callout-icon', 'aria-hidden': 'true' }, '✓'),
      h('div', {}, h('p', {}, rich(title)), more ? h('p', { class: 'result-more', 'data-testid': 'result-more' }, more) : null)));
    return plain(title) + (more ? ` ${more}` : '');
  }
  el.dataset.code = err.code;
  if (err.details?.deny?.code) el.dataset.deny = err.details.deny.code;
  if (err.details?.action) el.dataset.action = err.details.action;
  const reason = err.details?.deny?.message ?? err.message;
  fill(el, h('div', { class: 'callout callout-refused' },
    h('span', { class: 'callout-icon', 'aria-hidden': 'true' }, '✕'),
    h('div', {},
      h('p', { class: 'callout-title' }, rich(title)),
      h('p', {}, h('span', { class: 'code-tag code-tag-deny', 'data-testid': 'error-code' }, err.code),
        err.details?.deny ? [' ', h('span', { class: 'code-tag', 'data-testid': 'error-deny' }, err.details.deny.code)] : null,
        ' ', h('span', { 'data-testid': 'error-reason' }, rich(reason))),
      err.details?.action ? h('p', { class: 'muted' }, 'Action checked: ', h('code', {}, err.details.action)) : null)));
  return `${plain(title)} ${err.code}: ${plain(reason)}`;
}

/** Runs one engine call as the actor; a `ScopegateError` is an answer to show, anything else a bug. */
function attempt(fn, { asActor = true } = {}) {
  if (asActor && S.refusal) return { ok: false, err: S.refusal };
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    if (err?.name !== 'ScopegateError') throw err;
    return { ok: false, err };
  }
}

/** Every verdict on screen (matrix cells and organization actions), for the change summary. */
function verdicts() {
  const out = new Map();
  for (const [key, c] of M.cells) out.set(key, { allowed: c.allowed, label: c.name });
  for (const [key, c] of O.cells) out.set(`org:${key}`, { allowed: c.allowed, label: c.name });
  return out;
}

/** The cells the last change flipped, marked until the next change, actor or organization. */
const MARKED = new Set();
function clearMarks() {
  for (const node of MARKED) node.classList.remove('changed');
  MARKED.clear();
}

/** "2 cells now allowed for Tess: …", from two sets of verdicts; marks the cells that flipped. */
function summarize(before, after, who) {
  const allowed = [];
  const denied = [];
  clearMarks();
  for (const [key, v] of after) {
    const was = before.get(key);
    if (!was || was.allowed === v.allowed) continue;
    (v.allowed ? allowed : denied).push(v.label);
    const node = key.startsWith('org:') ? O.cells.get(key.slice(4))?.button : M.cells.get(key)?.button;
    if (node) {
      node.classList.add('changed');
      MARKED.add(node);
    }
  }
  const few = (list) => (list.length > 4 ? `${list.slice(0, 4).join(', ')} and ${list.length - 4} more` : list.join(', '));
  const parts = [];
  if (allowed.length) parts.push(`${plural(allowed.length, 'cell')} now allowed for ${who}: ${few(allowed)}.`);
  if (denied.length) parts.push(`${plural(denied.length, 'cell')} now denied for ${who}: ${few(denied)}.`);
  return parts.length ? parts.join(' ') : `No cell of the matrix changed for ${who}.`;
}

/**
 * A management action made as the actor: the engine decides, the page redraws what changed,
 * shows the answer next to `control`, announces it with the matrix summary, and keeps focus.
 */
function act({ fn, result, place, control, done, refused, structural = false, focusAfter }) {
  const before = verdicts();
  const who = actorName();
  const r = attempt(fn);
  if (r.ok) S.changes += 1;
  if (r.ok && structural) refreshModel();
  render();
  const text = r.ok
    ? showResult(result, true, done(r.value), null, summarize(before, verdicts(), who))
    : showResult(result, false, refused, r.err);
  place?.();
  reveal(result, control?.isConnected ? control : null);
  announce(text, !r.ok);
  keepFocus(focusAfter?.(r.ok) ?? control);
  return r;
}

/** Focus stays where it was, or goes to `target` if the focused node is gone or disabled. */
function keepFocus(target) {
  const el = document.activeElement;
  if (el && el !== document.body && el.isConnected && !el.disabled) return;
  if (target?.isConnected && !target.disabled) target.focus({ preventScroll: false });
}

// ---------------------------------------------------------------- drawing

function render() {
  PV?.close(false);
  refreshRefusal();
  renderToolbar();
  renderOrgActions();
  renderMatrix();
  renderAccess();
  renderSettings();
  renderTeamPicker();
  renderTeam();
  renderMintOptions();
}

function renderToolbar() {
  const sel = $('act-as');
  const { people, tokens, refused } = principals();
  const all = [...people, ...tokens, ...refused].map((p) => p.value);
  if (!all.includes(S.actor)) {
    S.actor = people[0]?.value ?? '';
    refreshRefusal();
  }
  once(sel, [people, tokens, refused].map((g) => g.map((p) => [p.value, p.label])), () => {
    fill(sel,
      h('optgroup', { label: 'People' }, people.map((p) => h('option', { value: p.value }, p.label))),
      h('optgroup', { label: 'Tokens' }, tokens.map((p) => h('option', { value: p.value }, p.label))),
      refused.length
        ? h('optgroup', { label: 'Tokens authenticate refuses' }, refused.map((p) => h('option', { value: p.value, dataset: { refused: p.status.err.code } }, p.label)))
        : null,
    );
  });
  if (sel.value !== S.actor) sel.value = S.actor;

  const orgSel = $('org');
  once(orgSel, S.model.organizations.map((o) => o.name), () => {
    fill(orgSel, ...S.model.organizations.map((o) => h('option', { value: o.name }, o.name)));
  });
  if (orgSel.value !== S.org) orgSel.value = S.org;

  const who = describeActor();
  const lines = who.lines.map((l) => (typeof l === 'string' ? l : l.map((x) => (typeof x === 'string' ? x : x.textContent)).join('')));
  once($('whoami'), [who.title, lines, who.hue, S.refusal?.code, S.refusal?.message], () => {
    $('whoami').classList.toggle('is-refused', !!S.refusal);
    fill($('whoami'),
      h('span', { class: `avatar${who.token ? ' avatar-token' : ''}`, style: `--hue:${who.hue}`, 'aria-hidden': 'true' }, who.initials),
      h('span', { class: 'whoami-text' },
        h('strong', { 'data-testid': 'whoami-name' }, who.title),
        h('span', { class: 'muted whoami-lines' }, who.lines.map((l, i) => [i ? ' · ' : '', l])),
        S.refusal
          ? h('span', { class: 'whoami-refused', 'data-testid': 'actor-refused', 'data-code': S.refusal.code },
            h('span', { class: 'code-tag code-tag-deny' }, S.refusal.code), ' ', rich(S.refusal.message),
            ' — no question is asked as this token.')
          : null),
    );
  });
}

/** Draws a verdict button from an answer (only when the answer differs from what it shows). */
function paintVerdict(btn, ans, name, expanded) {
  once(btn, [ans.sig, name], () => {
    const word = ans.refused ? 'Refused' : ans.allowed ? 'Allow' : 'Deny';
    btn.className = `verdict ${ans.allowed ? 'allow' : 'deny'}${ans.refused ? ' refused' : ''}${MARKED.has(btn) ? ' changed' : ''}`;
    btn.dataset.allowed = String(ans.allowed);
    if (ans.refused) btn.dataset.refused = ans.refused;
    else delete btn.dataset.refused;
    btn.querySelector('.verdict-icon').textContent = tick(ans.allowed);
    btn.querySelector('.verdict-word').textContent = word;
    btn.querySelector('.verdict-src').textContent = ans.short;
    // The name starts with what the cell shows, then says which action on what.
    btn.setAttribute('aria-label', `${word} ${ans.short}: ${name}`);
    btn.title = ans.refused
      ? `Refused: ${plain(S.refusal?.message)}`
      : ans.allowed
        ? `Allowed: ${ans.decision.reasons.map((r) => plain(r.message)).join('; ')}`
        : `Denied: ${plain(ans.decision.deny?.message)}`;
  });
  setAttr(btn, 'aria-expanded', String(expanded));
}

function verdictSkeleton(testid, onclick) {
  return h('button', { type: 'button', class: 'verdict', 'data-testid': testid, 'aria-expanded': 'false', onclick },
    h('span', { class: 'verdict-icon', 'aria-hidden': 'true' }),
    h('span', { class: 'verdict-word' }),
    ' ', // the visible text reads "Allow team platform", as the accessible name starts
    h('span', { class: 'verdict-src' }));
}

/** The full explanation of one answer. */
function explanation(ans, scope, resource, testid, onClose, effective) {
  const verdict = ans.refused ? 'refused' : ans.allowed ? 'allowed' : 'denied';
  const box = h('div', {
    class: `why ${ans.allowed ? 'allow' : 'deny'}`, 'data-testid': testid, role: 'group', 'aria-label': `Why: ${scope} on ${resource}`,
    dataset: ans.refused ? { refused: ans.refused } : ans.allowed ? { reasons: ans.decision.reasons.map((r) => r.code).join(' ') } : { deny: ans.decision.deny?.code ?? '' },
  },
  h('div', { class: 'why-head' },
    h('p', {},
      h('strong', {}, actorName()), ' → ', h('code', {}, scope), ' on ', h('code', {}, resource), ': ',
      h('span', { class: `pill ${ans.allowed ? 'pill-allow' : 'pill-deny'}` }, `${tick(ans.allowed)} ${verdict}`)),
    h('button', { type: 'button', class: 'btn btn-small btn-ghost', 'data-testid': 'why-close', onclick: onClose, 'aria-label': `Close the explanation of ${scope} on ${resource}` }, 'Close')),
  ans.refused
    ? h('p', { class: 'why-deny' }, h('span', { class: 'code-tag code-tag-deny' }, ans.refused), ' ', rich(S.refusal?.message),
      ' ', h('span', { class: 'muted' }, '(from authenticate: a request with this token gets no answer, so no scope is checked)'))
    : ans.allowed
      ? h('div', {}, h('p', { class: 'why-label' }, ans.decision.reasons.length > 1 ? 'Granted by each of:' : 'Granted by:'),
        h('ul', { class: 'why-list' }, ans.decision.reasons.map((r) =>
          h('li', { dataset: { code: r.code, ...pick(r, ['team', 'role', 'permission', 'permissionSet', 'setting']) } },
            h('span', { class: 'code-tag' }, r.code), ' ', rich(r.message)))))
      : h('p', { class: 'why-deny', dataset: pick(ans.decision.deny ?? {}, ['scope', 'permission', 'setting', 'organization']) },
        h('span', { class: 'code-tag code-tag-deny' }, ans.decision.deny?.code ?? 'deny'), ' ', rich(ans.decision.deny?.message ?? '')),
  effective ? h('p', { class: 'muted why-foot' }, 'Effective permission on this stack: ', h('strong', {}, effective), '.') : null);
  return box;
}

function pick(obj, keys) {
  const out = {};
  for (const k of keys) if (obj[k] != null) out[k] = String(obj[k]);
  return out;
}

// ---- organization actions

const O = { built: false, cells: new Map(), whySig: null };

function renderOrgActions() {
  const box = $('org-actions');
  if (!O.built) {
    fill(box, ...ORG_ACTIONS.map((a) => {
      const button = verdictSkeleton(`org:${a.key}`, () => toggleOrgWhy(a.key));
      button.setAttribute('aria-controls', 'org-why');
      O.cells.set(a.key, { button, allowed: null, name: `${a.label} (${a.scope})` });
      return h('div', { class: 'org-action', role: 'listitem' },
        h('span', { class: 'org-action-label', 'aria-hidden': 'true' }, a.label, h('code', {}, a.scope)),
        button);
    }));
    box.setAttribute('role', 'list');
    box.setAttribute('aria-label', 'Organization actions');
    O.built = true;
  }
  const answers = new Map();
  for (const a of ORG_ACTIONS) {
    const ans = answer(a.scope, S.org);
    answers.set(a.key, ans);
    const c = O.cells.get(a.key);
    c.allowed = ans.allowed;
    paintVerdict(c.button, ans, c.name, S.orgOpen === a.key);
  }
  const open = ORG_ACTIONS.find((a) => a.key === S.orgOpen);
  const why = $('org-why');
  once(why, open ? [open.key, answers.get(open.key).sig, actorName(), S.org] : '', () => {
    fill(why, open
      ? explanation(answers.get(open.key), open.scope, S.org, `why:org:${open.key}`, () => toggleOrgWhy(open.key))
      : '');
  });
}

function toggleOrgWhy(key) {
  S.orgOpen = S.orgOpen === key ? null : key;
  renderOrgActions();
  O.cells.get(key).button.focus();
}

// ---- the matrix

/** One organization's matrix: its rows and cells, kept once built (switching back re-attaches them). */
function matrixState(org) {
  return {
    org,
    structure: null, // what the rows were built from
    rows: new Map(), // stack id → { tr, level }
    cells: new Map(), // 'project/name:action' → { button, allowed, name, stack, action }
    order: [], // cell keys, row by row
    trs: [], // the body's rows, in order
    whyRow: null,
    active: null, // the cell holding the grid's tab stop
  };
}
const MATRICES = new Map();
let M = matrixState(null);

function buildMatrix(stacks) {
  if (!$('matrix-head').firstChild) {
    // Explicit roles: the phone layout restyles the table as cards, and the grid must stay a grid.
    fill($('matrix-head'), h('tr', { role: 'row' },
      h('th', { scope: 'col', class: 'col-stack', role: 'columnheader' }, 'Stack'),
      ACTIONS.map((a) => h('th', { scope: 'col', role: 'columnheader' }, h('span', { class: 'th-label' }, a.label), h('code', { class: 'th-scope' }, a.scope))),
    ));
  }
  M.rows.clear();
  M.cells.clear();
  M.order = [];
  M.whyRow = null;
  const rows = [];
  for (const s of stacks) {
    const id = `${s.project}/${s.name}`;
    const creator = s.creator?.user ? `created by ${s.creator.user}` : s.creator?.token ? `created by token ${s.creator.token}` : 'no creator on record';
    const level = h('span', { class: 'level', 'data-testid': `effective:${id}` });
    const tr = h('tr', { 'data-testid': `row:${id}`, class: 'stack-row', role: 'row' },
      h('th', { scope: 'row', class: 'col-stack', role: 'rowheader' },
        h('span', { class: 'stack-line' },
          h('span', { class: 'stack-name' }, h('span', { class: 'muted' }, `${s.project}/`), s.name),
          level),
        h('span', { class: 'stack-meta' },
          Object.entries(s.tags ?? {}).map(([k, v]) => h('span', { class: 'tag' }, v === 'true' ? k : `${k}:${v}`)),
          h('span', { class: 'creator' }, creator))));
    for (const a of ACTIONS) {
      const key = `${id}:${a.key}`;
      const button = verdictSkeleton(`cell:${key}`, () => toggleWhy(id, a.key));
      button.tabIndex = -1;
      button.dataset.key = key;
      M.cells.set(key, { button, allowed: null, name: `${a.label} ${id}`, stack: id, action: a.key });
      M.order.push(key);
      tr.append(h('td', { role: 'gridcell' }, h('span', { class: 'cell-action', 'aria-hidden': 'true' }, a.label), button));
    }
    M.rows.set(id, { tr, level });
    rows.push(tr);
  }
  if (!stacks.length) rows.push(h('tr', {}, h('td', { colspan: String(1 + ACTIONS.length), class: 'empty' }, `No stacks in ${S.org}.`)));
  M.trs = rows;
  fill($('matrix-body'), ...rows);
  if (!M.cells.has(M.active)) M.active = M.order[0] ?? null;
}

function renderMatrix() {
  const org = orgOf();
  const stacks = org?.stacks ?? [];
  const who = actorName();
  const structure = JSON.stringify([S.org, stacks]);
  if (M.org !== S.org) {
    // Another organization: its rows as they were left, if they were built before.
    M.whyRow?.remove();
    M = MATRICES.get(S.org) ?? matrixState(S.org);
    MATRICES.set(S.org, M);
    if (M.structure === structure) fill($('matrix-body'), ...M.trs);
  }
  if (M.structure !== structure) {
    M.structure = structure;
    buildMatrix(stacks);
  }
  once($('matrix-sub'), [who, stacks.length, S.org], () => {
    fill($('matrix-sub'), 'What ', h('strong', {}, who), ` may do on the ${plural(stacks.length, 'stack')} of `, h('code', {}, S.org), '.');
    $('matrix-caption').textContent = `Stack actions for ${who} in ${S.org}`;
  });

  // "Stacks I can see": the rows the engine's resource search returns for `stack:read`.
  const onlyVisible = $('matrix-visible').checked;
  const visible = onlyVisible ? new Set(S.engine.searchResources(S.actor, 'stack:read', S.org).ids) : null;
  let openAns = null;
  let openEffective = null;
  for (const s of stacks) {
    const id = `${s.project}/${s.name}`;
    const resource = `${S.org}/${id}`;
    const row = M.rows.get(id);
    const hide = visible !== null && !visible.has(resource);
    if (row.tr.hidden !== hide) row.tr.hidden = hide;
    const effective = effectivePermission(resource);
    once(row.level, effective, () => {
      row.level.className = `level level-${effective}`;
      row.level.textContent = effective;
      row.level.title = `effective permission: ${effective}`;
    });
    for (const a of ACTIONS) {
      const key = `${id}:${a.key}`;
      const c = M.cells.get(key);
      const ans = answer(a.scope, resource);
      c.allowed = ans.allowed;
      const isOpen = S.open?.stack === id && S.open?.action === a.key;
      paintVerdict(c.button, ans, c.name, isOpen);
      setAttr(c.button, 'aria-controls', isOpen ? 'matrix-why' : null);
      const tab = key === M.active ? 0 : -1;
      if (c.button.tabIndex !== tab) c.button.tabIndex = tab;
      if (isOpen) {
        openAns = ans;
        openEffective = effective;
      }
    }
  }

  // The explanation row, under the row of the open cell.
  if (!openAns) {
    M.whyRow?.remove();
    M.whyRow = null;
    return;
  }
  const { stack, action } = S.open;
  const a = ACTIONS.find((x) => x.key === action);
  if (!M.whyRow) {
    M.whyRow = h('tr', { class: 'why-row', role: 'row' }, h('td', { colspan: String(1 + ACTIONS.length), id: 'matrix-why', role: 'gridcell' }));
    M.whyRow.__sig = null;
  }
  const anchor = M.rows.get(stack).tr;
  if (anchor.nextElementSibling !== M.whyRow) anchor.after(M.whyRow);
  once(M.whyRow, [stack, action, openAns.sig, openEffective, who], () => {
    fill(M.whyRow.firstChild, explanation(openAns, a.scope, `${S.org}/${stack}`, `why:${stack}:${action}`,
      () => toggleWhy(stack, action), openEffective));
  });
}

function toggleWhy(stack, action) {
  const isOpen = S.open?.stack === stack && S.open?.action === action;
  S.open = isOpen ? null : { stack, action };
  setActive(`${stack}:${action}`);
  renderMatrix();
  M.cells.get(`${stack}:${action}`)?.button.focus();
}

/** Moves the matrix's one tab stop (roving tabindex). */
function setActive(key) {
  if (!M.cells.has(key) || key === M.active) return;
  const old = M.cells.get(M.active);
  if (old) old.button.tabIndex = -1;
  M.active = key;
  M.cells.get(key).button.tabIndex = 0;
}

/** Arrow keys, Home and End move between cells of the matrix (a grid: one tab stop). */
function onMatrixKey(e) {
  const key = e.target?.dataset?.key;
  if (!key || !M.cells.has(key)) return;
  const cols = ACTIONS.length;
  const i = M.order.indexOf(key);
  const row = Math.floor(i / cols);
  const col = i % cols;
  const rows = Math.ceil(M.order.length / cols);
  let to = null;
  switch (e.key) {
    case 'ArrowRight': to = col < cols - 1 ? i + 1 : null; break;
    case 'ArrowLeft': to = col > 0 ? i - 1 : null; break;
    case 'ArrowDown': to = row < rows - 1 ? i + cols : null; break;
    case 'ArrowUp': to = row > 0 ? i - cols : null; break;
    case 'Home': to = e.ctrlKey ? 0 : row * cols; break;
    case 'End': to = e.ctrlKey ? M.order.length - 1 : row * cols + cols - 1; break;
    case 'PageDown': to = Math.min(rows - 1, row + 5) * cols + col; break;
    case 'PageUp': to = Math.max(0, row - 5) * cols + col; break;
    default: return;
  }
  e.preventDefault();
  if (to == null || !M.order[to]) return;
  setActive(M.order[to]);
  M.cells.get(M.order[to]).button.focus();
}

/** Escape closes the explanation that holds focus or belongs to the focused cell (else any). */
function onEscape(e) {
  if (e.key !== 'Escape' || e.defaultPrevented) return;
  const inOrg = e.target.closest?.('#org-actions, #org-why');
  const inMatrix = e.target.closest?.('#matrix-body');
  if (S.orgOpen && (inOrg || !S.open || !inMatrix)) {
    e.preventDefault();
    toggleOrgWhy(S.orgOpen);
  } else if (S.open) {
    e.preventDefault();
    toggleWhy(S.open.stack, S.open.action);
  }
}

// ---- settings

/** A padlock, open or closed (inline SVG: no icon font, no emoji font needed). */
function lockIcon(open) {
  const span = h('span', { class: 'access-icon', 'aria-hidden': 'true' });
  span.innerHTML = `<svg viewBox="0 0 20 20" width="18" height="18"><rect x="3.5" y="9" width="13" height="9" rx="2" fill="currentColor"/>`
    + `<path d="${open ? 'M6.5 9V6.5a3.5 3.5 0 0 1 6.8-1.2' : 'M6.5 9V6.5a3.5 3.5 0 0 1 7 0V9'}" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg>`;
  return span;
}

function accessLine(el, ans, can, cannot) {
  once(el, [ans.sig, can, cannot], () => {
    el.className = `access ${ans.allowed ? 'access-yes' : 'access-no'}`;
    el.dataset.allowed = String(ans.allowed);
    if (ans.refused) el.dataset.refused = ans.refused;
    else delete el.dataset.refused;
    if (ans.allowed) el.dataset.reasons = ans.decision.reasons.map((r) => r.code).join(' ');
    else delete el.dataset.reasons;
    if (!ans.allowed && !ans.refused) el.dataset.deny = ans.decision.deny?.code ?? '';
    else delete el.dataset.deny;
    fill(el,
      lockIcon(ans.allowed),
      h('span', {},
        ans.allowed ? can : cannot, ' ',
        h('span', { class: 'muted' }, ans.refused
          ? ['(', h('code', {}, ans.refused), ': ', rich(S.refusal?.message), ')']
          : ans.allowed
            ? ['(', rich(ans.decision.reasons.map((r) => r.message).join('; ')), ')']
            : ['(', rich(ans.decision.deny?.message ?? ''), ')'])),
    );
  });
}

function renderSettings() {
  const settings = S.engine.settings(S.org);
  const who = actorName();
  accessLine($('settings-access'), answer('organization:update', S.org),
    `${who} can change these settings.`,
    `${who} cannot change these settings; try one to see the engine refuse it.`);
  if (!settings) return;
  const perm = $('setting-defaultStackPermission');
  if (perm.value !== settings.defaultStackPermission) perm.value = settings.defaultStackPermission;
  const policy = $('setting-tokenExpiryPolicyDays');
  const days = settings.tokenExpiryPolicyDays == null ? '' : String(settings.tokenExpiryPolicyDays);
  // The field shows the engine's value, except while the visitor is editing it.
  if (policy.dataset.engine !== days) {
    policy.dataset.engine = days;
    policy.value = days;
  }
  for (const [name] of TOGGLES) {
    const input = $(`setting-${name}`);
    if (input.checked !== settings[name]) input.checked = settings[name];
  }
}

function buildToggles() {
  fill($('toggles'), TOGGLES.map(([name, label, hint]) => {
    const text = h('label', { for: `setting-${name}` }, h('span', { class: 'switch', 'aria-hidden': 'true' }), h('span', { class: 'toggle-label' }, label));
    return h('li', { class: 'toggle' },
      h('input', {
        type: 'checkbox', role: 'switch', id: `setting-${name}`, 'data-testid': `setting:${name}`,
        'aria-describedby': `hint-${name}`,
        onchange: (e) => changeSetting({ [name]: e.target.checked }, `${label}: ${e.target.checked ? 'on' : 'off'}`, e.target, text),
      }),
      text,
      h('p', { class: 'hint', id: `hint-${name}` }, hint));
  }));
}

/** A settings change; its result goes right after `row`, the line of the control. */
function changeSetting(patch, label, control, row) {
  const who = actorName();
  const result = $('settings-result');
  propose({ op: 'updateSettings', org: S.org, settings: patch }, previewTitle(patch, label), control,
    (box) => { clearResult(result); if (row.nextElementSibling !== box) row.after(box); },
    () => applySetting(patch, label, control, row));
}

/** Turning on “Members can create teams”, Setting “Default stack permission” to write, … */
function previewTitle(patch, label) {
  const [[name, value]] = Object.entries(patch);
  const toggle = TOGGLES.find(([n]) => n === name);
  if (toggle) return `Turning ${value ? 'on' : 'off'} “${toggle[1]}”`;
  return `Setting “${label.replace(/:.*$/, '')}” to ${value ?? 'none'}`;
}

/**
 * Shows the engine's preview of `change` made as the actor next to `control` (`place` puts the
 * box), and runs `apply` on confirm; Cancel puts the control back to the engine's value.
 */
function propose(change, title, control, place, apply) {
  const result = attempt(() => S.engine.preview(S.actor, change, { now: nowSecs() }));
  PV.show({ result, title, who: actorName(), control, place, onApply: apply, onCancel: () => render() });
}

/** The settings change itself, once confirmed. */
function applySetting(patch, label, control, row) {
  const who = actorName();
  const result = $('settings-result');
  act({
    fn: () => S.engine.updateSettings(S.actor, S.org, patch),
    result,
    place: () => { if (row.nextElementSibling !== result) row.after(result); },
    control,
    done: () => `${who} changed “${label}”.`,
    refused: `${who} may not change “${label}”.`,
  });
}

// ---- teams

/** The team shown, and every team view built so far (switching back re-attaches it). */
const T = { key: null, view: null, views: new Map() };

function renderTeamPicker() {
  const teams = orgOf()?.teams ?? [];
  if (!teams.some((t) => t.name === S.team)) S.team = teams[0]?.name ?? null;
  const picker = $('team-picker');
  once(picker, [S.org, teams.map((t) => [t.name, t.displayName])], () => {
    fill(picker,
      h('legend', { class: 'visually-hidden' }, 'Team'),
      ...teams.map((t) => h('label', { class: 'seg' },
        h('input', {
          type: 'radio', name: 'team', value: t.name,
          'data-testid': `team-tab:${t.name}`,
          onchange: () => { S.team = t.name; renderTeam(); },
        }),
        h('span', {}, t.displayName ?? t.name))),
    );
  });
  for (const input of picker.querySelectorAll('input')) {
    if (input.checked !== (input.value === S.team)) input.checked = input.value === S.team;
  }
}

function buildTeamView(team) {
  const intro = h('div', { class: 'team-intro' });
  const access = h('p', { class: 'access', 'data-testid': 'team-access' });
  const members = h('ul', { class: 'people', 'data-testid': 'team-members', 'aria-label': `Members of ${team.displayName ?? team.name}` });
  const login = h('select', { id: 'add-login', name: 'login', 'data-testid': 'add-member-login' });
  const admin = h('input', { type: 'checkbox', id: 'add-admin', name: 'admin', 'data-testid': 'add-member-admin' });
  const submit = h('button', { type: 'submit', class: 'btn btn-small', 'data-testid': 'add-member-submit' }, 'Add');
  const addForm = h('form', {
    class: 'add-member',
    onsubmit: (e) => {
      e.preventDefault();
      if (!login.value) return;
      const who = login.value;
      const asAdmin = admin.checked;
      const what = `add ${who} to team \`${team.name}\`${asAdmin ? ' as team admin' : ''}`;
      teamAction(what, () => S.engine.setTeamMember(S.actor, S.org, team.name, who, asAdmin), {
        control: submit, below: addForm,
        focusAfter: () => (submit.disabled ? login : submit),
      });
    },
  },
  h('div', { class: 'field field-inline' }, h('label', { for: 'add-login' }, 'Add member'), login),
  h('span', { class: 'check' }, admin, h('label', { for: 'add-admin' }, 'team admin')),
  submit);
  const grantsBody = h('tbody');
  const grants = h('table', { class: 'grants', 'data-testid': 'grants' },
    h('caption', { class: 'visually-hidden' }, `Stack grants of team ${team.name}`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Stack'), h('th', { scope: 'col' }, 'Team permission'))),
    grantsBody);
  return {
    team: team.name, intro, access, members, login, admin, submit, addForm, grantsBody, rows: new Map(), items: new Map(),
    resultRow: h('tr', { class: 'result-row' }, h('td', { colspan: '2' })),
    nodes: [
      intro,
      access,
      h('div', { class: 'team-cols' },
        h('div', {}, h('h4', {}, 'Members'), members, addForm,
          h('p', { class: 'hint team-hint' }, 'Team admins may change their own team’s members, stack grants and tokens. ',
            'Members inherit every grant of the team; try a grant here, then act as a member and watch the matrix.')),
        h('div', {}, h('h4', {}, 'Stack grants'), h('div', { class: 'grants-scroll' }, grants)))],
  };
}

function renderTeam() {
  const org = orgOf();
  const team = (org?.teams ?? []).find((t) => t.name === S.team);
  if (!team) {
    T.key = null;
    T.view = null;
    fill($('team-view'), h('p', { class: 'muted' }, `${S.org} has no teams.`));
    return;
  }
  const key = `${S.org}/${team.name}`;
  if (T.key !== key) {
    // Another team: the last result was about the old one.
    clearResult($('team-result'));
    T.key = key;
    T.view = T.views.get(key) ?? buildTeamView(team);
    T.views.set(key, T.view);
    fill($('team-view'), T.view.nodes);
  }
  const v = T.view;
  const who = actorName();
  const teamLabel = team.displayName ?? team.name;

  once(v.intro, [team.displayName, team.name, team.kind, team.description, team.roles], () => {
    fill(v.intro,
      h('h3', { class: 'team-name' }, teamLabel, ' ', h('code', {}, team.name)),
      team.kind === 'github' ? h('span', { class: 'badge badge-muted' }, 'GitHub team') : null,
      team.description ? h('p', { class: 'muted' }, team.description) : null,
      team.roles?.length ? h('p', { class: 'muted' }, 'Roles: ', team.roles.map((r, i) => [i ? ', ' : '', h('code', {}, r)])) : null);
  });
  accessLine(v.access, answer('team:update', `${S.org}/${team.name}`), `${who} can edit ${teamLabel}.`, `${who} cannot edit ${teamLabel}.`);

  // Members, keyed by login: a removed person's row goes, the others stay as they are.
  const everyone = [...new Set([...team.admins, ...team.members])];
  for (const [login, li] of v.items) {
    if (!everyone.includes(login)) {
      li.remove();
      v.items.delete(login);
    }
  }
  let prev = null;
  for (const login of everyone) {
    let li = v.items.get(login);
    if (!li) {
      li = memberItem(team, login);
      v.items.set(login, li);
    }
    const isAdmin = team.admins.includes(login);
    once(li.__badge, isAdmin, () => {
      fill(li.__badge, isAdmin ? h('span', { class: 'badge', 'data-testid': `team-admin:${login}` }, 'team admin') : '');
    });
    if (prev ? prev.nextElementSibling !== li : v.members.firstElementChild !== li) {
      if (prev) prev.after(li);
      else v.members.prepend(li);
    }
    prev = li;
  }

  const candidates = (org.members ?? []).map((m) => m.login).filter((l) => !everyone.includes(l));
  once(v.login, candidates, () => {
    const keep = v.login.value;
    fill(v.login, ...(candidates.length ? candidates.map((l) => h('option', { value: l }, l)) : [h('option', { value: '' }, 'everyone is in')]));
    if (candidates.includes(keep)) v.login.value = keep;
  });
  if (v.submit.disabled !== !candidates.length) v.submit.disabled = !candidates.length;

  // Grants, one row per stack, patched in place.
  const stacks = org.stacks ?? [];
  once(v.grantsBody, stacks.map((s) => `${s.project}/${s.name}`), () => {
    v.rows.clear();
    fill(v.grantsBody, ...stacks.map((s) => {
      const id = `${s.project}/${s.name}`;
      const selectId = `grant-${team.name}-${id.replace(/[^a-z0-9-]/gi, '_')}`;
      const select = h('select', {
        id: selectId, class: 'level-select', 'data-testid': `grant:${team.name}:${id}`,
        onchange: (e) => {
          const to = e.target.value;
          const what = `set team \`${team.name}\` to \`${to}\` on \`${id}\``;
          propose({ op: 'setTeamPermission', org: S.org, team: team.name, kind: 'stack', entity: id, permission: to },
            `Giving team ${team.displayName ?? team.name} ${to} on ${id}`, select,
            (box) => {
              clearResult($('team-result'));
              const { tr } = v.rows.get(id);
              if (tr.nextElementSibling !== v.resultRow) tr.after(v.resultRow);
              v.resultRow.firstChild.replaceChildren(box);
            },
            () => teamAction(what, () => S.engine.setTeamPermission(S.actor, S.org, team.name, 'stack', id, to), {
              control: select, belowRow: () => v.rows.get(id).tr,
            }));
        },
      }, LEVELS.map((l) => h('option', { value: l }, l)));
      const tr = h('tr', {},
        h('th', { scope: 'row' }, h('label', { for: selectId }, h('span', { class: 'muted' }, `${s.project}/`), s.name)),
        h('td', {}, select));
      v.rows.set(id, { tr, select });
      return tr;
    }));
  });
  for (const s of stacks) {
    const id = `${s.project}/${s.name}`;
    const level = team.stacks?.[id] ?? 'none';
    const { tr, select } = v.rows.get(id);
    if (select.value !== level) select.value = level;
    const cls = `level-select level-${level}`;
    if (select.className !== cls) select.className = cls;
    tr.classList.toggle('grant-none', level === 'none');
  }
}

function memberItem(team, login) {
  const badge = h('span', { class: 'badge-slot' });
  const remove = h('button', {
    type: 'button', class: 'btn btn-small btn-ghost', 'aria-label': `Remove ${login} from ${team.name}`,
    'data-testid': `remove-member:${login}`,
    onclick: () => {
      const li = T.view.items.get(login);
      // Where focus goes if the row goes: the next person's Remove, the previous one's, or the form.
      const next = li.nextElementSibling ?? li.previousElementSibling;
      teamAction(`remove ${login} from team \`${team.name}\``, () => S.engine.removeTeamMember(S.actor, S.org, team.name, login), {
        control: remove, below: T.view.addForm,
        focusAfter: (ok) => (ok ? next?.querySelector('button') ?? T.view.login : remove),
      });
    },
  }, 'Remove');
  const li = h('li', { class: 'person' },
    h('span', { class: 'avatar avatar-small', style: `--hue:${[...login].reduce((a, c) => a + c.charCodeAt(0) * 37, 0) % 360}`, 'aria-hidden': 'true' }, login.slice(0, 2).toUpperCase()),
    h('span', {}, userName(login), ' ', h('span', { class: 'muted' }, login)),
    badge,
    remove);
  li.__badge = badge;
  return li;
}

/**
 * A team change (its structure changes, so the model is read again). The result goes right after
 * `below`, or in a table row right under the grant row `belowRow()`.
 */
function teamAction(what, fn, { control, below, belowRow, focusAfter }) {
  const who = actorName();
  const result = $('team-result');
  const v = T.view;
  act({
    fn,
    result,
    structural: true,
    place: () => {
      if (belowRow) {
        const tr = belowRow();
        if (tr.nextElementSibling !== v.resultRow) tr.after(v.resultRow);
        v.resultRow.firstChild.append(result);
      } else {
        below.after(result);
        v.resultRow.remove();
      }
    },
    control,
    focusAfter,
    done: () => `${who}: ${what} — done.`,
    refused: `${who} may not ${what}.`,
  });
}

// ---- tokens

function renderCredentials() {
  fill($('cred-list'), ...S.credentials.map((c) =>
    h('li', {},
      h('span', { class: 'cred-label' }, c.label, c.expect ? h('span', { class: 'badge badge-muted' }, c.expect) : null),
      h('button', {
        type: 'button', class: 'btn btn-small', 'data-testid': `paste:${c.id}`,
        'aria-label': `Paste ${c.label} into the credential field`,
        onclick: () => { $('credential').value = c.token; $('credential').focus(); },
      }, 'Paste'),
      h('code', { class: 'cred-token' }, c.token))));
}

function checkCredential(credential, control) {
  const el = $('auth-result');
  const r = attempt(() => S.engine.authenticate(credential, { now: nowSecs(), organization: S.org }), { asActor: false });
  delete el.dataset.deny;
  delete el.dataset.action;
  if (!r.ok) {
    el.dataset.state = 'refused';
    el.dataset.code = r.err.code;
    fill(el, h('div', { class: 'callout callout-refused' },
      h('span', { class: 'callout-icon', 'aria-hidden': 'true' }, '✕'),
      h('div', {},
        h('p', { class: 'callout-title' }, 'Refused'),
        h('p', {}, h('span', { class: 'code-tag code-tag-deny', 'data-testid': 'auth-code' }, r.err.code), ' ', rich(r.err.message)),
        h('p', { class: 'muted' }, 'Checked ', timeEl(nowSecs()), ` against ${S.org}.`))));
    reveal(el, control);
    announce(`Refused: ${r.err.code}: ${plain(r.err.message)}`, true);
    return;
  }
  const a = r.value;
  el.dataset.state = 'ok';
  el.dataset.code = 'ok';
  const kind = KIND_LABEL[a.kind] ?? a.kind;
  fill(el, h('div', { class: 'callout callout-ok' },
    h('span', { class: 'callout-icon', 'aria-hidden': 'true' }, '✓'),
    h('div', {},
      h('p', { class: 'callout-title' }, `${kind} token`, a.signed ? ' · signed' : ' · opaque'),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Principal'), h('dd', { 'data-testid': 'auth-principal' }, h('code', {}, a.principal ?? '(claims only)')),
        h('dt', {}, a.kind === 'personal' ? 'User' : a.kind === 'team' ? 'Team' : 'Acts as'), h('dd', {}, a.subject),
        h('dt', {}, 'Organization'), h('dd', {}, a.organization ?? 'any of the user’s'),
        h('dt', {}, 'Expires'), h('dd', { 'data-testid': 'auth-expires' }, a.expires ? timeEl(a.expires) : 'never')),
      a.principal
        ? h('button', { type: 'button', class: 'btn btn-small btn-primary', 'data-testid': 'auth-act-as', onclick: () => actAs(a.principal, true) }, 'Act as this token')
        : null)));
  reveal(el, control);
  announce(`Valid ${kind.toLowerCase()} token: ${a.principal ?? a.subject}, ${a.expires ? `expires ${dateText(a.expires)}` : 'never expires'}.`);
}

/** The organization's token expiry policy in days (the engine's setting), or null. */
function policyDays() {
  return S.engine.settings(S.org)?.tokenExpiryPolicyDays ?? null;
}

function renderMintOptions() {
  const org = orgOf();
  const roleSel = $('mint-role');
  once(roleSel, [S.org, (org?.roles ?? []).map((r) => r.name)], () => {
    const role = roleSel.value || 'member';
    fill(roleSel,
      h('option', { value: 'member' }, 'Member'),
      h('option', { value: 'admin' }, 'Admin'),
      (org?.roles ?? []).map((r) => h('option', { value: r.name }, `${r.name} (custom)`)));
    roleSel.value = [...roleSel.options].some((o) => o.value === role) ? role : 'member';
  });
  const teamSel = $('mint-team');
  once(teamSel, [S.org, (org?.teams ?? []).map((t) => [t.name, t.displayName])], () => {
    const team = teamSel.value;
    fill(teamSel, ...(org?.teams ?? []).map((t) => h('option', { value: t.name }, t.displayName ?? t.name)));
    if ([...teamSel.options].some((o) => o.value === team)) teamSel.value = team;
  });
  setText($('mint-submit'), `Mint as ${actorName()}`);

  // Expiry choices: those over the organization's policy say so; the default is within it.
  const days = policyDays();
  const exp = $('mint-expires');
  once(exp, [S.org, days], () => {
    const within = (secs) => days == null || (secs > 0 && secs <= days * DAY);
    const choices = EXPIRY_CHOICES.map(([secs, label]) => [secs, label]);
    if (days != null && !choices.some(([secs]) => secs === days * DAY)) {
      choices.push([days * DAY, `In ${plural(days, 'day')} (the policy’s limit)`]);
      choices.sort((x, y) => (x[0] || Infinity) - (y[0] || Infinity));
    }
    const previous = exp.dataset.chosen ? Number(exp.dataset.chosen) : null;
    const fallback = within(DEFAULT_EXPIRY) ? DEFAULT_EXPIRY : Math.max(...choices.map(([s]) => s).filter(within));
    const selected = previous != null && within(previous) && choices.some(([s]) => s === previous) ? previous : fallback;
    fill(exp, ...choices.map(([secs, label]) => h('option', { value: String(secs), selected: secs === selected, dataset: within(secs) ? {} : { overPolicy: 'true' } },
      within(secs) ? label : `${label} — over the ${plural(days, 'day')} policy`)));
    exp.value = String(selected);
  });
  syncMintFields();
}

function syncMintFields() {
  const kind = $('mint-kind').value;
  const signed = $('mint-format').value === 'signed';
  $('mint-role-field').hidden = kind !== 'organization';
  $('mint-team-field').hidden = kind !== 'team';
  $('mint-name-field').hidden = kind === 'personal';
  $('mint-name').required = kind !== 'personal';
  $('mint-from-field').hidden = !signed;
  const ttl = Number($('mint-expires').value);
  const from = signed ? Number($('mint-from').value) : 0;
  const days = policyDays();
  const hint = $('hint-mint-expires');
  once(hint, [ttl, from, days, Math.floor(nowSecs() / 60)], () => {
    fill(hint,
      ttl ? ['Until ', timeEl(nowSecs() + from + ttl), '.'] : 'Never expires (signed tokens must expire).',
      days != null ? ` ${S.org} requires tokens to expire within ${plural(days, 'day')}.` : '');
  });
}

function mint(control) {
  const kind = $('mint-kind').value;
  const signed = $('mint-format').value === 'signed';
  const ttl = Number($('mint-expires').value);
  const from = signed ? Number($('mint-from').value) : 0;
  const now = nowSecs() + from;
  const request = { kind, expires: ttl ? now + ttl : 0 };
  if (kind !== 'personal') {
    request.organization = S.org;
    request.name = $('mint-name').value.trim();
  }
  if (kind === 'organization') request.role = $('mint-role').value;
  if (kind === 'team') request.team = $('mint-team').value;
  const who = actorName();
  const el = $('mint-result');
  const before = verdicts();
  const r = attempt(() => S.engine.mintToken(S.actor, request, signed ? { now, signingKey: S.key } : { now }));
  if (!r.ok) {
    const text = showResult(el, false, `${who} may not mint this ${kind} token.`, r.err);
    reveal(el, control);
    announce(text, true);
    keepFocus(control);
    return;
  }
  const m = r.value;
  S.changes += 1;
  S.minted.set(m.id, { kind, signed });
  S.secrets.set(m.id, m.token);
  refreshModel();
  render();
  el.dataset.state = 'ok';
  delete el.dataset.code;
  delete el.dataset.deny;
  delete el.dataset.action;
  const principal = `token:${m.id}`;
  const status = tokenStatus(m.id);
  const format = signed ? 'signed' : 'opaque';
  fill(el, h('div', { class: 'callout callout-ok' },
    h('span', { class: 'callout-icon', 'aria-hidden': 'true' }, '✓'),
    h('div', { class: 'minted' },
      h('p', { class: 'callout-title' }, `${who} minted ${article(format)} ${kind} token. It is shown once:`),
      h('label', { for: 'minted-token', class: 'visually-hidden' }, 'Minted token'),
      h('textarea', { id: 'minted-token', class: 'token-out', 'data-testid': 'mint-token', readonly: true, rows: signed ? '5' : '1', spellcheck: 'false' }, m.token),
      h('p', { class: 'muted' }, 'Record ', h('code', {}, m.id), ' is stored in the engine (its ', signed ? 'id for revocation' : 'SHA-256 digest', ', not the secret).',
        m.record?.expires ? [' Expires ', timeEl(m.record.expires), '.'] : ' Never expires.'),
      status.known && !status.ok
        ? h('p', { 'data-testid': 'mint-refused' }, 'Right now ', h('code', {}, 'authenticate'), ' refuses it: ',
          h('span', { class: 'code-tag code-tag-deny' }, status.err.code), ' ', rich(status.err.message))
        : null,
      h('div', { class: 'row' },
        h('button', { type: 'button', class: 'btn btn-small btn-primary', 'data-testid': 'mint-act-as', onclick: () => actAs(principal, true) }, 'Act as this token'),
        h('button', {
          type: 'button', class: 'btn btn-small', 'data-testid': 'mint-check',
          onclick: (e) => { $('credential').value = m.token; checkCredential(m.token, e.currentTarget); },
        }, 'Check it above'),
        h('button', {
          type: 'button', class: 'btn btn-small btn-ghost', 'data-testid': 'mint-copy',
          onclick: (e) => {
            const b = e.currentTarget;
            const copied = navigator.clipboard?.writeText(m.token) ?? Promise.reject(new Error('no clipboard'));
            copied.then(() => { b.textContent = 'Copied'; }, () => { b.textContent = 'Copy failed'; });
          },
        }, 'Copy')))));
  reveal(el, control);
  const summary = summarize(before, verdicts(), who);
  announce(`${who} minted ${article(format)} ${kind} token, shown once below the form.${status.known && !status.ok ? ` Right now authenticate refuses it: ${status.err.code}.` : ''} ${summary}`);
  keepFocus(control);
}

/** Acts as another principal: every answer is asked again; old results are cleared. */
function actAs(principal, fromButton = false) {
  const changed = principal !== S.actor;
  S.actor = principal;
  S.open = null;
  S.orgOpen = null;
  clearResults();
  render();
  const sel = $('act-as');
  if (fromButton) sel.focus();
  if (changed || fromButton) {
    const allowed = [...M.cells.values()].filter((c) => c.allowed).length;
    const who = actorName();
    announce(S.refusal
      ? `Acting as ${who}: authenticate refuses this token (${S.refusal.code}); no question is asked as it.`
      : `Acting as ${who}: ${allowed} of ${plural(M.cells.size, 'stack action')} allowed.`);
  }
}

// ---------------------------------------------------------------- who has access

const A = { stack: null, action: 'update', sig: null };

/** The Access panel: every subject that may use the chosen action on the chosen stack, with the
 *  reasons the engine gives (`searchSubjects`), redrawn only when that answer changes. */
function renderAccess() {
  const stacks = orgOf()?.stacks ?? [];
  const ids = stacks.map((s) => `${s.project}/${s.name}`);
  if (!ids.includes(A.stack)) A.stack = ids[0] ?? null;
  const stackSelect = $('access-stack');
  once(stackSelect, [S.org, ids], () => {
    fill(stackSelect, ...ids.map((id) => h('option', { value: id }, id)));
  });
  if (A.stack !== null && stackSelect.value !== A.stack) stackSelect.value = A.stack;
  const actionSelect = $('access-action');
  once(actionSelect, 'actions', () => {
    fill(actionSelect, ...ACTIONS.map((a) => h('option', { value: a.key }, `${a.label} (${a.scope})`)));
  });
  if (actionSelect.value !== A.action) actionSelect.value = A.action;
  const list = $('access-list');
  if (A.stack === null) {
    A.sig = null;
    fill(list, h('li', { class: 'access-empty' }, 'This organization has no stacks.'));
    return;
  }
  const action = ACTIONS.find((a) => a.key === A.action) ?? ACTIONS[0];
  const resource = `${S.org}/${A.stack}`;
  const subjects = S.engine.searchSubjects(action.scope, resource, { tokens: true });
  const sig = JSON.stringify([resource, action.scope, subjects]);
  if (sig === A.sig) return;
  A.sig = sig;
  setText($('access-sub'), `${plural(subjects.length, 'principal')} may ${action.label.toLowerCase()} ${A.stack} (${action.scope}).`);
  if (subjects.length === 0) {
    fill(list, h('li', { class: 'access-empty' }, 'Nobody.'));
    return;
  }
  fill(list, ...subjects.map((subject) => h('li', { class: 'access-item', 'data-testid': `access:${subject.principal}` },
    h('span', { class: 'access-name' }, subject.kind === 'token' ? `token ${subject.name}` : userName(subject.name)),
    h('span', { class: 'access-why' }, subject.reasons.map((r) => r.message).join('; ')),
  )));
}

function onAccessChange() {
  A.stack = $('access-stack').value || null;
  A.action = $('access-action').value || A.action;
  renderAccess();
}

// ---------------------------------------------------------------- page furniture

/** A skip link for every panel on the page (panels added later get theirs too). */
function buildSkipLinks() {
  const panels = [...document.querySelectorAll('main section[aria-labelledby]')].filter((s) => !s.hidden);
  fill($('skip-list'), ...panels.map((s) => {
    if (!s.hasAttribute('tabindex')) s.tabIndex = -1;
    const title = document.getElementById(s.getAttribute('aria-labelledby'))?.textContent.trim() ?? s.id;
    return h('li', {}, h('a', { class: 'skip-link', href: `#${s.id}`, 'data-testid': `skip:${s.id}` }, `Skip to ${title}`));
  }));
}

/**
 * The sticky toolbar's height, as `scroll-padding-top` (focused and revealed things stay below
 * it). Set as that property, not as a custom property: an inherited value on the root would
 * restyle the whole document each time the bar changes height.
 */
function trackToolbar() {
  const bar = $('toolbar');
  const set = () => { document.documentElement.style.scrollPaddingTop = `calc(${Math.ceil(bar.getBoundingClientRect().height)}px + 0.75rem)`; };
  set();
  new ResizeObserver(set).observe(bar);
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
  AUDIT?.attach(S.engine);
  S.minted.clear();
  S.secrets = new Map(S.credentials.map((c) => [c.id, c.token]));
  S.changes += 1;
  refreshModel();
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
  PV = previewer({ h, fill, nameOf: principalName });
  AUDIT = auditPanel({
    h, fill, Scopegate, nameOf: principalName,
    els: { list: $('audit-list'), count: $('audit-count'), all: $('audit-all'), download: $('audit-download') },
  });
  build();
  AUDIT.draw();
  for (const id of RESULTS) HOME.set(id, $(id).parentElement);

  buildToggles();
  renderCredentials();
  fill($('signing-key-note'), 'Signed tokens use the demo Ed25519 key ', h('code', {}, S.key.kid),
    ', generated in this tab at load; its public half was added to the snapshot’s ', h('code', {}, 'signing.keys'), '.');
  $('policy-form').querySelector('input').min = String(LIMITS.policyMinDays);
  $('policy-form').querySelector('input').max = String(LIMITS.policyMaxDays);
  $('mint-name').maxLength = LIMITS.tokenName;

  $('act-as').addEventListener('change', (e) => actAs(e.target.value));
  $('org').addEventListener('change', (e) => {
    S.org = e.target.value;
    S.open = null;
    S.orgOpen = null;
    clearResults();
    render();
    announce(`Organization ${S.org}: ${plural(M.cells.size, 'stack action')} for ${actorName()}.`);
  });
  $('reset').addEventListener('click', () => {
    build();
    clearResults();
    S.open = null;
    S.orgOpen = null;
    render();
    announce('The demo organization was reset to its snapshot.');
  });
  $('setting-defaultStackPermission').addEventListener('change', (e) =>
    changeSetting({ defaultStackPermission: e.target.value }, `Default stack permission: ${e.target.value}`, e.target, e.target));
  $('policy-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = $('setting-tokenExpiryPolicyDays');
    const raw = input.value.trim();
    const days = raw === '' ? null : Number(raw);
    changeSetting({ tokenExpiryPolicyDays: days }, days == null ? 'Token expiry policy: none' : `Token expiry policy: ${raw} days`,
      input, input.closest('.row'));
  });
  $('settings-form').addEventListener('submit', (e) => e.preventDefault());
  $('auth-form').addEventListener('submit', (e) => { e.preventDefault(); checkCredential($('credential').value.trim(), $('credential')); });
  $('mint-form').addEventListener('submit', (e) => { e.preventDefault(); mint($('mint-submit')); });
  $('mint-kind').addEventListener('change', syncMintFields);
  $('mint-format').addEventListener('change', syncMintFields);
  $('mint-from').addEventListener('change', syncMintFields);
  $('mint-expires').addEventListener('change', (e) => { e.target.dataset.chosen = e.target.value; syncMintFields(); });
  $('matrix-body').addEventListener('keydown', onMatrixKey);
  $('access-stack').addEventListener('change', onAccessChange);
  $('matrix-visible').addEventListener('change', () => renderMatrix());
  $('access-action').addEventListener('change', onAccessChange);
  $('matrix-body').addEventListener('focusin', (e) => { if (e.target.dataset?.key) setActive(e.target.dataset.key); });
  document.addEventListener('keydown', onEscape);

  for (const id of ['act-as', 'org', 'reset']) $(id).disabled = false;
  for (const id of ['matrix-panel', 'access-panel', 'settings-panel', 'teams-panel', 'tokens-panel', 'audit-panel']) $(id).hidden = false;
  $('boot').remove();
  render();
  buildSkipLinks();
  trackToolbar();
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

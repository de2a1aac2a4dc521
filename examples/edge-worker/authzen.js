// The gateway as an AuthZEN 1.0 Policy Decision Point (OpenID Authorization API 1.0, HTTPS JSON
// binding): the evaluation, evaluations and search endpoints under /access/v1/, and the PDP
// metadata at /.well-known/authzen-configuration. Every question is answered by the engine from
// the snapshot the gateway serves; the caller authenticates with its own token (`Authorization`).
//
// Mapping (README "AuthZEN"):
//   subject   { type: "user",  id: "<login>" }              -> principal `user:<login>`
//             { type: "token", id: "<token id>" }           -> principal `token:<id>` (a signed
//                                                             token without a record: its jti, and
//                                                             only as the caller itself)
//   resource  { type: "organization", id: "<org>" }
//             { type: "team",         id: "<org>/<team>" }
//             { type: "stack",        id: "<org>/<project>/<stack>" }
//             { type: "environment",  id: "<org>/<project>/<environment>" }
//             { type: "account",      id: "<org>/<account>" }
//   action    { name: "<scope>" }, e.g. `stack:read`, `team:update`, `org_member:read`
//
// Who may ask what: a caller may always ask about itself. Asking about any other subject, and
// every subject search, needs `org_member:read` in the organization of the resource (the scope
// that lets a caller list that organization's members), with a credential that organization
// accepts; otherwise 403 (per item in a batch), the same answer whether or not the
// organization exists.
import { MEMBERS_SCOPE, callerOf, displayOf, organizationName, outsiderDeny, saysOutside, shown } from './access.js';

const WELL_KNOWN = '/.well-known/authzen-configuration';

/** The endpoints: path -> [metadata parameter, handler name]. */
const ENDPOINTS = new Map([
  ['/access/v1/evaluation', ['access_evaluation_endpoint', 'evaluation']],
  ['/access/v1/evaluations', ['access_evaluations_endpoint', 'evaluations']],
  ['/access/v1/search/subject', ['search_subject_endpoint', 'searchSubject']],
  ['/access/v1/search/resource', ['search_resource_endpoint', 'searchResource']],
  ['/access/v1/search/action', ['search_action_endpoint', 'searchAction']],
]);

/** The most evaluations one request may carry. */
export const MAX_EVALUATIONS = 1000;

/**
 * Resource types: the number of `/`-separated parts of an id, and for entities the engine's kind
 * (also the scope family that applies to it: `stack…:`, `environment…:`, `insights_account…:`).
 */
const RESOURCE_TYPES = {
  organization: { parts: 1, kind: null },
  team: { parts: 2, kind: null },
  account: { parts: 2, kind: 'account' },
  stack: { parts: 3, kind: 'stack' },
  environment: { parts: 3, kind: 'environment' },
};

/** A subject type -> the principal prefix the engine reads. */
const SUBJECT_TYPES = { user: 'user', token: 'token' };

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };

/** A request the PEP got wrong: 400 with a message naming what. */
class BadRequest extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/** Whether a path belongs to the AuthZEN endpoints (answered here, not by the route table). */
export function isAuthzen(pathname) {
  return pathname === WELL_KNOWN || pathname === '/access' || pathname.startsWith('/access/');
}

/** The entity family of a scope: `stack`, `environment`, `account`, or `null` (anything else). */
function familyOf(scope) {
  const object = scope.split(':')[0];
  const is = (name) => object === name || object.startsWith(`${name}_`);
  if (is('stack')) return 'stack';
  if (is('environment')) return 'environment';
  if (is('insights_account')) return 'account';
  return null;
}

/**
 * Whether a scope can apply to a resource type. The scope decides which kind of entity an id
 * names, so a scope of another kind is never allowed on a typed resource (fail-closed): an
 * entity type takes the scopes of its family, a team the scopes of no entity family; an
 * organization any (the engine refuses an entity scope on an organization).
 */
export function scopeFits(type, scope) {
  const info = RESOURCE_TYPES[type];
  if (!info) return false;
  const family = familyOf(scope);
  if (info.kind) return family === info.kind;
  return type === 'team' ? family === null : true;
}

// ---- reading requests ----------------------------------------------------------------------------

function object(value, path, optional = false) {
  if (value === undefined && optional) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new BadRequest('invalid_request', value === undefined ? `\`${path}\` is required` : `\`${path}\` must be an object`);
  }
  return value;
}

function string(value, path) {
  if (value === undefined) throw new BadRequest('invalid_request', `\`${path}\` is required`);
  if (typeof value !== 'string') throw new BadRequest('invalid_request', `\`${path}\` must be a string`);
  return value;
}

/** A Subject or Resource: `{ type, id?, properties? }` (`withId` false: an id is ignored). */
function entity(value, path, withId = true) {
  const e = object(value, path);
  const type = string(e.type, `${path}.type`);
  const id = withId ? string(e.id, `${path}.id`) : undefined;
  const properties = object(e.properties, `${path}.properties`, true) ?? {};
  return { type, id, properties };
}

/** An Action: `{ name, properties? }`. */
function action(value, path) {
  const a = object(value, path);
  object(a.properties, `${path}.properties`, true);
  return { name: string(a.name, `${path}.name`) };
}

/** The optional `context`: an object, not read. */
function context(value, path) {
  object(value, path, true);
}

/** The optional `page` of a search: `{ token?, limit? }`. */
function page(value) {
  const p = object(value, 'page', true) ?? {};
  if (p.token !== undefined) string(p.token, 'page.token');
  if (p.limit !== undefined && !(Number.isSafeInteger(p.limit) && p.limit >= 0)) throw new BadRequest('invalid_request', '`page.limit` must be a non-negative integer');
  object(p.properties, 'page.properties', true);
  return { token: p.token ?? '', limit: p.limit ?? null };
}

/** Keys sorted at every level, so that equal requests give equal text. */
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** FNV-1a over a string: ties a page token to its query (not a secret: the results are filtered anyway). */
function fingerprint(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}

function base64url(text) {
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function unbase64url(text) {
  return atob(text.replace(/-/g, '+').replace(/_/g, '/'));
}

/** A page of `items`: `{ page, results }`; `token` carries the offset and the query's fingerprint. */
function paged(body, items) {
  const { token, limit } = page(body.page);
  const { page: _, ...rest } = body;
  const query = fingerprint(canonical({ ...rest, limit }));
  let offset = 0;
  if (token !== '') {
    let parsed = null;
    try {
      parsed = JSON.parse(unbase64url(token));
    } catch {}
    if (!parsed || parsed.q !== query || !Number.isSafeInteger(parsed.o) || parsed.o < 0) {
      throw new BadRequest('invalid_request', '`page.token` is not a token of this query (every other field must stay as in the first request)');
    }
    offset = parsed.o;
  }
  const end = limit === null ? items.length : Math.min(items.length, offset + limit);
  const results = items.slice(offset, end);
  const next = end < items.length ? base64url(JSON.stringify({ o: end, q: query })) : '';
  return { page: { next_token: next, count: results.length, total: items.length }, results };
}

/** The target of a question: `{ type, id, org, kind }` or `{ invalid: deny }` (never allowed). */
function targetOf(resource) {
  const info = RESOURCE_TYPES[resource.type];
  if (!info) return { invalid: { code: 'unknown_resource_type', message: `There is no resource type \`${shown(resource.type)}\` (one of ${Object.keys(RESOURCE_TYPES).join(', ')}).` } };
  const parts = resource.id.split('/');
  if (parts.length !== info.parts || parts.some((p) => p === '')) {
    return { invalid: { code: 'invalid_resource', message: `A ${resource.type} id has ${info.parts} non-empty part${info.parts > 1 ? 's' : ''} separated by \`/\`.` } };
  }
  return { type: resource.type, id: resource.id, org: parts[0], kind: info.kind };
}

/** The organization a resource id belongs to (its first part), for the ask-about-others rule. */
function orgOfId(id) {
  return organizationName(id.split('/')[0]);
}

// ---- answering -----------------------------------------------------------------------------------

/**
 * The questions of one authenticated caller, against one snapshot. Nothing here awaits.
 */
function questions(snap, caller) {
  const gate = snap.gate;
  const who = caller.who;

  /** Whether a subject is the caller itself. */
  function isSelf(subject) {
    if (subject.type === 'token') return subject.id === who.tokenId;
    if (subject.type === 'user') return who.kind === 'personal' && subject.id === who.subject;
    return false;
  }

  /**
   * `null` when the caller may ask about other subjects in `org`, else the 403 to answer: the
   * same for an organization it is not in and one that does not exist.
   */
  function othersRefusal(org) {
    const name = org ?? '';
    if (org !== null) {
      const standing = caller.standing(org);
      if (standing.refused && !standing.outside) return { code: standing.refused.code, message: standing.refused.message };
      if (!standing.outside && !standing.refused && gate.checkAs(who.handle, MEMBERS_SCOPE, org)) return null;
    }
    return { code: 'forbidden', message: `Asking about another subject in \`${shown(name)}\` needs \`${MEMBERS_SCOPE}\` there.` };
  }

  /** The principal the engine reads for another subject, or `null` for an unknown subject type. */
  function principalOf(subject) {
    const prefix = SUBJECT_TYPES[subject.type];
    return prefix ? `${prefix}:${subject.id}` : null;
  }

  /**
   * One question, planned: `{ forbidden }` (403), `{ fixed: Decision }` (decided without the
   * engine, always a deny), `{ name, scope, resource }` (asked by principal name) or
   * `{ handle, scope, resource }` (asked as the caller's handle: a token without a record).
   */
  function plan(subject, act, resource) {
    const self = isSelf(subject);
    if (!self) {
      const refused = othersRefusal(orgOfId(resource.id));
      if (refused) return { forbidden: refused };
    }
    const target = targetOf(resource);
    if (target.invalid) return { fixed: { decision: false, context: { deny: target.invalid } } };
    if (!scopeFits(target.type, act.name)) {
      return { fixed: { decision: false, context: { deny: { code: 'invalid_resource', message: `\`${shown(act.name)}\` does not apply to a ${target.type}.` } } } };
    }
    if (self) {
      const standing = caller.standing(target.org);
      if (standing.outside) return { fixed: { decision: false, context: { deny: standing.outside } } };
      if (standing.refused) return { fixed: { decision: false, context: { deny: standing.refused } } };
      return caller.name ? { name: caller.name, scope: act.name, resource: target.id, target } : { handle: who.handle, scope: act.name, resource: target.id, target };
    }
    const principal = principalOf(subject);
    if (!principal) {
      return { fixed: { decision: false, context: { deny: { code: 'unknown_subject_type', message: `There is no subject type \`${shown(subject.type)}\` (one of user, token).` } } } };
    }
    return { name: principal, scope: act.name, resource: target.id, target, other: true };
  }

  /** The Decision of a planned question, with the engine's reasons or deny as its context. */
  function decide(p) {
    if (p.fixed) return p.fixed;
    let d = p.handle !== undefined ? gate.explainAs(p.handle, p.scope, p.resource) : gate.explain(p.name, p.scope, p.resource);
    // Another subject outside the organization (or no such subject): one answer for both.
    if (!d.allowed && p.other && saysOutside(d.deny) && saysOutside(gate.explain(p.name, MEMBERS_SCOPE, p.target.org).deny)) {
      d = { allowed: false, reasons: [], deny: outsiderDeny(displayOf(p.name), p.target.org) };
    }
    return d.allowed ? { decision: true, context: { reasons: d.reasons } } : { decision: false, context: { deny: d.deny } };
  }

  return {
    /** POST /access/v1/evaluation: one Decision, or a 403. */
    evaluation(body) {
      const subject = entity(body.subject, 'subject');
      const act = action(body.action, 'action');
      const resource = entity(body.resource, 'resource');
      context(body.context, 'context');
      const p = plan(subject, act, resource);
      if (p.forbidden) return { status: 403, body: { error: p.forbidden } };
      return { status: 200, body: decide(p) };
    },

    /** POST /access/v1/evaluations: the Decisions in order (stopping at the deciding one). */
    evaluations(body) {
      if (body.evaluations !== undefined && !Array.isArray(body.evaluations)) throw new BadRequest('invalid_request', '`evaluations` must be an array');
      const items = body.evaluations ?? [];
      if (items.length === 0) return this.evaluation(body);
      if (items.length > MAX_EVALUATIONS) throw new BadRequest('invalid_request', `\`evaluations\` holds ${items.length} items; at most ${MAX_EVALUATIONS}`);
      const options = object(body.options, 'options', true) ?? {};
      const semantic = options.evaluations_semantic === undefined ? 'execute_all' : string(options.evaluations_semantic, 'options.evaluations_semantic');
      if (!['execute_all', 'deny_on_first_deny', 'permit_on_first_permit'].includes(semantic)) {
        throw new BadRequest('invalid_request', '`options.evaluations_semantic` must be `execute_all`, `deny_on_first_deny` or `permit_on_first_permit`');
      }
      // Defaults: the top-level keys, each checked when present.
      const defaults = {
        subject: body.subject === undefined ? undefined : entity(body.subject, 'subject'),
        action: body.action === undefined ? undefined : action(body.action, 'action'),
        resource: body.resource === undefined ? undefined : entity(body.resource, 'resource'),
      };
      context(body.context, 'context');
      const plans = items.map((raw, i) => {
        const item = object(raw, `evaluations[${i}]`);
        const at = (key) => `evaluations[${i}].${key}`;
        const subject = item.subject === undefined ? defaults.subject : entity(item.subject, at('subject'));
        const act = item.action === undefined ? defaults.action : action(item.action, at('action'));
        const resource = item.resource === undefined ? defaults.resource : entity(item.resource, at('resource'));
        context(item.context, at('context'));
        for (const [key, value] of [['subject', subject], ['action', act], ['resource', resource]]) {
          if (value === undefined) throw new BadRequest('invalid_request', `\`${at(key)}\` is required (there is no top-level default)`);
        }
        return plan(subject, act, resource);
      });
      const stops = (allowed) => (semantic === 'deny_on_first_deny' ? !allowed : semantic === 'permit_on_first_permit' ? allowed : false);
      const answers = [];
      if (plans.every((p) => p.handle === undefined)) {
        // One boundary crossing: the engine's batch evaluation, with the same short-circuit.
        // Items decided here are asked as a question that is always denied, to keep their place.
        const asked = plans.map((p) => (p.name !== undefined ? { principal: p.name, scope: p.scope, resource: p.resource } : { principal: '', scope: '', resource: '' }));
        const decisions = gate.evaluate(asked, { semantics: semantic });
        decisions.forEach((allowed, i) => {
          const p = plans[i];
          if (p.forbidden) answers.push({ decision: false, context: { error: { status: 403, ...p.forbidden } } });
          else if (p.fixed) answers.push(p.fixed);
          else answers.push({ decision: allowed });
        });
      } else {
        for (const p of plans) {
          let answer;
          if (p.forbidden) answer = { decision: false, context: { error: { status: 403, ...p.forbidden } } };
          else if (p.fixed) answer = p.fixed;
          else answer = { decision: p.handle !== undefined ? gate.checkAs(p.handle, p.scope, p.resource) : gate.check(p.name, p.scope, p.resource) };
          answers.push(answer);
          if (stops(answer.decision)) break;
        }
      }
      return { status: 200, body: { evaluations: answers } };
    },

    /** POST /access/v1/search/subject: the users (or tokens) that may use the action on the resource. */
    searchSubject(body) {
      const subject = entity(body.subject, 'subject', false);
      const act = action(body.action, 'action');
      const resource = entity(body.resource, 'resource');
      context(body.context, 'context');
      const refused = othersRefusal(orgOfId(resource.id));
      if (refused) return { status: 403, body: { error: refused } };
      const target = targetOf(resource);
      let found = [];
      if (!target.invalid && scopeFits(target.type, act.name) && SUBJECT_TYPES[subject.type]) {
        const kind = subject.type;
        found = gate
          .searchSubjects(act.name, target.id, { tokens: kind === 'token' })
          .filter((s) => s.kind === kind)
          .map((s) => ({ type: kind, id: s.principal.slice(kind.length + 1), properties: { name: s.name, reasons: s.reasons } }));
      }
      return { status: 200, body: paged(body, found) };
    },

    /** POST /access/v1/search/resource: the resources of a type on which the subject may use the action. */
    searchResource(body) {
      const subject = entity(body.subject, 'subject');
      const act = action(body.action, 'action');
      const resource = entity(body.resource, 'resource', false);
      context(body.context, 'context');
      const props = resource.properties;
      let organization = null;
      if (props.organization !== undefined) {
        organization = organizationName(string(props.organization, 'resource.properties.organization'));
        if (organization === null) throw new BadRequest('invalid_request', '`resource.properties.organization` must be an organization name');
      }
      let tags;
      if (props.tags !== undefined) {
        const t = object(props.tags, 'resource.properties.tags');
        for (const [k, v] of Object.entries(t)) string(v, `resource.properties.tags.${k}`);
        if (!RESOURCE_TYPES[resource.type]?.kind) throw new BadRequest('invalid_request', '`resource.properties.tags` applies to stacks, environments and accounts');
        tags = Object.fromEntries(Object.entries(t));
      }
      const self = isSelf(subject);
      if (!self) {
        if (organization === null) throw new BadRequest('invalid_request', '`resource.properties.organization` is required when the subject is not the caller');
        const refused = othersRefusal(organization);
        if (refused) return { status: 403, body: { error: refused } };
      }
      const info = RESOURCE_TYPES[resource.type];
      const principal = self ? null : principalOf(subject);
      let ids = [];
      let extra = {};
      if (info && scopeFits(resource.type, act.name) && (self || principal)) {
        const orgs = organization !== null ? [organization] : caller.organizations().filter((o) => !o.refused).map((o) => o.organization);
        for (const org of orgs) {
          if (self) {
            const standing = caller.standing(org);
            // Named organization that refuses the caller's token: say so (only members get here).
            if (standing.refused && !standing.outside && organization !== null) extra = { context: { deny: standing.refused } };
            if (standing.outside || standing.refused) continue;
          }
          if (resource.type === 'organization') {
            if (self ? caller.check(act.name, org) : gate.check(principal, act.name, org)) ids.push(org);
            continue;
          }
          const options = tags ? { tags } : {};
          const found = self ? caller.search(act.name, org, options) : gate.searchResources(principal, act.name, org, options).ids;
          ids.push(...found.filter((id) => id.split('/').length === info.parts));
        }
      }
      return { status: 200, body: { ...paged(body, ids.map((id) => ({ type: resource.type, id }))), ...extra } };
    },

    /** POST /access/v1/search/action: the actions (scopes) the subject may use on the resource. */
    searchAction(body) {
      const subject = entity(body.subject, 'subject');
      const resource = entity(body.resource, 'resource');
      context(body.context, 'context');
      const self = isSelf(subject);
      if (!self) {
        const refused = othersRefusal(orgOfId(resource.id));
        if (refused) return { status: 403, body: { error: refused } };
      }
      const target = targetOf(resource);
      let scopes = [];
      let extra = {};
      if (!target.invalid) {
        const kind = target.kind ?? undefined;
        if (self) {
          const standing = caller.standing(target.org);
          if (standing.refused && !standing.outside) extra = { context: { deny: standing.refused } };
          else if (!standing.outside) scopes = caller.allowedActions(target.id, kind);
        } else {
          const principal = principalOf(subject);
          if (principal) scopes = gate.allowedActions(principal, target.id, kind);
        }
      }
      const results = scopes.filter((scope) => scopeFits(target.type, scope)).map((name) => ({ name }));
      return { status: 200, body: { ...paged(body, results), ...extra } };
    },
  };
}

// ---- HTTP ----------------------------------------------------------------------------------------

/** Reads at most `max` bytes of a body as text; `null` when it is longer (the gateway uses it too). */
export async function readText(request, max) {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > max) return null;
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/**
 * Answers a request under /access/ or /.well-known/authzen-configuration.
 *
 * @param {Request} request
 * @param {URL} url
 * @param {object} options
 * @param {() => { gate: any, revision: number }} options.snapshot  the snapshot in use, read after the body
 * @param {() => number} options.clock  seconds since the epoch
 * @param {number} options.maxBody  the largest body read, in bytes
 */
export async function answerAuthzen(request, url, { snapshot, clock, maxBody }) {
  const requestId = request.headers.get('x-request-id');
  // Echoed as given when it is a plain token (the spec asks for the same identifier back).
  const echo = requestId !== null && /^[\x21-\x7e]{1,200}$/.test(requestId) ? { 'x-request-id': requestId } : {};
  const send = (status, body, extra = {}) => {
    const headers = { ...JSON_HEADERS, ...echo, ...extra };
    const revision = snapshot()?.revision;
    if (revision !== undefined && revision !== null) headers['x-scopegate-revision'] = String(revision);
    return new Response(JSON.stringify(body), { status, headers });
  };
  const fail = (status, code, message, extra) => send(status, { error: { code, message } }, extra);

  if (url.pathname === WELL_KNOWN) {
    if (request.method !== 'GET') return fail(405, 'method_not_allowed', `${request.method} is not allowed here`, { allow: 'GET' });
    const base = url.origin;
    const metadata = { policy_decision_point: base };
    for (const [path, [parameter]] of ENDPOINTS) metadata[parameter] = `${base}${path}`;
    return send(200, metadata);
  }
  const endpoint = ENDPOINTS.get(url.pathname);
  if (!endpoint) return fail(404, 'not_found', `no AuthZEN endpoint at ${shown(url.pathname)}`);
  if (request.method !== 'POST') return fail(405, 'method_not_allowed', `${request.method} is not allowed here`, { allow: 'POST' });

  const mediaType = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  const text = await readText(request, maxBody);
  if (text === null) return fail(413, 'payload_too_large', `the body must be at most ${maxBody} bytes`);

  // From here on nothing awaits: the snapshot cannot change under the request.
  const snap = snapshot();
  const header = request.headers.get('authorization');
  const credential = header ?? '';
  const now = clock();
  let who;
  try {
    who = snap.gate.authenticate(credential, { now });
  } catch (e) {
    if (e?.name !== 'ScopegateError') throw e;
    const message = header === null ? 'missing Authorization header (expected `Authorization: Bearer <token>` or `token <token>`)' : e.message;
    return fail(401, e.code, message, { 'www-authenticate': 'token' });
  }
  if (mediaType !== 'application/json') return fail(400, 'invalid_request', 'the body must be JSON sent as `Content-Type: application/json`');
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    return fail(400, 'invalid_json', 'the body is not JSON');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return fail(400, 'invalid_request', 'the body must be a JSON object');
  try {
    const answer = questions(snap, callerOf(snap, who, credential, now))[endpoint[1]](body);
    return send(answer.status, answer.body);
  } catch (e) {
    if (e instanceof BadRequest) return fail(400, e.code, e.message);
    throw e;
  }
}

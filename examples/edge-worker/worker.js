// A token-checking gateway for workerd / Cloudflare Workers, in front of a Pulumi-Cloud-shaped
// REST API. Each request: route -> action and scope (routes.js), `Authorization: token …`
// (opaque `pul-…` or a signed JWT) -> who, scopegate -> allowed or not. Answers 401 with the
// token error code, 403 with the engine's explanation, and for allowed requests either a JSON
// echo or the request forwarded to an upstream. The same gateway answers the AuthZEN 1.0
// endpoints (authzen.js): /access/v1/* and /.well-known/authzen-configuration.
//
// Policy arrives as a signed snapshot: the bundled default (snapshot/default.json) and, when an
// origin is configured, refreshes from it. Only snapshots signed by the configured Ed25519 key
// are accepted, the revision never goes back, and a failed refresh keeps the current snapshot.
//
// Refreshes are by delta when the origin can: `GET <SNAPSHOT_URL>?since=<revision>` may answer
// `{ "delta": "<delta JSON text>", "signature": "…" }` (the changes since that revision, signed
// with the same key), which the worker applies in place. On a gap (the delta does not start at
// the worker's revision), or when the origin answers 404/409/410 or a full envelope, the worker
// takes the full signed snapshot instead. A snapshot or delta whose `notAfter` has passed is
// refused, so that an old signed snapshot cannot be replayed, not even after a restart (when
// the worker no longer remembers the revision it reached). That includes the bundled default:
// an expired one is not served, and the worker answers 503 `snapshot_unavailable` until the
// origin delivers a current one.
//
// A request may carry `x-scopegate-min-revision: <n>` (for example the revision a client saw
// after its own change). A worker behind that revision tries one refresh first; if it is still
// behind, it answers 503 `revision_not_reached` with `Retry-After`, never a decision from older
// policy.
//
// Configuration (environment bindings):
//   SNAPSHOT_PUBLIC_KEY   required: base64url Ed25519 public key that signs snapshots
//   SNAPSHOT_URL          optional: where to fetch `{ "snapshot": "<json text>", "signature": "…" }`
//                         (and, with `?since=<revision>`, `{ "delta": "<json text>", "signature": "…" }`)
//   SNAPSHOT_ORIGIN       optional: a service binding to fetch SNAPSHOT_URL through
//   SNAPSHOT_TTL_SECONDS  optional: how old the last refresh may get before a request triggers
//                         another one in the background (default 60)
//   SNAPSHOT_BUNDLED      optional: "off" to start from the origin only
//   UPSTREAM_URL          optional: forward allowed requests to this base URL…
//   UPSTREAM              optional: …through this service binding
//   AUDIT                 optional: a service binding that receives each decision record (records.js)
//   AUDIT_URL             optional: the URL POSTed to through AUDIT
import { initSync, Scopegate } from 'scopegate';
import wasmModule from 'scopegate/scopegate_bg.wasm';
import bundledSnapshot from './snapshot/default.json';
import { actionOf, matchRoute, resourceOf } from './routes.js';
import { callerOf, hasStacks, organizationName, outsiderDeny, saysOutside, shown } from './access.js';
import { answerAuthzen, isAuthzen, readText } from './authzen.js';
import { shownRevisions, withSince } from './revisions.js';
import { decidingRecord, recordSink, requestIdOf, scopeFlags, withRequestId } from './records.js';

// Instantiating the module uses no randomness, so it is fine at global scope (workerd has none
// there). Loading a snapshot waits for the first request, where the environment is known.
initSync({ module: wasmModule });

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };
const MAX_INSPECTED_BODY = 64 * 1024;
const MAX_AUTHZEN_BODY = 256 * 1024;
/** The methods the gateway answers (what a CONNECT is told instead). */
const TUNNEL_ALLOW = ['DELETE', 'GET', 'PATCH', 'POST'];

/** A delivery failure with a stable code (the engine's own errors keep theirs). */
class DeliveryError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'DeliveryError';
    this.code = code;
  }
}

/** Builds a JSON response with the gateway's headers. */
function reply(status, body, revision, extra = {}) {
  const headers = { ...JSON_HEADERS, ...extra };
  if (revision !== undefined && revision !== null) headers['x-scopegate-revision'] = String(revision);
  return new Response(JSON.stringify(body), { status, headers });
}

/** The identity part of an `authenticate` answer, as the responses show it. */
function principalOf(who) {
  return {
    name: who.principal,
    tokenId: who.tokenId,
    kind: who.kind,
    organization: who.organization,
    subject: who.subject,
    signed: who.signed,
  };
}

/**
 * A header value the gateway sets from a name (a principal, a token id): text outside printable
 * ASCII, and `%`, percent-encoded as UTF-8, so that no value can end a header, inject another or
 * make the runtime throw.
 */
export function headerValue(value) {
  return String(value).replace(/[^\x20-\x24\x26-\x7e]/gu, (ch) => {
    try {
      return encodeURIComponent(ch);
    } catch {
      return '%EF%BF%BD'; // a lone surrogate: U+FFFD
    }
  });
}

/**
 * The gateway, independent of where its configuration comes from.
 *
 * @param {object} options
 * @param {string} options.publicKey  base64url Ed25519 key that must have signed every snapshot
 * @param {object|null} [options.bundled]  the default envelope `{ snapshot, signature }`
 * @param {((init: RequestInit, since: bigint|null) => Promise<Response>)|null} [options.fetchSnapshot]  fetches the
 *   origin's envelope: with `since`, the delta from that revision if the origin has one
 * @param {number} [options.ttlMs]  refresh in the background once the last attempt is this old
 * @param {number} [options.timeoutMs]  give up on an origin fetch after this long
 * @param {((request: Request) => Promise<Response>)|null} [options.upstream]  forwards allowed requests
 * @param {string|null} [options.upstreamUrl]  base URL of the upstream
 * @param {() => number} [options.clock]  seconds since the epoch, read once per request
 * @param {() => number} [options.nowMs]  milliseconds, for the refresh schedule
 * @param {Pick<Console, 'warn'>} [options.log]
 * @param {((record: object, ctx: object|null) => void)|null} [options.onRecord]  receives the
 *   decision record of each request that reaches a decision (records.js)
 */
export function createGateway({
  publicKey,
  bundled = null,
  fetchSnapshot = null,
  ttlMs = 60_000,
  timeoutMs = 5_000,
  upstream = null,
  upstreamUrl = null,
  clock = () => Math.floor(Date.now() / 1000),
  nowMs = () => Date.now(),
  log = console,
  onRecord = null,
}) {
  /** The snapshot in use: `{ gate, revision, organizations, enumerators, source }`. */
  let current = null;
  let bundledTried = false;
  let refreshing = false;
  let lastAttempt = Number.NEGATIVE_INFINITY;
  let lastOutcome = null;
  let etag = null;

  /** Verifies an envelope and loads it; throws DeliveryError or ScopegateError. */
  function verify(envelope) {
    if (!envelope || typeof envelope !== 'object' || typeof envelope.snapshot !== 'string') {
      throw new DeliveryError('snapshot_malformed', 'expected { "snapshot": "<json text>", "signature": "<base64url>" }');
    }
    if (typeof envelope.signature !== 'string' || envelope.signature === '') {
      throw new DeliveryError('snapshot_unsigned', 'the snapshot carries no signature');
    }
    if (!publicKey) throw new DeliveryError('no_public_key', 'no snapshot public key is configured');
    // Refuses a snapshot whose `notAfter` has passed (`snapshot_expired`).
    return Scopegate.fromSignedSnapshot(envelope.snapshot, envelope.signature, publicKey, { now: clock() });
  }

  /**
   * Takes an envelope if it is signed, valid and newer than the current snapshot.
   * Returns `{ installed, revision, previous }`; throws when it is refused.
   */
  function consider(envelope, source) {
    const gate = verify(envelope);
    const revision = gate.revision;
    const previous = current ? current.revision : null;
    if (current && revision <= current.revision) {
      gate.free();
      return { installed: false, reason: revision === current.revision ? 'same_revision' : 'older_revision', revision, current: current.revision };
    }
    let organizations;
    try {
      organizations = gate.organizations;
    } catch (e) {
      gate.free();
      throw e;
    }
    const old = current;
    current = { gate, revision, organizations, enumerators: new Map(), source };
    // Safe: every use of a gate happens synchronously inside one request step, so nothing
    // else holds the old one now.
    old?.gate.free();
    return { installed: true, revision, previous };
  }

  /**
   * Applies a delta envelope `{ delta, signature }` to the current snapshot in place (signature,
   * `notAfter`, `baseRevision` checked by the engine; all changes or none). Throws the engine's
   * error (`delta_gap`, `delta_replay`, `delta_expired`, `delta_signature_invalid`, …).
   */
  function applyDelta(envelope) {
    if (typeof envelope.signature !== 'string' || envelope.signature === '') {
      throw new DeliveryError('delta_unsigned', 'the delta carries no signature');
    }
    if (!publicKey) throw new DeliveryError('no_public_key', 'no snapshot public key is configured');
    const previous = current.revision;
    const revision = current.gate.applyDelta(envelope.delta, envelope.signature, publicKey, { now: clock() });
    // The organizations and the per-snapshot caches may have changed with it.
    current = { ...current, revision, organizations: current.gate.organizations, enumerators: new Map(), source: 'delta' };
    return { installed: true, revision, previous, by: 'delta' };
  }

  /** Fetches and parses one answer of the origin: `{ response, envelope }` or `{ response }` (304 / no delta). */
  async function ask(since) {
    const headers = etag ? { 'if-none-match': etag } : {};
    let response;
    try {
      response = await fetchSnapshot({ headers, signal: AbortSignal.timeout(timeoutMs) }, since);
    } catch (e) {
      throw new DeliveryError('origin_unreachable', `the origin did not answer: ${e?.message ?? e}`);
    }
    if (response.status === 304) return { response };
    // The origin keeps no delta from that revision: the caller asks for the full snapshot.
    if (since !== null && [404, 409, 410].includes(response.status)) {
      await response.body?.cancel();
      return { response, noDelta: true };
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new DeliveryError('origin_status', `the origin answered ${response.status}`);
    }
    const text = await response.text();
    try {
      return { response, envelope: JSON.parse(text) };
    } catch {
      throw new DeliveryError('snapshot_malformed', 'the origin did not send JSON');
    }
  }

  /** One refresh: by delta from the current revision when there is one, else (or on a gap) full. */
  async function fetchAndInstall(at) {
    let since = current ? current.revision : null;
    for (;;) {
      const { response, envelope, noDelta } = await ask(since);
      if (response.status === 304 && current) return { ok: true, at, installed: false, reason: 'not_modified', revision: current.revision };
      if (noDelta) {
        since = null;
        continue;
      }
      if (envelope && typeof envelope === 'object' && typeof envelope.delta === 'string' && current) {
        try {
          return { ok: true, at, ...applyDelta(envelope) };
        } catch (e) {
          // A gap: deltas in between are missing; the full snapshot brings the worker up to date.
          if (e?.code === 'delta_gap' && since !== null) {
            since = null;
            continue;
          }
          throw e;
        }
      }
      const outcome = consider(envelope, 'origin');
      if (outcome.installed || outcome.reason === 'same_revision') etag = response.headers.get('etag');
      return { ok: true, at, ...outcome, ...(outcome.installed ? { by: 'snapshot' } : {}) };
    }
  }

  /** Fetches the origin's envelope once. Never throws: the outcome says what happened. */
  async function refresh() {
    const at = nowMs();
    if (!fetchSnapshot) return { ok: false, at, error: { code: 'no_origin', message: 'no snapshot origin is configured' } };
    lastAttempt = at;
    refreshing = true;
    try {
      lastOutcome = shownRevisions(await fetchAndInstall(at));
      return lastOutcome;
    } catch (e) {
      const error = { code: e?.code ?? 'refresh_failed', message: e?.message ?? String(e) };
      const repeated = lastOutcome && !lastOutcome.ok && lastOutcome.error.code === error.code;
      lastOutcome = shownRevisions({ ok: false, at, error, revision: current?.revision ?? null });
      // Once per kind of failure, not once per attempt: a short TTL and a dead origin would flood the log.
      if (!repeated) log.warn(`scopegate: snapshot refresh failed (${error.code}): ${error.message}; serving revision ${current?.revision ?? 'none'}`);
      return lastOutcome;
    } finally {
      refreshing = false;
    }
  }

  /** One refresh at a time: a caller that asks during one waits for it. */
  let inflight = null;
  function refreshOnce() {
    inflight ??= refresh().finally(() => {
      inflight = null;
    });
    return inflight;
  }

  /** A refresh that starts after any in flight (which may have asked the origin too early). */
  async function refreshNow() {
    if (inflight) await inflight;
    return refreshOnce();
  }

  /** Loads the bundled default once, then (if there is still nothing) the origin. */
  async function ensureLoaded() {
    if (!current && !bundledTried && bundled) {
      bundledTried = true;
      try {
        consider(bundled, 'bundled');
      } catch (e) {
        log.warn(`scopegate: the bundled snapshot was refused (${e?.code ?? 'error'}): ${e?.message ?? e}`);
      }
    }
    // Nothing to serve yet: ask the origin, at most once a second (or per TTL when shorter).
    if (!current && fetchSnapshot && !refreshing && nowMs() - lastAttempt >= Math.min(ttlMs, 1_000)) await refresh();
  }

  /** Starts a background refresh when the last attempt is older than the TTL. */
  function maybeRefresh(ctx) {
    if (!fetchSnapshot) return;
    const now = nowMs();
    // A refresh whose request context was torn down never clears the flag: give it up.
    if (refreshing && now - lastAttempt < 2 * timeoutMs + 1_000) return;
    if (now - lastAttempt < ttlMs) return;
    const job = refreshOnce();
    if (ctx?.waitUntil) ctx.waitUntil(job);
  }

  /**
   * Reads the body of routes whose action depends on it (PATCH team): `{ text, json }`, with
   * `json` null when the text is not JSON; `null` for other routes and empty bodies; `tooLarge`
   * past MAX_INSPECTED_BODY bytes (such a body is never read to its end).
   */
  async function readBody(request, route) {
    if (!route.variants || !request.body) return null;
    const text = await readText(request, MAX_INSPECTED_BODY);
    if (text === null) return { tooLarge: true };
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {}
    return { text, json };
  }

  async function forward(request, body, url, who, action, scope, revision) {
    const target = new URL(url.pathname + url.search, upstreamUrl);
    // A body the gateway has read goes on as the text it read; any other stays a stream.
    const outgoing = body ? new Request(target, { method: request.method, headers: request.headers, body: body.text }) : new Request(target, request);
    for (const name of [...outgoing.headers.keys()]) if (name.startsWith('x-scopegate-')) outgoing.headers.delete(name);
    outgoing.headers.set('x-scopegate-principal', headerValue(who.principal ?? `${who.kind}:${who.organization}/${who.subject}`));
    outgoing.headers.set('x-scopegate-token-id', headerValue(who.tokenId));
    outgoing.headers.set('x-scopegate-action', headerValue(action));
    if (scope) outgoing.headers.set('x-scopegate-scope', headerValue(scope));
    try {
      return await upstream(outgoing);
    } catch (e) {
      log.warn(`scopegate: the upstream did not answer: ${e?.message ?? e}`);
      return reply(502, { error: { code: 'upstream_unreachable', message: 'the upstream did not answer' } }, revision);
    }
  }

  /**
   * The List stacks query: `{ project, tags }`, or `{ error }` (400). A tag filter is a name and
   * a value, matched by the engine; a name alone (any stack carrying the tag) is not supported.
   */
  function listQuery(url) {
    const project = url.searchParams.get('project') || null;
    const tagName = url.searchParams.get('tagName');
    const tagValue = url.searchParams.get('tagValue');
    if (tagName === null && tagValue !== null) return { error: '`tagValue` needs `tagName`' };
    if (tagName !== null && tagValue === null) return { error: '`tagName` needs `tagValue`: the gateway filters stacks on a tag name and value' };
    if (tagName === '') return { error: '`tagName` must not be empty' };
    // A data property even for `__proto__`: the engine matches the name as given.
    const tags = tagName === null ? null : Object.fromEntries([[tagName, tagValue]]);
    return { project, tags };
  }

  /**
   * List stacks: the stacks the caller may read, from the engine's resource search, in the
   * request's organization or (without one) in every organization it acts in, each organization
   * with its own token rules. Refused (naming no stack) when the caller may read no stack at all
   * where there are stacks, whatever the filters; otherwise the readable stacks the filters
   * keep, possibly none.
   */
  function listStacks(snap, caller, route, query, organization) {
    if (organization && !caller.isMember(organization)) return { denied: outsiderDeny(caller.display, organization) };
    const considered = organization ? [{ organization, refused: null }] : caller.organizations();
    const orgs = considered.filter((o) => !o.refused).map((o) => o.organization);
    const excluded = considered.filter((o) => o.refused).map((o) => ({ organization: o.organization, code: o.refused.code }));
    const options = query.tags ? { tags: query.tags } : {};
    const ids = orgs.flatMap((org) => caller.search(route.scope, org, options)).filter((id) => !query.project || id.split('/')[1] === query.project);
    if (ids.length === 0) {
      const readsSome = orgs.some((org) => caller.search(route.scope, org, { limit: 1 }).length > 0);
      if (!readsSome && orgs.some((org) => hasStacks(snap, org))) {
        const where = orgs.map((org) => `\`${org}\``).join(', ');
        const message = `${caller.display} needs \`${route.scope}\` on a stack of ${where}, and no role or grant gives it on any.`;
        return { denied: { code: 'missing_scope', message, scope: route.scope } };
      }
    }
    const reasons = ids.length ? caller.explain(route.scope, ids[0]).reasons : [];
    const stacks = ids.map((id) => {
      const [orgName, projectName, stackName] = id.split('/');
      return { orgName, projectName, stackName };
    });
    return excluded.length ? { stacks, reasons, excluded } : { stacks, reasons };
  }

  /** Authenticates a credential, or returns the `ScopegateError` it was refused with. */
  function tryAuthenticate(snap, credential, options) {
    try {
      return { who: snap.gate.authenticate(credential, options) };
    } catch (e) {
      if (e?.name !== 'ScopegateError') throw e;
      return { error: e };
    }
  }

  async function handle(request, ctx, requestId) {
    await ensureLoaded();
    if (!current) {
      return reply(503, { error: { code: 'snapshot_unavailable', message: 'no verified snapshot is loaded yet' } }, null, { 'retry-after': '5' });
    }
    // A client that saw a newer revision: one refresh, then 503 rather than an older answer.
    const minimum = request.headers.get('x-scopegate-min-revision');
    if (minimum !== null) {
      if (!/^[0-9]{1,20}$/.test(minimum.trim())) {
        return reply(400, { error: { code: 'invalid_min_revision', message: '`x-scopegate-min-revision` must be a revision (decimal digits).' } }, current.revision);
      }
      const wanted = BigInt(minimum.trim());
      if (current.revision < wanted && fetchSnapshot) await refreshNow();
      if (current.revision < wanted) {
        const message = `This gateway is at revision ${current.revision}, behind the requested revision ${wanted}; retry shortly.`;
        return reply(503, { error: { code: 'revision_not_reached', message, revision: String(current.revision), minRevision: String(wanted) } }, current.revision, { 'retry-after': '1' });
      }
    }
    maybeRefresh(ctx);

    let url;
    try {
      url = new URL(request.url);
    } catch {
      return reply(400, { error: { code: 'bad_request', message: 'the request URL cannot be read' } }, current.revision);
    }
    if (isAuthzen(url.pathname)) {
      return answerAuthzen(request, url, { snapshot: () => current, clock, maxBody: MAX_AUTHZEN_BODY });
    }
    const match = matchRoute(request.method, url.pathname);
    if (match.status === 404) {
      return reply(404, { error: { code: 'not_found', message: `no route for ${request.method} ${shown(url.pathname)}` } }, current.revision);
    }
    if (match.status === 405) {
      return reply(
        405,
        { error: { code: 'method_not_allowed', message: `${request.method} is not allowed here`, allow: match.allow } },
        current.revision,
        { allow: match.allow.join(', ') },
      );
    }
    const { route, params } = match;
    let query = null;
    let organization = params.org ?? null;
    if (route.target === 'list') {
      query = listQuery(url);
      const asked = url.searchParams.get('organization') || null;
      organization = asked === null ? null : organizationName(asked);
      if (asked !== null && organization === null) query = { error: '`organization` must be an organization name' };
      if (query.error) return reply(400, { error: { code: 'invalid_query', message: query.error } }, current.revision);
    }
    const body = await readBody(request, route);
    if (body?.tooLarge) {
      return reply(413, { error: { code: 'payload_too_large', message: `this route reads its body, which must be at most ${MAX_INSPECTED_BODY} bytes` } }, current.revision);
    }
    const { action, rows } = actionOf(route, body?.json);

    // From here to the decision nothing awaits: the snapshot cannot change under the request.
    const snap = current;
    // The engine's records of this request, under its id; the deciding one goes to onRecord.
    const seen = [];
    const off = onRecord ? snap.gate.onDecision((record) => { seen.push(record); }) : null;
    if (off) snap.gate.setRequestId(requestId);
    let resource;
    let decision;
    try {
      const revision = snap.revision;
      const header = request.headers.get('authorization');
      const credential = header ?? '';
      const now = clock();
      const refuse = (resource, principal, deny, reasons = []) =>
        reply(403, { error: { code: 'forbidden', message: deny.message, action, rows, scope: route.scope, resource, principal, deny, reasons } }, revision);

      const authenticated = tryAuthenticate(snap, credential, { now, organization: organization ?? undefined });
      if (authenticated.error) {
        const e = authenticated.error;
        // A personal token refused by an organization it is not a member of (its expiry policy, or
        // an organization that does not exist): answered as any other non-member, so that neither
        // the organization's existence nor its token rules are shown to outsiders.
        if (organization && (e.code === 'expiry_policy_violation' || e.code === 'wrong_organization')) {
          const base = tryAuthenticate(snap, credential, { now });
          if (base.who?.kind === 'personal') {
            const outsider = callerOf(snap, base.who, credential, now);
            if (!outsider.isMember(organization)) {
              const resource = route.target === 'list' ? organization : resourceOf(route, params);
              return refuse(resource, principalOf(base.who), outsiderDeny(outsider.display, organization));
            }
          }
        }
        const message = header === null ? 'missing Authorization header (expected `Authorization: token <token>`)' : e.message;
        return reply(401, { error: { code: e.code, message } }, revision, { 'www-authenticate': 'token' });
      }
      const who = authenticated.who;
      const principal = principalOf(who);

      if (route.target === 'self') return reply(200, { authenticated: true, action, principal }, revision);

      const caller = callerOf(snap, who, credential, now);
      let listed = null;
      if (route.target === 'list') {
        listed = listStacks(snap, caller, route, query, organization);
        resource = organization;
        if (listed.denied) decision = { allowed: false, reasons: [], deny: listed.denied };
      } else {
        resource = resourceOf(route, params);
        decision = caller.explain(route.scope, resource);
        // A non-member is refused alike whether or not the resource (or the organization) exists.
        if (!decision.allowed && saysOutside(decision.deny) && !caller.isMember(params.org)) {
          decision = { allowed: false, reasons: [], deny: outsiderDeny(caller.display, params.org) };
        }
      }

      if (decision && !decision.allowed) return refuse(resource, principal, decision.deny, decision.reasons);
      if (upstream && upstreamUrl) return forward(request, body, url, who, action, route.scope, revision);
      if (listed) {
        const { stacks, reasons, excluded } = listed;
        return reply(200, { allowed: true, action, rows, scope: route.scope, principal, stacks, reasons, ...(excluded ? { excluded } : {}) }, revision);
      }
      return reply(200, { allowed: true, action, rows, scope: route.scope, resource, principal, reasons: decision.reasons }, revision);
    } finally {
      if (off) {
        off();
        snap.gate.setRequestId(null);
        const record = decidingRecord(seen, route.scope, resource, decision, (scope, r) => scopeFlags(snap.gate, scope, r));
        if (record) onRecord({ ...record, sourceIP: request.headers.get('cf-connecting-ip') }, ctx);
      }
    }
  }

  return {
    /** Answers one request. */
    async fetch(request, ctx) {
      const requestId = requestIdOf(request);
      try {
        return withRequestId(await handle(request, ctx, requestId), requestId);
      } catch (e) {
        log.warn(`scopegate: internal error: ${e?.stack ?? e}`);
        return withRequestId(reply(500, { error: { code: 'internal_error', message: 'the gateway failed to answer' } }, current?.revision), requestId);
      }
    },
    refresh: refreshNow,
    /** Loads the bundled default (and the origin if nothing else) without answering a request. */
    ensureLoaded,
    /** What the gateway serves and how the last refresh went (revisions as decimal strings). */
    status: () => ({ revision: current ? String(current.revision) : null, source: current?.source ?? null, lastRefresh: lastOutcome }),
  };
}

/** Gateway options from environment bindings (the production configuration). */
export function optionsFromEnv(env) {
  const url = env.SNAPSHOT_URL || null;
  const origin = env.SNAPSHOT_ORIGIN ?? null;
  const upstreamUrl = env.UPSTREAM_URL || null;
  const upstreamBinding = env.UPSTREAM ?? null;
  const ttl = Number(env.SNAPSHOT_TTL_SECONDS ?? 60);
  return {
    publicKey: env.SNAPSHOT_PUBLIC_KEY,
    bundled: env.SNAPSHOT_BUNDLED === 'off' ? null : bundledSnapshot,
    fetchSnapshot: url ? (init, since) => (origin ? origin.fetch(withSince(url, since), init) : fetch(withSince(url, since), init)) : null,
    ttlMs: Number.isFinite(ttl) && ttl >= 0 ? ttl * 1000 : 60_000,
    upstreamUrl,
    upstream: upstreamUrl ? (req) => (upstreamBinding ? upstreamBinding.fetch(req) : fetch(req)) : null,
    onRecord: recordSink({ binding: env.AUDIT ?? null, ...(env.AUDIT_URL ? { url: env.AUDIT_URL } : {}) }),
  };
}

let shared = null;
function gatewayFor(env) {
  shared ??= createGateway(optionsFromEnv(env));
  return shared;
}

export default {
  async fetch(request, env, ctx) {
    return gatewayFor(env).fetch(request, ctx);
  },
  /** A cron trigger refreshes the snapshot even when no requests arrive. */
  async scheduled(controller, env, ctx) {
    const gateway = gatewayFor(env);
    // The bundled snapshot first, so that its revision is the floor for what the origin sends.
    ctx.waitUntil(gateway.ensureLoaded().then(() => gateway.refresh()));
  },
  /**
   * CONNECT requests: workerd hands them to this handler with the tunnel already accepted (the
   * client has its `200` by then; a worker cannot choose that status). The gateway opens no
   * tunnels: it writes a 405 answer into the tunnel and closes it.
   */
  async connect(socket) {
    await refuseTunnel(socket);
  },
};

/** Writes a 405 answer into an accepted CONNECT tunnel and closes it. Never throws. */
async function refuseTunnel(socket) {
  const body = JSON.stringify({ error: { code: 'method_not_allowed', message: 'CONNECT is not allowed: the gateway opens no tunnels', allow: TUNNEL_ALLOW } });
  const head = [
    'HTTP/1.1 405 Method Not Allowed',
    'content-type: application/json',
    'cache-control: no-store',
    `allow: ${TUNNEL_ALLOW.join(', ')}`,
    `content-length: ${new TextEncoder().encode(body).byteLength}`,
    'connection: close',
  ];
  try {
    const writer = socket.writable.getWriter();
    await writer.write(new TextEncoder().encode(`${head.join('\r\n')}\r\n\r\n${body}`));
    await writer.close();
  } catch {
    // The client went away: nothing to answer.
  }
  try {
    await socket.close();
  } catch {
    // Already closed.
  }
}

// A token-checking gateway for workerd / Cloudflare Workers, in front of a Pulumi-Cloud-shaped
// REST API. Each request: route -> action and scope (routes.js), `Authorization: token …`
// (opaque `pul-…` or a signed JWT) -> who, scopegate -> allowed or not. Answers 401 with the
// token error code, 403 with the engine's explanation, and for allowed requests either a JSON
// echo or the request forwarded to an upstream.
//
// Policy arrives as a signed snapshot: the bundled default (snapshot/default.json) and, when an
// origin is configured, refreshes from it. Only snapshots signed by the configured Ed25519 key
// are accepted, the revision never goes back, and a failed refresh keeps the current snapshot.
//
// Configuration (environment bindings):
//   SNAPSHOT_PUBLIC_KEY   required: base64url Ed25519 public key that signs snapshots
//   SNAPSHOT_URL          optional: where to fetch `{ "snapshot": "<json text>", "signature": "…" }`
//   SNAPSHOT_ORIGIN       optional: a service binding to fetch SNAPSHOT_URL through
//   SNAPSHOT_TTL_SECONDS  optional: how old the last refresh may get before a request triggers
//                         another one in the background (default 60)
//   SNAPSHOT_BUNDLED      optional: "off" to start from the origin only
//   UPSTREAM_URL          optional: forward allowed requests to this base URL…
//   UPSTREAM              optional: …through this service binding
import { initSync, Scopegate } from 'scopegate';
import wasmModule from 'scopegate/scopegate_bg.wasm';
import bundledSnapshot from './snapshot/default.json';
import { actionOf, matchRoute, resourceOf } from './routes.js';

// Instantiating the module uses no randomness, so it is fine at global scope (workerd has none
// there). Loading a snapshot waits for the first request, where the environment is known.
initSync({ module: wasmModule });

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };
const MAX_INSPECTED_BODY = 64 * 1024;

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

/** Every stack of a snapshot, by organization: for List stacks. */
function stackIndex(text) {
  const index = new Map();
  for (const org of JSON.parse(text).organizations ?? []) {
    index.set(
      org.name,
      (org.stacks ?? []).map((s) => ({ project: s.project, name: s.name, tags: s.tags ?? {}, id: `${org.name}/${s.project}/${s.name}` })),
    );
  }
  return index;
}

/**
 * The gateway, independent of where its configuration comes from.
 *
 * @param {object} options
 * @param {string} options.publicKey  base64url Ed25519 key that must have signed every snapshot
 * @param {object|null} [options.bundled]  the default envelope `{ snapshot, signature }`
 * @param {((init: RequestInit) => Promise<Response>)|null} [options.fetchSnapshot]  fetches the origin's envelope
 * @param {number} [options.ttlMs]  refresh in the background once the last attempt is this old
 * @param {number} [options.timeoutMs]  give up on an origin fetch after this long
 * @param {((request: Request) => Promise<Response>)|null} [options.upstream]  forwards allowed requests
 * @param {string|null} [options.upstreamUrl]  base URL of the upstream
 * @param {() => number} [options.clock]  seconds since the epoch, read once per request
 * @param {() => number} [options.nowMs]  milliseconds, for the refresh schedule
 * @param {Pick<Console, 'warn'>} [options.log]
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
}) {
  /** The snapshot in use: `{ gate, revision, stacks, source }`. */
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
    return Scopegate.fromSignedSnapshot(envelope.snapshot, envelope.signature, publicKey);
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
    let stacks;
    try {
      stacks = stackIndex(envelope.snapshot);
    } catch (e) {
      gate.free();
      throw e;
    }
    const old = current;
    current = { gate, revision, stacks, source };
    // Safe: every use of a gate happens synchronously inside one request step, so nothing
    // else holds the old one now.
    old?.gate.free();
    return { installed: true, revision, previous };
  }

  /** Fetches the origin's envelope once. Never throws: the outcome says what happened. */
  async function refresh() {
    const at = nowMs();
    if (!fetchSnapshot) return { ok: false, at, error: { code: 'no_origin', message: 'no snapshot origin is configured' } };
    lastAttempt = at;
    refreshing = true;
    try {
      const headers = etag ? { 'if-none-match': etag } : {};
      let response;
      try {
        response = await fetchSnapshot({ headers, signal: AbortSignal.timeout(timeoutMs) });
      } catch (e) {
        throw new DeliveryError('origin_unreachable', `the origin did not answer: ${e?.message ?? e}`);
      }
      if (response.status === 304 && current) {
        lastOutcome = { ok: true, at, installed: false, reason: 'not_modified', revision: current.revision };
        return lastOutcome;
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new DeliveryError('origin_status', `the origin answered ${response.status}`);
      }
      const text = await response.text();
      let envelope;
      try {
        envelope = JSON.parse(text);
      } catch {
        throw new DeliveryError('snapshot_malformed', 'the origin did not send JSON');
      }
      const outcome = consider(envelope, 'origin');
      if (outcome.installed || outcome.reason === 'same_revision') etag = response.headers.get('etag');
      lastOutcome = { ok: true, at, ...outcome };
      return lastOutcome;
    } catch (e) {
      const error = { code: e?.code ?? 'refresh_failed', message: e?.message ?? String(e) };
      const repeated = lastOutcome && !lastOutcome.ok && lastOutcome.error.code === error.code;
      lastOutcome = { ok: false, at, error, revision: current?.revision ?? null };
      // Once per kind of failure, not once per attempt: a short TTL and a dead origin would flood the log.
      if (!repeated) log.warn(`scopegate: snapshot refresh failed (${error.code}): ${error.message}; serving revision ${current?.revision ?? 'none'}`);
      return lastOutcome;
    } finally {
      refreshing = false;
    }
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
    const job = refresh();
    if (ctx?.waitUntil) ctx.waitUntil(job);
  }

  /**
   * Reads the body of routes whose action depends on it (PATCH team): `{ text, json }`, with
   * `json` null when the text is not JSON; `null` for other routes and empty bodies; `tooLarge`
   * past MAX_INSPECTED_BODY bytes (such a body is never read to its end).
   */
  async function readBody(request, route) {
    if (!route.variants || !request.body) return null;
    const declared = Number(request.headers.get('content-length') ?? Number.NaN);
    if (declared > MAX_INSPECTED_BODY) return { tooLarge: true };
    const reader = request.body.getReader();
    const chunks = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_INSPECTED_BODY) {
        await reader.cancel();
        return { tooLarge: true };
      }
      chunks.push(value);
    }
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, at);
      at += chunk.byteLength;
    }
    const text = new TextDecoder().decode(bytes);
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {}
    return { text, json };
  }

  async function forward(request, body, url, who, action, scope) {
    const target = new URL(url.pathname + url.search, upstreamUrl);
    // A body the gateway has read goes on as the text it read; any other stays a stream.
    const outgoing = body ? new Request(target, { method: request.method, headers: request.headers, body: body.text }) : new Request(target, request);
    for (const name of [...outgoing.headers.keys()]) if (name.startsWith('x-scopegate-')) outgoing.headers.delete(name);
    outgoing.headers.set('x-scopegate-principal', who.principal ?? `${who.kind}:${who.organization}/${who.subject}`);
    outgoing.headers.set('x-scopegate-token-id', who.tokenId);
    outgoing.headers.set('x-scopegate-action', action);
    if (scope) outgoing.headers.set('x-scopegate-scope', scope);
    return upstream(outgoing);
  }

  /** List stacks: the stacks of the request's organization (or all) that the principal may read. */
  function listStacks(snap, who, route, url, org) {
    const project = url.searchParams.get('project');
    const tagName = url.searchParams.get('tagName');
    const tagValue = url.searchParams.get('tagValue');
    const orgs = org ? [org] : [...snap.stacks.keys()];
    const candidates = orgs
      .flatMap((o) => snap.stacks.get(o) ?? [])
      .filter((s) => (!project || s.project === project) && (!tagName || (tagName in s.tags && (tagValue === null || s.tags[tagName] === tagValue))));
    const visible = candidates.filter((s) => snap.gate.checkAs(who.handle, route.scope, s.id));
    if (candidates.length > 0 && visible.length === 0) {
      const decision = snap.gate.explainAs(who.handle, route.scope, candidates[0].id);
      return { denied: decision, resource: candidates[0].id };
    }
    const reasons = visible.length ? snap.gate.explainAs(who.handle, route.scope, visible[0].id).reasons : [];
    const stacks = visible.map((s) => {
      const [orgName] = s.id.split('/');
      return { orgName, projectName: s.project, stackName: s.name, tags: s.tags };
    });
    return { stacks, reasons };
  }

  async function handle(request, ctx) {
    await ensureLoaded();
    if (!current) {
      return reply(503, { error: { code: 'snapshot_unavailable', message: 'no verified snapshot is loaded yet' } }, null, { 'retry-after': '5' });
    }
    maybeRefresh(ctx);

    const url = new URL(request.url);
    const match = matchRoute(request.method, url.pathname);
    if (match.status === 404) {
      return reply(404, { error: { code: 'not_found', message: `no route for ${request.method} ${url.pathname}` } }, current.revision);
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
    const body = await readBody(request, route);
    if (body?.tooLarge) {
      return reply(413, { error: { code: 'payload_too_large', message: `this route reads its body, which must be at most ${MAX_INSPECTED_BODY} bytes` } }, current.revision);
    }
    const { action, rows } = actionOf(route, body?.json);
    const organization = route.target === 'list' ? url.searchParams.get('organization') : (params.org ?? null);

    // From here to the decision nothing awaits: the snapshot cannot change under the request.
    const snap = current;
    const revision = snap.revision;
    const header = request.headers.get('authorization');
    let who;
    try {
      who = snap.gate.authenticate(header ?? '', { now: clock(), organization: organization ?? undefined });
    } catch (e) {
      if (e?.name !== 'ScopegateError') throw e;
      const message = header === null ? 'missing Authorization header (expected `Authorization: token <token>`)' : e.message;
      return reply(401, { error: { code: e.code, message } }, revision, { 'www-authenticate': 'token' });
    }
    const principal = principalOf(who);

    if (route.target === 'self') return reply(200, { authenticated: true, action, principal }, revision);

    let resource;
    let decision;
    let listed = null;
    if (route.target === 'list') {
      listed = listStacks(snap, who, route, url, organization);
      if (listed.denied) {
        decision = listed.denied;
        resource = listed.resource;
      }
    } else {
      resource = resourceOf(route, params);
      decision = snap.gate.explainAs(who.handle, route.scope, resource);
    }

    if (decision && !decision.allowed) {
      return reply(
        403,
        {
          error: {
            code: 'forbidden',
            message: decision.deny?.message ?? 'not allowed',
            action,
            rows,
            scope: route.scope,
            resource,
            principal,
            deny: decision.deny ?? null,
            reasons: decision.reasons ?? [],
          },
        },
        revision,
      );
    }
    if (upstream && upstreamUrl) return forward(request, body, url, who, action, route.scope);
    if (listed) {
      return reply(200, { allowed: true, action, rows, scope: route.scope, principal, stacks: listed.stacks, reasons: listed.reasons }, revision);
    }
    return reply(200, { allowed: true, action, rows, scope: route.scope, resource, principal, reasons: decision.reasons }, revision);
  }

  return {
    /** Answers one request. */
    async fetch(request, ctx) {
      try {
        return await handle(request, ctx);
      } catch (e) {
        log.warn(`scopegate: internal error: ${e?.stack ?? e}`);
        return reply(500, { error: { code: 'internal_error', message: 'the gateway failed to answer' } }, current?.revision);
      }
    },
    refresh,
    /** Loads the bundled default (and the origin if nothing else) without answering a request. */
    ensureLoaded,
    /** What the gateway serves and how the last refresh went. */
    status: () => ({ revision: current?.revision ?? null, source: current?.source ?? null, lastRefresh: lastOutcome }),
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
    fetchSnapshot: url ? (init) => (origin ? origin.fetch(url, init) : fetch(url, init)) : null,
    ttlMs: Number.isFinite(ttl) && ttl >= 0 ? ttl * 1000 : 60_000,
    upstreamUrl,
    upstream: upstreamUrl ? (req) => (upstreamBinding ? upstreamBinding.fetch(req) : fetch(req)) : null,
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
};

// Decision records of the edge gateway: one per request that reaches a decision, written as one
// JSON line (the engine's record, as `onDecision` gives it: the fields are listed in the README's
// "Decision records") to the log and, when configured, POSTed to a service binding (env `AUDIT`).
// The Pulumi audit-event and CEF writers are in the admin build, not in the module a worker loads. Each answer carries the
// request id in `x-request-id`: the caller's, when it is 1–128 printable ASCII characters without
// spaces, else a fresh `crypto.randomUUID()`.
//
// The records are the engine's (`onDecision`, with the request id given to `setRequestId`), so
// they hold a token's id and name, never the token string.
/** A caller's request id the gateway keeps: printable ASCII without spaces, 1–128 characters. */
const CALLER_ID = /^[\x21-\x7e]{1,128}$/;

/** The request id of a request: the caller's `x-request-id` if acceptable, else a new UUID. */
export function requestIdOf(request) {
  const given = request.headers.get('x-request-id');
  return given !== null && CALLER_ID.test(given) ? given : crypto.randomUUID();
}

/** The response with `x-request-id` set (a copy when its headers are immutable). */
export function withRequestId(response, requestId) {
  try {
    response.headers.set('x-request-id', requestId);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    copy.headers.set('x-request-id', requestId);
    return copy;
  }
}

/** `reqOrgAdmin` / `reqStackAdmin` of each scope (the catalog's, the same for every snapshot). */
const FLAGS = new Map();

/**
 * The catalog's flags of a scope, from the engine's record of one question about it (asked of no
 * principal, so it decides nothing), kept per scope.
 */
export function scopeFlags(gate, scope, resource) {
  let flags = FLAGS.get(scope);
  if (flags) return flags;
  const got = [];
  const off = gate.onDecision((record) => { got.push(record); });
  try {
    gate.check('user:', scope, resource);
  } catch {
    // No record: the flags stay unknown (false) for this request.
  } finally {
    off();
  }
  flags = { reqOrgAdmin: Boolean(got[0]?.reqOrgAdmin), reqStackAdmin: Boolean(got[0]?.reqStackAdmin) };
  if (got.length) FLAGS.set(scope, flags);
  return flags;
}

/**
 * The record that decided a request, among the engine's records of it: the engine's decision on
 * the route's scope and resource if it recorded one; else, when the caller authenticated and the
 * gateway decided (`explainAs` of a principal handle, which the engine does not record), the
 * authentication record's principal with that decision (its reason codes, or its deny code) and
 * the scope's flags from `flagsOf`; else the first authentication (the refused one when a
 * credential was refused and then authenticated without an organization); else none.
 */
export function decidingRecord(records, scope, resource, decision = null, flagsOf = null) {
  const decided = records.filter((r) => r.kind !== 'authenticate' && r.action === scope && r.resource === resource).pop();
  if (decided) return decided;
  const auth = records.find((r) => r.kind === 'authenticate') ?? null;
  if (decision && auth?.allowed && scope && resource) {
    const reasons = decision.allowed ? (decision.reasons ?? []).map((r) => r.code) : [decision.deny?.code].filter(Boolean);
    const flags = flagsOf ? flagsOf(scope, resource) : { reqOrgAdmin: false, reqStackAdmin: false };
    return { ...auth, kind: 'explain', action: scope, resource, allowed: Boolean(decision.allowed), reasons, ...flags };
  }
  return auth;
}

/**
 * A record sink: logs each record as one JSON line (`log.log`) and POSTs it to `binding` (a
 * service binding with `fetch`) at `url`, as `application/x-ndjson`, when one is given. A failed
 * POST is logged with `log.warn` and never changes the answer.
 *
 * @param {{ log?: Pick<Console, 'log' | 'warn'>, binding?: { fetch: typeof fetch } | null, url?: string }} options
 * @returns {(record: object, ctx?: { waitUntil?: (p: Promise<unknown>) => void } | null) => void}
 */
export function recordSink({ log = console, binding = null, url = 'https://audit.internal/records' } = {}) {
  return (record, ctx) => {
    const line = `${JSON.stringify(record)}\n`;
    log.log(line.trimEnd());
    if (!binding) return;
    const sent = Promise.resolve()
      .then(() => binding.fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: line }))
      .then((res) => {
        if (!res.ok) log.warn(`scopegate: the audit binding answered ${res.status}`);
      })
      .catch((e) => log.warn(`scopegate: the audit binding failed: ${e?.message ?? e}`));
    if (ctx?.waitUntil) ctx.waitUntil(sent);
  };
}

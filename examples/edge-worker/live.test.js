// workerd tests of live policy in the edge gateway: refresh by signed delta from the origin,
// the fall-back to the full signed snapshot on a gap or when the origin has no delta, `notAfter`
// refusals (deltas and snapshots, the bundled one included, after a restart too), and
// `x-scopegate-min-revision` (one refresh, then 503 with Retry-After, then an answer once the
// revision is reached). Re-exported by worker.test.js, the suites' entry module.
//
// The origin is a Scopegate instance in the test (the same code an origin would run): its
// management actions are the changes, `changesSince` the deltas, signed with the example's
// demo snapshot key, which the gateway trusts.
import { Scopegate } from 'scopegate';
import { createGateway } from './worker.js';
import tokens from './fixtures/tokens.json';
import bundled from './snapshot/default.json';
import demoKey from './snapshot/demo-key.json';
import { checker } from './checker.js';

const quiet = { warn() {} };
const seconds = () => Math.floor(Date.now() / 1000);
const sign = (text) => Scopegate.signSnapshot(text, demoKey.privateKey);
const authorization = (name) => `token ${tokens.credentials[name].credential}`;

/** A signed envelope of `gate`'s whole state, valid until `notAfter` when given. */
function envelopeOf(gate, notAfter) {
  const snapshot = gate.toJSON();
  if (notAfter !== undefined) snapshot.notAfter = notAfter;
  const text = JSON.stringify(snapshot);
  return { snapshot: text, signature: sign(text) };
}

/**
 * An origin over a Scopegate instance. `mode`: `delta` (the delta since the asked revision, 410
 * when it has none), `gap` (a delta that starts one revision later than asked), `no-delta` (410
 * for every `since`), `snapshot-only` (the full envelope whatever is asked), `expired-delta`,
 * `down` (503). Without `since`, the full envelope (`fullNotAfter` sets its expiry).
 */
function makeOrigin() {
  const gate = new Scopegate(bundled.snapshot);
  const origin = { gate, mode: 'delta', asked: [], fullNotAfter: undefined, full: null };
  origin.fetch = async (_init, since) => {
    origin.asked.push(since === null ? null : String(since));
    if (origin.mode === 'down') return new Response('down', { status: 503 });
    if (since === null || origin.mode === 'snapshot-only') return Response.json(origin.full ?? envelopeOf(gate, origin.fullNotAfter));
    if (origin.mode === 'no-delta') return new Response('no delta', { status: 410 });
    if (BigInt(since) === gate.revision) return new Response(null, { status: 304 });
    const from = origin.mode === 'gap' ? BigInt(since) + 1n : since;
    const notAfter = origin.mode === 'expired-delta' ? seconds() - 10 : seconds() + 300;
    let delta;
    try {
      delta = gate.changesSince(from, { notAfter });
    } catch (e) {
      if (e?.code === 'changes_unavailable') return new Response('no delta', { status: 410 });
      throw e;
    }
    return Response.json({ delta, signature: sign(delta) });
  };
  return origin;
}

function gatewayFor(env, origin, extra = {}) {
  return createGateway({ publicKey: env.SNAPSHOT_PUBLIC_KEY, bundled, fetchSnapshot: origin.fetch, ttlMs: 1e12, timeoutMs: 1_000, log: quiet, ...extra });
}

async function ask(gateway, credential, headers = {}) {
  const h = new Headers(headers);
  h.set('authorization', authorization(credential));
  const res = await gateway.fetch(new Request('http://gateway.test/api/orgs/acme/members', { headers: h }), null);
  const text = await res.text();
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = { unparsed: text };
  }
  return { status: res.status, revision: res.headers.get('x-scopegate-revision'), retryAfter: res.headers.get('retry-after'), body };
}


export const live = {
  async test(controller, env) {
    const c = checker('live');

    // --- A refresh by delta: the origin deletes the standard token; the gateway follows in place.
    const origin = makeOrigin();
    const gw = gatewayFor(env, origin);
    await gw.ensureLoaded();
    c.eq((await ask(gw, 'opaque-std')).status, 200, 'revision 100: the standard token works');
    origin.gate.deleteToken('root', 'tok-std');
    origin.asked.length = 0;
    const byDelta = await gw.refresh();
    c.eq([byDelta.ok, byDelta.installed, byDelta.by, byDelta.previous, byDelta.revision], [true, true, 'delta', '100', '101'], 'refreshed by delta');
    c.eq(origin.asked, ['100'], 'the gateway asked for the changes since its revision');
    const revoked = await ask(gw, 'opaque-std');
    c.eq([revoked.status, revoked.body.error?.code, revoked.revision], [401, 'token_revoked', '101'], 'the delta is in force');
    c.eq(gw.status().source, 'delta', 'status: the delta is the source');
    const unchanged = await gw.refresh();
    c.eq([unchanged.installed, unchanged.reason], [false, 'not_modified'], 'nothing new at the origin');

    // --- A gap: the delta starts after the gateway's revision; the full snapshot is taken instead.
    origin.gate.createTeam('root', 'acme', 'ops');
    origin.gate.createTeam('root', 'acme', 'qa');
    origin.mode = 'gap';
    origin.asked.length = 0;
    const gap = await gw.refresh();
    c.eq([gap.ok, gap.installed, gap.by, gap.revision], [true, true, 'snapshot', '103'], 'a gap falls back to the full snapshot');
    c.eq(origin.asked, ['101', null], 'asked by delta, then for the full snapshot');
    c.eq((await ask(gw, 'opaque-team')).revision, '103', 'serving the full snapshot');

    // --- An origin without a delta from that revision (410): the full snapshot too.
    origin.gate.deleteTeam('root', 'acme', 'qa');
    origin.mode = 'no-delta';
    origin.asked.length = 0;
    const noDelta = await gw.refresh();
    c.eq([noDelta.installed, noDelta.revision, origin.asked], [true, '104', ['103', null]], 'no delta: the full snapshot');
    origin.gate.createTeam('root', 'acme', 'web');
    origin.mode = 'snapshot-only';
    const full = await gw.refresh();
    c.eq([full.installed, full.revision], [true, '105'], 'an origin that answers with the full snapshot');

    // --- notAfter: an expired delta is refused; the gateway keeps serving what it has.
    origin.gate.deleteTeam('root', 'acme', 'web');
    origin.mode = 'expired-delta';
    const expired = await gw.refresh();
    c.eq([expired.ok, expired.error?.code, gw.status().revision], [false, 'delta_expired', '105'], 'an expired delta is refused');
    c.eq((await ask(gw, 'opaque-team')).status, 200, 'still serving after the refusal');
    origin.mode = 'down';
    c.eq((await gw.refresh()).error?.code, 'origin_status', 'origin down: refused');
    c.eq((await ask(gw, 'opaque-team')).revision, '105', 'origin down: still serving 105');

    // --- A restart: the gateway starts again from the bundled revision 100 and remembers nothing.
    // An attacker replays a signed snapshot of a higher revision that has expired: refused.
    const replayed = envelopeOf(origin.gate, seconds() - 60);
    const attacker = makeOrigin();
    attacker.full = replayed;
    attacker.mode = 'snapshot-only';
    const restarted = gatewayFor(env, attacker);
    await restarted.ensureLoaded();
    const replay = await restarted.refresh();
    c.eq([replay.ok, replay.error?.code, restarted.status().revision], [false, 'snapshot_expired', '100'], 'an expired replay after a restart is refused');
    c.eq((await ask(restarted, 'opaque-std')).status, 200, 'the replayed revision is not served');
    // The same snapshot while still valid is taken (the refusal is the expiry, not the revision).
    attacker.full = envelopeOf(origin.gate, seconds() + 60);
    c.eq((await restarted.refresh()).revision, '106', 'the same snapshot, not expired, is taken');

    // An expired bundled snapshot is not served either: 503 until the origin delivers.
    const cold = makeOrigin();
    cold.mode = 'down';
    const stale = { ...envelopeOf(cold.gate, seconds() - 1) };
    const coldGw = gatewayFor(env, cold, { bundled: stale, ttlMs: 0 });
    const down = await ask(coldGw, 'opaque-team');
    c.eq([down.status, down.body.error?.code], [503, 'snapshot_unavailable'], 'an expired bundled snapshot is refused');
    cold.mode = 'delta';
    cold.fullNotAfter = seconds() + 300;
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    c.eq((await ask(coldGw, 'opaque-team')).status, 200, 'a current snapshot from the origin is served');

    // --- x-scopegate-min-revision: behind it, one refresh, then 503 (never an older answer).
    const lagging = makeOrigin();
    const edge = gatewayFor(env, lagging);
    await edge.ensureLoaded();
    lagging.gate.deleteToken('root', 'tok-std');
    lagging.gate.createTeam('root', 'acme', 'ops');
    lagging.mode = 'down';
    lagging.asked.length = 0;
    const behind = await ask(edge, 'opaque-std', { 'x-scopegate-min-revision': '102' });
    c.eq([behind.status, behind.body.error?.code, behind.retryAfter, behind.revision], [503, 'revision_not_reached', '1', '100'], 'behind the asked revision: 503');
    c.eq(lagging.asked, ['100'], 'one refresh attempt before the 503');
    lagging.mode = 'delta';
    const reached = await ask(edge, 'opaque-std', { 'x-scopegate-min-revision': '102' });
    c.eq([reached.status, reached.body.error?.code, reached.revision], [401, 'token_revoked', '102'], 'after the refresh: answered from revision 102');
    c.eq(lagging.asked, ['100', '100'], 'the refresh was by delta');
    const satisfied = await ask(edge, 'opaque-team', { 'x-scopegate-min-revision': '101' });
    c.eq([satisfied.status, lagging.asked.length], [200, 2], 'a revision already reached: no refresh');
    const huge = await ask(edge, 'opaque-team', { 'x-scopegate-min-revision': '18446744073709551615' });
    c.eq([huge.status, huge.body.error?.minRevision], [503, '18446744073709551615'], 'revisions compare exactly above 2^53');
    const bad = await ask(edge, 'opaque-team', { 'x-scopegate-min-revision': '-1' });
    c.eq([bad.status, bad.body.error?.code], [400, 'invalid_min_revision'], 'a malformed minimum revision');
    c.done();
  },
};

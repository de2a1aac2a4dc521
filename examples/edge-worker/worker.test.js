// workerd tests of the edge gateway (run: ./run-tests.sh, or workerd test test.capnp).
//
// Each export is one suite. `matrix`, `tokenErrors`, `refreshEndToEnd`, `listStacks`,
// `outsiders` and `authzen` go through service bindings to gateways configured exactly as in
// production (worker.js's default export, env bindings, real clock); `vectors`, `delivery`,
// `http` and `hostile` also build gateways with createGateway to inject a fixed clock, an origin
// they control, or an upstream.
//
// Expectations come from the model: the documented token matrix (parsed from
// src/catalog/token_matrix.rs), the product decisions (matrix-requests.js), the credentials'
// stated purpose (fixtures/tokens.json), and the library's token vectors (tests/fixtures/tokens).
import { Scopegate } from 'scopegate';
import worker, { createGateway, headerValue } from './worker.js';
import { scopeFits } from './authzen.js';
import {
  MATRIX_CREDENTIALS,
  ROW_REQUESTS,
  TOKEN_ERROR_CODES,
  authorizationFor,
  expectedAllowed,
  expectedDenyCode,
  parseMatrix,
} from './matrix-requests.js';
import matrixSource from 'token_matrix.rs';
import tokenVectors from 'vectors.json';
import tokens from './fixtures/tokens.json';
import bundled from './snapshot/default.json';
import demoKey from './snapshot/demo-key.json';
import { checker } from './checker.js';

// Live policy (deltas, notAfter, minimum revisions): their own file, one more suite here.
export { live } from './live.test.js';
// Decision records and request ids: their own file too.
export { records } from './records.test.js';

const MATRIX = parseMatrix(matrixSource);
const CREDENTIALS = tokens.credentials;
const quiet = { warn() {} };


function request(method, path, { authorization = null, body, headers = {} } = {}) {
  const h = new Headers(headers);
  // Header values are bytes: workerd sends text outside ASCII as UTF-8 (and logs a warning).
  if (authorization !== null) h.set('authorization', authorization);
  if (body !== undefined) h.set('content-type', 'application/json');
  return new Request(`http://gateway.test${path}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
}

async function answer(send, req) {
  const res = await send(req);
  const text = await res.text();
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = { unparsed: text };
  }
  return { status: res.status, headers: res.headers, body };
}

/** Headers every gateway answer carries. */
function checkHeaders(c, res, what) {
  c.eq(res.headers.get('content-type'), 'application/json', `${what}: content-type`);
  c.eq(res.headers.get('cache-control'), 'no-store', `${what}: cache-control`);
}

/** A gateway answer to an Authorization header on a matrix row. */
function rowRequest(rowNumber, authorization) {
  const [method, path, body] = ROW_REQUESTS[rowNumber];
  return request(method, path, { authorization, body });
}

function waitFor(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Every matrix row, as allowed and as refused, through the production-configured gateway. */
export const matrix = {
  async test(controller, env) {
    const c = checker('matrix');
    const send = (req) => env.GATEWAY.fetch(req);
    const seen = new Map(MATRIX.map((r) => [r.row, { allowed: 0, refused: 0 }]));
    for (const row of MATRIX) {
      for (const who of MATRIX_CREDENTIALS) {
        const want = expectedAllowed(who, row);
        const what = `row ${row.row} (${row.action}, ${row.scope}) as ${who}`;
        const res = await answer(send, rowRequest(row.row, authorizationFor(CREDENTIALS[who].credential)));
        checkHeaders(c, res, what);
        c.eq(res.headers.get('x-scopegate-revision'), '100', `${what}: revision`);
        if (want) {
          c.eq(res.status, 200, `${what}: status`);
          c.eq(res.body.allowed, true, `${what}: allowed`);
          c.eq(res.body.scope, row.scope, `${what}: scope`);
          c.ok(res.body.rows?.includes(row.row), `${what}: rows ${JSON.stringify(res.body.rows)} should include ${row.row}`);
          c.ok(Array.isArray(res.body.reasons) && res.body.reasons.length > 0, `${what}: an allow names its reasons`);
          c.eq(res.body.principal?.tokenId !== undefined, true, `${what}: principal`);
          seen.get(row.row).allowed += 1;
        } else {
          c.eq(res.status, 403, `${what}: status (${JSON.stringify(res.body).slice(0, 200)})`);
          c.eq(res.body.error?.code, 'forbidden', `${what}: error code`);
          c.eq(res.body.error?.scope, row.scope, `${what}: scope`);
          c.ok(res.body.error?.rows?.includes(row.row), `${what}: rows ${JSON.stringify(res.body.error?.rows)} should include ${row.row}`);
          c.ok(typeof res.body.error?.deny?.code === 'string', `${what}: a deny names its reason`);
          c.ok(typeof res.body.error?.message === 'string' && res.body.error.message.length > 0, `${what}: message`);
          const deny = expectedDenyCode(who, row);
          if (deny) c.eq(res.body.error?.deny?.code, deny, `${what}: deny code`);
          seen.get(row.row).refused += 1;
        }
      }
    }
    for (const [row, n] of seen) c.ok(n.allowed > 0 && n.refused > 0, `row ${row}: allowed ${n.allowed} times, refused ${n.refused} times`);

    // List stacks filters: the crew team token sees app/prod only; root sees both acme stacks.
    const team = await answer(send, rowRequest(1, authorizationFor(CREDENTIALS['opaque-team'].credential)));
    c.eq(team.body.stacks?.map((s) => `${s.orgName}/${s.projectName}/${s.stackName}`), ['acme/app/prod'], 'list stacks as the crew team token');
    const root = await answer(send, rowRequest(1, authorizationFor(CREDENTIALS['opaque-root'].credential)));
    c.eq(root.body.stacks?.map((s) => s.stackName).sort(), ['dev', 'prod'], 'list stacks as root');
    const tagged = await answer(send, request('GET', '/api/user/stacks?organization=acme&tagName=env&tagValue=dev', { authorization: authorizationFor(CREDENTIALS['opaque-root'].credential) }));
    c.eq(tagged.body.stacks?.map((s) => s.stackName), ['dev'], 'list stacks filtered by tag');
    c.done();
  },
};

/** Every token error code as a 401; the valid demo credentials authenticate as stated. */
export const tokenErrors = {
  async test(controller, env) {
    const c = checker('tokenErrors');
    const send = (req) => env.GATEWAY.fetch(req);
    const codes = new Set();
    for (const [name, cred] of Object.entries(CREDENTIALS)) {
      const authorization = authorizationFor(cred.credential);
      if (cred.expect.error) {
        const org = cred.org ?? 'acme';
        const res = await answer(send, request('GET', `/api/orgs/${org}/members`, { authorization }));
        c.eq(res.status, 401, `${name} (${cred.what}): status`);
        c.eq(res.body.error?.code, cred.expect.error, `${name}: error code`);
        c.eq(res.headers.get('www-authenticate'), 'token', `${name}: WWW-Authenticate`);
        checkHeaders(c, res, name);
        const secret = cred.credential?.replace(/^\S+\s+/, '') ?? '';
        c.ok(!secret || !JSON.stringify(res.body).includes(secret), `${name}: the answer must not echo the credential`);
        codes.add(res.body.error?.code);
      } else {
        const res = await answer(send, request('GET', '/api/user', { authorization }));
        c.eq(res.status, 200, `${name}: status`);
        for (const [field, value] of Object.entries(cred.expect)) {
          const got = field === 'principal' ? res.body.principal?.name : res.body.principal?.[field];
          c.eq(got, value, `${name}: ${field}`);
        }
        // The same credential with the Bearer scheme and as a whole header line.
        const bare = cred.credential;
        for (const form of [`Bearer ${bare}`, `Authorization: token ${bare}`]) {
          const again = await answer(send, request('GET', '/api/user', { authorization: form }));
          c.eq(again.body.principal?.tokenId, res.body.principal?.tokenId, `${name} as "${form.slice(0, 22)}…"`);
        }
      }
    }
    c.eq([...codes].sort(), [...TOKEN_ERROR_CODES].sort(), 'every token error code is produced');
    c.done();
  },
};

/**
 * The library's token vectors through the gateway, at the vectors' fixed time: each refused case
 * is a 401 with its code, each accepted one authenticates as expected. Cases with an organization
 * go to that organization's List users route; the others to Get current user.
 */
export const vectors = {
  async test() {
    const c = checker('vectors');
    const text = JSON.stringify(tokenVectors.snapshot);
    const envelope = { snapshot: text, signature: Scopegate.signSnapshot(text, demoKey.privateKey) };
    let now = tokenVectors.now;
    const gateway = createGateway({ publicKey: demoKey.publicKey, bundled: envelope, clock: () => now, log: quiet });
    const send = (req) => gateway.fetch(req, null);
    const codes = new Set();
    for (const v of tokenVectors.cases) {
      now = v.now ?? tokenVectors.now;
      const path = v.org ? `/api/orgs/${encodeURIComponent(v.org)}/members` : '/api/user';
      const res = await answer(send, request('GET', path, { authorization: v.credential }));
      if (v.expect.error) {
        c.eq(res.status, 401, `${v.name}: status`);
        c.eq(res.body.error?.code, v.expect.error, `${v.name}: code`);
        codes.add(v.expect.error);
      } else if (v.org) {
        c.ok(res.status === 200 || res.status === 403, `${v.name}: authenticated (status ${res.status}, ${JSON.stringify(res.body).slice(0, 160)})`);
        if (res.status === 403) c.eq(res.body.error?.principal?.tokenId, v.expect.tokenId, `${v.name}: tokenId`);
        else c.eq(res.body.principal?.tokenId, v.expect.tokenId, `${v.name}: tokenId`);
      } else {
        c.eq(res.status, 200, `${v.name}: status (${JSON.stringify(res.body).slice(0, 160)})`);
        const p = res.body.principal ?? {};
        for (const field of ['tokenId', 'kind', 'organization', 'subject', 'signed']) c.eq(p[field], v.expect[field], `${v.name}: ${field}`);
        c.eq(p.name, typeof v.expect.principal === 'string' ? v.expect.principal : null, `${v.name}: principal`);
      }
    }
    c.eq([...codes].sort(), [...TOKEN_ERROR_CODES].sort(), 'the vectors cover every token error code');
    c.done();
  },
};

/**
 * Snapshot delivery against an origin the test controls: newer revisions are taken; older,
 * tampered, unsigned, wrongly signed, invalid and unreachable ones are not, and the gateway keeps
 * answering from the snapshot it has.
 */
export const delivery = {
  async test(controller, env) {
    const c = checker('delivery');
    const serve = (channel, variant) =>
      env.ORIGIN.fetch(`http://origin/control?channel=${channel}`, { method: 'POST', body: JSON.stringify({ serve: variant }) });
    const make = (channel, extra = {}) =>
      createGateway({
        publicKey: env.SNAPSHOT_PUBLIC_KEY,
        bundled,
        fetchSnapshot: (init) => env.ORIGIN.fetch(`http://origin/snapshot?channel=${channel}`, init),
        ttlMs: 1e12,
        timeoutMs: 300,
        log: quiet,
        ...extra,
      });
    const std = authorizationFor(CREDENTIALS['opaque-std'].credential);
    const team = authorizationFor(CREDENTIALS['opaque-team'].credential);
    const ask = async (gateway, authorization) => answer((r) => gateway.fetch(r, null), request('GET', '/api/orgs/acme/members', { authorization }));

    // Starts from the bundled default.
    const gw = make('direct');
    await gw.ensureLoaded();
    c.eq(gw.status().revision, '100', 'bundled default revision');
    c.eq(gw.status().source, 'bundled', 'bundled default source');
    c.eq((await ask(gw, std)).status, 200, 'the standard token works at revision 100');

    // A newer revision is taken: it deletes the standard token.
    await serve('direct', 'newer');
    const taken = await gw.refresh();
    c.eq([taken.ok, taken.installed, taken.revision, taken.previous], [true, true, '101', '100'], 'newer revision installed');
    const revoked = await ask(gw, std);
    c.eq([revoked.status, revoked.body.error?.code], [401, 'token_revoked'], 'revision 101 revokes the standard token');
    c.eq(revoked.headers.get('x-scopegate-revision'), '101', 'answers carry the revision');
    // The same again: not modified (ETag), nothing changes.
    const again = await gw.refresh();
    c.eq([again.ok, again.installed, again.reason], [true, false, 'not_modified'], 'unchanged origin');

    // An older revision is ignored: it would delete the team token and bring the standard one back.
    await serve('direct', 'older');
    const older = await gw.refresh();
    c.eq([older.ok, older.installed, older.reason, older.revision, older.current], [true, false, 'older_revision', '99', '101'], 'older revision ignored');
    c.eq((await ask(gw, team)).status, 200, 'after an older revision: the team token still works');
    c.eq((await ask(gw, std)).status, 401, 'after an older revision: the standard token stays revoked');

    // Refused deliveries: each keeps revision 101 in service.
    const refusals = [
      ['tampered', 'snapshot_signature_invalid'],
      ['unsigned', 'snapshot_unsigned'],
      ['wrong-key', 'snapshot_signature_invalid'],
      ['signed-invalid', 'unknown_field'],
      ['garbage', 'snapshot_malformed'],
      ['not-envelope', 'snapshot_malformed'],
      ['error', 'origin_status'],
      ['hang', 'origin_unreachable'],
    ];
    for (const [variant, code] of refusals) {
      await serve('direct', variant);
      const outcome = await gw.refresh();
      c.eq([outcome.ok, outcome.error?.code], [false, code], `${variant}: refused`);
      c.eq(gw.status().revision, '101', `${variant}: still on revision 101`);
      const res = await ask(gw, team);
      c.eq([res.status, res.headers.get('x-scopegate-revision')], [200, '101'], `${variant}: still serving`);
      c.eq((await ask(gw, std)).body.error?.code, 'token_revoked', `${variant}: the tampered snapshot's admin token is not honoured`);
    }

    // A gateway on the default revision never moves back to 99 either.
    await serve('fresh', 'older');
    const fresh = make('fresh');
    await fresh.ensureLoaded();
    const freshOutcome = await fresh.refresh();
    c.eq([freshOutcome.installed, fresh.status().revision], [false, '100'], 'bundled 100, origin 99: stays on 100');

    // No bundled snapshot and a failing origin: 503 until the origin recovers.
    await serve('cold', 'error');
    const cold = make('cold', { bundled: null, ttlMs: 0 });
    const down = await ask(cold, team);
    c.eq([down.status, down.body.error?.code], [503, 'snapshot_unavailable'], 'nothing verified yet: 503');
    checkHeaders(c, down, 'the 503');
    await serve('cold', 'tampered');
    c.eq((await ask(cold, team)).status, 503, 'a tampered first snapshot is not served');
    await serve('cold', 'newer');
    const up = await ask(cold, team);
    c.eq([up.status, up.headers.get('x-scopegate-revision')], [200, '101'], 'origin recovered: serving 101');

    // A bundled snapshot signed by another key is refused too.
    const wrong = createGateway({ publicKey: env.SNAPSHOT_PUBLIC_KEY, bundled: { ...bundled, signature: bundled.signature.replace(/^./, (ch) => (ch === 'A' ? 'B' : 'A')) }, log: quiet });
    c.eq((await ask(wrong, team)).status, 503, 'a bundled snapshot with a broken signature is not served');

    // The default export's cron handler, configured from bindings: bundled first, then the origin.
    const cronEnv = { SNAPSHOT_PUBLIC_KEY: env.SNAPSHOT_PUBLIC_KEY, SNAPSHOT_URL: 'http://origin/snapshot?channel=cron', SNAPSHOT_ORIGIN: env.ORIGIN };
    const cron = async () => {
      const pending = [];
      await worker.scheduled({ cron: '*/5 * * * *' }, cronEnv, { waitUntil: (p) => pending.push(p) });
      await Promise.all(pending);
    };
    const cronAsk = async () => {
      const res = await worker.fetch(request('GET', '/api/orgs/acme/members', { authorization: team }), cronEnv, { waitUntil() {} });
      await res.text();
      return res.headers.get('x-scopegate-revision');
    };
    await serve('cron', 'older');
    await cron();
    c.eq(await cronAsk(), '100', 'cron with an older origin: the bundled revision stays');
    await serve('cron', 'newer');
    await cron();
    c.eq(await cronAsk(), '101', 'cron with a newer origin: taken');
    c.done();
  },
};

/** A gateway with an origin and TTL 0 (production configuration): refreshes in the background. */
export const refreshEndToEnd = {
  async test(controller, env) {
    const c = checker('refreshEndToEnd');
    const send = (req) => env.GATEWAY_REFRESH.fetch(req);
    const serve = (variant) => env.ORIGIN.fetch('http://origin/control?channel=e2e', { method: 'POST', body: JSON.stringify({ serve: variant }) });
    const team = authorizationFor(CREDENTIALS['opaque-team'].credential);
    const std = authorizationFor(CREDENTIALS['opaque-std'].credential);
    const revisionOf = async () => (await answer(send, request('GET', '/api/orgs/acme/members', { authorization: team }))).headers.get('x-scopegate-revision');
    /** Requests until the served revision is `want` (each request may start a refresh). */
    const settle = async (want) => {
      let got = null;
      for (let i = 0; i < 100 && got !== want; i += 1) {
        got = await revisionOf();
        if (got !== want) await waitFor(20);
      }
      return got;
    };

    const hits = async () => (await (await env.ORIGIN.fetch('http://origin/stats?channel=e2e')).json()).hits;
    /** Serves `variant`, sends requests until the origin has been asked at least twice more. */
    const offer = async (variant, tries = 100) => {
      await serve(variant);
      const before = await hits();
      for (let i = 0; i < tries && (await hits()) < before + 2; i += 1) {
        await revisionOf();
        await waitFor(10);
      }
      return (await hits()) - before;
    };

    c.eq(await revisionOf(), '100', 'starts on the bundled revision');
    c.ok((await offer('older')) >= 2, 'the origin was asked for the older revision');
    c.eq(await revisionOf(), '100', 'an older origin revision is ignored');
    c.ok((await offer('tampered')) >= 2, 'the origin was asked for the tampered snapshot');
    c.eq(await revisionOf(), '100', 'a tampered origin snapshot is ignored');
    c.ok((await offer('unsigned')) >= 2, 'the origin was asked for the unsigned snapshot');
    c.eq(await revisionOf(), '100', 'an unsigned origin snapshot is ignored');
    await serve('newer');
    c.eq(await settle('101'), '101', 'a newer origin revision is picked up in the background');
    const revoked = await answer(send, request('GET', '/api/orgs/acme/members', { authorization: std }));
    c.eq(revoked.body.error?.code, 'token_revoked', 'revision 101 in force');
    c.ok((await offer('error')) >= 2, 'the origin was asked while failing');
    for (let i = 0; i < 10; i += 1) c.eq(await revisionOf(), '101', `origin failing (${i}): still serving 101`);
    await serve('hang');
    for (let i = 0; i < 10; i += 1) {
      c.eq(await revisionOf(), '101', `origin hanging (${i}): still serving 101`);
      await waitFor(20);
    }
    // The hung refresh ends after 3 s (the timeout is 5 s); then refreshes resume.
    c.ok((await offer('older', 600)) >= 2, 'the origin was asked for the older revision again');
    c.eq(await revisionOf(), '101', 'never back to an older revision');
    c.done();
  },
};

/** Routing, methods, bodies and forwarding. */
export const http = {
  async test(controller, env) {
    const c = checker('http');
    const send = (req) => env.GATEWAY.fetch(req);
    const admin = authorizationFor(CREDENTIALS['opaque-admin'].credential);

    const unknown = await answer(send, request('GET', '/api/orgs/acme/teams/crew/secrets', { authorization: admin }));
    c.eq([unknown.status, unknown.body.error?.code], [404, 'not_found'], 'unknown route');
    checkHeaders(c, unknown, '404');
    const root = await answer(send, request('GET', '/', { authorization: admin }));
    c.eq(root.status, 404, 'root path');
    const doubleSlash = await answer(send, request('GET', '/api/stacks/acme//prod', { authorization: admin }));
    c.eq(doubleSlash.status, 404, 'empty path segment');

    const wrongMethod = await answer(send, request('PUT', '/api/stacks/acme/app/prod', { authorization: admin }));
    c.eq([wrongMethod.status, wrongMethod.body.error?.code], [405, 'method_not_allowed'], 'wrong method');
    c.eq(wrongMethod.headers.get('allow'), 'DELETE, GET', 'Allow lists the methods of the path');
    checkHeaders(c, wrongMethod, '405');
    const getTeam = await answer(send, request('GET', '/api/orgs/acme/teams/crew', { authorization: admin }));
    c.eq([getTeam.status, getTeam.headers.get('allow')], [405, 'DELETE, PATCH'], 'a team path with GET');
    const createOther = await answer(send, request('POST', '/api/orgs/acme/teams/crew', { authorization: admin }));
    c.eq(createOther.status, 405, 'create team needs teamType pulumi or github');

    const missing = await answer(send, request('GET', '/api/orgs/acme/members'));
    c.eq([missing.status, missing.body.error?.code, missing.headers.get('www-authenticate')], [401, 'malformed_token', 'token'], 'no Authorization header');

    // PATCH team: the body names the action; the scope is team:update either way.
    for (const row of [24, 25, 26]) {
      const res = await answer(send, rowRequest(row, admin));
      c.eq([res.body.rows, res.body.scope], [[row], 'team:update'], `PATCH team variant of row ${row}`);
    }
    const rename = await answer(send, request('PATCH', '/api/orgs/acme/teams/crew', { authorization: admin, body: { newDisplayName: 'Crew 2' } }));
    c.eq([rename.status, rename.body.action, rename.body.rows], [200, 'Update team', []], 'PATCH team with another body');
    const notJson = await answer(send, new Request('http://gateway.test/api/orgs/acme/teams/crew', { method: 'PATCH', headers: { authorization: admin }, body: '{not json' }));
    c.eq([notJson.status, notJson.body.scope], [200, 'team:update'], 'PATCH team with a body that is not JSON');
    const huge = await answer(send, request('PATCH', '/api/orgs/acme/teams/crew', { authorization: admin, body: { memberAction: 'add', member: 'x'.repeat(70_000) } }));
    c.eq([huge.status, huge.body.error?.code], [413, 'payload_too_large'], 'PATCH team with a body over 64 KiB');
    checkHeaders(c, huge, '413');

    // Forwarding: allowed requests go upstream with the principal attached and spoofed headers
    // removed; refused ones never leave the gateway.
    const gw = createGateway({
      publicKey: env.SNAPSHOT_PUBLIC_KEY,
      bundled,
      upstreamUrl: 'http://upstream.test',
      upstream: (req) => env.ORIGIN.fetch(req),
      log: quiet,
    });
    const fwd = await answer(
      (r) => gw.fetch(r, null),
      request('PATCH', '/api/orgs/acme/teams/crew?x=1', { authorization: admin, body: { memberAction: 'add', member: 'mia' }, headers: { 'x-scopegate-principal': 'user:root' } }),
    );
    c.eq(fwd.body.upstream, true, 'forwarded upstream');
    c.eq(fwd.body.path, '/api/orgs/acme/teams/crew?x=1', 'path and query kept');
    c.eq(fwd.body.method, 'PATCH', 'method kept');
    c.eq(JSON.parse(fwd.body.body ?? 'null'), { memberAction: 'add', member: 'mia' }, 'body kept after the gateway read it');
    c.eq(fwd.body.headers?.['x-scopegate-principal'], 'token:tok-admin', 'principal attached, client value replaced');
    c.eq(fwd.body.headers?.['x-scopegate-action'], 'Update team membership', 'action attached');
    c.eq(fwd.body.headers?.authorization, admin, 'credential passed on');
    const blocked = await answer((r) => gw.fetch(r, null), rowRequest(19, authorizationFor(CREDENTIALS['opaque-team'].credential)));
    c.eq([blocked.status, blocked.body.upstream], [403, undefined], 'refused requests are answered by the gateway');
    const claims = await answer((r) => gw.fetch(r, null), rowRequest(2, authorizationFor(CREDENTIALS['signed-team'].credential)));
    c.eq(claims.body.headers?.['x-scopegate-principal'], 'team:acme/crew', 'a claims-only token is named by its claims');
    c.done();
  },
};

/** `body` with every occurrence of `from` replaced by `to` (to compare answers about two names). */
function swap(body, from, to) {
  return JSON.parse(JSON.stringify(body).split(from).join(to));
}

/** The `org/project/stack` ids of a List stacks answer. */
function listedIds(res) {
  return res.body.stacks?.map((s) => `${s.orgName}/${s.projectName}/${s.stackName}`);
}

/**
 * List stacks is answered by the engine's resource search, one organization at a time, with each
 * organization's token rules; a refusal names no stack and does not depend on the filters.
 */
export const listStacks = {
  async test(controller, env) {
    const c = checker('listStacks');
    const send = (req) => env.GATEWAY.fetch(req);
    const list = (who, query = '') => answer(send, request('GET', `/api/user/stacks${query}`, { authorization: authorizationFor(CREDENTIALS[who].credential) }));

    // Without ?organization=, each organization's token expiry policy applies: globex caps token
    // lifetime at 30 days, and olga's and root's personal tokens never expire.
    const olga = await list('opaque-olga');
    c.eq([olga.status, listedIds(olga)], [200, []], 'olga (globex admin) lists no globex stack with a token globex refuses');
    c.eq(olga.body.excluded, [{ organization: 'globex', code: 'expiry_policy_violation' }], 'olga is told why globex is left out');
    const olgaGlobex = await list('opaque-olga', '?organization=globex');
    c.eq([olgaGlobex.status, olgaGlobex.body.error?.code], [401, 'expiry_policy_violation'], 'the same token with ?organization=globex');
    const root = await list('opaque-root');
    c.eq([root.status, listedIds(root)], [200, ['acme/app/prod', 'acme/app/dev']], 'root (acme admin, globex member) lists acme only');
    c.eq(root.body.excluded, [{ organization: 'globex', code: 'expiry_policy_violation' }], 'root is told why globex is left out');
    c.ok(!JSON.stringify(root.body).includes('web/prod'), 'no globex stack in the answer');
    const mia = await list('signed-mia');
    c.eq([mia.status, listedIds(mia), mia.body.excluded], [200, ['acme/app/prod', 'acme/app/dev'], undefined], 'a signed personal token lists the organizations of its user');
    // Machine tokens list their own organization.
    c.eq(listedIds(await list('opaque-team')), ['acme/app/prod'], 'the crew team token without ?organization=');
    c.eq(listedIds(await list('signed-team')), ['acme/app/prod'], 'the signed crew team token (no record) without ?organization=');
    c.eq(listedIds(await list('signed-admin', '?organization=acme')), ['acme/app/prod', 'acme/app/dev'], 'the signed admin token (no record)');

    // A refused List stacks names no stack, and the filters do not change it.
    const idle = await list('opaque-idle', '?organization=acme');
    c.eq([idle.status, idle.body.error?.code, idle.body.error?.deny?.code, idle.body.error?.scope], [403, 'forbidden', 'missing_scope', 'stack:read'], 'the idle team token reads no stack');
    for (const name of ['app/prod', 'app/dev', '"prod"', '"dev"']) c.ok(!JSON.stringify(idle.body).includes(name), `the refusal names no stack (${name})`);
    const idleProd = await list('opaque-idle', '?organization=acme&tagName=env&tagValue=prod');
    const idleNone = await list('opaque-idle', '?organization=acme&tagName=env&tagValue=no-such-value');
    const idleProject = await list('opaque-idle', '?organization=acme&project=no-such-project');
    c.eq(idleProd.body, idle.body, 'refused alike with a tag filter that matches a stack');
    c.eq(idleNone.body, idle.body, 'refused alike with a tag filter that matches none');
    c.eq(idleProject.body, idle.body, 'refused alike with a project that does not exist');
    const teamNone = await list('opaque-team', '?organization=acme&tagName=env&tagValue=dev');
    c.eq([teamNone.status, listedIds(teamNone)], [200, []], 'a principal that reads some stack gets an empty list when the filters match none it reads');

    // Non-members are refused alike whether or not the organization exists, and learn nothing.
    const outsider = await list('opaque-olga', '?organization=acme');
    c.eq([outsider.status, outsider.body.error?.deny?.code], [403, 'not_a_member'], 'olga lists acme');
    const nowhere = await list('opaque-olga', '?organization=no-such-org');
    c.eq(swap(nowhere.body, 'no-such-org', 'acme'), outsider.body, 'olga is answered alike for an organization that does not exist');
    const outsiderTagged = await list('opaque-olga', '?organization=acme&tagName=env&tagValue=prod');
    c.eq(outsiderTagged.body, outsider.body, 'olga is answered alike whatever the filters');
    for (const name of ['app/prod', 'app/dev', 'crew']) c.ok(!JSON.stringify(outsider.body).includes(name), `a non-member's refusal names nothing of acme (${name})`);

    // Tag names are matched by the engine: prototype keys of a JavaScript object match nothing.
    for (const key of ['toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf']) {
      const res = await list('opaque-root', `?organization=acme&tagName=${key}&tagValue=x`);
      c.eq([res.status, listedIds(res)], [200, []], `tagName=${key}&tagValue=x matches nothing`);
      const bare = await list('opaque-root', `?organization=acme&tagName=${key}`);
      c.ok(!(bare.status === 200 && bare.body.stacks?.length > 0), `tagName=${key} alone does not match every stack`);
      c.eq([bare.status, bare.body.error?.code], [400, 'invalid_query'], `tagName=${key} alone is refused (a tag name needs a value)`);
    }
    const dev = await list('opaque-root', '?organization=acme&tagName=env&tagValue=dev');
    c.eq(listedIds(dev), ['acme/app/dev'], 'tag filter');
    c.eq(listedIds(await list('opaque-root', '?organization=acme&project=app')), ['acme/app/prod', 'acme/app/dev'], 'project filter');
    c.eq(listedIds(await list('opaque-root', '?organization=acme&project=nope')), [], 'a project with no stack');
    // A signed team token without a record reads only the second stack of its organization: its
    // stacks are the organization's, each checked as the token, and a limit counts only those.
    const key = Scopegate.generateSigningKey('t1');
    const text = JSON.stringify({
      version: 1,
      revision: 1,
      signing: { keys: [{ kid: 't1', alg: 'EdDSA', publicKey: key.publicKey }] },
      users: [{ login: 'ann' }],
      organizations: [{ name: 'o', settings: { defaultStackPermission: 'none' }, members: [{ login: 'ann', role: 'admin' }], teams: [{ name: 't', stacks: { 'p/b': 'read' } }], stacks: [{ project: 'p', name: 'a', tags: { k: 'v' } }, { project: 'p', name: 'b' }] }],
    });
    const now = Math.floor(Date.now() / 1000);
    const minting = new Scopegate(text);
    const minted = minting.mintToken('ann', { kind: 'team', organization: 'o', team: 't', name: 'ci', expires: now + 3600 }, { now, signingKey: { kid: 't1', privateKey: key.privateKey } });
    minting.free();
    const small = createGateway({ publicKey: demoKey.publicKey, bundled: { snapshot: text, signature: Scopegate.signSnapshot(text, demoKey.privateKey) }, log: quiet });
    const smallList = (query) => answer((r) => small.fetch(r, null), request('GET', `/api/user/stacks${query}`, { authorization: `Bearer ${minted.token}` }));
    c.eq(listedIds(await smallList('?organization=o')), ['o/p/b'], 'a signed token without a record lists the one stack it reads');
    const smallNone = await smallList('?organization=o&tagName=k&tagValue=v');
    c.eq([smallNone.status, listedIds(smallNone)], [200, []], '…and is not refused when the filters keep none of its stacks');

    const valueOnly = await list('opaque-root', '?organization=acme&tagValue=dev');
    c.eq([valueOnly.status, valueOnly.body.error?.code], [400, 'invalid_query'], 'tagValue without tagName');
    checkHeaders(c, valueOnly, 'the 400');
    c.done();
  },
};

/** Non-members of an organization are answered the same way whether or not what they name exists. */
export const outsiders = {
  async test(controller, env) {
    const c = checker('outsiders');
    const send = (req) => env.GATEWAY.fetch(req);
    const ask = (who, method, path) => answer(send, request(method, path, { authorization: authorizationFor(CREDENTIALS[who].credential) }));
    const pairs = [
      // [who, method, existing, missing, the names to swap]
      ['opaque-olga', 'GET', '/api/stacks/acme/app/prod', '/api/stacks/acme/app/nope', ['acme/app/nope', 'acme/app/prod']],
      ['opaque-olga', 'GET', '/api/stacks/acme/app/prod', '/api/stacks/acme/nope/prod', ['acme/nope/prod', 'acme/app/prod']],
      ['opaque-olga', 'GET', '/api/stacks/acme/app/prod', '/api/stacks/no-such-org/app/prod', ['no-such-org', 'acme']],
      ['opaque-olga', 'POST', '/api/stacks/acme/app/prod/hooks/ci/ping', '/api/stacks/acme/app/nope/hooks/ci/ping', ['acme/app/nope', 'acme/app/prod']],
      ['opaque-olga', 'DELETE', '/api/orgs/acme/teams/crew', '/api/orgs/acme/teams/nope', ['acme/nope', 'acme/crew']],
      ['opaque-olga', 'POST', '/api/orgs/acme/teams/crew/tokens', '/api/orgs/no-such-org/teams/crew/tokens', ['no-such-org', 'acme']],
      ['opaque-olga', 'GET', '/api/orgs/acme/members', '/api/orgs/no-such-org/members', ['no-such-org', 'acme']],
      // mia is not in globex, which caps token lifetime (her token never expires): its policy is
      // none of her business, and an organization that does not exist looks the same.
      ['opaque-mia', 'GET', '/api/orgs/globex/members', '/api/orgs/no-such-org/members', ['no-such-org', 'globex']],
      ['opaque-mia', 'GET', '/api/stacks/globex/web/prod', '/api/stacks/globex/web/nope', ['globex/web/nope', 'globex/web/prod']],
      ['signed-mia', 'GET', '/api/stacks/globex/web/prod', '/api/stacks/no-such-org/web/prod', ['no-such-org', 'globex']],
    ];
    for (const [who, method, existing, missing, [from, to]] of pairs) {
      const a = await ask(who, method, existing);
      const b = await ask(who, method, missing);
      const what = `${who}: ${method} ${existing} and ${missing}`;
      c.eq([a.status, a.body.error?.deny?.code], [403, 'not_a_member'], `${what}: the existing one`);
      c.eq(swap(b.body, from, to), a.body, `${what}: answered alike`);
      // Every answer has its own request id; the other headers are the same.
      const kept = ([k]) => k !== 'content-length' && k !== 'x-request-id';
      c.eq([...b.headers].filter(kept), [...a.headers].filter(kept), `${what}: same headers`);
    }
    // Members may learn what exists in their own organization.
    const member = await ask('opaque-mia', 'GET', '/api/stacks/acme/app/nope');
    c.eq([member.status, member.body.error?.deny?.code], [403, 'unknown_resource'], 'a member asking for a stack that does not exist');
    // A machine token presented to another organization stays a token error.
    const machine = await ask('opaque-std', 'GET', '/api/orgs/no-such-org/members');
    c.eq([machine.status, machine.body.error?.code], [401, 'wrong_organization'], 'an acme token presented to an organization that does not exist');
    c.done();
  },
};

/** Requests a hostile client makes: CONNECT, bad token ids, encoded separators, a failing upstream. */
export const hostile = {
  async test(controller, env) {
    const c = checker('hostile');
    const admin = authorizationFor(CREDENTIALS['opaque-admin'].credential);

    // CONNECT reaches the worker's connect handler (workerd has already accepted the tunnel): it
    // answers 405 inside it and closes, opening nothing.
    let tunnel = '';
    try {
      const socket = env.GATEWAY.connect('gateway.test:443');
      const reader = socket.readable.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        tunnel += decoder.decode(value, { stream: true });
      }
    } catch (e) {
      tunnel = `threw: ${e?.message ?? e}`;
    }
    c.ok(tunnel.startsWith('HTTP/1.1 405 Method Not Allowed\r\n'), `CONNECT is refused with 405 (got ${JSON.stringify(tunnel.slice(0, 120))})`);
    c.ok(tunnel.includes('"method_not_allowed"'), 'CONNECT: the error code');

    // Signed tokens whose jti is not a token id are refused before any header is built, also on
    // a gateway that forwards.
    const gw = createGateway({ publicKey: env.SNAPSHOT_PUBLIC_KEY, bundled, upstreamUrl: 'http://upstream.test', upstream: (req) => env.ORIGIN.fetch(req), log: quiet });
    for (const name of ['signed-jti-crlf', 'signed-jti-nul', 'signed-jti-empty']) {
      const res = await answer((r) => gw.fetch(r, null), request('GET', '/api/stacks/acme/app/prod', { authorization: authorizationFor(CREDENTIALS[name].credential) }));
      c.eq([res.status, res.body.error?.code, res.body.upstream], [401, 'invalid_claims', undefined], `${name}: refused, not forwarded`);
    }
    // Forwarded header values never make the gateway throw.
    for (const [value, want] of [
      ['token:tok-admin', 'token:tok-admin'],
      ['a\r\nx-evil: 1', 'a%0D%0Ax-evil: 1'],
      ['nul\u0000', 'nul%00'],
      ['ünï', '%C3%BCn%C3%AF'],
      ['100%', '100%25'],
    ]) {
      c.eq(headerValue(value), want, `headerValue(${JSON.stringify(value)})`);
      c.ok(new Headers({ x: headerValue(value) }).get('x') === want, `headerValue(${JSON.stringify(value)}) is a valid header value`);
    }
    // An upstream that fails is a 502, not a 500.
    const broken = createGateway({
      publicKey: env.SNAPSHOT_PUBLIC_KEY,
      bundled,
      upstreamUrl: 'http://upstream.test',
      upstream: () => Promise.reject(new Error('connection refused')),
      log: quiet,
    });
    const down = await answer((r) => broken.fetch(r, null), request('GET', '/api/stacks/acme/app/prod', { authorization: admin }));
    c.eq([down.status, down.body.error?.code], [502, 'upstream_unreachable'], 'a failing upstream');

    // A path segment that decodes to a separator names nothing.
    const send = (req) => env.GATEWAY.fetch(req);
    for (const path of ['/api/stacks/acme/app/pr%2Fod', '/api/stacks/acme%2Fapp/app/prod', '/api/orgs/acme%2Fcrew/members']) {
      const res = await answer(send, request('GET', path, { authorization: admin }));
      c.eq([res.status, res.body.error?.code], [404, 'not_found'], `${path}: 404`);
    }
    c.done();
  },
};

/**
 * The AuthZEN 1.0 endpoints through the gateway as deployed: each endpoint valid, with a malformed
 * body, with wrong types, about an unknown subject and about someone else's subject; the PDP
 * metadata; and every search result checked back through the evaluation endpoint.
 */
export const authzen = {
  async test(controller, env) {
    const c = checker('authzen');
    const send = (req) => env.GATEWAY.fetch(req);
    const bearer = (who) => `Bearer ${CREDENTIALS[who].credential}`;
    const post = (path, who, body, headers = {}) => answer(send, request('POST', `/access/v1/${path}`, { authorization: who ? bearer(who) : null, body, headers }));
    const raw = (path, who, text, contentType = 'application/json') =>
      answer(send, new Request(`http://gateway.test/access/v1/${path}`, { method: 'POST', headers: { authorization: bearer(who), 'content-type': contentType }, body: text }));
    const user = (id) => ({ type: 'user', id });
    const token = (id) => ({ type: 'token', id });
    const stack = (id) => ({ type: 'stack', id });
    const act = (name) => ({ name });
    const evaluate = (who, subject, name, resource) => post('evaluation', who, { subject, action: act(name), resource });
    const decision = async (...args) => (await evaluate(...args)).body.decision;

    // ---- metadata and transport ----
    const meta = await answer(send, request('GET', '/.well-known/authzen-configuration'));
    c.eq(meta.status, 200, 'metadata: status (no credential needed)');
    checkHeaders(c, meta, 'metadata');
    c.eq(meta.body, {
      policy_decision_point: 'http://gateway.test',
      access_evaluation_endpoint: 'http://gateway.test/access/v1/evaluation',
      access_evaluations_endpoint: 'http://gateway.test/access/v1/evaluations',
      search_subject_endpoint: 'http://gateway.test/access/v1/search/subject',
      search_resource_endpoint: 'http://gateway.test/access/v1/search/resource',
      search_action_endpoint: 'http://gateway.test/access/v1/search/action',
    }, 'metadata: the PDP identifier and every endpoint');
    const metaPost = await answer(send, request('POST', '/.well-known/authzen-configuration', { body: {} }));
    c.eq([metaPost.status, metaPost.headers.get('allow')], [405, 'GET'], 'metadata: POST');

    const mine = { subject: user('mia'), action: act('stack:read'), resource: stack('acme/app/prod') };
    const anonymous = await post('evaluation', null, mine);
    c.eq([anonymous.status, anonymous.body.error?.code, anonymous.headers.get('www-authenticate')], [401, 'malformed_token', 'token'], 'no Authorization header: 401');
    const unknownToken = await answer(send, request('POST', '/access/v1/evaluation', { authorization: `Bearer pul-${'0'.repeat(40)}`, body: mine }));
    c.eq([unknownToken.status, unknownToken.body.error?.code], [401, 'unknown_token'], 'a token of no snapshot: 401');
    const anonymousGarbage = await answer(send, new Request('http://gateway.test/access/v1/evaluation', { method: 'POST', body: '{not json' }));
    c.eq(anonymousGarbage.status, 401, 'authentication is checked before the body');
    const get = await answer(send, request('GET', '/access/v1/evaluation', { authorization: bearer('opaque-mia') }));
    c.eq([get.status, get.headers.get('allow')], [405, 'POST'], 'GET on an endpoint: 405');
    const nowhere = await post('search/everything', 'opaque-mia', mine);
    c.eq([nowhere.status, nowhere.body.error?.code], [404, 'not_found'], 'an endpoint that does not exist: 404');
    const tagged = await post('evaluation', 'opaque-mia', mine, { 'x-request-id': 'bfe9eb29-ab87-4ca3-be83-a1d5d8305716' });
    c.eq(tagged.headers.get('x-request-id'), 'bfe9eb29-ab87-4ca3-be83-a1d5d8305716', 'X-Request-ID is echoed');
    checkHeaders(c, tagged, 'an evaluation');
    c.eq(tagged.headers.get('x-scopegate-revision'), '100', 'an evaluation: revision');
    for (const path of ['evaluation', 'evaluations', 'search/subject', 'search/resource', 'search/action']) {
      const notJson = await raw(path, 'opaque-mia', '{"subject": ');
      c.eq([notJson.status, notJson.body.error?.code], [400, 'invalid_json'], `${path}: a body that is not JSON`);
      checkHeaders(c, notJson, `${path}: the 400`);
      for (const text of ['[]', 'null', '"evaluation"', '42']) {
        const notObject = await raw(path, 'opaque-mia', text);
        c.eq([notObject.status, notObject.body.error?.code], [400, 'invalid_request'], `${path}: the body ${text}`);
      }
      const plain = await raw(path, 'opaque-mia', JSON.stringify(mine), 'text/plain');
      c.eq(plain.status, 400, `${path}: a body not sent as application/json`);
      const empty = await raw(path, 'opaque-mia', '');
      c.eq(empty.status, 400, `${path}: no body`);
    }
    const withCharset = await raw('evaluation', 'opaque-mia', JSON.stringify(mine), 'application/json; charset=utf-8');
    c.eq(withCharset.body.decision, true, 'application/json with a charset');
    const huge = await post('evaluations', 'opaque-mia', { ...mine, evaluations: Array.from({ length: 3000 }, () => ({ resource: stack('acme/app/prod'), padding: 'x'.repeat(100) })) });
    c.eq([huge.status, huge.body.error?.code], [413, 'payload_too_large'], 'a body over 256 KiB');

    // ---- evaluation ----
    const allowed = await evaluate('opaque-mia', user('mia'), 'stack:read', stack('acme/app/prod'));
    c.eq(allowed.status, 200, 'evaluation: status');
    c.eq(allowed.body, { decision: true, context: { reasons: [{ code: 'default_permission', message: 'the organization default permission `write`', permission: 'write' }] } }, 'evaluation: allowed, with the reasons');
    const denied = await evaluate('opaque-mia', user('mia'), 'stack:delete', stack('acme/app/prod'));
    c.eq([denied.status, denied.body.decision, denied.body.context?.deny?.code], [200, false, 'missing_scope'], 'evaluation: a deny is 200 with decision false');
    c.eq(await decision('opaque-mia', token('pat-mia'), 'stack:read', stack('acme/app/prod')), true, 'evaluation: the caller named by its token id');
    c.eq(await decision('signed-mia', user('mia'), 'stack:read', stack('acme/app/prod')), true, 'evaluation: a signed personal token asking about its user');
    c.eq(await decision('signed-team', token('jwt-team-1'), 'stack:delete', stack('acme/app/prod')), true, 'evaluation: a signed team token (no record) asking about itself');
    c.eq(await decision('signed-team', token('jwt-team-1'), 'stack:read', stack('acme/app/dev')), false, 'evaluation: …and a stack its team has no grant on');
    c.eq(await decision('opaque-team', token('tok-team'), 'team:read', { type: 'team', id: 'acme/crew' }), false, 'evaluation: a team token on its team (the Team column has no team row)');
    c.eq(await decision('opaque-mia', user('root'), 'stack:delete', stack('acme/app/prod')), true, 'evaluation: a member asking about another member (org_member:read)');
    c.eq(await decision('opaque-idle', user('root'), 'stack:delete', stack('acme/app/prod')), true, 'evaluation: a team token asking about a member (its baseline holds org_member:read)');
    c.eq(await decision('opaque-root', token('tok-std'), 'stack:delete', stack('acme/app/prod')), false, 'evaluation: about an organization token');

    // Unknown subjects: a deny, the same for a subject that exists elsewhere and one that exists nowhere.
    const nobody = await evaluate('opaque-mia', user('nobody'), 'stack:read', stack('acme/app/prod'));
    c.eq([nobody.status, nobody.body.decision, nobody.body.context?.deny?.code], [200, false, 'not_a_member'], 'evaluation: an unknown subject');
    const olgaAsked = await evaluate('opaque-mia', user('olga'), 'stack:read', stack('acme/app/prod'));
    c.eq(swap(olgaAsked.body, 'olga', 'nobody'), nobody.body, 'evaluation: a subject of another organization looks like an unknown one');
    const ghostToken = await evaluate('opaque-mia', token('tok-nope'), 'stack:read', stack('acme/app/prod'));
    c.eq([ghostToken.status, ghostToken.body.decision], [200, false], 'evaluation: an unknown token');
    const group = await evaluate('opaque-mia', { type: 'group', id: 'crew' }, 'stack:read', stack('acme/app/prod'));
    c.eq([group.status, group.body.decision, group.body.context?.deny?.code], [200, false, 'unknown_subject_type'], 'evaluation: an unknown subject type');

    // Someone else's subject: 403 without org_member:read there, alike for an organization that does not exist.
    const spy = await evaluate('opaque-olga', user('root'), 'stack:read', stack('acme/app/prod'));
    c.eq([spy.status, spy.body.error?.code], [403, 'forbidden'], 'evaluation: a non-member asking about a member');
    checkHeaders(c, spy, 'the 403');
    const spyNowhere = await evaluate('opaque-olga', user('root'), 'stack:read', stack('no-such-org/app/prod'));
    c.eq(swap(spyNowhere.body, 'no-such-org', 'acme'), spy.body, 'evaluation: …answered alike for an organization that does not exist');
    const spyUnknown = await evaluate('opaque-olga', user('nobody'), 'stack:read', stack('acme/app/prod'));
    c.eq(spyUnknown.body, spy.body, 'evaluation: …and alike for an unknown subject');
    const crossOrg = await evaluate('opaque-team', user('olga'), 'stack:read', stack('globex/web/prod'));
    c.eq(crossOrg.status, 403, 'evaluation: an acme team token asking about globex');
    const policy = await evaluate('opaque-root', user('olga'), 'stack:read', stack('globex/web/prod'));
    c.eq([policy.status, policy.body.error?.code], [403, 'expiry_policy_violation'], 'evaluation: a member whose token globex refuses may not ask about others there');

    // Asking about itself in an organization: a non-member is answered alike whether or not
    // anything exists; a member whose token the organization refuses is told why.
    const outsider = await evaluate('opaque-olga', user('olga'), 'stack:read', stack('acme/app/prod'));
    c.eq([outsider.status, outsider.body.decision, outsider.body.context?.deny?.code], [200, false, 'not_a_member'], 'evaluation: a non-member about itself');
    for (const [id, from, to] of [['acme/app/nope', null, null], ['no-such-org/app/prod', 'no-such-org', 'acme']]) {
      const other = await evaluate('opaque-olga', user('olga'), 'stack:read', stack(id));
      c.eq(from ? swap(other.body, from, to) : other.body, outsider.body, `evaluation: a non-member about itself on ${id}`);
    }
    const refused = await evaluate('opaque-root', user('root'), 'stack:read', stack('globex/web/prod'));
    c.eq([refused.body.decision, refused.body.context?.deny?.code], [false, 'expiry_policy_violation'], 'evaluation: root in globex, which refuses its token');
    const miaGlobex = await evaluate('opaque-mia', user('mia'), 'stack:read', stack('globex/web/prod'));
    const miaNowhere = await evaluate('opaque-mia', user('mia'), 'stack:read', stack('no-such-org/web/prod'));
    c.eq(miaGlobex.body.context?.deny?.code, 'not_a_member', 'evaluation: mia in globex (its token policy is not shown to her)');
    c.eq(swap(miaNowhere.body, 'no-such-org', 'globex'), miaGlobex.body, 'evaluation: …alike for an organization that does not exist');
    c.eq((await evaluate('opaque-mia', user('mia'), 'stack:read', stack('acme/app/nope'))).body.context?.deny?.code, 'unknown_resource', 'evaluation: a member may learn that a stack does not exist');

    // Resource types: the type says which entity an id names.
    const types = [
      ['stack:read', stack('acme/app/prod'), true],
      ['environment:read', { type: 'environment', id: 'acme/app/prod' }, true],
      ['stack:read', { type: 'environment', id: 'acme/app/prod' }, false],
      ['environment:read', stack('acme/app/prod'), false],
      ['team:read', { type: 'team', id: 'acme/crew' }, true],
      ['insights_account:read', { type: 'team', id: 'acme/crew' }, false],
      ['insights_account:read', { type: 'account', id: 'acme/crew' }, true],
      ['team:read', { type: 'account', id: 'acme/crew' }, false],
      ['org_member:read', { type: 'organization', id: 'acme' }, true],
      ['stack:create', { type: 'organization', id: 'acme' }, true],
      ['stack:read', { type: 'organization', id: 'acme' }, false],
      ['org_member:read', { type: 'team', id: 'acme/crew' }, false],
    ];
    for (const [name, resource, want] of types) c.eq(await decision('opaque-root', user('root'), name, resource), want, `evaluation: ${name} on ${resource.type} ${resource.id}`);
    for (const [resource, code] of [
      [{ type: 'document', id: 'acme/app/prod' }, 'unknown_resource_type'],
      [stack('acme/prod'), 'invalid_resource'],
      [stack('acme/app/prod/x'), 'invalid_resource'],
      [stack('acme//prod'), 'invalid_resource'],
      [{ type: 'organization', id: '' }, 'invalid_resource'],
    ]) {
      const res = await evaluate('opaque-root', user('root'), 'stack:read', resource);
      c.eq([res.status, res.body.decision, res.body.context?.deny?.code], [200, false, code], `evaluation: resource ${JSON.stringify(resource)}`);
    }
    const unknownAction = await evaluate('opaque-root', user('root'), 'can_read', stack('acme/app/prod'));
    c.eq([unknownAction.status, unknownAction.body.decision], [200, false], 'evaluation: an action that is no scope');

    // Malformed bodies and wrong types: 400, naming the field.
    const malformed = [
      [{ action: act('stack:read'), resource: stack('acme/app/prod') }, '`subject` is required'],
      [{ ...mine, subject: 'mia' }, '`subject` must be an object'],
      [{ ...mine, subject: [user('mia')] }, '`subject` must be an object'],
      [{ ...mine, subject: null }, '`subject` must be an object'],
      [{ ...mine, subject: { id: 'mia' } }, '`subject.type` is required'],
      [{ ...mine, subject: { type: 'user' } }, '`subject.id` is required'],
      [{ ...mine, subject: { type: 'user', id: 7 } }, '`subject.id` must be a string'],
      [{ ...mine, subject: { type: 1, id: 'mia' } }, '`subject.type` must be a string'],
      [{ ...mine, subject: { ...user('mia'), properties: [] } }, '`subject.properties` must be an object'],
      [{ ...mine, action: undefined }, '`action` is required'],
      [{ ...mine, action: 'stack:read' }, '`action` must be an object'],
      [{ ...mine, action: { name: true } }, '`action.name` must be a string'],
      [{ ...mine, action: { name: 'stack:read', properties: 'GET' } }, '`action.properties` must be an object'],
      [{ ...mine, resource: { type: 'stack' } }, '`resource.id` is required'],
      [{ ...mine, resource: { type: 'stack', id: ['acme', 'app', 'prod'] } }, '`resource.id` must be a string'],
      [{ ...mine, context: 'now' }, '`context` must be an object'],
    ];
    for (const [body, message] of malformed) {
      const res = await post('evaluation', 'opaque-mia', body);
      c.eq([res.status, res.body.error?.code, res.body.error?.message], [400, 'invalid_request', message], `evaluation: ${message}`);
    }
    const extra = await post('evaluation', 'opaque-mia', { ...mine, subject: { ...user('mia'), properties: { department: 'ops' } }, context: { time: '2026-01-01T00:00Z' }, future_field: 1 });
    c.eq(extra.body.decision, true, 'evaluation: properties, context and unknown fields are accepted and ignored');

    // ---- evaluations ----
    const three = {
      subject: user('mia'),
      action: act('stack:read'),
      evaluations: [{ resource: stack('acme/app/prod') }, { action: act('stack:delete'), resource: stack('acme/app/prod') }, { resource: stack('acme/app/dev') }],
    };
    const each = [];
    for (const item of three.evaluations) each.push(await decision('opaque-mia', three.subject, (item.action ?? three.action).name, item.resource));
    c.eq(each, [true, false, true], 'evaluations: the items one by one');
    const all = await post('evaluations', 'opaque-mia', three);
    c.eq([all.status, all.body], [200, { evaluations: [{ decision: true }, { decision: false }, { decision: true }] }], 'evaluations: defaults, an override, execute_all by default');
    const semantic = (name, body = three) => post('evaluations', 'opaque-mia', { ...body, options: { evaluations_semantic: name } });
    c.eq((await semantic('execute_all')).body.evaluations?.map((e) => e.decision), [true, false, true], 'evaluations: execute_all');
    c.eq((await semantic('deny_on_first_deny')).body.evaluations?.map((e) => e.decision), [true, false], 'evaluations: deny_on_first_deny stops at the deny');
    c.eq((await semantic('permit_on_first_permit')).body.evaluations?.map((e) => e.decision), [true], 'evaluations: permit_on_first_permit stops at the permit');
    const denyFirst = { ...three, evaluations: [three.evaluations[1], three.evaluations[0], three.evaluations[2]] };
    c.eq((await semantic('permit_on_first_permit', denyFirst)).body.evaluations?.map((e) => e.decision), [false, true], 'evaluations: permit_on_first_permit after a deny');
    c.eq((await semantic('deny_on_first_deny', denyFirst)).body.evaluations?.map((e) => e.decision), [false], 'evaluations: deny_on_first_deny on the first item');
    const single = await post('evaluations', 'opaque-mia', { ...mine, evaluations: [] });
    c.eq(single.body, allowed.body, 'evaluations: an empty evaluations array is a single evaluation');
    c.eq((await post('evaluations', 'opaque-mia', mine)).body, allowed.body, 'evaluations: no evaluations array is a single evaluation');
    const mixed = await post('evaluations', 'opaque-olga', {
      evaluations: [
        { subject: user('olga'), action: act('stack:read'), resource: stack('globex/web/prod') },
        { subject: user('root'), action: act('stack:read'), resource: stack('acme/app/prod') },
        { subject: user('olga'), action: act('stack:read'), resource: stack('acme/app/prod') },
      ],
    });
    c.eq(mixed.status, 200, 'evaluations: a batch with a forbidden item is answered');
    c.eq(mixed.body.evaluations?.map((e) => [e.decision, e.context?.deny?.code ?? e.context?.error?.status]), [[false, 'expiry_policy_violation'], [false, 403], [false, 'not_a_member']], 'evaluations: per-item answers for a non-member');
    const forbiddenStops = await post('evaluations', 'opaque-olga', { options: { evaluations_semantic: 'deny_on_first_deny' }, subject: user('root'), action: act('stack:read'), evaluations: [{ resource: stack('acme/app/prod') }, { resource: stack('acme/app/dev') }] });
    c.eq(forbiddenStops.body.evaluations?.length, 1, 'evaluations: a forbidden item is a deny for deny_on_first_deny');
    // A token without a record asks as itself (decided through its handle), mixed with a named subject.
    const claims = { subject: token('jwt-team-1'), action: act('stack:read'), evaluations: [{ resource: stack('acme/app/dev') }, { resource: stack('acme/app/prod') }, { subject: user('mia'), resource: stack('acme/app/dev') }] };
    c.eq((await post('evaluations', 'signed-team', claims)).body.evaluations?.map((e) => e.decision), [false, true, true], 'evaluations: a signed token without a record, execute_all');
    c.eq((await post('evaluations', 'signed-team', { ...claims, options: { evaluations_semantic: 'permit_on_first_permit' } })).body.evaluations?.map((e) => e.decision), [false, true], 'evaluations: …permit_on_first_permit');
    c.eq((await post('evaluations', 'signed-team', { ...claims, options: { evaluations_semantic: 'deny_on_first_deny' } })).body.evaluations?.map((e) => e.decision), [false], 'evaluations: …deny_on_first_deny');
    const unknownInBatch = await post('evaluations', 'opaque-mia', { action: act('stack:read'), resource: stack('acme/app/prod'), evaluations: [{ subject: user('nobody') }, { subject: { type: 'group', id: 'x' } }, { subject: user('root') }] });
    c.eq(unknownInBatch.body.evaluations?.map((e) => e.decision), [false, false, true], 'evaluations: unknown subjects are denies');
    for (const [body, message] of [
      [{ evaluations: [{ action: act('stack:read'), resource: stack('acme/app/prod') }] }, '`evaluations[0].subject` is required (there is no top-level default)'],
      [{ ...mine, evaluations: {} }, '`evaluations` must be an array'],
      [{ ...mine, evaluations: ['x'] }, '`evaluations[0]` must be an object'],
      [{ ...mine, evaluations: [{ subject: { type: 'user', id: 1 } }] }, '`evaluations[0].subject.id` must be a string'],
      [{ ...mine, evaluations: [{}], options: 'all' }, '`options` must be an object'],
      [{ ...mine, evaluations: [{}], options: { evaluations_semantic: 'first' } }, '`options.evaluations_semantic` must be `execute_all`, `deny_on_first_deny` or `permit_on_first_permit`'],
      [{ ...mine, evaluations: [{}], options: { evaluations_semantic: 1 } }, '`options.evaluations_semantic` must be a string'],
      [{ ...mine, evaluations: Array.from({ length: 1001 }, () => ({})) }, '`evaluations` holds 1001 items; at most 1000'],
    ]) {
      const res = await post('evaluations', 'opaque-mia', body);
      c.eq([res.status, res.body.error?.message], [400, message], `evaluations: ${message}`);
    }
    c.eq((await post('evaluations', 'opaque-mia', { ...mine, evaluations: [{}], options: { evaluations_semantic: 'execute_all', another_option: 'value' } })).body.evaluations, [{ decision: true }], 'evaluations: unknown options are ignored');

    /** Every result of a search, fed back to the evaluation endpoint, is allowed. */
    const feedBack = async (what, results, question) => {
      for (const r of results ?? []) c.eq(await decision('opaque-root', ...question(r)), true, `${what}: ${JSON.stringify(r)} evaluates to true`);
    };

    // ---- subject search ----
    const subjects = (who, type, name, resource, extraBody = {}) => post('search/subject', who, { subject: { type }, action: act(name), resource, ...extraBody });
    const deleters = await subjects('opaque-mia', 'user', 'stack:delete', stack('acme/app/prod'));
    c.eq(deleters.status, 200, 'search/subject: status');
    c.eq(deleters.body.results?.map((s) => s.id), ['root'], 'search/subject: the users who may delete acme/app/prod');
    c.eq(deleters.body.results?.[0]?.properties?.reasons?.[0]?.code, 'org_admin', 'search/subject: each with its reasons');
    c.eq(deleters.body.page, { next_token: '', count: 1, total: 1 }, 'search/subject: one page');
    const readers = await subjects('opaque-mia', 'user', 'stack:read', stack('acme/app/prod'));
    c.eq(readers.body.results?.map((s) => s.id), ['root', 'mia'], 'search/subject: the users who may read it');
    await feedBack('search/subject', readers.body.results, (s) => [{ type: s.type, id: s.id }, 'stack:read', stack('acme/app/prod')]);
    const tokenDeleters = await subjects('opaque-mia', 'token', 'stack:delete', stack('acme/app/prod'));
    c.eq(tokenDeleters.body.results?.map((s) => [s.type, s.id, s.properties?.name]), [['token', 'tok-team', 'crew-ci'], ['token', 'tok-admin', 'admin-ci']], 'search/subject: the tokens');
    await feedBack('search/subject tokens', tokenDeleters.body.results, (s) => [{ type: s.type, id: s.id }, 'stack:delete', stack('acme/app/prod')]);
    c.eq((await subjects('opaque-mia', 'user', 'stack:read', stack('acme/app/prod'), { subject: { type: 'user', id: 'ignored' } })).body.results?.length, 2, 'search/subject: a subject id is ignored');
    const first = await subjects('opaque-mia', 'user', 'stack:read', stack('acme/app/prod'), { page: { limit: 1 } });
    c.eq([first.body.results?.map((s) => s.id), first.body.page?.count, first.body.page?.total], [['root'], 1, 2], 'search/subject: page 1 of 2');
    c.ok(typeof first.body.page?.next_token === 'string' && first.body.page.next_token !== '', 'search/subject: a next_token');
    const second = await subjects('opaque-mia', 'user', 'stack:read', stack('acme/app/prod'), { page: { limit: 1, token: first.body.page?.next_token } });
    c.eq([second.body.results?.map((s) => s.id), second.body.page?.next_token], [['mia'], ''], 'search/subject: page 2, the last');
    const changed = await subjects('opaque-mia', 'user', 'stack:delete', stack('acme/app/prod'), { page: { limit: 1, token: first.body.page?.next_token } });
    c.eq([changed.status, changed.body.error?.code], [400, 'invalid_request'], 'search/subject: a token with another query');
    c.eq((await subjects('opaque-mia', 'group', 'stack:read', stack('acme/app/prod'))).body.results, [], 'search/subject: an unknown subject type finds nobody');
    c.eq((await subjects('opaque-mia', 'user', 'stack:read', stack('acme/app/nope'))).body.results, [], 'search/subject: a stack that does not exist');
    c.eq((await subjects('opaque-mia', 'user', 'stack:read', { type: 'environment', id: 'acme/app/prod' })).body.results, [], 'search/subject: a stack scope on an environment');
    c.eq((await subjects('opaque-mia', 'user', 'environment:read', { type: 'environment', id: 'acme/app/prod' })).body.results?.map((s) => s.id), ['root', 'mia'], 'search/subject: an environment');
    const outsiderSearch = await subjects('opaque-olga', 'user', 'stack:read', stack('acme/app/prod'));
    c.eq([outsiderSearch.status, outsiderSearch.body.error?.code], [403, 'forbidden'], 'search/subject: a non-member');
    const outsiderNowhere = await subjects('opaque-olga', 'user', 'stack:read', stack('no-such-org/app/prod'));
    c.eq(swap(outsiderNowhere.body, 'no-such-org', 'acme'), outsiderSearch.body, 'search/subject: …alike for an organization that does not exist');
    for (const [body, message] of [
      [{ action: act('stack:read'), resource: stack('acme/app/prod') }, '`subject` is required'],
      [{ subject: {}, action: act('stack:read'), resource: stack('acme/app/prod') }, '`subject.type` is required'],
      [{ subject: { type: 'user' }, action: act('stack:read'), resource: { type: 'stack' } }, '`resource.id` is required'],
      [{ subject: { type: 'user' }, resource: stack('acme/app/prod') }, '`action` is required'],
      [{ subject: { type: 'user' }, action: act('stack:read'), resource: stack('acme/app/prod'), page: { limit: -1 } }, '`page.limit` must be a non-negative integer'],
      [{ subject: { type: 'user' }, action: act('stack:read'), resource: stack('acme/app/prod'), page: { limit: '2' } }, '`page.limit` must be a non-negative integer'],
      [{ subject: { type: 'user' }, action: act('stack:read'), resource: stack('acme/app/prod'), page: { token: 7 } }, '`page.token` must be a string'],
      [{ subject: { type: 'user' }, action: act('stack:read'), resource: stack('acme/app/prod'), page: { token: 'garbage!' } }, '`page.token` is not a token of this query (every other field must stay as in the first request)'],
      [{ subject: { type: 'user' }, action: act('stack:read'), resource: stack('acme/app/prod'), page: [] }, '`page` must be an object'],
    ]) {
      const res = await post('search/subject', 'opaque-mia', body);
      c.eq([res.status, res.body.error?.message], [400, message], `search/subject: ${message}`);
    }

    // ---- resource search ----
    const resources = (who, subject, name, resource) => post('search/resource', who, { subject, action: act(name), resource });
    const ids = (res) => res.body.results?.map((r) => `${r.type} ${r.id}`);
    const miaStacks = await resources('opaque-mia', user('mia'), 'stack:read', { type: 'stack' });
    c.eq([miaStacks.status, ids(miaStacks)], [200, ['stack acme/app/prod', 'stack acme/app/dev']], 'search/resource: the stacks mia may read');
    await feedBack('search/resource', miaStacks.body.results, (r) => [user('mia'), 'stack:read', r]);
    c.eq(ids(await resources('opaque-root', user('root'), 'stack:read', { type: 'stack' })), ['stack acme/app/prod', 'stack acme/app/dev'], 'search/resource: root (globex refuses its token)');
    c.eq(ids(await resources('opaque-olga', user('olga'), 'stack:read', { type: 'stack' })), [], 'search/resource: olga (globex refuses its token, acme is not hers)');
    const refusedSearch = await resources('opaque-root', user('root'), 'stack:read', { type: 'stack', properties: { organization: 'globex' } });
    c.eq([ids(refusedSearch), refusedSearch.body.context?.deny?.code], [[], 'expiry_policy_violation'], 'search/resource: root in globex, which refuses its token');
    const outsiderSelf = await resources('opaque-mia', user('mia'), 'stack:read', { type: 'stack', properties: { organization: 'globex' } });
    const outsiderSelfNowhere = await resources('opaque-mia', user('mia'), 'stack:read', { type: 'stack', properties: { organization: 'no-such-org' } });
    c.eq([outsiderSelf.body, outsiderSelfNowhere.body], [{ page: { next_token: '', count: 0, total: 0 }, results: [] }, { page: { next_token: '', count: 0, total: 0 }, results: [] }], 'search/resource: a non-member about itself, alike for an organization that does not exist');
    c.eq(ids(await resources('signed-team', token('jwt-team-1'), 'stack:delete', { type: 'stack' })), ['stack acme/app/prod'], 'search/resource: a signed team token (no record) about itself');
    c.eq(ids(await resources('opaque-team', token('tok-team'), 'stack:read', { type: 'stack', properties: { organization: 'acme' } })), ['stack acme/app/prod'], 'search/resource: the crew token in acme');
    c.eq(ids(await resources('opaque-mia', user('mia'), 'stack:read', { type: 'stack', properties: { tags: { env: 'dev' } } })), ['stack acme/app/dev'], 'search/resource: a tag filter');
    c.eq(ids(await resources('opaque-mia', user('mia'), 'stack:read', { type: 'stack', properties: { tags: { toString: 'x' } } })), [], 'search/resource: a prototype key as a tag name');
    c.eq(ids(await resources('opaque-mia', user('mia'), 'environment:read', { type: 'environment' })), ['environment acme/app/prod'], 'search/resource: environments');
    c.eq(ids(await resources('opaque-mia', user('mia'), 'stack:read', { type: 'environment' })), [], 'search/resource: a stack scope for environments');
    c.eq(ids(await resources('opaque-root', user('root'), 'insights_account:read', { type: 'account' })), ['account acme/crew'], 'search/resource: accounts');
    const teams = await resources('opaque-root', user('root'), 'team:update', { type: 'team' });
    c.eq(ids(teams), ['team acme/crew', 'team acme/idle'], 'search/resource: teams');
    await feedBack('search/resource teams', teams.body.results, (r) => [user('root'), 'team:update', r]);
    c.eq(ids(await resources('opaque-mia', user('mia'), 'org_member:read', { type: 'organization' })), ['organization acme'], 'search/resource: organizations');
    c.eq(ids(await resources('opaque-mia', user('mia'), 'team:update', { type: 'organization' })), [], 'search/resource: organizations, a scope mia lacks');
    c.eq(ids(await resources('opaque-mia', user('mia'), 'stack:read', { type: 'document' })), [], 'search/resource: an unknown resource type');
    const rootsStacks = await resources('opaque-mia', user('root'), 'stack:delete', { type: 'stack', properties: { organization: 'acme' } });
    c.eq(ids(rootsStacks), ['stack acme/app/prod', 'stack acme/app/dev'], 'search/resource: a member asking about another member');
    c.eq(ids(await resources('opaque-mia', user('nobody'), 'stack:read', { type: 'stack', properties: { organization: 'acme' } })), [], 'search/resource: an unknown subject');
    const resourceSpy = await resources('opaque-olga', user('root'), 'stack:read', { type: 'stack', properties: { organization: 'acme' } });
    c.eq([resourceSpy.status, resourceSpy.body.error?.code], [403, 'forbidden'], 'search/resource: a non-member asking about a member');
    const resourceSpyNowhere = await resources('opaque-olga', user('root'), 'stack:read', { type: 'stack', properties: { organization: 'no-such-org' } });
    c.eq(swap(resourceSpyNowhere.body, 'no-such-org', 'acme'), resourceSpy.body, 'search/resource: …alike for an organization that does not exist');
    const pageOne = await post('search/resource', 'opaque-mia', { subject: user('mia'), action: act('stack:read'), resource: { type: 'stack' }, page: { limit: 1 } });
    const pageTwo = await post('search/resource', 'opaque-mia', { subject: user('mia'), action: act('stack:read'), resource: { type: 'stack' }, page: { limit: 1, token: pageOne.body.page?.next_token } });
    c.eq([ids(pageOne), ids(pageTwo), pageTwo.body.page?.next_token], [['stack acme/app/prod'], ['stack acme/app/dev'], ''], 'search/resource: two pages');
    for (const [resource, message] of [
      [{ type: 'stack' }, '`resource.properties.organization` is required when the subject is not the caller'],
      [{ type: 'stack', properties: { organization: 5 } }, '`resource.properties.organization` must be a string'],
      [{ type: 'stack', properties: { organization: 'acme/app' } }, '`resource.properties.organization` must be an organization name'],
      [{ type: 'stack', properties: { organization: 'acme', tags: ['env'] } }, '`resource.properties.tags` must be an object'],
      [{ type: 'stack', properties: { organization: 'acme', tags: { env: 1 } } }, '`resource.properties.tags.env` must be a string'],
      [{ type: 'team', properties: { organization: 'acme', tags: { env: 'dev' } } }, '`resource.properties.tags` applies to stacks, environments and accounts'],
      [{ id: 'acme/app/prod' }, '`resource.type` is required'],
    ]) {
      const res = await resources('opaque-mia', user('root'), 'stack:read', resource);
      c.eq([res.status, res.body.error?.message], [400, message], `search/resource: ${message}`);
    }
    const noSubject = await post('search/resource', 'opaque-mia', { action: act('stack:read'), resource: { type: 'stack' } });
    c.eq([noSubject.status, noSubject.body.error?.message], [400, '`subject` is required'], 'search/resource: no subject');
    const noSubjectId = await post('search/resource', 'opaque-mia', { subject: { type: 'user' }, action: act('stack:read'), resource: { type: 'stack' } });
    c.eq([noSubjectId.status, noSubjectId.body.error?.message], [400, '`subject.id` is required'], 'search/resource: a subject without id');

    // ---- action search ----
    const actions = (who, subject, resource) => post('search/action', who, { subject, resource });
    const names = (res) => res.body.results?.map((a) => a.name);
    const miaOnProd = await actions('opaque-mia', user('mia'), stack('acme/app/prod'));
    c.eq(miaOnProd.status, 200, 'search/action: status');
    c.ok(names(miaOnProd)?.includes('stack:read') && !names(miaOnProd)?.includes('stack:delete'), 'search/action: mia may read acme/app/prod, not delete it');
    c.ok(names(miaOnProd)?.every((n) => scopeFits('stack', n)), 'search/action: only stack scopes on a stack');
    await feedBack('search/action', miaOnProd.body.results, (a) => [user('mia'), a.name, stack('acme/app/prod')]);
    // The same answer as the evaluation of every scope root holds there (root holds them all).
    const everything = names(await actions('opaque-root', user('root'), stack('acme/app/prod')));
    c.ok(everything?.length === 29, `search/action: root holds all 29 stack scopes (got ${everything?.length})`);
    const agreed = [];
    for (const name of everything ?? []) if (await decision('opaque-mia', user('mia'), name, stack('acme/app/prod'))) agreed.push(name);
    c.eq(names(miaOnProd), agreed, 'search/action: equals the evaluations of every stack scope');
    const claimsActions = names(await actions('signed-team', token('jwt-team-1'), stack('acme/app/prod')));
    c.eq(claimsActions, names(await actions('opaque-team', token('tok-team'), stack('acme/app/prod'))), 'search/action: a signed team token (no record) equals the crew token record');
    c.ok(names(await actions('opaque-mia', user('root'), { type: 'team', id: 'acme/crew' }))?.includes('team:update'), 'search/action: a member asking about another member, on a team');
    // The scope families the types rely on hold for the whole catalog: root (an admin) holds all
    // 29 stack, 27 environment and 11 account scopes, and none is dropped by the family rule.
    for (const [resource, count] of [[{ type: 'environment', id: 'acme/app/prod' }, 27], [{ type: 'account', id: 'acme/crew' }, 11]]) {
      const held = await actions('opaque-root', user('root'), resource);
      c.eq(held.body.results?.length, count, `search/action: root holds all ${count} ${resource.type} scopes`);
    }
    c.ok(names(await actions('opaque-root', user('root'), { type: 'organization', id: 'acme' }))?.includes('org_member:read'), 'search/action: organization scopes');
    c.eq(names(await actions('opaque-mia', user('nobody'), stack('acme/app/prod'))), [], 'search/action: an unknown subject');
    c.eq(names(await actions('opaque-mia', user('mia'), { type: 'document', id: 'acme/app/prod' })), [], 'search/action: an unknown resource type');
    c.eq(names(await actions('opaque-olga', user('olga'), stack('acme/app/prod'))), [], 'search/action: a non-member about itself');
    const actionRefused = await actions('opaque-root', user('root'), stack('globex/web/prod'));
    c.eq([names(actionRefused), actionRefused.body.context?.deny?.code], [[], 'expiry_policy_violation'], 'search/action: root in globex');
    const actionSpy = await actions('opaque-olga', user('root'), stack('acme/app/prod'));
    c.eq([actionSpy.status, actionSpy.body.error?.code], [403, 'forbidden'], 'search/action: a non-member asking about a member');
    c.eq(swap((await actions('opaque-olga', user('root'), stack('no-such-org/app/prod'))).body, 'no-such-org', 'acme'), actionSpy.body, 'search/action: …alike for an organization that does not exist');
    for (const [body, message] of [
      [{ subject: user('mia') }, '`resource` is required'],
      [{ subject: user('mia'), resource: { type: 'stack' } }, '`resource.id` is required'],
      [{ subject: user('mia'), resource: { type: 'stack', id: 1 } }, '`resource.id` must be a string'],
      [{ subject: { type: 'user', id: null }, resource: stack('acme/app/prod') }, '`subject.id` must be a string'],
      [{ resource: stack('acme/app/prod') }, '`subject` is required'],
    ]) {
      const res = await post('search/action', 'opaque-mia', body);
      c.eq([res.status, res.body.error?.message], [400, message], `search/action: ${message}`);
    }
    const actionPages = await post('search/action', 'opaque-mia', { subject: user('mia'), resource: stack('acme/app/prod'), page: { limit: 10 } });
    c.eq([actionPages.body.results?.length, actionPages.body.page?.total], [10, names(miaOnProd)?.length], 'search/action: pages');
    c.done();
  },
};

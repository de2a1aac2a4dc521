// workerd tests of the gateway's decision records (records.js): the request id it returns in
// `x-request-id` (a caller's acceptable id kept, anything else replaced by a UUID), one record
// per request that reaches a decision with the documented fields and the request id, the log
// line and the audit service binding, and no token string in any record. Re-exported by
// worker.test.js, the suites' entry module.
import { createGateway, optionsFromEnv } from './worker.js';
import { decidingRecord, recordSink, requestIdOf } from './records.js';
import tokens from './fixtures/tokens.json';
import bundled from './snapshot/default.json';
import { checker } from './checker.js';

const quiet = { warn() {} };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const FIELDS = ['timestamp', 'kind', 'user', 'tokenID', 'tokenName', 'action', 'resource', 'allowed', 'reasons', 'reqOrgAdmin', 'reqStackAdmin', 'revision', 'requestID', 'sourceIP'];
const authorization = (name) => `token ${tokens.credentials[name].credential}`;


function get(path, headers = {}, method = 'GET') {
  return new Request(`http://gateway.test${path}`, { method, headers });
}

/** A gateway whose records are kept, and a log and binding that keep what they get. */
function recorded({ bindingFails = false } = {}) {
  const records = [];
  const lines = [];
  const warnings = [];
  const posts = [];
  const log = { log: (line) => lines.push(line), warn: (w) => warnings.push(w) };
  const binding = {
    async fetch(url, init) {
      posts.push({ url: String(url), method: init.method, type: init.headers['content-type'], body: init.body });
      if (bindingFails) throw new Error('audit down');
      return new Response(null, { status: 204 });
    },
  };
  const sink = recordSink({ log, binding, url: 'https://audit.test/in' });
  const waits = [];
  const ctx = { waitUntil: (p) => waits.push(p) };
  const gateway = createGateway({
    publicKey: bundledKey(),
    bundled,
    log: quiet,
    onRecord: (record, c) => {
      records.push(record);
      sink(record, c);
    },
  });
  const send = async (req) => {
    const res = await gateway.fetch(req, ctx);
    await Promise.all(waits.splice(0));
    return res;
  };
  return { send, records, lines, warnings, posts };
}

/** The demo snapshot key's public half, as test.capnp gives the gateways. */
function bundledKey() {
  return 'fykzMid7oEg1uYctGIx_mtHxUxouRoCnmbjynBy93hk';
}

export const records = {
  async test(_ctrl, env) {
    const c = checker('records');

    // Request ids: a caller's acceptable one is kept, anything else is replaced.
    for (const id of ['req-42', 'a', '!~'.repeat(64), 'x'.repeat(128)]) {
      c.eq(requestIdOf(get('/', { 'x-request-id': id })), id, `a caller's id of ${id.length} characters is kept`);
    }
    for (const id of ['', 'has space', 'x'.repeat(129), 'tab\there', 'caf\u00e9']) {
      const made = requestIdOf(new Request('http://gateway.test/', { headers: id.includes('\u00e9') ? {} : { 'x-request-id': id } }));
      c.ok(UUID.test(made), `an id ${JSON.stringify(id.slice(0, 20))} is replaced by a UUID: ${made}`);
    }
    c.ok(UUID.test(requestIdOf(get('/'))), 'no id: a UUID');

    // Through the production-configured gateway: every answer carries one, 404 and 401 too.
    for (const [path, headers] of [['/api/stacks/acme/app/prod', { authorization: authorization('opaque-mia') }], ['/nowhere', {}], ['/api/user', {}]]) {
      const kept = await env.GATEWAY.fetch(get(path, { ...headers, 'x-request-id': 'edge-1' }));
      c.eq(kept.headers.get('x-request-id'), 'edge-1', `${path}: the caller's id comes back`);
      const made = await env.GATEWAY.fetch(get(path, { ...headers, 'x-request-id': 'not ok' }));
      c.ok(UUID.test(made.headers.get('x-request-id') ?? ''), `${path}: an unacceptable id is replaced`);
      await kept.text();
      await made.text();
    }

    // One record per request, with the documented fields and the request id.
    const g = recorded();
    const allowed = await g.send(get('/api/stacks/acme/app/prod', { authorization: authorization('opaque-mia'), 'x-request-id': 'r-1', 'cf-connecting-ip': '203.0.113.9' }));
    c.eq(allowed.status, 200, 'mia reads app/prod');
    c.eq(g.records.length, 1, 'one record for the request');
    const [r] = g.records;
    c.eq(Object.keys(r).sort(), [...FIELDS].sort(), 'the record has the documented fields');
    c.eq([r.action, r.resource, r.allowed, r.requestID, r.sourceIP, r.user, r.tokenID], ['stack:read', 'acme/app/prod', true, 'r-1', '203.0.113.9', 'mia', 'pat-mia'], 'the decision, the request id and the client address');
    c.ok(r.reasons.length > 0, 'an allowed decision has its reasons');
    c.eq(r.revision, 100, 'the bundled snapshot\'s revision');
    c.eq([r.reqOrgAdmin, r.reqStackAdmin], [false, false], 'stack:read needs neither admin');

    const refused = await g.send(get('/api/stacks/acme/app/prod', { authorization: authorization('opaque-mia'), 'x-request-id': 'r-2' }, 'DELETE'));
    c.eq(refused.status, 403, 'mia may not delete app/prod');
    const denied = g.records.at(-1);
    c.eq([g.records.length, denied.action, denied.allowed, denied.requestID], [2, 'stack:delete', false, 'r-2'], 'the refusal is recorded');
    const body = await refused.json();
    c.eq(denied.reasons, [body.error.deny.code], 'its reason is the answer\'s deny code');
    c.eq([denied.reqOrgAdmin, denied.reqStackAdmin], [false, true], 'stack:delete is a stack scope beyond write');

    const badToken = await g.send(get('/api/stacks/acme/app/prod', { authorization: 'token pul-0000000000000000000000000000000000000000' }));
    c.eq(badToken.status, 401, 'an unknown token');
    const auth = g.records.at(-1);
    c.eq([auth.kind, auth.action, auth.allowed, auth.reasons], ['authenticate', 'authenticate', false, ['unknown_token']], 'the refused credential is recorded');
    c.ok(UUID.test(auth.requestID ?? ''), 'with the id the gateway made');
    c.eq(auth.requestID, badToken.headers.get('x-request-id'), 'the same id as the answer\'s header');

    const self = await g.send(get('/api/user', { authorization: authorization('opaque-team') }));
    c.eq([self.status, g.records.at(-1).kind, g.records.at(-1).tokenID], [200, 'authenticate', 'tok-team'], 'who am I: the authentication');
    const before = g.records.length;
    await g.send(get('/nowhere'));
    c.eq(g.records.length, before, 'no decision, no record');

    // The log line and the binding: the same JSON line, the engine's record.
    c.eq(g.lines.length, g.records.length, 'one log line per record');
    c.eq(g.posts.length, g.records.length, 'one POST to the binding per record');
    const first = JSON.parse(g.lines[0]);
    c.eq(first, g.records[0], 'the log line is the record');
    c.eq([first.requestID, first.tokenID, first.sourceIP, first.user], ['r-1', 'pat-mia', '203.0.113.9', 'mia'], 'the log line');
    const refusedLine = JSON.parse(g.lines[1]);
    c.eq(refusedLine, g.records[1], 'the second line is the second record');
    c.eq(refusedLine.allowed, false, 'a refused request is recorded as refused');
    c.eq(g.posts[0], { url: 'https://audit.test/in', method: 'POST', type: 'application/x-ndjson', body: `${g.lines[0]}\n` }, 'the POST');

    // A failing binding is logged and changes no answer.
    const down = recorded({ bindingFails: true });
    const still = await down.send(get('/api/stacks/acme/app/prod', { authorization: authorization('opaque-mia') }));
    c.eq([still.status, down.lines.length, down.warnings.length], [200, 1, 1], 'the binding failed: answered, logged, warned');

    // The environment's AUDIT binding is used when set.
    const posted = [];
    const options = optionsFromEnv({ SNAPSHOT_PUBLIC_KEY: bundledKey(), AUDIT: { fetch: async (url, init) => { posted.push([String(url), init.body]); return new Response(null); } }, AUDIT_URL: 'https://audit.test/env' });
    const prodLike = createGateway({ ...options, log: quiet });
    const waits = [];
    const realLog = console.log;
    console.log = () => {};
    try {
      await (await prodLike.fetch(get('/api/stacks/acme/app/prod', { authorization: authorization('opaque-mia'), 'x-request-id': 'env-1' }), { waitUntil: (p) => waits.push(p) })).text();
      await Promise.all(waits);
    } finally {
      console.log = realLog;
    }
    c.eq(posted.length, 1, 'AUDIT received the record');
    c.eq(posted[0]?.[0], 'https://audit.test/env', 'at AUDIT_URL');
    c.eq(JSON.parse(posted[0]?.[1] ?? '{}').requestID, 'env-1', 'with the request id');

    // No token string in any record or line, for every credential of the fixtures.
    const all = recorded();
    for (const [name, { credential }] of Object.entries(tokens.credentials)) {
      if (typeof credential !== 'string' || credential.length < 8) continue; // no header, or a near-empty one
      for (const path of ['/api/stacks/acme/app/prod', '/api/user', '/api/orgs/acme/members']) {
        await (await all.send(get(path, { authorization: `token ${credential}` }))).text();
      }
      const text = JSON.stringify(all.records) + all.lines.join('\n');
      c.ok(!text.includes(credential), `no token string of ${name} in a record`);
    }
    c.ok(all.records.length >= Object.keys(tokens.credentials).length * 2, `records for every credential (${all.records.length})`);

    // The deciding record among several.
    const pick = decidingRecord([
      { kind: 'authenticate', action: 'authenticate', resource: 'acme', allowed: false },
      { kind: 'authenticate', action: 'authenticate', resource: '', allowed: true },
      { kind: 'explain', action: 'org_member:read', resource: 'acme', allowed: false },
    ], 'stack:read', 'acme/app/prod');
    c.eq([pick.kind, pick.allowed], ['authenticate', false], 'no decision on the route: the first authentication');
    c.done();
  },
};

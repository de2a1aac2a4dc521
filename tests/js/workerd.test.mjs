// The packed package in workerd (Cloudflare Workers' runtime): the files the `workerd` export
// condition selects run as a worker that validates a signed token from an Authorization header and
// answers 401/403/200, and checks the error shape.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { repo, scratchProject } from './helpers.mjs';

const workerd = join(repo, 'node_modules/.bin/workerd');
const skip = !existsSync(workerd) && 'workerd is not installed (npm install)';
let project;

before(() => {
  if (!skip) project = scratchProject();
});
after(() => project?.cleanup());

/** Resolves a specifier from the scratch project under one export condition, as a bundler would. */
function resolveUnder(condition, specifier) {
  const url = execFileSync(process.execPath, [`--conditions=${condition}`, '--input-type=module', '-e', `console.log(import.meta.resolve(${JSON.stringify(specifier)}))`], {
    cwd: project.dir,
    encoding: 'utf8',
  }).trim();
  return relative(project.dir, fileURLToPath(url));
}

const worker = (snapshot) => `
import { initSync, Scopegate, ScopegateError } from 'scopegate';
import wasm from 'scopegate/scopegate_bg.wasm';

initSync({ module: wasm });
const SNAPSHOT = ${JSON.stringify(snapshot)};

function handler(gate) {
  return {
    async fetch(request) {
      let who;
      try {
        who = gate.authenticate(request.headers.get('authorization'), { organization: 'acme' });
      } catch (e) {
        return Response.json({ code: e.code, name: e.name, isError: e instanceof Error && e instanceof ScopegateError }, { status: 401 });
      }
      const url = new URL(request.url);
      const allowed = gate.checkAs(who.handle, url.searchParams.get('scope'), url.pathname.slice(1));
      return new Response(allowed ? 'ok' : 'forbidden', { status: allowed ? 200 : 403 });
    },
  };
}

function expect(what, got, want) {
  if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(what + ': got ' + JSON.stringify(got) + ', want ' + JSON.stringify(want));
}

export default {
  async test() {
    // Randomness only inside a handler (workerd has none at global scope).
    const key = Scopegate.generateSigningKey('edge');
    const snapshot = structuredClone(SNAPSHOT);
    snapshot.signing = { keys: [{ kid: key.kid, alg: key.alg, publicKey: key.publicKey }] };
    const gate = new Scopegate(snapshot);
    const now = Math.floor(Date.now() / 1000);
    const minted = gate.mintToken('tess', { kind: 'team', organization: 'acme', team: 'platform', name: 'edge-ci', expires: now + 600 }, { now, signingKey: key });
    const app = handler(gate);
    const ask = async (auth, path) => {
      const res = await app.fetch(new Request('http://edge' + path, { headers: auth ? { authorization: auth } : {} }));
      return [res.status, await res.text()];
    };
    expect('allowed', await ask('token ' + minted.token, '/acme/network/prod?scope=stack:write'), [200, 'ok']);
    expect('forbidden', await ask('Bearer ' + minted.token, '/acme/website/prod?scope=stack:write'), [403, 'forbidden']);
    const [status, body] = await ask('token nonsense', '/acme/network/prod?scope=stack:read');
    expect('malformed', [status, JSON.parse(body)], [401, { code: 'malformed_token', name: 'ScopegateError', isError: true }]);
    expect('missing', (await ask(null, '/acme/network/prod?scope=stack:read'))[0], 401);
    expect('check', gate.check('nora', 'stack:read', 'acme/identity/prod'), true);
    gate.free();
  },
};
`;

test('the workerd entry runs in workerd: initSync with the wasm module, tokens at the edge', { skip, timeout: 60_000 }, () => {
  const entry = resolveUnder('workerd', 'scopegate');
  const module = resolveUnder('workerd', 'scopegate/scopegate_bg.wasm');
  assert.equal(entry, 'node_modules/scopegate/web/index.js');
  assert.equal(module, 'node_modules/scopegate/web/scopegate_bg.wasm');
  writeFileSync(join(project.dir, 'worker.test.js'), worker(JSON.parse(readFileSync(join(repo, 'tests/fixtures/demo.json'), 'utf8'))));
  writeFileSync(
    join(project.dir, 'test.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .mainWorker) ],
);
const mainWorker :Workerd.Worker = (
  modules = [
    (name = "worker.test.js", esModule = embed "worker.test.js"),
    (name = "scopegate", esModule = embed "${entry}"),
    (name = "scopegate.js", esModule = embed "node_modules/scopegate/web/scopegate.js"),
    (name = "scopegate/scopegate_bg.wasm", wasm = embed "${module}"),
  ],
  compatibilityDate = "2026-01-01",
);
`,
  );
  const run = spawnSync(workerd, ['test', 'test.capnp'], { cwd: project.dir, encoding: 'utf8' });
  const out = `${run.stdout}${run.stderr}`;
  assert.equal(run.status, 0, `workerd test failed:\n${out}`);
  assert.match(out, /\[ PASS \] main/);
});

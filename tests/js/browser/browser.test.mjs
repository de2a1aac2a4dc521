// The packed package in a real browser: Debian's Chromium (through playwright-core) loads a page
// that imports `scopegate` through an import map, as a browser user without a bundler would. The
// package's files are served from node:http on 127.0.0.1; any console error fails the test.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { after, before, test } from 'node:test';
import { repo, scratchProject } from '../helpers.mjs';

const CHROMIUM = '/usr/bin/chromium';
const skip = (!existsSync(CHROMIUM) && 'Debian chromium is not installed (scripts/setup.sh)') ||
  (!existsSync(join(repo, 'node_modules/playwright-core')) && 'playwright-core is not installed (npm install)');

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm', '.json': 'application/json' };

let project;
let server;
let origin;
const requests = [];

function page(entry) {
  return `<!doctype html>
<html>
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>scopegate smoke</title>
<script type="importmap">${JSON.stringify({ imports: { scopegate: entry } })}</script>
</head>
<body>
<pre id="out">loading</pre>
<script type="module">
import init, { Scopegate, ScopegateError, isScopegateError } from 'scopegate';
const out = {};
try {
  await init();
  const snapshot = await (await fetch('/demo.json')).json();
  const sg = new Scopegate(snapshot);
  out.revision = sg.revision;
  out.allowed = sg.check('nora', 'stack:read', 'acme/identity/prod');
  out.denied = sg.check('nora', 'stack:write', 'acme/identity/prod');
  out.explanation = sg.explain('tess', 'stack:delete', 'acme/network/staging');
  out.actions = sg.allowedActions('nora', 'acme/identity/prod', 'stack');
  const other = new Scopegate(snapshot);
  const nora = sg.principalHandle('nora');
  out.handles = [sg.checkAs(nora, 'stack:read', 'acme/identity/prod'), other.checkAs(nora, 'stack:read', 'acme/identity/prod')];
  other.free();
  try { sg.authenticate('not a token'); out.thrown = null; } catch (e) {
    out.thrown = { isError: e instanceof Error, isScopegateError: e instanceof ScopegateError && isScopegateError(e), name: e.name, code: e.code, message: e.message };
  }
  try { new Scopegate({ version: 2 }); out.snapshotError = null; } catch (e) {
    out.snapshotError = { isError: e instanceof Error, name: e.name, code: e.code, paths: e.details.problems.map((p) => p.path) };
  }
  const key = Scopegate.generateSigningKey('browser');
  out.keyBytes = [key.privateKey, key.publicKey].map((k) => atob(k.replace(/-/g, '+').replace(/_/g, '/')).length);
  sg.free();
  document.getElementById('out').textContent = 'done';
} catch (e) {
  out.failure = String(e && e.stack || e);
  document.getElementById('out').textContent = 'failed';
}
window.__result = out;
</script>
</body>
</html>`;
}

before(async () => {
  if (skip) return;
  project = scratchProject();
  const pkgDir = join(project.dir, 'node_modules/scopegate');
  const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  // What the package tells a browser to load.
  const entry = `/scopegate/${normalize(manifest.exports['.'].browser.default).split(sep).join('/')}`;
  const html = page(entry);
  const demo = readFileSync(join(repo, 'tests/fixtures/demo.json'));
  server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    requests.push(path);
    let body;
    let type;
    if (path === '/') [body, type] = [html, TYPES['.html']];
    else if (path === '/demo.json') [body, type] = [demo, TYPES['.json']];
    else if (path.startsWith('/scopegate/')) {
      const file = normalize(join(pkgDir, decodeURIComponent(path.slice('/scopegate/'.length))));
      if (file.startsWith(pkgDir + sep) && existsSync(file)) [body, type] = [readFileSync(file), TYPES[extname(file)]];
    }
    if (body === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': type ?? 'application/octet-stream' }).end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
});

after(async () => {
  if (server) await new Promise((resolve) => server.close(resolve));
  project?.cleanup();
});

test('the web build in Chromium: import map, init, a check and a thrown error', { skip, timeout: 60_000 }, async () => {
  const { chromium } = await import(join(repo, 'node_modules/playwright-core/index.mjs'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  const problems = [];
  try {
    const tab = await browser.newPage();
    tab.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
    });
    tab.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    tab.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
    tab.on('response', (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
    });
    await tab.goto(`${origin}/`);
    await tab.waitForFunction(() => window.__result !== undefined, null, { timeout: 30_000 });
    const out = await tab.evaluate(() => window.__result);

    assert.equal(out.failure, undefined, out.failure);
    assert.equal(out.revision, 1n);
    assert.equal(out.allowed, true);
    assert.equal(out.denied, false);
    assert.equal(out.explanation.allowed, false);
    assert.equal(out.explanation.deny.code, 'setting_disabled');
    assert.equal(out.explanation.deny.setting, 'stackAdminsCanDeleteStacks');
    assert.ok(out.actions.includes('stack:read') && !out.actions.includes('stack:write'), out.actions.join());
    assert.equal(out.thrown.isError, true);
    assert.equal(out.thrown.isScopegateError, true, 'instanceof ScopegateError in the browser');
    assert.deepEqual(out.handles, [true, false], 'a handle acts only on the instance that made it');
    assert.equal(out.thrown.name, 'ScopegateError');
    assert.equal(out.thrown.code, 'malformed_token');
    assert.ok(out.thrown.message.length > 0);
    assert.deepEqual(out.snapshotError, { isError: true, name: 'ScopegateError', code: 'unsupported_version', paths: ['version'] });
    assert.deepEqual(out.keyBytes, [32, 32]); // getrandom works in the browser
    // The module was fetched from the package's web build, as application/wasm.
    assert.ok(requests.includes('/scopegate/web/scopegate_bg.wasm'), requests.join());
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});

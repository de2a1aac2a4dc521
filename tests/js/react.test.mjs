// scopegate/react in real Chromium: the packed package and React from npm, bundled by esbuild (as
// a user's bundler would) and served from 127.0.0.1. A signed delta granting a permission flips a
// <Can>; the components whose answers did not change do not re-render (counted); no console
// errors or warnings (an act() warning would be one).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, normalize, sep } from 'node:path';
import { after, before, test } from 'node:test';
import { repo, scratchProject } from './helpers.mjs';

const CHROMIUM = '/usr/bin/chromium';
const skip = (!existsSync(CHROMIUM) && 'Debian chromium is not installed (scripts/setup.sh)') ||
  (!existsSync(join(repo, 'node_modules/esbuild')) && 'esbuild is not installed (npm install)');

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><link rel="icon" href="data:,"><title>scopegate/react</title></head>
<body><div id="root"></div><script type="module" src="/app.js"></script></body>
</html>`;

let project;
let server;
let origin;

before(async () => {
  if (skip) return;
  project = scratchProject();
  const pkgDir = join(project.dir, 'node_modules/scopegate');
  const esbuild = await import(join(repo, 'node_modules/esbuild/lib/main.js'));
  // React resolves from the repository's node_modules, scopegate from the scratch project where
  // the tarball is installed: one copy of each, as in a user's bundle.
  const bundle = await esbuild.build({
    entryPoints: [join(repo, 'tests/js/react/app.js')],
    bundle: true,
    format: 'esm',
    write: false,
    nodePaths: [join(project.dir, 'node_modules'), join(repo, 'node_modules')],
    define: { 'process.env.NODE_ENV': '"development"' },
    logLevel: 'silent',
  });
  const app = bundle.outputFiles[0].text;
  const demo = readFileSync(join(repo, 'tests/fixtures/demo.json'));
  server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    let body;
    let type;
    if (path === '/') [body, type] = [PAGE, 'text/html; charset=utf-8'];
    else if (path === '/app.js') [body, type] = [app, 'text/javascript; charset=utf-8'];
    else if (path === '/demo.json') [body, type] = [demo, 'application/json'];
    else if (path === '/scopegate/web/scopegate_bg.wasm') {
      const file = normalize(join(pkgDir, 'web/scopegate_bg.wasm'));
      if (file.startsWith(pkgDir + sep)) [body, type] = [readFileSync(file), 'application/wasm'];
    }
    if (body === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': type }).end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
});

after(async () => {
  if (server) await new Promise((resolve) => server.close(resolve));
  project?.cleanup();
});

test('scopegate/react: <Can> flips on a signed delta, and only changed answers re-render', { skip, timeout: 90_000 }, async () => {
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
    await tab.goto(`${origin}/`);
    await tab.waitForFunction(() => typeof window.__start === 'function');
    await tab.evaluate(async () => window.__start(await (await fetch('/demo.json')).json()));

    const text = (id) => tab.locator(`#${id}`).textContent();
    // Before: nora reads network/prod only.
    assert.equal(await text('fallback'), 'read only');
    assert.equal(await tab.locator('#gated').count(), 0);
    assert.equal(await text('max-web'), 'true');
    assert.equal(await text('nora-read'), 'true');
    assert.equal(await text('tess-delete'), 'setting_disabled');
    const writableBefore = await text('nora-writable');
    assert.ok(!writableBefore.split(',').includes('acme/network/prod'), writableBefore);
    const rendersBefore = await tab.evaluate(() => ({ ...window.__renders }));
    assert.deepEqual(rendersBefore, { 'max-web': 1, 'nora-read': 1, 'tess-delete': 1, 'nora-writable': 1 });

    const revisions = await tab.evaluate(() => window.__grant());
    assert.equal(BigInt(revisions.after), BigInt(revisions.before) + 1n, JSON.stringify(revisions));
    await tab.locator('#gated').waitFor({ timeout: 10_000 });

    // After: the <Can> shows its children; the search lists the stack; nothing else re-rendered.
    assert.equal(await tab.locator('#fallback').count(), 0);
    const writableAfter = await text('nora-writable');
    assert.ok(writableAfter.split(',').includes('acme/network/prod'), writableAfter);
    const rendersAfter = await tab.evaluate(() => ({ ...window.__renders }));
    assert.deepEqual(rendersAfter, { 'max-web': 1, 'nora-read': 1, 'tess-delete': 1, 'nora-writable': 2, gated: 1 });
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});

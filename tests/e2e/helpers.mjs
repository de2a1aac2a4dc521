// Shared by the end-to-end tests of the sample site (www/): the server, the browser, a scenario
// runner, and the checks every panel is held to (axe-core, focus, clipping).
//
// No browser is ever downloaded: the executable is /usr/bin/chromium (or $CHROMIUM). The site is
// served by scripts/serve.mjs on 127.0.0.1 with a free port. Each scenario starts from a fresh page
// (a fresh engine), fails on any console error, page error or failed request, and saves a
// screenshot in test-results/.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const results = join(root, 'test-results');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const snapshot = JSON.parse(readFileSync(join(root, 'www/demo-snapshot.json'), 'utf8'));
export const { credentials } = JSON.parse(readFileSync(join(root, 'www/demo-credentials.json'), 'utf8'));
export const credential = (id) => credentials.find((c) => c.id === id).token;
export const STACKS = snapshot.organizations[0].stacks.map((s) => `${s.project}/${s.name}`);
export const ACTIONS = ['read', 'update', 'delete', 'transfer', 'access'];
const axeSource = join(dirname(createRequire(import.meta.url).resolve('axe-core')), 'axe.min.js');

/** Newest modification time under a path (files only). */
function newest(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/** Builds www/pkg when it is missing or older than the Rust sources. */
function ensureWebBuild() {
  const wasm = join(root, 'www/pkg/scopegate_bg.wasm');
  const glue = join(root, 'www/pkg/scopegate.js');
  const fresh = existsSync(wasm) && existsSync(glue)
    && statSync(wasm).mtimeMs >= Math.max(newest(join(root, 'src')), newest(join(root, 'Cargo.toml')));
  if (!fresh) execFileSync(join(root, 'scripts/build-web.sh'), ['--admin', 'www/pkg'], { cwd: root, stdio: 'inherit' });
}

/** Starts scripts/serve.mjs on a free port and reads the URL it prints. */
function startServer() {
  const child = spawn(process.execPath, [join(root, 'scripts/serve.mjs'), join(root, 'www')], {
    cwd: root,
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve.mjs printed no URL: ${out}`)), 10_000);
    child.once('exit', (code) => reject(new Error(`serve.mjs exited with ${code}: ${out}`)));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n')[0];
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve({ child, url: line.trim() });
      }
    });
  });
}

export const env = { server: null, baseUrl: null, browser: null };

/** For `before()`: builds if needed, serves www/, launches Chromium. */
export async function setUp() {
  mkdirSync(results, { recursive: true });
  ensureWebBuild();
  ({ child: env.server, url: env.baseUrl } = await startServer());
  env.browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** For `after()`. */
export async function tearDown() {
  await env.browser?.close();
  env.server?.kill();
}

/**
 * Runs one scenario on a fresh page: collects console errors, page errors and failed requests
 * (any of them fails the scenario) and saves a full-page screenshot as test-results/<name>.png.
 */
export async function scenario(name, fn, options = {}) {
  const context = await env.browser.newContext({ viewport: { width: 1440, height: 900 }, ...options });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  try {
    await page.goto(env.baseUrl);
    await page.waitForSelector('body[data-ready="true"]');
    await fn(page);
  } finally {
    // From the top, so that the sticky toolbar is drawn where it belongs.
    await page.evaluate(() => window.scrollTo(0, 0)).catch(() => {});
    await page.screenshot({ path: join(results, `${name}.png`), fullPage: true }).catch(() => {});
    await context.close();
  }
  assert.deepEqual(problems, [], `no console errors, page errors or failed requests in ${name}`);
}

/** An extra screenshot in the middle of a scenario. */
export async function shot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(results, `${name}.png`), fullPage: true });
}

export const cell = (page, stack, action) => page.getByTestId(`cell:${stack}:${action}`);

export async function allowed(page, stack, action) {
  const value = await cell(page, stack, action).getAttribute('data-allowed');
  assert.ok(value === 'true' || value === 'false', `cell ${stack} ${action} has a verdict`);
  return value === 'true';
}

/** Opens a cell's explanation and returns it (a locator). */
export async function openWhy(page, stack, action) {
  if (await cell(page, stack, action).getAttribute('aria-expanded') !== 'true') await cell(page, stack, action).click();
  return page.getByTestId(`why:${stack}:${action}`);
}

/** The reasons of an open explanation: [{ code, team, permission, role, setting, … }]. */
export async function reasons(page, stack, action) {
  const box = await openWhy(page, stack, action);
  return box.locator('li[data-code]').evaluateAll((lis) => lis.map((li) => ({ ...li.dataset })));
}

/** The deny of an open explanation: { deny: code, scope?, setting?, … }. */
export async function deny(page, stack, action) {
  const box = await openWhy(page, stack, action);
  const code = await box.getAttribute('data-deny');
  const extra = await box.locator('.why-deny').evaluate((p) => ({ ...p.dataset }));
  return { deny: code, ...extra };
}

/** Applies the pending change: a toggle, select or grant shows its preview first. */
export async function confirmChange(page) {
  await page.getByTestId('preview-apply').click();
}

export async function actAs(page, principal) {
  await page.getByTestId('act-as').selectOption(principal);
  assert.equal(await page.getByTestId('act-as').inputValue(), principal);
}

/**
 * axe-core (from npm) on the whole page, WCAG 2.1 A and AA plus best practices and the
 * label-in-name rule; fails with every violation listed. Covers any panel on the page.
 */
export async function assertAxeClean(page, label) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ path: axeSource });
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    rules: { 'label-content-name-mismatch': { enabled: true } },
    resultTypes: ['violations'],
  }));
  const found = result.violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary.replace(/\s+/g, ' ')}`));
  assert.deepEqual(found, [], `axe-core violations in ${label}`);
  return { rules: result.passes?.length, url: result.url };
}

/** The focused element: a short description, and whether it is the body. */
export async function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    return {
      body: !el || el === document.body || el === document.documentElement,
      testid: el?.dataset?.testid ?? null,
      id: el?.id ?? '',
      tag: el?.tagName?.toLowerCase() ?? '',
      text: (el?.getAttribute('aria-label') ?? el?.textContent ?? '').trim().slice(0, 60),
    };
  });
}

export async function assertFocusNotOnBody(page, after) {
  const f = await focused(page);
  assert.equal(f.body, false, `focus is on an element, not the body, after ${after}`);
  return f;
}

/**
 * Is the element visible in the viewport, and not under the sticky toolbar (or anything else)?
 * Checks the points a little inside its corners and its centre with elementFromPoint.
 */
export async function inViewUnobscured(locator) {
  return locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) return { ok: false, why: 'not rendered' };
    if (r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth) {
      return { ok: false, why: `outside the viewport: ${Math.round(r.top)}..${Math.round(r.bottom)} of ${innerHeight}` };
    }
    const points = [[r.left + r.width / 2, r.top + r.height / 2], [r.left + 3, r.top + 3], [r.right - 3, r.bottom - 3]];
    for (const [x, y] of points) {
      const hit = document.elementFromPoint(x, y);
      if (hit && !el.contains(hit) && !hit.contains(el) && !(el.labels && [...el.labels].some((l) => l.contains(hit)))) {
        return { ok: false, why: `covered at ${Math.round(x)},${Math.round(y)} by ${hit.tagName.toLowerCase()}#${hit.id}.${hit.className}` };
      }
    }
    return { ok: true };
  });
}

/**
 * Text that its box cuts off: every matrix and organization-action cell (and what is in it) whose
 * scroll width exceeds its client width, and anything on the page cut with an ellipsis.
 */
export async function clippedText(page) {
  return page.evaluate(() => {
    const out = [];
    // Screen-reader-only content (a 1 px box that hides what overflows) is not shown text.
    const srOnly = (el) => {
      for (let a = el; a && a !== document.body; a = a.parentElement) {
        const r = a.getBoundingClientRect();
        if (r.width <= 1 && r.height <= 1 && getComputedStyle(a).overflow !== 'visible') return true;
      }
      return false;
    };
    const boxes = document.querySelectorAll('.verdict, .verdict *, .matrix th, .matrix td, .org-action, .org-action *, .why, .why *');
    for (const el of boxes) {
      if (!el.getClientRects().length || getComputedStyle(el).display === 'inline' || srOnly(el)) continue;
      if (el.scrollWidth > el.clientWidth) out.push(`${el.dataset.testid ?? el.className} "${el.textContent.trim().slice(0, 40)}" ${el.scrollWidth} > ${el.clientWidth}`);
    }
    for (const el of document.querySelectorAll('body *')) {
      const cs = getComputedStyle(el);
      if (cs.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth) out.push(`ellipsis: ${el.className} "${el.textContent.trim().slice(0, 40)}"`);
    }
    const doc = document.documentElement;
    if (doc.scrollWidth > innerWidth) out.push(`the page scrolls sideways: ${doc.scrollWidth} > ${innerWidth}`);
    return out;
  });
}

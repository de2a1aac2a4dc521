// Shared set-up for the package tests: build (or reuse) the packed tarball, install it into a
// scratch project the way a user would, and check errors the way a user would.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repo = fileURLToPath(new URL('../..', import.meta.url));

/** Builds the package (fast when nothing changed) and returns the tarball's path. */
export function buildPackage() {
  let out;
  try {
    out = execFileSync(join(repo, 'scripts/build-package.sh'), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(`scripts/build-package.sh failed:\n${e.stderr}`);
  }
  const tarball = out.trim().split('\n').pop();
  assert.ok(existsSync(tarball), `no tarball at ${tarball}`);
  return tarball;
}

function npm(args, cwd) {
  return execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * A temporary npm project with the packed tarball installed (offline: the package has no
 * dependencies), plus jose when asked (the repository's copy, else the pinned one from the registry).
 * Returns `{ dir, cleanup }`.
 */
export function scratchProject({ jose = false } = {}) {
  const tarball = buildPackage();
  const dir = mkdtempSync(join(tmpdir(), 'scopegate-js-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
  npm(['install', '--offline', tarball], dir);
  if (jose) {
    const local = join(repo, 'node_modules/jose');
    const pinned = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).devDependencies.jose;
    npm(['install', existsSync(join(local, 'package.json')) ? local : `jose@${pinned}`], dir);
  }
  return { dir, tarball, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes `code` as an ES module inside `dir` and imports it (so bare imports resolve from `dir`). */
export async function importFrom(dir, name, code) {
  const file = join(dir, name);
  writeFileSync(file, code);
  return import(pathToFileURL(file).href);
}

/** The demo snapshot (a fresh copy each call). */
export function demo() {
  return JSON.parse(readFileSync(join(repo, 'tests/fixtures/demo.json'), 'utf8'));
}

/** Asserts `fn` throws a ScopegateError with `code`; returns the error. */
export function throwsScopegate(fn, code) {
  let error;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  assert.ok(error !== undefined, `expected a ScopegateError ${code}, nothing was thrown`);
  assert.ok(error instanceof Error, `expected an Error, got ${Object.prototype.toString.call(error)}`);
  assert.equal(error.name, 'ScopegateError', `name of ${error}`);
  assert.equal(error.code, code, `code of ${error.name}: ${error.message}`);
  assert.equal(typeof error.message, 'string');
  assert.ok(error.message.length > 0);
  assert.equal(typeof error.stack, 'string');
  return error;
}

/** Seconds since the epoch. */
export const nowSeconds = () => Math.floor(Date.now() / 1000);

export const base64url = (bytes) => Buffer.from(bytes).toString('base64url');

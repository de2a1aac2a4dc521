// The packed tarball, as @arethetypeswrong/cli sees it: every entry point (`scopegate`,
// `scopegate/scopegate_bg.wasm`, `scopegate/react`, `scopegate/package.json`) resolves to types of the right module
// format under node10, node16 (from ESM and from CommonJS) and bundler resolution, with no problem.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildPackage, repo } from './helpers.mjs';

const attw = join(repo, 'node_modules/.bin/attw');
const skip = !existsSync(attw) && '@arethetypeswrong/cli is not installed (npm install)';

function analyse(tarball) {
  let out;
  try {
    out = execFileSync(attw, [tarball, '--format', 'json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    // attw exits 1 when it finds a problem; the JSON is on stdout either way.
    out = String(e.stdout);
  }
  return JSON.parse(out);
}

test('@arethetypeswrong/cli finds no problem in the packed tarball', { skip, timeout: 120_000 }, () => {
  const report = analyse(buildPackage());
  assert.deepEqual(report.problems ?? {}, {}, JSON.stringify(report.problems, null, 2));
  const entrypoints = report.analysis.entrypoints;
  assert.deepEqual(Object.keys(entrypoints).sort(), ['.', './package.json', './react', './scopegate_bg.wasm']);
  // Where each resolution lands: ESM types for import and bundlers, CommonJS types for require and node10.
  const expected = {
    '.': { node10: 'node.d.cts', 'node16-cjs': 'node.d.cts', 'node16-esm': 'web/index.d.ts', bundler: 'web/index.d.ts' },
    './scopegate_bg.wasm': {
      node10: 'web/scopegate_bg.wasm.d.cts',
      'node16-cjs': 'web/scopegate_bg.wasm.d.cts',
      'node16-esm': 'web/scopegate_bg.wasm.d.ts',
      bundler: 'web/scopegate_bg.wasm.d.ts',
    },
    // scopegate/react: its ESM module for import and bundlers, the CommonJS twin for require.
    './react': { node10: 'react.d.cts', 'node16-cjs': 'react.d.cts', 'node16-esm': 'react.d.ts', bundler: 'react.d.ts' },
  };
  for (const [entry, kinds] of Object.entries(expected)) {
    for (const [kind, file] of Object.entries(kinds)) {
      const resolved = entrypoints[entry].resolutions[kind]?.resolution?.fileName;
      assert.equal(resolved, `/node_modules/scopegate/${file}`, `${entry} under ${kind}`);
    }
  }
});

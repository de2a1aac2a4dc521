// The package's TypeScript declarations: strict TypeScript type-checks tests/js/types-check.ts
// against the installed package (Node and bundler resolution), and the shipped .d.ts files have no `any`.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { repo, scratchProject } from './helpers.mjs';

const tsc = join(repo, 'node_modules/.bin/tsc');
let project;

before(() => {
  project = scratchProject();
  copyFileSync(join(repo, 'tests/js/types-check.ts'), join(project.dir, 'types-check.ts'));
});
after(() => project?.cleanup());

function typecheck(options) {
  try {
    return execFileSync(tsc, ['--noEmit', '--strict', '--skipLibCheck', 'false', '--target', 'es2022', '--lib', 'es2022,esnext.disposable,dom', ...options, 'types-check.ts'], {
      cwd: project.dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    assert.fail(`tsc ${options.join(' ')} failed:\n${e.stdout}${e.stderr}`);
  }
}

test('strict TypeScript, Node resolution (exports: types, node, import)', { skip: !existsSync(tsc) && 'typescript is not installed (npm install)' }, () => {
  typecheck(['--module', 'nodenext', '--moduleResolution', 'nodenext']);
});

test('strict TypeScript, bundler resolution (browser and workerd users)', { skip: !existsSync(tsc) && 'typescript is not installed (npm install)' }, () => {
  typecheck(['--module', 'esnext', '--moduleResolution', 'bundler']);
});

test('a type error in user code is reported (the check is live)', { skip: !existsSync(tsc) && 'typescript is not installed (npm install)' }, () => {
  writeFileSync(join(project.dir, 'wrong.ts'), `import { Scopegate } from "scopegate";\nconst n: number = new Scopegate("{}").check("a", "b", "c");\nexport { n };\n`);
  assert.throws(
    () => execFileSync(tsc, ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--lib', 'es2022,esnext.disposable,dom', 'wrong.ts'], { cwd: project.dir, stdio: 'pipe' }),
    (e) => /TS2322/.test(String(e.stdout)),
  );
});

test('the shipped declarations have no `any` outside comments', () => {
  const pkg = join(project.dir, 'node_modules/scopegate');
  const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
  // The types entry (written by hand) declares the loaders and re-exports the generated declarations.
  const entry = readFileSync(join(pkg, manifest.exports['.'].types), 'utf8');
  assert.match(entry, /export \* from '\.\/scopegate\.js'/);
  const files = readdirSync(join(pkg, 'web')).filter((f) => f.endsWith('.d.ts'));
  assert.deepEqual(files.sort(), ['index.d.ts', 'scopegate.d.ts']);
  assert.match(readFileSync(join(pkg, 'web/scopegate.d.ts'), 'utf8'), /export class Scopegate/);
  for (const file of files) {
    const code = readFileSync(join(pkg, 'web', file), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '')
      .replace(/"(?:[^"\\\n]|\\.)*"/g, '""');
    const lines = code.split('\n').filter((l) => /\bany\b/.test(l));
    assert.deepEqual(lines, [], file);
  }
});

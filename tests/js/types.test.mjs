// The package's TypeScript declarations: strict TypeScript (with `noUncheckedIndexedAccess` and
// `exactOptionalPropertyTypes`, and no lib beyond ES2022: no `dom`, no `esnext.disposable`, no
// Node types) type-checks tests/js/types-check.ts against the installed package (Node ESM and
// CommonJS, and bundler resolution); the declared class has exactly the runtime's members; the
// shipped .d.ts files have no `any`.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createRequire } from 'node:module';
import { repo, scratchProject } from './helpers.mjs';

const tsc = join(repo, 'node_modules/.bin/tsc');
let project;

before(() => {
  project = scratchProject();
  copyFileSync(join(repo, 'tests/js/types-check.ts'), join(project.dir, 'types-check.ts'));
  copyFileSync(join(repo, 'tests/js/types-disposable.ts'), join(project.dir, 'types-disposable.ts'));
  // The same checks from a CommonJS file (`require` types: node.d.cts).
  copyFileSync(join(repo, 'tests/js/types-check.ts'), join(project.dir, 'types-check.cts'));
  // scopegate/react's types name React's: the user's @types/react (here the repository's).
  mkdirSync(join(project.dir, 'node_modules/@types'), { recursive: true });
  for (const dep of ['@types/react', 'csstype', 'react']) {
    if (existsSync(join(repo, 'node_modules', dep))) symlinkSync(join(repo, 'node_modules', dep), join(project.dir, 'node_modules', dep));
  }
});
after(() => project?.cleanup());

const strict = ['--noEmit', '--strict', '--noUncheckedIndexedAccess', '--exactOptionalPropertyTypes', '--skipLibCheck', 'false', '--target', 'es2022'];

function typecheck(options, files = ['types-check.ts'], lib = 'es2022') {
  try {
    return execFileSync(tsc, [...strict, '--lib', lib, ...options, ...files], {
      cwd: project.dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    assert.fail(`tsc ${options.join(' ')} failed:\n${e.stdout}${e.stderr}`);
  }
}

const noTsc = !existsSync(tsc) && 'typescript is not installed (npm install)';

test('strict TypeScript, Node resolution (exports: node, import), no lib beyond ES2022', { skip: noTsc }, () => {
  typecheck(['--module', 'nodenext', '--moduleResolution', 'nodenext']);
});

test('strict TypeScript from CommonJS (exports: node, require: node.d.cts)', { skip: noTsc }, () => {
  typecheck(['--module', 'nodenext', '--moduleResolution', 'nodenext'], ['types-check.cts']);
});

test('`using` type-checks where the esnext.disposable lib is on', { skip: noTsc }, () => {
  typecheck(['--module', 'nodenext', '--moduleResolution', 'nodenext'], ['types-disposable.ts'], 'es2022,esnext.disposable');
});

test('strict TypeScript, bundler resolution (browser and workerd users)', { skip: !existsSync(tsc) && 'typescript is not installed (npm install)' }, () => {
  typecheck(['--module', 'esnext', '--moduleResolution', 'bundler']);
});

test('a type error in user code is reported (the check is live)', { skip: !existsSync(tsc) && 'typescript is not installed (npm install)' }, () => {
  writeFileSync(join(project.dir, 'wrong.ts'), `import { Scopegate } from "scopegate";\nconst n: number = new Scopegate("{}").check("a", "b", "c");\nexport { n };\n`);
  assert.throws(
    () => execFileSync(tsc, [...strict, '--module', 'nodenext', '--moduleResolution', 'nodenext', '--lib', 'es2022', 'wrong.ts'], { cwd: project.dir, stdio: 'pipe' }),
    (e) => /TS2322/.test(String(e.stdout)),
  );
});

/** The members declared in the body of `export class <name>`: `[static?, name]`. */
function declaredMembers(text, name) {
  const start = text.indexOf(`export class ${name} {`);
  assert.ok(start >= 0, `no class ${name}`);
  const body = text.slice(start, text.indexOf('\n}\n', start));
  const members = new Set();
  for (const m of body.matchAll(/^ {2}(static )?(readonly )?(\[Symbol\.\w+\]|\w+)[(:<]/gm)) {
    if (m[3] !== 'constructor') members.add(`${m[1] ? 'static ' : ''}${m[3]}`);
  }
  return [...members].sort();
}

test('the declared class has exactly the members the module has', () => {
  const pkg = join(project.dir, 'node_modules/scopegate');
  const { Scopegate } = createRequire(join(project.dir, 'x.cjs'))('scopegate');
  const runtime = [
    ...Object.getOwnPropertyNames(Scopegate.prototype).filter((n) => n !== 'constructor' && n !== '__destroy_into_raw'),
    ...Object.getOwnPropertyNames(Scopegate).filter((n) => !['length', 'name', 'prototype', '__wrap'].includes(n)).map((n) => `static ${n}`),
  ].sort();
  const text = readFileSync(join(pkg, 'web/index.d.ts'), 'utf8');
  // `[Symbol.dispose]` is declared through `Disposable` (present only with the lib that has it).
  assert.deepEqual([...declaredMembers(text, 'Scopegate'), ].sort(), runtime.filter((n) => n !== 'Symbol.dispose'));
  assert.ok(typeof Scopegate.prototype[Symbol.dispose] === 'function' || typeof Symbol.dispose !== 'symbol');
  // The ESM and CommonJS types are one text.
  assert.equal(readFileSync(join(pkg, 'node.d.cts'), 'utf8'), text);
});

test('every member of the class has @param (when it takes any), @throws (when it throws) and @example', () => {
  const text = readFileSync(join(project.dir, 'node_modules/scopegate/web/index.d.ts'), 'utf8');
  const start = text.indexOf('export class Scopegate {');
  const body = text.slice(start, text.indexOf('\n}\n', start));
  const blocks = [...body.matchAll(/\/\*\*([\s\S]*?)\*\/\s*\n\s*(static |readonly )*([\w]+)\(([^)]*)\)/g)];
  assert.ok(blocks.length >= 40, `only ${blocks.length} documented methods`);
  for (const [, doc, , name, params] of blocks) {
    assert.match(doc, /@example/, name);
    for (const param of params.replace(/<[^>]*>/g, '').split(',').map((p) => p.trim().split(/\??:/)[0]).filter(Boolean)) {
      assert.match(doc, new RegExp(`@param ${param}\\b`), `${name}: @param ${param}`);
    }
    if (!['toJSON', 'free', 'errorCodes'].includes(name)) assert.match(doc, /@throws/, name);
  }
});

test('the shipped declarations have no `any` outside comments', () => {
  const pkg = join(project.dir, 'node_modules/scopegate');
  const files = [...readdirSync(join(pkg, 'web')).filter((f) => /\.d\.c?ts$/.test(f)).map((f) => `web/${f}`), 'node.d.cts'];
  assert.deepEqual(files.sort(), ['node.d.cts', 'web/index.d.ts', 'web/scopegate_bg.wasm.d.cts', 'web/scopegate_bg.wasm.d.ts']);
  for (const file of files) {
    const code = readFileSync(join(pkg, file), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '')
      .replace(/"(?:[^"\\\n]|\\.)*"/g, '""');
    const lines = code.split('\n').filter((l) => /\bany\b/.test(l));
    assert.deepEqual(lines, [], file);
  }
});

#!/usr/bin/env bash
# Builds the npm package `scopegate`: the WebAssembly module for browsers and workerd (ES module,
# `init` / `initSync`) and for Node (loaded synchronously, ESM and CommonJS), assembled into
# dist/scopegate/ from pkg.json, then packed into dist/scopegate-<version>.tgz.
#
# Prints the tarball's absolute path on stdout (everything else goes to stderr). Idempotent: when
# the compiled module, pkg.json, Cargo.toml, README.md, LICENSE and this script are unchanged, it
# only checks that and prints the path. Nothing is downloaded (`wasm-pack --mode no-install`).
#
# wasm-opt: off. wasm-pack is always given `--no-opt`, so it can never pick up a system wasm-opt
# (Debian's binaryen 108 produces a module that fails to load). Measured on this crate, `wasm-opt -O`
# from npm binaryen 132 shrinks the raw module ~10% but not the gzip size, and costs ~20 s per
# build; dropping the `name` custom section (done here, always) is what shrinks it. Set
# SCOPEGATE_WASM_OPT=1 to run node_modules/.bin/wasm-opt (npm binaryen only) on both modules anyway.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
log() { printf '%s\n' "$*" >&2; }

mkdir -p dist
# One build at a time (test files may call this script in parallel).
exec 9>dist/.build.lock
flock 9

version=$(awk -F'"' '/^\[package\]/ { p = 1; next } /^\[/ { p = 0 } p && /^version *=/ { print $2; exit }' Cargo.toml)
[ -n "$version" ] || { log "build-package: no version in Cargo.toml"; exit 1; }
out=dist/scopegate
tarball="dist/scopegate-$version.tgz"
wasm_opt=""
if [ "${SCOPEGATE_WASM_OPT:-0}" = 1 ]; then
  wasm_opt="$PWD/node_modules/.bin/wasm-opt"
  [ -x "$wasm_opt" ] || { log "build-package: SCOPEGATE_WASM_OPT=1 needs npm binaryen (npm install)"; exit 1; }
fi

# Compile first (the same cargo invocation as wasm-pack's, so it is a no-op for wasm-pack after).
cargo build --lib --release --target wasm32-unknown-unknown --quiet >&2
module=target/wasm32-unknown-unknown/release/scopegate.wasm

key=$(
  {
    sha256sum "$module" pkg.json Cargo.toml scripts/build-package.sh src/js/intern.js
    for f in README.md LICENSE; do if [ -f "$f" ]; then sha256sum "$f"; else echo "no $f"; fi; done
    wasm-bindgen --version
    echo "wasm-opt=$wasm_opt"
  } | sha256sum | cut -d' ' -f1
)
if [ -f "$tarball" ] && [ -f "$out/package.json" ] && [ "$(cat dist/.build-stamp 2>/dev/null)" = "$key" ]; then
  log "build-package: up to date"
  echo "$PWD/$tarball"
  exit 0
fi
rm -f dist/.build-stamp

for target in web nodejs; do
  log "build-package: wasm-pack --target $target"
  wasm-pack --log-level warn build --mode no-install --release --target "$target" \
    --out-dir "target/wasm-pack/$target" --no-pack --no-gitignore --no-opt >&2
done

log "build-package: assembling $out"
rm -rf "$out"
mkdir -p "$out/web" "$out/node"
VERSION="$version" OUT="$out" WASM_OPT="$wasm_opt" node --input-type=module - <<'EOF'
import { readFileSync, writeFileSync, copyFileSync, existsSync, unlinkSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const { VERSION, OUT, WASM_OPT } = process.env;
const web = 'target/wasm-pack/web';
const nodejs = 'target/wasm-pack/nodejs';
const fail = (message) => { console.error(`build-package: ${message}`); process.exit(1); };

// The manifest: pkg.json with the crate's version.
const { name, ...rest } = JSON.parse(readFileSync('pkg.json', 'utf8'));
const manifest = { name, version: VERSION, ...rest };
writeFileSync(join(OUT, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');

// Drops the custom sections a user never needs (`name`: function names, ~110 KB; `producers`).
function stripCustomSections(bytes) {
  const drop = new Set(['name', 'producers']);
  const parts = [bytes.subarray(0, 8)];
  let i = 8;
  const leb = () => { let r = 0, s = 0, b; do { b = bytes[i++]; r |= (b & 0x7f) << s; s += 7; } while (b & 0x80); return r >>> 0; };
  while (i < bytes.length) {
    const start = i;
    const id = bytes[i++];
    const len = leb();
    const body = i;
    let keep = true;
    if (id === 0) {
      const nameLen = leb();
      keep = !drop.has(bytes.subarray(i, i + nameLen).toString('utf8'));
    }
    i = body + len;
    if (i > bytes.length) fail('truncated wasm module');
    if (keep) parts.push(bytes.subarray(start, i));
  }
  return Buffer.concat(parts);
}
function wasm(from, to) {
  const bytes = readFileSync(from);
  if (bytes.readUInt32LE(0) !== 0x6d736100) fail(`${from} is not a wasm module`);
  writeFileSync(to, stripCustomSections(bytes));
  if (WASM_OPT) execFileSync(WASM_OPT, ['-O', to, '-o', to], { stdio: 'inherit' });
  new WebAssembly.Module(readFileSync(to)); // still valid
}

// Browser / workerd build: ES module with `init` (fetch) and `initSync` (bytes or a Module).
copyFileSync(join(web, 'scopegate.js'), join(OUT, 'web/scopegate.js'));
wasm(join(web, 'scopegate_bg.wasm'), join(OUT, 'web/scopegate_bg.wasm'));

// Types: the generated declarations, minus the raw wasm export table (`InitOutput`), which is the
// module's internal ABI (typed with `any`), not API.
let dts = readFileSync(join(web, 'scopegate.d.ts'), 'utf8');
const initOutput = /export interface InitOutput \{\n[\s\S]*?\n\}\n/;
if (!initOutput.test(dts)) fail('InitOutput not found in the generated .d.ts');
dts = dts.replace(initOutput,
  'export interface InitOutput {\n' +
  '    /** The module\'s memory (the web build; `undefined` under Node, where the module loads itself). */\n' +
  '    readonly memory?: WebAssembly.Memory;\n}\n');
const code = dts.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '').replace(/"(?:[^"\\\n]|\\.)*"/g, '""');
const anyLines = code.split('\n').filter((line) => /\bany\b/.test(line));
if (anyLines.length) fail(`\`any\` in the public types:\n${anyLines.join('\n')}`);
writeFileSync(join(OUT, 'web/scopegate.d.ts'), dts);

// The entry point: the generated module plus id interning for `check` (src/js/intern.js).
copyFileSync('src/js/intern.js', join(OUT, 'web/intern.js'));
const entry = "export * from './scopegate.js';\nexport { default } from './scopegate.js';\n";
writeFileSync(join(OUT, 'web/index.js'),
  "import { Scopegate } from './scopegate.js';\nimport { installInterning } from './intern.js';\n" +
  'installInterning(Scopegate);\n' + entry);
writeFileSync(join(OUT, 'web/index.d.ts'), entry);
// The same interning for the CommonJS build.
const intern = readFileSync('src/js/intern.js', 'utf8').replace('export function installInterning', 'function installInterning');
writeFileSync(join(OUT, 'node/intern.cjs'), `'use strict';\n${intern}\nmodule.exports = { installInterning };\n`);

// Node build: CommonJS that compiles and instantiates the module synchronously on first require.
let cjs = readFileSync(join(nodejs, 'scopegate.js'), 'utf8').replace(/^\/\* @ts-self-types=.*\*\/\n/, '');
wasm(join(nodejs, 'scopegate_bg.wasm'), join(OUT, 'node/scopegate_bg.wasm'));
// Once stripped, the two targets' modules are byte-identical: ship one, loaded by both.
const wasmPath = 'const wasmPath = `${__dirname}/scopegate_bg.wasm`;';
if (readFileSync(join(OUT, 'node/scopegate_bg.wasm')).equals(readFileSync(join(OUT, 'web/scopegate_bg.wasm')))
    && cjs.split(wasmPath).length === 2) {
  cjs = cjs.replace(wasmPath, "const wasmPath = require('path').join(__dirname, '..', 'web', 'scopegate_bg.wasm');");
  unlinkSync(join(OUT, 'node/scopegate_bg.wasm'));
}
writeFileSync(join(OUT, 'node/scopegate.cjs'), cjs);
const names = Object.keys(createRequire(import.meta.url)(resolve(OUT, 'node/scopegate.cjs')))
  .filter((n) => n !== 'default' && n !== 'initSync' && n !== '__esModule');
if (!names.includes('Scopegate')) fail('the Node build exports no Scopegate');

const header = '// Node entry: the module is compiled and instantiated synchronously when first loaded.\n' +
  '// `init()` / `initSync()` exist so the same code runs in browsers, workerd and Node; here they do nothing.\n';
writeFileSync(join(OUT, 'node.cjs'), `'use strict';
${header}const scopegate = require('./node/scopegate.cjs');
require('./node/intern.cjs').installInterning(scopegate.Scopegate);
Object.defineProperty(exports, '__esModule', { value: true });
${names.map((n) => `exports.${n} = scopegate.${n};`).join('\n')}
exports.initSync = function initSync() { return {}; };
exports.default = async function init() { return {}; };
`);
// ESM wrapper over the same CommonJS module, so `import` and `require` share one instance.
writeFileSync(join(OUT, 'node.mjs'), `${header}import { createRequire } from 'node:module';
const scopegate = createRequire(import.meta.url)('./node.cjs');
export const { ${[...names, 'initSync'].join(', ')} } = scopegate;
export default scopegate.default;
`);

for (const f of ['README.md', 'LICENSE']) if (existsSync(f)) copyFileSync(f, join(OUT, f));
EOF

log "build-package: npm pack"
rm -f dist/scopegate-*.tgz
packed=$(cd dist && npm pack ./scopegate --silent --loglevel=error 2>/dev/null | tail -1)
[ "dist/$packed" = "$tarball" ] || { log "build-package: npm pack wrote '$packed', expected $tarball"; exit 1; }
log "build-package: $(du -k "$tarball" | cut -f1) KB tarball; module $(wc -c <"$out/web/scopegate_bg.wasm") bytes, $(gzip -9c "$out/web/scopegate_bg.wasm" | wc -c) gzip"
echo "$key" >dist/.build-stamp
echo "$PWD/$tarball"

#!/usr/bin/env bash
# Builds the npm package `scopegate` into dist/scopegate/ and packs dist/scopegate-<version>.tgz:
#
#   web/scopegate.js, web/scopegate_bg.wasm,  the web build (scripts/build-web.sh: target/web)
#   web/index.js
#   web/scopegate.cjs                         wasm-bindgen --target nodejs, as generated (the glue
#                                             renamed .cjs, as the package is ESM); it loads the
#                                             same web/scopegate_bg.wasm
#   node.cjs, node.mjs                        src/js/, as written
#   web/index.d.ts, node.d.cts                the types, for `import` and for `require`: one text,
#                                             src/wasm/types.d.ts + src/wasm/snapshot.d.ts +
#                                             src/js/loaders.d.ts + src/js/scopegate.d.ts (written
#                                             by hand; the generated declarations are not
#                                             shipped)
#   web/scopegate_bg.wasm.d.{ts,cts}          src/js/, as written: the types of the `.wasm` subpath
#   react.js, react.d.ts                      src/js/, as written: scopegate/react for `import`
#   react.cjs, react.d.cts                    the same for `require`: esbuild's CommonJS build of
#                                             react.js, and react.d.ts naming the CommonJS types
#   package.json                              pkg.json with Cargo.toml's version
#   README.md, LICENSE                        as they are
#
# Prints the tarball's absolute path on stdout (everything else goes to stderr). When none of
# those inputs changed, it only checks that and prints the path.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
log() { printf 'build-package: %s\n' "$*" >&2; }

mkdir -p dist
# One build at a time (the package tests call this script in parallel).
exec 9>dist/.build.lock
flock 9

./scripts/build-web.sh >&2
web=target/web
module="${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/release/scopegate.wasm"
nodejs=target/wasm-bindgen/nodejs

version=$(awk -F'"' '/^\[package\]/ { p = 1; next } /^\[/ { p = 0 } p && /^version *=/ { print $2; exit }' Cargo.toml)
[ -n "$version" ] || { log "no version in Cargo.toml"; exit 1; }
out=dist/scopegate
tarball="dist/scopegate-$version.tgz"

key=$(
  {
    sha256sum "$module" "$web"/* src/js/* src/wasm/*.d.ts pkg.json Cargo.toml scripts/build-package.sh
    for f in README.md LICENSE; do if [ -f "$f" ]; then sha256sum "$f"; else echo "no $f"; fi; done
    wasm-bindgen --version
    node_modules/.bin/esbuild --version
  } | sha256sum | cut -d' ' -f1
)
if [ -f "$tarball" ] && [ "$(cat dist/.build-stamp 2>/dev/null)" = "$key" ]; then
  log "up to date"
  echo "$PWD/$tarball"
  exit 0
fi
rm -f dist/.build-stamp

log "wasm-bindgen --target nodejs"
rm -rf "$nodejs"
wasm-bindgen --target nodejs --remove-name-section --remove-producers-section --out-dir "$nodejs" "$module"
# The Node glue loads the web build's module: only right if wasm-bindgen made the same module for both.
if ! cmp -s "$nodejs/scopegate_bg.wasm" target/wasm-bindgen/web/scopegate_bg.wasm; then
  log "wasm-bindgen made different modules for Node and the web; the Node glue cannot share the web module"
  exit 1
fi

log "assembling $out"
rm -rf "$out"
mkdir -p "$out/web"
cp "$web"/* "$out/web/"
cp "$nodejs/scopegate.js" "$out/web/scopegate.cjs"
{
  echo "// The types of the scopegate package (the same text for \`import\` and \`require\`)."
  cat src/wasm/types.d.ts
  echo
  cat src/wasm/snapshot.d.ts
  echo
  cat src/wasm/records.d.ts
  echo
  cat src/js/loaders.d.ts
  echo
  cat src/js/scopegate.d.ts
} >"$out/web/index.d.ts"
cp "$out/web/index.d.ts" "$out/node.d.cts"
cp src/js/scopegate_bg.wasm.d.ts src/js/scopegate_bg.wasm.d.cts "$out/web/"
cp src/js/node.cjs src/js/node.mjs src/js/react.js src/js/react.d.ts "$out/"
# scopegate/react for `require`: the same module as CommonJS (esbuild from npm; React stays an
# import of the user's copy), and its types with the engine type taken from the CommonJS types.
node_modules/.bin/esbuild src/js/react.js --format=cjs --platform=neutral --log-level=warning \
  --outfile="$out/react.cjs"
sed "s|from './web/index.js'|from './node.cjs'|" src/js/react.d.ts >"$out/react.d.cts"
cp pkg.json "$out/package.json"
(cd "$out" && npm pkg set version="$version")
for f in README.md LICENSE; do if [ -f "$f" ]; then cp "$f" "$out/"; fi; done

# Both Node entries load, and share one instance.
node --input-type=module - "$PWD/$out" <<'JS'
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
const dir = pathToFileURL(`${process.argv[2]}/`);
const esm = await import(new URL('node.mjs', dir));
const cjs = createRequire(dir)('./node.cjs');
if (typeof esm.Scopegate !== 'function' || esm.Scopegate !== cjs.Scopegate) throw new Error('the Node entries do not share the Scopegate class');
JS

log "npm pack"
rm -f dist/scopegate-*.tgz
packed=$(cd dist && npm pack ./scopegate --silent --loglevel=error 2>/dev/null | tail -1)
[ "dist/$packed" = "$tarball" ] || { log "npm pack wrote '$packed', expected $tarball"; exit 1; }
log "$(du -k "$tarball" | cut -f1) KB tarball"
echo "$key" >dist/.build-stamp
echo "$PWD/$tarball"

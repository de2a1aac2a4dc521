#!/usr/bin/env bash
# Builds the web binding (an ES module for browsers and workerd, `init` / `initSync`) into
# target/web, and copies it into the directory given, if any (the site: www/pkg):
#
#   scopegate.js        wasm-bindgen --target web, as generated
#   scopegate_bg.wasm   the module: wasm-bindgen's, or wasm-opt's when that is smaller gzipped
#   index.js            the package entry (src/js/), as written
#
# One compile (cargo, wasm32, release), one wasm-bindgen run; the package build (build-package.sh)
# ships these same files. Prints the module's size, raw and gzip -9, before and after wasm-opt,
# and fails above the budget of 150 KiB gzip. Nothing after the compile is redone when the compiled
# module, the files in src/js/, the tools' versions and this script are unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
log() { printf 'build-web: %s\n' "$*" >&2; }

dest="${1:-}"
out=target/web
bindgen=target/wasm-bindgen/web # wasm-bindgen's output, before wasm-opt
module="${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/release/scopegate.wasm"
# The package entry, copied as written.
entry=(src/js/index.js)
budget=153600
# wasm-opt from npm binaryen (never a system one: Debian's binaryen 108 breaks the module).
wasm_opt=node_modules/.bin/wasm-opt
# Measured on this module: plain -Oz shrinks the raw size by ~9% but grows the gzip size by ~4%,
# mostly from inlining functions that have one caller and from local-cse and merge-similar-functions,
# whose output compresses worse. Without those, it shrinks both. `--converge` runs the passes
# again while they still shrink the module (120 bytes gzip).
wasm_opt_flags=(-Oz --one-caller-inline-max-function-size 0 --skip-pass local-cse
  --skip-pass merge-similar-functions --strip-target-features --converge)

if [ ! -x "$wasm_opt" ]; then
  log "$wasm_opt is missing: run ./scripts/setup-build.sh (or npm install)"
  exit 1
fi

mkdir -p target
# One build at a time (tests may start several).
exec 8>target/.build-web.lock
flock 8

cargo build --quiet --lib --release --target wasm32-unknown-unknown

gz() { gzip -9 -n -c <"$1" | wc -c; }
size() { printf '%s bytes, %s gzip -9' "$(stat -c %s "$1")" "$(gz "$1")"; }

key=$(
  {
    sha256sum "$module" "${entry[@]}" scripts/build-web.sh
    wasm-bindgen --version
    "$wasm_opt" --version
  } | sha256sum | cut -d' ' -f1
)
if [ "$(cat "$out/.stamp" 2>/dev/null)" = "$key" ]; then
  log "up to date"
  printf 'size: %s/scopegate_bg.wasm is %s (budget %s gzip)\n' "$out" "$(size "$out/scopegate_bg.wasm")" "$budget"
else
  rm -rf "$bindgen" "$out"
  wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
    --out-dir "$bindgen" "$module"
  mkdir -p "$out"
  cp "$bindgen/scopegate.js" "${entry[@]}" "$out/"

  # wasm-opt, kept only when it makes the gzipped module smaller.
  log "wasm-opt ${wasm_opt_flags[*]}"
  "$wasm_opt" "${wasm_opt_flags[@]}" "$bindgen/scopegate_bg.wasm" -o "$bindgen/scopegate_bg.opt.wasm"
  before=$(size "$bindgen/scopegate_bg.wasm")
  after=$(size "$bindgen/scopegate_bg.opt.wasm")
  if [ "$(gz "$bindgen/scopegate_bg.opt.wasm")" -lt "$(gz "$bindgen/scopegate_bg.wasm")" ]; then
    cp "$bindgen/scopegate_bg.opt.wasm" "$out/scopegate_bg.wasm"
    printf 'size: wasm-bindgen %s; wasm-opt %s (kept)\n' "$before" "$after"
  else
    cp "$bindgen/scopegate_bg.wasm" "$out/scopegate_bg.wasm"
    printf 'size: wasm-bindgen %s (kept); wasm-opt %s (larger gzipped: not used)\n' "$before" "$after"
  fi
  printf 'size: %s/scopegate_bg.wasm is %s (budget %s gzip)\n' "$out" "$(size "$out/scopegate_bg.wasm")" "$budget"

  # The module loads and answers through the generated glue (a broken wasm-opt fails here).
  node --input-type=module - "$out" <<'JS'
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const dir = pathToFileURL(`${process.argv[2]}/`);
const { initSync, Scopegate } = await import(new URL('scopegate.js', dir));
initSync({ module: readFileSync(new URL('scopegate_bg.wasm', dir)) });
const gate = new Scopegate('{"version":1,"organizations":[{"name":"o","members":[{"login":"a"}],"stacks":[{"project":"p","name":"s"}]}]}');
if (gate.check('a', 'stack:read', 'o/p/s') !== true || gate.check('a', 'stack:delete', 'o/p/s') !== false) {
  throw new Error('the built module answers wrongly');
}
gate.free();
JS
  echo "$key" >"$out/.stamp"
fi

if [ "$(gz "$out/scopegate_bg.wasm")" -gt "$budget" ]; then
  log "the module is over the budget of $budget bytes gzip"
  exit 1
fi

if [ -n "$dest" ]; then
  mkdir -p "$dest"
  if [ "$(realpath "$dest")" != "$(realpath "$out")" ]; then cp "$out"/* "$dest/"; fi
fi

#!/usr/bin/env bash
# Builds the web binding (an ES module for browsers and workerd, `init` / `initSync`), in one of
# two variants, and copies it into the directory given, if any:
#
#   ./scripts/build-web.sh [DEST]           the package's module (the default features) in
#                                           target/web: what scripts/build-package.sh ships
#   ./scripts/build-web.sh --admin [DEST]   the sample site's module (`--features admin`: also
#                                           `preview`, `diff` and the decision-record writers) in
#                                           target/web-admin; the site builds it into www/pkg
#
# Each holds:
#
#   scopegate.js        wasm-bindgen --target web, as generated
#   scopegate_bg.wasm   the module: wasm-bindgen's, or wasm-opt's when that is smaller gzipped
#   index.js            the package entry (src/js/), as written
#
# One compile (cargo, wasm32, release; the admin variant in its own target directory, so that
# switching variants rebuilds neither), one wasm-bindgen run. Prints the module's size, raw and
# gzip -9, before and after wasm-opt, against the size target of 150 KiB gzip, and fails above
# the variant's enforced limit (see `limit` below). Nothing after the compile is redone when the
# compiled module, the files in src/js/, the tools' versions and this script are unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
log() { printf 'build-web: %s\n' "$*" >&2; }

admin=false
if [ "${1:-}" = "--admin" ]; then
  admin=true
  shift
fi
dest="${1:-}"
if [ "$#" -gt 1 ] || [[ "$dest" == -* ]]; then
  log "usage: ./scripts/build-web.sh [--admin] [DEST]"
  exit 2
fi
# The site needs the admin exports: a default build copied into it would break it silently.
if [ -n "$dest" ] && [ "$admin" = false ] && [ "$(realpath -m "$dest")" = "$(realpath -m www/pkg)" ]; then
  log "www/pkg is the sample site's module, which needs the admin exports: run ./scripts/build-web.sh --admin www/pkg"
  exit 2
fi

targets="${CARGO_TARGET_DIR:-target}"
# The size target of both variants: 150 KiB gzip -9.
target_size=153600
# The enforced limits, above the target, because the target is missed: changes as data, deltas
# and decision records brought the default module from 148,111 bytes gzip to 188,473 (the admin
# module, with previews, differences and the record writers, is 220,326). A limit keeps a build
# from growing past what was last measured; each is that size rounded up to the next KiB.
# Lowering them back to the target, 150 KiB, is the goal: lower a limit with every saving.
if [ "$admin" = true ]; then
  variant=admin
  features=(--features admin)
  targets="$targets/admin"
  out=target/web-admin
  bindgen=target/wasm-bindgen/web-admin # wasm-bindgen's output, before wasm-opt
  limit=221184 # 216 KiB: 220,326 measured
else
  variant=default
  features=()
  out=target/web
  bindgen=target/wasm-bindgen/web
  limit=189440 # 185 KiB: 188,473 measured
fi
module="$targets/wasm32-unknown-unknown/release/scopegate.wasm"
# The package entry, copied as written.
entry=(src/js/index.js)
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

cargo build --quiet --lib --release --target wasm32-unknown-unknown --target-dir "$targets" "${features[@]}"

gz() { gzip -9 -n -c <"$1" | wc -c; }
size() { printf '%s bytes, %s gzip -9' "$(stat -c %s "$1")" "$(gz "$1")"; }

key=$(
  {
    echo "$variant"
    sha256sum "$module" "${entry[@]}" scripts/build-web.sh
    wasm-bindgen --version
    "$wasm_opt" --version
  } | sha256sum | cut -d' ' -f1
)
if [ "$(cat "$out/.stamp" 2>/dev/null)" = "$key" ]; then
  log "up to date"
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

  # The module loads and answers through the generated glue (a broken wasm-opt fails here), and
  # has the admin exports exactly when it is the admin variant.
  node --input-type=module - "$out" "$admin" <<'JS'
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const dir = pathToFileURL(`${process.argv[2]}/`);
const admin = process.argv[3] === 'true';
const { initSync, Scopegate } = await import(new URL('scopegate.js', dir));
initSync({ module: readFileSync(new URL('scopegate_bg.wasm', dir)) });
const gate = new Scopegate('{"version":1,"organizations":[{"name":"o","members":[{"login":"a"}],"stacks":[{"project":"p","name":"s"}]}]}');
if (gate.check('a', 'stack:read', 'o/p/s') !== true || gate.check('a', 'stack:delete', 'o/p/s') !== false) {
  throw new Error('the built module answers wrongly');
}
for (const name of ['preview', 'diff', 'decisionRecordsToJsonLines', 'decisionRecordsToCef']) {
  const has = typeof gate[name] === 'function' || typeof Scopegate[name] === 'function';
  if (has !== admin) throw new Error(`the ${admin ? 'admin' : 'default'} module ${has ? 'has' : 'lacks'} \`${name}\``);
}
gate.free();
JS
  echo "$key" >"$out/.stamp"
fi

shipped=$(gz "$out/scopegate_bg.wasm")
if [ "$shipped" -le "$target_size" ]; then
  verdict="target $target_size met"
else
  verdict="target $target_size missed by $((shipped - target_size))"
fi
printf 'size: %s module (%s/scopegate_bg.wasm) is %s: %s; limit %s\n' \
  "$variant" "$out" "$(size "$out/scopegate_bg.wasm")" "$verdict" "$limit"
if [ "$shipped" -gt "$limit" ]; then
  log "the $variant module is over its limit of $limit bytes gzip"
  exit 1
fi

if [ -n "$dest" ]; then
  mkdir -p "$dest"
  if [ "$(realpath "$dest")" != "$(realpath "$out")" ]; then cp "$out"/* "$dest/"; fi
fi

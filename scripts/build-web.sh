#!/usr/bin/env bash
# Builds the web (ES module) binding into target/web: scopegate.js, scopegate_bg.wasm, .d.ts.
# cargo + wasm-bindgen directly (the same output wasm-pack gives), so that the name section can be
# dropped: it would add about 41 KB gzip to the .wasm. Used by the package build, the site and the edge worker.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
out="${1:-target/web}"
cargo build --quiet --release --target wasm32-unknown-unknown
wasm-bindgen --target web --remove-name-section --remove-producers-section \
  --out-dir "$out" target/wasm32-unknown-unknown/release/scopegate.wasm
# The entry point: the generated module plus id interning for `check` (src/js/intern.js).
cp src/js/intern.js "$out/intern.js"
cat > "$out/index.js" <<'JS'
import { Scopegate } from './scopegate.js';
import { installInterning } from './intern.js';
installInterning(Scopegate);
export * from './scopegate.js';
export { default } from './scopegate.js';
JS
printf "export * from './scopegate.js';\nexport { default } from './scopegate.js';\n" > "$out/index.d.ts"
# The size report, and the budget: at most 150 KB gzip.
raw=$(stat -c %s "$out/scopegate_bg.wasm")
gz=$(gzip -9c "$out/scopegate_bg.wasm" | wc -c)
echo "size: $out/scopegate_bg.wasm is $raw bytes, $gz bytes gzip -9 (budget 153600)"
if [ "$gz" -gt 153600 ]; then
  echo "size: over the 150 KB gzip budget" >&2
  exit 1
fi

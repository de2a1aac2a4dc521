#!/usr/bin/env bash
# Installs what building the web binding needs (scripts/build-web.sh: the demo, the site, the edge
# worker), and only what is missing: the wasm32 target, wasm-bindgen-cli at exactly the version
# Cargo.lock pins, and wasm-opt (npm binaryen, package.json's `dependencies`). Safe to run again.
# Everything comes from the package registries (crates.io, npm) plus rustup's wasm32 std.
# scripts/setup.sh installs this and what the tests need besides.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
export PATH="$HOME/.cargo/bin:$PATH"

# The wasm32 target.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen-cli at exactly the version Cargo.lock pins (the generated glue must match the crate).
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$bindgen_version" ]; then
  say "installing wasm-bindgen-cli $bindgen_version"
  # Not --locked: its shipped lockfile pins a crate the registry mirror lacks.
  cargo install wasm-bindgen-cli --version "$bindgen_version"
fi

# wasm-opt: npm binaryen, the only npm package the build needs (`npm install --omit=dev`; the test
# tools are package.json's devDependencies).
if ! npm ls --omit=dev --depth=0 >/dev/null 2>&1; then
  say "installing wasm-opt (npm binaryen)"
  npm install --omit=dev --no-audit --no-fund --loglevel=error
fi

#!/usr/bin/env bash
# Installs what the build and the tests need, and only what is missing. Safe to run again.
# Everything comes from the package registries (crates.io, npm, Debian) plus rustup's wasm32 std.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
export PATH="$HOME/.cargo/bin:$PATH"

# The wasm32 target.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen-cli at exactly the version Cargo.lock pins (a mismatch makes wasm-pack download).
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$bindgen_version" ]; then
  say "installing wasm-bindgen-cli $bindgen_version"
  # Not --locked: its shipped lockfile pins a crate the registry mirror lacks.
  cargo install wasm-bindgen-cli --version "$bindgen_version"
fi

# wasm-pack.
if ! command -v wasm-pack >/dev/null 2>&1; then
  say "installing wasm-pack"
  cargo install wasm-pack --version 0.15.1 --locked
fi

# Debian's Chromium and ChromeDriver, in one command so their versions match.
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  say "installing chromium and chromium-driver"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver
fi

# npm dev tools (playwright-core, workerd, jose, binaryen, typescript). `npm ci` fails with this
# registry mirror's lockfiles; `npm install` leaves the lockfile as it is.
if [ -f package.json ] && { [ ! -d node_modules ] || [ package.json -nt node_modules ] || [ package-lock.json -nt node_modules ]; }; then
  say "installing npm dev tools"
  npm install --no-audit --no-fund --loglevel=error
  touch node_modules
fi

#!/usr/bin/env bash
# Installs what the build and the tests need, and only what is missing. Safe to run again:
# scripts/setup-build.sh (the wasm32 target, wasm-bindgen-cli, wasm-opt), then wasm-pack (for
# `wasm-pack test`), Debian's Chromium and ChromeDriver, and the npm dev tools.
# Everything comes from the package registries (crates.io, npm, Debian) plus rustup's wasm32 std.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
export PATH="$HOME/.cargo/bin:$PATH"

./scripts/setup-build.sh

# wasm-pack (`wasm-pack test` runs the wasm suites).
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

# npm dev tools (playwright-core, workerd, jose, typescript), beside binaryen.
if ! npm ls --depth=0 >/dev/null 2>&1; then
  say "installing npm dev tools"
  npm install --no-audit --no-fund --loglevel=error
fi

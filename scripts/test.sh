#!/usr/bin/env bash
# Runs every test: formatting and lints, the native suite, the wasm suites in headless Chrome and
# Node, the JavaScript package tests, the site end-to-end tests and the edge worker tests.
# Installs whatever is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "set-up"
./scripts/setup.sh

step "formatting"
cargo fmt --all -- --check

step "lints (native)"
cargo clippy --all-targets -- -D warnings

step "lints (wasm32: the package's module, then the admin build's)"
cargo clippy --target wasm32-unknown-unknown --lib --test web --test node -- -D warnings
cargo clippy --target wasm32-unknown-unknown --lib --test web --test node --features admin -- -D warnings

step "rustdoc (warnings denied; tests/public_api.rs reads its output)"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps

step "native tests"
cargo test --all-targets

step "doctests"
cargo test --doc

step "wasm tests (headless Chrome and Node; the admin build, so that its exports are covered too)"
wasm-pack --log-level warn test --mode no-install --headless --chrome --node -- --features admin

step "npm package: build and pack"
./scripts/build-package.sh

step "npm package tests (Node ESM/CJS, jose interop, strict TypeScript, attw, workerd, Chromium)"
node --test tests/js/

step "sample site end to end (playwright-core, Debian Chromium)"
./scripts/build-web.sh --admin www/pkg
node --test tests/e2e/

step "edge worker (workerd test)"
./examples/edge-worker/run-tests.sh

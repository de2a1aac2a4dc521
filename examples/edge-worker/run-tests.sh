#!/usr/bin/env bash
# Runs the edge worker's workerd test suites: builds the web build (target/web), checks that the
# committed snapshots and fixtures match make-snapshot.mjs, then `workerd test test.capnp`.
set -euo pipefail
cd "$(dirname "$0")"
repo="$(cd ../.. && pwd)"
workerd="$repo/node_modules/.bin/workerd"

"$repo/scripts/build-web.sh" >/dev/null
if [ ! -x "$workerd" ]; then
  echo "run-tests: workerd is not installed; installing it (npm)" >&2
  if grep -q '"workerd"' "$repo/package.json" 2>/dev/null; then
    (cd "$repo" && npm install --no-audit --no-fund)
  else
    (cd "$repo" && npm install --no-save --no-audit --no-fund workerd@1.20261117.1)
  fi
fi
node make-snapshot.mjs --check
"$workerd" test test.capnp

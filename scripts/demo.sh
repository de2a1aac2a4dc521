#!/usr/bin/env bash
# The sample site: installs what building it needs and is missing (scripts/setup-build.sh: the
# wasm32 target, wasm-bindgen-cli, wasm-opt), builds the site's web binding (the admin variant,
# with previews and the decision-record writers) into www/pkg, and serves www/ on 127.0.0.1
# (port $PORT, default 8080). Prints the URL; Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-build.sh
./scripts/build-web.sh --admin www/pkg
exec node scripts/serve.mjs www

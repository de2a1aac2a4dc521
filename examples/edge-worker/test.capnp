# workerd test suites of the edge gateway: ../../node_modules/.bin/workerd test test.capnp
# (./run-tests.sh builds the web build first and runs this).
#
#   tests            worker.test.js: the suites (entry module first)
#   gateway          worker.js as deployed: bundled snapshot only, real clock
#   gateway-refresh  worker.js as deployed with an origin and SNAPSHOT_TTL_SECONDS = 0
#   origin           test-origin.js: a snapshot origin / upstream API the tests control
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "tests", worker = .tests),
    (name = "gateway", worker = .gateway),
    (name = "gateway-refresh", worker = .gatewayRefresh),
    (name = "origin", worker = .origin),
  ],
);

const tests :Workerd.Worker = (
  modules = [
    (name = "worker.test.js", esModule = embed "worker.test.js"),
    (name = "live.test.js", esModule = embed "live.test.js"),
    (name = "records.test.js", esModule = embed "records.test.js"),
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "routes.js", esModule = embed "routes.js"),
    (name = "access.js", esModule = embed "access.js"),
    (name = "authzen.js", esModule = embed "authzen.js"),
    (name = "revisions.js", esModule = embed "revisions.js"),
    (name = "checker.js", esModule = embed "checker.js"),
    (name = "records.js", esModule = embed "records.js"),
    (name = "matrix-requests.js", esModule = embed "matrix-requests.js"),
    (name = "snapshot/default.json", json = embed "snapshot/default.json"),
    (name = "snapshot/demo-key.json", json = embed "snapshot/demo-key.json"),
    (name = "fixtures/tokens.json", json = embed "fixtures/tokens.json"),
    (name = "token_matrix.rs", text = embed "../../src/catalog/token_matrix.rs"),
    (name = "vectors.json", json = embed "../../tests/fixtures/tokens/vectors.json"),
    (name = "scopegate", esModule = embed "../../target/web/scopegate.js"),
    (name = "scopegate/scopegate_bg.wasm", wasm = embed "../../target/web/scopegate_bg.wasm"),
  ],
  compatibilityDate = "2026-01-01",
  bindings = [
    (name = "GATEWAY", service = "gateway"),
    (name = "GATEWAY_REFRESH", service = "gateway-refresh"),
    (name = "ORIGIN", service = "origin"),
    (name = "SNAPSHOT_PUBLIC_KEY", text = "fykzMid7oEg1uYctGIx_mtHxUxouRoCnmbjynBy93hk"),
  ],
);

const gatewayModules :List(Workerd.Worker.Module) = [
  (name = "worker.js", esModule = embed "worker.js"),
  (name = "routes.js", esModule = embed "routes.js"),
    (name = "access.js", esModule = embed "access.js"),
    (name = "authzen.js", esModule = embed "authzen.js"),
    (name = "revisions.js", esModule = embed "revisions.js"),
    (name = "records.js", esModule = embed "records.js"),
  (name = "snapshot/default.json", json = embed "snapshot/default.json"),
  (name = "scopegate", esModule = embed "../../target/web/scopegate.js"),
  (name = "scopegate/scopegate_bg.wasm", wasm = embed "../../target/web/scopegate_bg.wasm"),
];

const gateway :Workerd.Worker = (
  modules = .gatewayModules,
  compatibilityDate = "2026-01-01",
  bindings = [
    (name = "SNAPSHOT_PUBLIC_KEY", text = "fykzMid7oEg1uYctGIx_mtHxUxouRoCnmbjynBy93hk"),
  ],
);

const gatewayRefresh :Workerd.Worker = (
  modules = .gatewayModules,
  compatibilityDate = "2026-01-01",
  bindings = [
    (name = "SNAPSHOT_PUBLIC_KEY", text = "fykzMid7oEg1uYctGIx_mtHxUxouRoCnmbjynBy93hk"),
    (name = "SNAPSHOT_URL", text = "http://origin/snapshot?channel=e2e"),
    (name = "SNAPSHOT_ORIGIN", service = "origin"),
    (name = "SNAPSHOT_TTL_SECONDS", text = "0"),
  ],
);

const origin :Workerd.Worker = (
  modules = [
    (name = "test-origin.js", esModule = embed "test-origin.js"),
    (name = "snapshot/default.json", json = embed "snapshot/default.json"),
    (name = "fixtures/newer.json", json = embed "fixtures/newer.json"),
    (name = "fixtures/older.json", json = embed "fixtures/older.json"),
    (name = "fixtures/tampered.json", json = embed "fixtures/tampered.json"),
    (name = "fixtures/unsigned.json", json = embed "fixtures/unsigned.json"),
    (name = "fixtures/wrong-key.json", json = embed "fixtures/wrong-key.json"),
    (name = "fixtures/signed-invalid.json", json = embed "fixtures/signed-invalid.json"),
  ],
  compatibilityDate = "2026-01-01",
);

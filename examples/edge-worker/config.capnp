# Serves the edge gateway on 127.0.0.1:8787 with workerd:
#   ../../scripts/build-web.sh                                  # target/web/scopegate.js + .wasm
#   ../../node_modules/.bin/workerd serve config.capnp          # or --socket-addr http=127.0.0.1:<port>
# The gateway starts from the bundled signed snapshot (snapshot/default.json, revision 100).
# To refresh from an origin, add SNAPSHOT_URL (and optionally SNAPSHOT_TTL_SECONDS) below.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "gateway", worker = .gateway),
    (name = "internet", network = (allow = ["public", "private"], tlsOptions = (trustBrowserCas = true))),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:8787", http = (), service = "gateway") ],
);

const gateway :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "routes.js", esModule = embed "routes.js"),
    (name = "access.js", esModule = embed "access.js"),
    (name = "authzen.js", esModule = embed "authzen.js"),
    (name = "revisions.js", esModule = embed "revisions.js"),
    (name = "records.js", esModule = embed "records.js"),
    (name = "snapshot/default.json", json = embed "snapshot/default.json"),
    (name = "scopegate", esModule = embed "../../target/web/scopegate.js"),
    (name = "scopegate/scopegate_bg.wasm", wasm = embed "../../target/web/scopegate_bg.wasm"),
  ],
  compatibilityDate = "2026-01-01",
  bindings = [
    # The public half of the DEMO snapshot key (snapshot/demo-key.json). Use your own.
    (name = "SNAPSHOT_PUBLIC_KEY", text = "fykzMid7oEg1uYctGIx_mtHxUxouRoCnmbjynBy93hk"),
    # (name = "SNAPSHOT_URL", text = "https://policy.example.com/scopegate/snapshot.json"),
    # (name = "SNAPSHOT_TTL_SECONDS", text = "60"),
  ],
  globalOutbound = "internet",
);

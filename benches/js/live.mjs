// Live policy, one run, side by side, on the peer benchmark's world (1,000 users, 100 teams,
// 10,000 stacks):
//   ./scripts/build-web.sh && node --expose-gc benches/js/live.mjs
//
// 1. `applyDelta` of a signed delta with one grant (`setTeamPermission` at an origin instance,
//    `changesSince`, `signSnapshot`; only the follower's `applyDelta` is timed) against a full
//    reload of the same state (`new Scopegate(text)` and `Scopegate.fromSignedSnapshot`).
// 2. Signed-token validation (`authenticate` of EdDSA tokens): with the verified-token cache (the
//    default), without it (`{ tokenCache: false }`), and jose's `jwtVerify` of the same tokens.
// 3. Memory over BENCH_VALIDATIONS validations (default 1,000,000) of 10,000 distinct tokens with
//    the cache on: the JS heap (after a full GC with --expose-gc), the wasm memory and the RSS.
//
// It loads the web build (target/web, or $SCOPEGATE_WEB) as load.mjs does; jose from the
// repository's node_modules.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeWorld, snapshotOf } from './world.mjs';

const DELTAS = Number(process.env.BENCH_DELTAS || 200);
const RELOADS = Number(process.env.BENCH_RELOADS || 9);
const TOKENS = 10_000;
const VALIDATIONS = Number(process.env.BENCH_VALIDATIONS || 1_000_000);
const RATE_MS = Number(process.env.BENCH_RATE_MS || 1_000);
const root = new URL('../../', import.meta.url);
const web = process.env.SCOPEGATE_WEB ? pathToFileURL(`${resolve(process.env.SCOPEGATE_WEB)}/`) : new URL('target/web/', root);

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => sorted(xs)[xs.length >> 1];
const p99 = (xs) => sorted(xs)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))];
const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);
const int = (n) => Math.round(n).toLocaleString('en-US');
const now = () => process.hrtime.bigint();
const micros = (start) => Number(now() - start) / 1e3;

const { initSync, Scopegate } = await import(new URL('index.js', web));
const { memory } = initSync({ module: readFileSync(new URL('scopegate_bg.wasm', web)) });

// The world, with an admin to act and a token-signing key.
const key = Scopegate.generateSigningKey('ed-1');
const snapshot = JSON.parse(snapshotOf(makeWorld()));
snapshot.organizations[0].members.push({ login: 'root', role: 'admin' });
snapshot.signing = { keys: [{ kid: 'ed-1', alg: 'EdDSA', publicKey: key.publicKey }] };
const text = JSON.stringify(snapshot);
console.log(`scopegate live policy (node ${process.version}${globalThis.gc ? '' : '; without --expose-gc: heap figures include garbage'})`);
console.log(`world: 1,000 users, 100 teams, 10,000 stacks; snapshot ${(text.length / 1024).toFixed(0)} KB of JSON text\n`);

// ---- 1. applyDelta with one grant against a full reload ----
const originKey = Scopegate.generateSigningKey('origin');
const origin = new Scopegate(text);
const edge = new Scopegate(text);
const levels = ['read', 'write', 'admin'];
const applies = [];
let deltaBytes = 0;
for (let i = 0; i < DELTAS; i++) {
  // A grant the team does not hold yet (the level cycles, the stack moves on): one change.
  origin.setTeamPermission('root', 'acme', `t${i % 100}`, 'stack', `p/s${(i * 37) % 10_000}`, levels[i % 3]);
  const delta = origin.changesSince(edge.revision);
  const signature = Scopegate.signSnapshot(delta, originKey.privateKey);
  deltaBytes = delta.length;
  const start = now();
  edge.applyDelta(delta, signature, originKey.publicKey);
  applies.push(micros(start));
}
if (edge.revision !== origin.revision) throw new Error('the follower did not reach the origin');
const agree = edge.check('u1', 'stack:write', 'acme/p/s37') === origin.check('u1', 'stack:write', 'acme/p/s37');
if (!agree) throw new Error('the follower answers otherwise than the origin');
const state = JSON.stringify(origin.toJSON());
const stateSignature = Scopegate.signSnapshot(state, originKey.privateKey);
const reloads = [];
const signedReloads = [];
for (let i = 0; i < RELOADS; i++) {
  let start = now();
  new Scopegate(state).free();
  reloads.push(micros(start));
  start = now();
  Scopegate.fromSignedSnapshot(state, stateSignature, originKey.publicKey).free();
  signedReloads.push(micros(start));
}
edge.free();
origin.free();
// What the signature check alone costs: a signed load of a minimal snapshot against an unsigned one.
const tiny = '{"version":1}';
const tinySignature = Scopegate.signSnapshot(tiny, originKey.privateKey);
const verifies = [];
for (let i = 0; i < 200; i++) {
  let start = now();
  new Scopegate(tiny).free();
  const plain = micros(start);
  start = now();
  Scopegate.fromSignedSnapshot(tiny, tinySignature, originKey.publicKey).free();
  verifies.push(micros(start) - plain);
}
const apply = median(applies);
console.log(`1. one grant, ${DELTAS} deltas (${deltaBytes} bytes of delta text each):`);
console.log('| path | median | p99 |');
console.log('|---|---|---|');
console.log(`| applyDelta (verify, read, apply one change) | ${apply.toFixed(1)} µs | ${p99(applies).toFixed(1)} µs |`);
console.log(`| new Scopegate(text), the same state | ${(median(reloads) / 1000).toFixed(2)} ms | ${(p99(reloads) / 1000).toFixed(2)} ms |`);
console.log(`| Scopegate.fromSignedSnapshot, the same state | ${(median(signedReloads) / 1000).toFixed(2)} ms | ${(p99(signedReloads) / 1000).toFixed(2)} ms |`);
console.log(`of which the Ed25519 signature check: about ${median(verifies).toFixed(1)} µs (fromSignedSnapshot − new Scopegate of a minimal snapshot)`);
console.log(`applyDelta is ${(median(reloads) / apply).toFixed(0)}× faster than a reload (target: ≤ 50 µs: ${apply <= 50 ? 'met' : 'not met'})\n`);

// ---- 2. signed-token validation: cache, no cache, jose ----
const minter = new Scopegate(text);
const at = Math.floor(Date.now() / 1000);
const tokens = [];
for (let i = 0; i < TOKENS; i++) {
  const request = { kind: 'organization', organization: 'acme', name: `ci-${i}`, role: 'member', expires: at + 3600 };
  tokens.push(minter.mintToken('root', request, { now: at, signingKey: key }).token);
}
const minted = JSON.stringify(minter.toJSON());
minter.free();
const cached = new Scopegate(minted);
const uncached = new Scopegate(minted, { tokenCache: false });

/** Validations per second of `fn` over `items` in turn, for RATE_MS. */
function rate(fn, items) {
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < RATE_MS) {
    for (let i = 0; i < 256; i++) fn(items[(count + i) % items.length]);
    count += 256;
  }
  return count / ((performance.now() - start) / 1000);
}
const asOrg = { now: at, organization: 'acme' };
for (const token of tokens) cached.authenticate(token, asOrg); // fills the cache (10,000 tokens fit)
const withCache = rate((t) => cached.authenticate(t, asOrg), tokens);
const withoutCache = rate((t) => uncached.authenticate(t, asOrg), tokens);
let joseRate = null;
try {
  const jose = await import(new URL('node_modules/jose/dist/webapi/index.js', root));
  const publicKey = await jose.importJWK({ kty: 'OKP', crv: 'Ed25519', x: key.publicKey }, 'EdDSA');
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < RATE_MS) {
    for (let i = 0; i < 64; i++) await jose.jwtVerify(tokens[(count + i) % TOKENS], publicKey);
    count += 64;
  }
  joseRate = count / ((performance.now() - start) / 1000);
} catch (e) {
  joseRate = `not measured: ${String(e.message || e).split('\n')[0]}`;
}
console.log(`2. signed-token validation (EdDSA, ${int(TOKENS)} distinct tokens in turn, ${RATE_MS} ms each):`);
console.log('| path | validations/s |');
console.log('|---|---|');
console.log(`| authenticate, verified-token cache on | ${int(withCache)} |`);
console.log(`| authenticate, cache off ({ tokenCache: false }) | ${int(withoutCache)} |`);
console.log(`| jose jwtVerify (signature and claims only) | ${typeof joseRate === 'number' ? int(joseRate) : joseRate} |`);
console.log(`the cache is ${(withCache / withoutCache).toFixed(1)}× faster than verifying (target: ≥ 200,000/s: ${withCache >= 200_000 ? 'met' : 'not met'})\n`);
uncached.free();

// ---- 3. memory over VALIDATIONS validations of the 10,000 tokens, cache on ----
const sample = () => {
  globalThis.gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss, wasm: memory.buffer.byteLength };
};
const before = sample();
let ok = 0;
const marks = [];
for (let i = 0; i < VALIDATIONS; i++) {
  if (cached.authenticate(tokens[i % TOKENS], asOrg).signed) ok += 1;
  if ((i + 1) % (VALIDATIONS / 4) === 0) marks.push(sample());
}
if (ok !== VALIDATIONS) throw new Error(`only ${ok} of ${VALIDATIONS} validations succeeded`);
console.log(`3. memory over ${int(VALIDATIONS)} validations of ${int(TOKENS)} distinct tokens (cache on):`);
console.log('| after | JS heap MB | wasm memory MB | RSS MB |');
console.log('|---|---|---|---|');
console.log(`| 0 | ${mb(before.heap)} | ${mb(before.wasm)} | ${mb(before.rss)} |`);
marks.forEach((m, i) => console.log(`| ${int(((i + 1) * VALIDATIONS) / 4)} | ${mb(m.heap)} | ${mb(m.wasm)} | ${mb(m.rss)} |`));
cached.free();

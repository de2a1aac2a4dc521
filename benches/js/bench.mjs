// The JavaScript benchmark: scopegate through the wasm boundary beside a hand-written JS Map
// baseline (and jose for token verification) in the same run, on the peer benchmark's world.
//   ./scripts/build-web.sh && node --expose-gc benches/js/bench.mjs
// Env: BENCH_BATCH_MS (250), BENCH_BATCHES (7), BENCH_LAT_SAMPLES (20000).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildBaseline, makeQueries, makeWorld, snapshotOf, SCOPE_OF } from './world.mjs';

const BATCH_MS = Number(process.env.BENCH_BATCH_MS || 250);
const BATCHES = Number(process.env.BENCH_BATCHES || 7);
const LAT_SAMPLES = Number(process.env.BENCH_LAT_SAMPLES || 20000);
const root = new URL('../../', import.meta.url);
// The web build to measure: target/web by default, or $SCOPEGATE_WEB (a directory).
const web = process.env.SCOPEGATE_WEB ? pathToFileURL(`${resolve(process.env.SCOPEGATE_WEB)}/`) : new URL('target/web/', root);

function throughput(fn, items) {
  const n = items.length;
  let sink = 0;
  for (let i = 0; i < 20000; i++) sink += fn(items[i % n]) ? 1 : 0; // warm-up
  const rates = [];
  for (let b = 0; b < BATCHES; b++) {
    let count = 0;
    const start = performance.now();
    let now = start;
    while (now - start < BATCH_MS) {
      for (let i = 0; i < n; i++) sink += fn(items[i]) ? 1 : 0;
      count += n;
      now = performance.now();
    }
    rates.push(count / ((now - start) / 1000));
  }
  rates.sort((a, b) => a - b);
  return { opsPerSec: Math.round(rates[rates.length >> 1]), sink };
}

function latency(fn, items) {
  const samples = new Float64Array(LAT_SAMPLES);
  for (let i = 0; i < LAT_SAMPLES; i++) {
    const q = items[i % items.length];
    const t = process.hrtime.bigint();
    fn(q);
    samples[i] = Number(process.hrtime.bigint() - t);
  }
  samples.sort();
  const at = (p) => +(samples[Math.floor(p * (LAT_SAMPLES - 1))] / 1000).toFixed(3);
  return { p50us: at(0.5), p99us: at(0.99) };
}

const mb = (bytes) => +(bytes / 2 ** 20).toFixed(2);

async function main() {
  const world = makeWorld();
  const queries = makeQueries(world);
  const baseline = buildBaseline(world);
  const snapshot = snapshotOf(world);
  const results = { machine: { node: process.version }, world: { users: 1000, teams: 100, stacks: 10000, snapshotKB: Math.round(snapshot.length / 1024) } };

  // Cold start: import, instantiate, load, first check.
  let t = performance.now();
  const { initSync, Scopegate } = await import(new URL('index.js', web));
  const wasmBytes = readFileSync(fileURLToPath(new URL('scopegate_bg.wasm', web)));
  results.importMs = +(performance.now() - t).toFixed(2);
  t = performance.now();
  const instance = initSync({ module: wasmBytes });
  results.instantiateMs = +(performance.now() - t).toFixed(2);
  t = performance.now();
  const small = new Scopegate('{"version":1,"organizations":[{"name":"acme","members":[{"login":"a"}],"stacks":[{"project":"p","name":"s"}]}]}');
  small.check('a', 'stack:read', 'acme/p/s');
  results.firstCheckAfterInstantiateMs = +(performance.now() - t).toFixed(3);
  small.free();
  t = performance.now();
  const sg = new Scopegate(snapshot);
  results.loadMs = +(performance.now() - t).toFixed(2);
  const q0 = queries[0];
  t = performance.now();
  sg.check(q0.user, SCOPE_OF[q0.action], `acme/p/${q0.stack}`);
  results.firstCheckUs = +((performance.now() - t) * 1000).toFixed(1);

  // Correctness against the baseline on every question.
  const ours = (q) => sg.check(q.user, SCOPE_OF[q.action], `acme/p/${q.stack}`);
  let wrong = 0;
  for (const q of queries) if (ours(q) !== baseline(q)) wrong++;
  if (wrong) throw new Error(`${wrong} answers differ from the baseline; not timing`);
  results.correct = `${queries.length}/${queries.length}`;
  results.allowedShare = +(queries.filter(baseline).length / queries.length).toFixed(3);

  // Pre-resolved handles.
  const handled = queries.map((q) => ({ p: sg.principalHandle(q.user), t: sg.targetHandle(SCOPE_OF[q.action], `acme/p/${q.stack}`) }));
  for (let i = 0; i < queries.length; i++) if (sg.checkHandles(handled[i].p, handled[i].t) !== baseline(queries[i])) throw new Error('handle answer differs');
  // Strings prepared once, as a caller holding ids would have them.
  const prepared = queries.map((q) => ({ user: q.user, scope: SCOPE_OF[q.action], resource: `acme/p/${q.stack}` }));

  results.baseline = { ...throughput(baseline, queries), ...latency(baseline, queries) };
  results.stringIds = { ...throughput((q) => sg.check(q.user, q.scope, q.resource), prepared), ...latency((q) => sg.check(q.user, q.scope, q.resource), prepared) };
  results.handles = { ...throughput((h) => sg.checkHandles(h.p, h.t), handled), ...latency((h) => sg.checkHandles(h.p, h.t), handled) };

  // Memory over one million checks.
  globalThis.gc?.();
  const before = { ...process.memoryUsage(), wasm: instance.memory.buffer.byteLength };
  let sink = 0;
  for (let i = 0; i < 1_000_000; i++) { const q = prepared[i % prepared.length]; sink += sg.check(q.user, q.scope, q.resource) ? 1 : 0; }
  globalThis.gc?.();
  const after = { ...process.memoryUsage(), wasm: instance.memory.buffer.byteLength };
  results.memory1M = {
    wasmMemoryMB: [mb(before.wasm), mb(after.wasm)],
    rssMB: [mb(before.rss), mb(after.rss)],
    heapUsedMB: [mb(before.heapUsed), mb(after.heapUsed)],
    allowed: sink,
  };

  // Tokens: opaque and EdDSA through scopegate, EdDSA through jose in the same process.
  const key = Scopegate.generateSigningKey('ed-1');
  const tokenSnapshot = JSON.parse(snapshot);
  tokenSnapshot.signing = { keys: [{ kid: 'ed-1', alg: 'EdDSA', publicKey: key.publicKey }] };
  tokenSnapshot.organizations[0].members.push({ login: 'root', role: 'admin' });
  const tg = new Scopegate(JSON.stringify(tokenSnapshot));
  const now = Math.floor(Date.now() / 1000);
  const opaque = [];
  for (let i = 0; i < 1000; i++) opaque.push(tg.mintToken('root', { kind: 'organization', organization: 'acme', name: `ci-${i}`, expires: now + 3600 }, { now }).token);
  const signed = tg.mintToken('root', { kind: 'organization', organization: 'acme', name: 'signed', expires: now + 3600 }, { now, signingKey: key }).token;
  const tokenRate = (fn, items) => throughput(fn, items).opsPerSec;
  results.tokens = {
    opaquePerSec: tokenRate((s) => tg.authenticate(s, { now }).kind === 'organization', opaque),
    eddsaPerSec: tokenRate((s) => tg.authenticate(s, { now }).signed, [signed]),
  };
  try {
    const jose = await import('jose');
    const jwk = { kty: 'OKP', crv: 'Ed25519', x: key.publicKey };
    const publicKey = await jose.importJWK(jwk, 'EdDSA');
    const { payload } = await jose.jwtVerify(signed, publicKey);
    if (payload.org !== 'acme') throw new Error('jose read other claims');
    let count = 0;
    const start = performance.now();
    while (performance.now() - start < BATCH_MS * BATCHES) {
      for (let i = 0; i < 64; i++) await jose.jwtVerify(signed, publicKey);
      count += 64;
    }
    results.tokens.joseEddsaPerSec = Math.round(count / ((performance.now() - start) / 1000));
  } catch (e) {
    results.tokens.joseEddsaPerSec = `not measured: ${String(e.message || e).split('\n')[0]}`;
  }
  tg.free();
  sg.free();

  const ratio = (a, b) => (a / b).toFixed(2);
  console.log(JSON.stringify(results, null, 2));
  console.log('\n| path | checks/s | p50 µs | p99 µs | vs JS Map |');
  console.log('|---|---|---|---|---|');
  for (const [name, r] of [['JS Map baseline', results.baseline], ['scopegate, string ids', results.stringIds], ['scopegate, handles', results.handles]]) {
    console.log(`| ${name} | ${r.opsPerSec.toLocaleString('en-US')} | ${r.p50us} | ${r.p99us} | ${ratio(r.opsPerSec, results.baseline.opsPerSec)}× |`);
  }
  console.log(`\nload ${results.loadMs} ms (${results.world.snapshotKB} KB snapshot), instantiate ${results.instantiateMs} ms, first check after instantiate ${results.firstCheckAfterInstantiateMs} ms`);
  console.log(`tokens/s: opaque ${results.tokens.opaquePerSec}, EdDSA ${results.tokens.eddsaPerSec}, jose EdDSA ${results.tokens.joseEddsaPerSec}`);
}

await main();

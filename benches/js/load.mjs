// Snapshot load and memory through the package's entry, on the peer benchmark's world (1,000
// users, 100 teams, 10,000 stacks):
//   ./scripts/build-web.sh && node --expose-gc benches/js/load.mjs
//
// 1. Load: `new Scopegate(text)` beside `JSON.parse(text)` of the same text, the median of
//    BENCH_LOAD_RUNS runs each (default 9), and their ratio.
// 2. Memory: the JS heap (after a full GC when run with --expose-gc), the wasm memory and the RSS,
//    before, during and after BENCH_CHECKS `check` calls (default 1,000,000), each with a scope no
//    one has ever asked (`scope:0`, `scope:1`, ...): memory that grows with them is a leak.
//
// It loads the package's browser and workerd entry (index.js of the web build: target/web, or the
// directory $SCOPEGATE_WEB), the one that reaches the wasm memory (`initSync` returns it).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeWorld, snapshotOf } from './world.mjs';

const RUNS = Number(process.env.BENCH_LOAD_RUNS || 9);
const CHECKS = Number(process.env.BENCH_CHECKS || 1_000_000);
const root = new URL('../../', import.meta.url);
const web = process.env.SCOPEGATE_WEB ? pathToFileURL(`${resolve(process.env.SCOPEGATE_WEB)}/`) : new URL('target/web/', root);

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const ms = (x) => x.toFixed(2);
const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);

function timed(fn) {
  const start = process.hrtime.bigint();
  const value = fn();
  return [Number(process.hrtime.bigint() - start) / 1e6, value];
}

const { initSync, Scopegate } = await import(new URL('index.js', web));
const { memory } = initSync({ module: readFileSync(new URL('scopegate_bg.wasm', web)) });

const text = snapshotOf(makeWorld());
const shown = web.href.startsWith(root.href) ? web.href.slice(root.href.length) : web.pathname;
console.log(`scopegate load and memory (${shown}; node ${process.version}${globalThis.gc ? '' : '; without --expose-gc: heap figures include garbage'})`);
console.log(`world: 1,000 users, 100 teams, 10,000 stacks; snapshot ${(text.length / 1024).toFixed(0)} KB of JSON text\n`);

// Load.
const parses = [];
const loads = [];
for (let i = 0; i < RUNS; i++) {
  parses.push(timed(() => JSON.parse(text))[0]);
  const [took, gate] = timed(() => new Scopegate(text));
  loads.push(took);
  gate.free();
}
const parse = median(parses);
const load = median(loads);
console.log(`load: median of ${RUNS} runs (the first run in brackets)`);
console.log(`  JSON.parse(text)       ${ms(parse).padStart(8)} ms  (${ms(parses[0])} ms)`);
console.log(`  new Scopegate(text)    ${ms(load).padStart(8)} ms  (${ms(loads[0])} ms)`);
console.log(`  ratio                  ${(load / parse).toFixed(1).padStart(8)} x JSON.parse\n`);

// Memory over checks with scopes no one asked before.
const gate = new Scopegate(text);
const user = 'u0';
const stack = 'acme/p/s0';
if (!gate.check(user, 'stack:read', stack)) throw new Error(`${user} should read ${stack}`);

function sample(done) {
  globalThis.gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  return { done, heapUsed, wasm: memory?.buffer.byteLength ?? Number.NaN, rss };
}
const samples = [sample(0)];
const every = Math.max(1, Math.floor(CHECKS / 4));
let allowed = 0;
let seconds = 0; // checking only, not sampling
for (let done = 0; done < CHECKS; ) {
  const until = Math.min(CHECKS, done + every);
  const start = performance.now();
  for (let i = done; i < until; i++) if (gate.check(user, `scope:${i}`, stack)) allowed++;
  seconds += (performance.now() - start) / 1000;
  done = until;
  samples.push(sample(done));
}
if (allowed !== 0) throw new Error(`${allowed} checks with unknown scopes were allowed`);
gate.free();

console.log(`memory over ${CHECKS.toLocaleString('en-US')} checks, each with an unknown scope (all denied; ${(CHECKS / seconds / 1e6).toFixed(2)} M checks/s)`);
console.log('      checks | JS heap MB |  wasm MB |   RSS MB');
for (const s of samples) {
  console.log(`${s.done.toLocaleString('en-US').padStart(12)} | ${mb(s.heapUsed).padStart(10)} | ${mb(s.wasm).padStart(8)} | ${mb(s.rss).padStart(8)}`);
}
const first = samples[0];
const last = samples[samples.length - 1];
const growth = (key) => `${(last[key] - first[key] >= 0 ? '+' : '')}${mb(last[key] - first[key])} MB`;
console.log(`      change | ${growth('heapUsed').padStart(10)} | ${growth('wasm').padStart(8)} | ${growth('rss').padStart(8)}`);
const verdict = (key) => {
  const grew = last[key] - first[key];
  return `${grew < 2 ** 20 ? 'flat (under 1 MB)' : 'grows'}: ${(grew / CHECKS).toFixed(1)} bytes per check`;
};
console.log(`\nJS heap ${verdict('heapUsed')}; wasm memory ${verdict('wasm')}`);

// Decision records and previews, one run, side by side, on the peer benchmark's world (1,000
// users, 100 teams, 10,000 stacks):
//   ./scripts/build-web.sh --admin && node benches/js/records.mjs
//
// 1. `check` without a listener and with an `onDecision` listener that keeps each record (the
//    rounds alternate, so that both sides see the same machine load); the overhead is the ratio
//    of the medians (target ≤ 30%).
// 2. `preview` of `defaultStackPermission: none → write` as an admin (target ≤ 50 ms), against
//    brute force: `check` of `stack:write` for BENCH_SAMPLE members (default 50) on every stack
//    before and after applying the change on a second engine, which must agree with the preview's
//    entries for those members; the full brute force is extrapolated from the sample.
//
// It loads the admin build (target/web-admin, or $SCOPEGATE_WEB): `preview` is one of its exports.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeQueries, makeWorld, snapshotOf } from './world.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS || 9);
const PREVIEWS = Number(process.env.BENCH_PREVIEWS || 9);
const SAMPLE = Number(process.env.BENCH_SAMPLE || 50);
const root = new URL('../../', import.meta.url);
const web = process.env.SCOPEGATE_WEB ? pathToFileURL(`${resolve(process.env.SCOPEGATE_WEB)}/`) : new URL('target/web-admin/', root);

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => sorted(xs)[xs.length >> 1];
const int = (n) => Math.round(n).toLocaleString('en-US');
const now = () => process.hrtime.bigint();
const millis = (start) => Number(now() - start) / 1e6;

const { initSync, Scopegate } = await import(new URL('index.js', web));
initSync({ module: readFileSync(new URL('scopegate_bg.wasm', web)) });

const world = makeWorld();
world.org.defaultLevel = 0; // none: the preview turns it to write
const snapshot = JSON.parse(snapshotOf(world));
snapshot.organizations[0].members.push({ login: 'root', role: 'admin' });
const text = JSON.stringify(snapshot);
console.log(`scopegate decision records and previews (node ${process.version})`);
console.log(`world: 1,000 users, 100 teams, 10,000 stacks, defaultStackPermission none; snapshot ${(text.length / 1024).toFixed(0)} KB of JSON text\n`);

// ---- 1. check with and without a listener ----
const gate = new Scopegate(text);
const queries = makeQueries(world, 20_000).map((q) => [q.user, 'stack:write', `acme/p/${q.stack}`]);
function round() {
  let yes = 0;
  const start = now();
  for (const [user, scope, resource] of queries) if (gate.check(user, scope, resource)) yes += 1;
  return { rate: queries.length / (millis(start) / 1e3), yes };
}
const kept = [];
const off = [];
const on = [];
round(); // warm-up
for (let i = 0; i < ROUNDS; i++) {
  off.push(round().rate);
  const stop = gate.onDecision((record) => { kept.push(record); });
  gate.setRequestId(`bench-${i}`);
  const r = round();
  stop();
  gate.setRequestId(null);
  on.push(r.rate);
  if (kept.length !== queries.length * (i + 1)) throw new Error(`the listener saw ${kept.length} records, not ${queries.length * (i + 1)}`);
}
const offRate = median(off);
const onRate = median(on);
const overhead = (offRate / onRate - 1) * 100;
console.log('1. check of stack:write, 20,000 questions a round, median of', ROUNDS, 'alternating rounds');
console.log(`   without a listener       ${int(offRate).padStart(12)} checks/s`);
console.log(`   with onDecision          ${int(onRate).padStart(12)} checks/s   (overhead ${overhead.toFixed(1)}%, target ≤ 30%)`);
console.log(`   one record: ${JSON.stringify(kept[0])}\n`);
kept.length = 0;

// ---- 2. preview of defaultStackPermission none → write ----
const change = { op: 'updateSettings', org: 'acme', settings: { defaultStackPermission: 'write' } };
let preview = gate.preview('root', change);
const times = [];
for (let i = 0; i < PREVIEWS; i++) {
  const start = now();
  preview = gate.preview('root', change);
  times.push(millis(start));
}
if (!preview.allowed) throw new Error(`the admin may not make the change: ${JSON.stringify(preview.refusal)}`);

// Brute force on a sample of members: every stack, before and after, on an engine that applied it.
const after = new Scopegate(text);
after.updateSettings('root', 'acme', { defaultStackPermission: 'write' });
const members = world.users.filter((u) => u.role !== 'admin').slice(0, SAMPLE).map((u) => u.id);
const expected = new Set();
const bruteStart = now();
for (const login of members) {
  for (const s of world.stacks) {
    const resource = `acme/p/${s}`;
    const was = gate.check(login, 'stack:write', resource);
    if (was !== after.check(login, 'stack:write', resource)) expected.add(`user:${login} ${resource} ${!was}`);
  }
}
const bruteMs = millis(bruteStart);
const previewed = new Set();
const sample = new Set(members.map((m) => `user:${m}`));
for (const block of preview.changes) {
  for (const turn of block.scopes) {
    if (turn.scope !== 'stack:write') continue;
    for (const p of block.principals) {
      if (!sample.has(p)) continue;
      for (const r of block.resources) previewed.add(`${p} ${r} ${turn.allowed}`);
    }
  }
}
const agree = expected.size === previewed.size && [...expected].every((e) => previewed.has(e));
if (!agree) throw new Error(`the preview (${previewed.size} stack:write turns in the sample) differs from brute force (${expected.size})`);
const perMember = bruteMs / members.length;
const allMembers = world.users.length;
console.log('2. preview of defaultStackPermission none → write, as an admin, median of', PREVIEWS);
console.log(`   preview                  ${median(times).toFixed(1).padStart(12)} ms   (target ≤ 50 ms; min ${sorted(times)[0].toFixed(1)} ms)`);
console.log(`   answers that turn        ${int(preview.count).padStart(12)} in ${int(preview.changes.length)} blocks`);
console.log(`   brute force, ${SAMPLE} members ${bruteMs.toFixed(0).padStart(10)} ms   (${int(members.length * world.stacks.length * 2)} checks of stack:write; agrees with the preview: ${int(expected.size)} turns)`);
console.log(`   brute force, extrapolated ${(perMember * allMembers / 1e3).toFixed(1).padStart(10)} s    (${int(allMembers)} members, one scope of the catalog)`);
gate.free();
after.free();

// Questions over many through the package, on the peer benchmark's world (1,000 users, 100 teams,
// 10,000 stacks), each beside the same answer built from single `check` calls from JavaScript:
//   ./scripts/build-web.sh && node benches/js/search.mjs
//
// 1. searchResources for a Member with team grants (every stack the Member may write), against
//    10,000 `check` calls. Target: at most 1 ms.
// 2. searchSubjects on one stack of the 1,000-member organization (who may write it), against
//    1,000 `check` calls. Target: at most 100 µs.
// 3. evaluate of 1,000 items, against 1,000 `check` calls. Target: at most 100 µs.
//
// Each figure is the median of BENCH_RUNS runs (default 25) after a warm-up, from one process.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeWorld, snapshotOf } from './world.mjs';

const RUNS = Number(process.env.BENCH_RUNS || 25);
const root = new URL('../../', import.meta.url);
const web = process.env.SCOPEGATE_WEB ? pathToFileURL(`${resolve(process.env.SCOPEGATE_WEB)}/`) : new URL('target/web/', root);
const { initSync, Scopegate } = await import(new URL('index.js', web));
initSync({ module: readFileSync(new URL('scopegate_bg.wasm', web)) });

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
function bench(fn) {
  for (let i = 0; i < 3; i++) fn();
  const times = [];
  let value;
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    value = fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e3);
  }
  return [median(times), value];
}
const us = (x) => (x >= 1000 ? `${(x / 1000).toFixed(2)} ms` : `${x.toFixed(1)} µs`);

const world = makeWorld();
const gate = new Scopegate(snapshotOf(world));
const stacks = world.stacks.map((s) => `acme/p/${s}`);

// A built-in Member with team grants: the one with the most granted stacks.
const teamGrants = new Map(world.teams.map((t) => [t.id, t.grants.length]));
const member = world.users
  .filter((u) => u.role === 'member' && u.teams.length > 0)
  .sort((a, b) => b.teams.reduce((n, t) => n + teamGrants.get(t), 0) - a.teams.reduce((n, t) => n + teamGrants.get(t), 0))[0].id;

console.log(`scopegate questions over many (node ${process.version}; median of ${RUNS} runs)`);
console.log('world: 1,000 users, 100 teams x 100 stack grants, 10,000 stacks, default READ\n');
console.log('question                                            | one call    | from single checks | same answer | target');
console.log('----------------------------------------------------+-------------+--------------------+-------------+-------');

const [search, page] = bench(() => gate.searchResources(member, 'stack:write', 'acme'));
const [loop, byChecks] = bench(() => stacks.filter((s) => gate.check(member, 'stack:write', s)));
const same1 = JSON.stringify(page.ids) === JSON.stringify(byChecks);
console.log(`searchResources, Member ${member}, stack:write (${page.ids.length} ids) | ${us(search).padEnd(11)} | ${us(loop).padEnd(18)} | ${String(same1).padEnd(11)} | ≤ 1 ms ${search <= 1000 ? 'met' : 'missed'}`);

const stack = stacks[0];
const logins = world.users.map((u) => u.id);
const [subjects, found] = bench(() => gate.searchSubjects('stack:write', stack));
const [loop2, byChecks2] = bench(() => logins.filter((u) => gate.check(u, 'stack:write', stack)));
const same2 = JSON.stringify(found.map((s) => s.name)) === JSON.stringify(byChecks2);
console.log(`searchSubjects, stack:write on ${stack} (${found.length} subjects)     | ${us(subjects).padEnd(11)} | ${us(loop2).padEnd(18)} | ${String(same2).padEnd(11)} | ≤ 100 µs ${subjects <= 100 ? 'met' : 'missed'}`);

let seed = 11;
const next = (n) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
const items = Array.from({ length: 1000 }, () => ({ principal: logins[next(logins.length)], scope: 'stack:read', resource: stacks[next(stacks.length)] }));
const [batch, answers] = bench(() => gate.evaluate(items));
const [loop3, byChecks3] = bench(() => items.map((q) => gate.check(q.principal, q.scope, q.resource)));
const same3 = JSON.stringify(answers) === JSON.stringify(byChecks3);
console.log(`evaluate, 1,000 items                               | ${us(batch).padEnd(11)} | ${us(loop3).padEnd(18)} | ${String(same3).padEnd(11)} | ≤ 100 µs ${batch <= 100 ? 'met' : 'missed'}`);
if (!(same1 && same2 && same3)) {
  console.error('a search disagreed with check');
  process.exit(1);
}

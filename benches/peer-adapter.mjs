// scopegate's adapter for the peer benchmark (its README says how to plug it in):
//   OURS_ADAPTER=<repo>/benches/peer-adapter.mjs npm run bench:ours
// It loads the web build (target/web, made by scripts/build-web.sh) the way an edge worker
// would: initSync with the module bytes, then one snapshot document.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { initSync, Scopegate } from '../target/web/index.js';
import { snapshotOf, SCOPE_OF } from './js/world.mjs';

const wasm = readFileSync(fileURLToPath(new URL('../target/web/scopegate_bg.wasm', import.meta.url)));

export async function load(world) {
  initSync({ module: wasm });
  // The peer benchmark's oracle answers for billing managers with the member rules (its fixture
  // puts one in a team); scopegate's Billing Managers hold no stack access, so to answer the
  // benchmark's question as its oracle defines it, its billing managers load as members.
  const sg = new Scopegate(snapshotOf(world, { billingAsMember: true }));
  // Callers hold fully qualified stack names (`org/project/stack`); the world names stacks by a
  // short id, so the full names are made once here rather than concatenated on every question.
  const names = new Map(world.stacks.map((s) => [s, `${world.org.id}/p/${s}`]));
  return { sg, names };
}

export function check(state, q) {
  return state.sg.check(q.user, SCOPE_OF[q.action], state.names.get(q.stack));
}

export function explain(state, q) {
  return state.sg.explain(q.user, SCOPE_OF[q.action], state.names.get(q.stack));
}

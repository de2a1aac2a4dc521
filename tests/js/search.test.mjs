// Questions over many through the package, over random organizations: `searchResources` equals the
// resources where `check` is true (whole, page by page, with a tag filter), `searchSubjects` equals
// the principals where `check` is true with `explain`'s reasons, and `evaluate` equals item-by-item
// `check` for each semantics, stopping where the semantics say.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { scratchProject, throwsScopegate } from './helpers.mjs';

let project;
let Scopegate;
before(() => {
  project = scratchProject();
  ({ Scopegate } = createRequire(join(project.dir, 'x.cjs'))('scopegate'));
});
after(() => project?.cleanup());

/** A small seeded generator (mulberry32), so a failure names its seed. */
function random(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: (list) => list[Math.floor(next() * list.length)], chance: (p) => next() < p };
}

const LEVELS = ['read', 'write', 'admin'];
const TAGS = [['env', 'prod'], ['env', 'dev'], ['tier', 'blue']];

function organization(seed) {
  const r = random(seed);
  const users = Array.from({ length: 3 + Math.floor(r.next() * 6) }, (_, i) => `u${i}`);
  const roles = [{ name: 'Tagged', rules: [{ entity: 'stack', permissionSet: 'stack-write', tags: [{ key: 'env', value: 'prod' }] }] }];
  const members = users.map((login) => ({ login, role: r.pick(['member', 'member', 'member', 'admin', 'billing-manager', 'Tagged']) }));
  const holders = members.filter((m) => m.role !== 'billing-manager').map((m) => m.login);
  const stacks = Array.from({ length: 2 + Math.floor(r.next() * 6) }, (_, i) => {
    const stack = { project: r.pick(['app', 'web']), name: `s${i}`, tags: {} };
    for (const [k, v] of TAGS) if (r.chance(0.4)) stack.tags[k] = v;
    if (holders.length && r.chance(0.3)) stack.creator = { user: r.pick(holders) };
    if (holders.length && r.chance(0.3)) stack.grants = { [r.pick(holders)]: r.pick(LEVELS) };
    return stack;
  });
  const teams = Array.from({ length: Math.floor(r.next() * 3) }, (_, i) => {
    const team = { name: `t${i}`, members: [...new Set(holders.filter(() => r.chance(0.4)))], stacks: {} };
    for (const s of stacks) if (r.chance(0.4)) team.stacks[`${s.project}/${s.name}`] = r.pick(LEVELS);
    return team;
  });
  const tokens = [
    { id: 'org-tok', kind: 'organization', name: 'ci', role: r.pick(['member', 'admin']) },
    ...teams.map((t, i) => ({ id: `team-tok-${i}`, kind: 'team', name: `team-${i}`, team: t.name })),
  ];
  const settings = { defaultStackPermission: r.pick(['none', 'read', 'write']), stackAdminsCanDeleteStacks: r.chance(0.5) };
  return {
    principals: [...users, 'user:nobody', ...tokens.map((t) => `token:${t.id}`)],
    stacks: stacks.map((s) => ({ id: `acme/${s.project}/${s.name}`, tags: s.tags })),
    snapshot: { version: 1, organizations: [{ name: 'acme', settings, members, roles, teams, stacks, tokens }] },
  };
}

const SCOPES = ['stack:read', 'stack:write', 'stack:delete', 'stack_access:update'];
const SEEDS = Array.from({ length: 40 }, (_, i) => 1000 + i);

test('searchResources equals check, whole, page by page and with a tag filter', () => {
  for (const seed of SEEDS) {
    const { principals, stacks, snapshot } = organization(seed);
    const gate = new Scopegate(snapshot);
    for (const p of principals) {
      for (const scope of SCOPES) {
        const expected = stacks.filter((s) => gate.check(p, scope, s.id)).map((s) => s.id);
        assert.deepEqual(gate.searchResources(p, scope, 'acme').ids, expected, `seed ${seed}: ${p} ${scope}`);
        const paged = [];
        let cursor;
        for (let i = 0; i < 100; i++) {
          const page = gate.searchResources(p, scope, 'acme', { limit: 2, ...(cursor ? { cursor } : {}) });
          assert.ok(page.ids.length <= 2, `seed ${seed}: page over the limit`);
          paged.push(...page.ids);
          cursor = page.nextCursor;
          if (cursor === undefined) break;
        }
        assert.deepEqual(paged, expected, `seed ${seed}: ${p} ${scope} by pages`);
        const prod = stacks.filter((s) => s.tags.env === 'prod' && gate.check(p, scope, s.id)).map((s) => s.id);
        assert.deepEqual(gate.searchResources(p, scope, 'acme', { tags: { env: 'prod' } }).ids, prod, `seed ${seed}: env=prod`);
      }
    }
    gate.free();
  }
});

test('searchSubjects equals check, with the reasons explain gives', () => {
  for (const seed of SEEDS) {
    const { principals, stacks, snapshot } = organization(seed);
    const gate = new Scopegate(snapshot);
    for (const s of stacks) {
      for (const scope of SCOPES) {
        const expected = principals
          .filter((p) => gate.check(p, scope, s.id))
          .map((p) => ({ principal: p.includes(':') ? p : `user:${p}`, reasons: gate.explain(p, scope, s.id).reasons }))
          .sort((a, b) => a.principal.localeCompare(b.principal));
        const got = gate
          .searchSubjects(scope, s.id, { tokens: true })
          .map(({ principal, reasons }) => ({ principal, reasons }))
          .sort((a, b) => a.principal.localeCompare(b.principal));
        assert.deepEqual(got, expected, `seed ${seed}: ${scope} on ${s.id}`);
        assert.ok(gate.searchSubjects(scope, s.id).every((x) => x.kind === 'user'), 'tokens only when asked');
      }
    }
    gate.free();
  }
});

test('evaluate equals check item by item, and stops where its semantics say', () => {
  for (const seed of SEEDS) {
    const { principals, stacks, snapshot } = organization(seed);
    const gate = new Scopegate(snapshot);
    const r = random(seed);
    const items = Array.from({ length: 30 }, () => ({ principal: r.pick(principals), scope: r.pick(SCOPES), resource: r.pick(stacks).id }));
    const truth = items.map((q) => gate.check(q.principal, q.scope, q.resource));
    assert.deepEqual(gate.evaluate(items), truth, `seed ${seed}`);
    const deny = truth.indexOf(false);
    assert.deepEqual(gate.evaluate(items, { semantics: 'deny_on_first_deny' }), deny < 0 ? truth : truth.slice(0, deny + 1));
    const permit = truth.indexOf(true);
    assert.deepEqual(gate.evaluate(items, { semantics: 'permit_on_first_permit' }), permit < 0 ? truth : truth.slice(0, permit + 1));
    const one = principals[0];
    const pairs = items.map((q) => [q.scope, q.resource]);
    assert.deepEqual(gate.evaluate(pairs, { principal: one }), pairs.map(([s, res]) => gate.check(one, s, res)));
    gate.free();
  }
});

test('evaluate refuses malformed batches with a ScopegateError', () => {
  const { snapshot } = organization(7);
  const gate = new Scopegate(snapshot);
  throwsScopegate(() => gate.evaluate('nope'), 'invalid_argument');
  throwsScopegate(() => gate.evaluate([['stack:read']]), 'invalid_argument');
  throwsScopegate(() => gate.evaluate([{ scope: 'stack:read', resource: 'acme/app/s0' }]), 'invalid_argument');
  throwsScopegate(() => gate.evaluate([], { semantics: 'first' }), 'invalid_argument');
  throwsScopegate(() => gate.evaluate([{ principal: 'u0', scope: 5, resource: 'acme/app/s0' }]), 'invalid_argument');
  throwsScopegate(() => gate.evaluate([{ principal: 'u0', scope: 'stack:read' }]), 'invalid_argument');
  throwsScopegate(() => gate.evaluate(['stack:read']), 'invalid_argument');
  assert.deepEqual(gate.evaluate([]), []);
  gate.free();
});

// The peer benchmark's world (seed 42: 1,000 users, 100 teams, 10,000 stacks, each team granted
// READ/WRITE/ADMIN on 100 stacks, 1–3 teams per user, 2% admins, default READ), so that our
// figures and the peers' come from the same questions, and its rendering as a snapshot.

export const LEVEL_NAME = ['none', 'read', 'write', 'admin'];
const REQUIRED = { 'stack:read': 1, 'stack:update': 2, 'stack:delete': 3 };

function mulberry32(a) {
  return function () {
    a |= 0; a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeWorld({ users = 1000, teams = 100, stacks = 10000, grantsPerTeam = 100, seed = 42 } = {}) {
  const rnd = mulberry32(seed);
  const ri = (n) => Math.floor(rnd() * n);
  const stackIds = Array.from({ length: stacks }, (_, i) => `s${i}`);
  const teamList = Array.from({ length: teams }, (_, i) => ({ id: `t${i}`, grants: new Map() }));
  for (const t of teamList) while (t.grants.size < grantsPerTeam) t.grants.set(stackIds[ri(stacks)], 1 + ri(3));
  const userList = Array.from({ length: users }, (_, i) => {
    const n = 1 + ri(3);
    const ts = new Set();
    while (ts.size < n) ts.add(teamList[ri(teams)].id);
    const role = rnd() < 0.02 ? 'admin' : (rnd() < 0.05 ? 'billing-manager' : 'member');
    return { id: `u${i}`, role, teams: role === 'billing-manager' ? [] : [...ts] };
  });
  return { org: { id: 'acme', defaultLevel: 1 }, stacks: stackIds, teams: teamList.map((t) => ({ id: t.id, grants: [...t.grants.entries()] })), users: userList };
}

export function makeQueries(world, n = 4000, seed = 7) {
  const rnd = mulberry32(seed);
  const ri = (k) => Math.floor(rnd() * k);
  const teamById = new Map(world.teams.map((t) => [t.id, t]));
  const qs = [];
  while (qs.length < n) {
    const u = world.users[ri(world.users.length)];
    let s;
    if (u.teams.length > 0 && rnd() < 0.5) {
      const t = teamById.get(u.teams[ri(u.teams.length)]);
      s = t.grants[ri(t.grants.length)][0];
    } else s = world.stacks[ri(world.stacks.length)];
    qs.push({ user: u.id, stack: s, action: 'stack:update' });
  }
  return qs;
}

/** The hand-written JS Map baseline (also the oracle). */
export function buildBaseline(world) {
  const teamGrants = new Map(world.teams.map((t) => [t.id, new Map(t.grants)]));
  const users = new Map(world.users.map((u) => [u.id, { admin: u.role === 'admin', teams: u.teams.map((x) => teamGrants.get(x)) }]));
  const def = world.org.defaultLevel;
  return (q) => {
    const u = users.get(q.user);
    if (u.admin) return true;
    let lvl = u.role === 'billing-manager' ? 0 : def;
    for (const g of u.teams) { const l = g.get(q.stack); if (l !== undefined && l > lvl) lvl = l; }
    return lvl >= REQUIRED[q.action];
  };
}

/**
 * The world as a scopegate snapshot (JSON text). Billing managers hold no team access, so they are
 * left out of teams; with `billingAsMember`, the world's billing managers become members instead
 * (the peer benchmark's oracle gives them the member rules: its default level and team grants).
 */
export function snapshotOf(world, { billingAsMember = false } = {}) {
  const roleOf = (u) => (billingAsMember && u.role === 'billing-manager' ? 'member' : u.role);
  const members = new Map(world.teams.map((t) => [t.id, []]));
  for (const u of world.users) if (roleOf(u) !== 'billing-manager') for (const t of u.teams) members.get(t).push(u.id);
  return JSON.stringify({
    version: 1,
    organizations: [{
      name: world.org.id,
      settings: { defaultStackPermission: LEVEL_NAME[world.org.defaultLevel] },
      members: world.users.map((u) => ({ login: u.id, role: roleOf(u) })),
      teams: world.teams.map((t) => ({
        name: t.id,
        members: members.get(t.id),
        stacks: Object.fromEntries(t.grants.map(([s, l]) => [`p/${s}`, LEVEL_NAME[l]])),
      })),
      stacks: world.stacks.map((s) => ({ project: 'p', name: s })),
    }],
  });
}

/** The scope that backs each peer-bench action. */
export const SCOPE_OF = { 'stack:read': 'stack:read', 'stack:update': 'stack:write', 'stack:delete': 'stack:delete' };

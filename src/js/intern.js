// Id interning for `check`: the first time a principal string or a (scope, resource) pair is
// asked, the engine resolves it to a handle; later checks with the same strings reuse the handle
// and cross the wasm boundary with two integers instead of three strings. Only the mapping from
// strings to the engine's own handles is kept here: every decision still comes from the engine.
//
// The tables are dropped whenever the engine changes (any management action or token change), so a
// name that is deleted and created again is resolved afresh; unknown names are never cached (they
// go to the engine, which denies them); each instance keeps at most LIMIT entries.

const LIMIT = 100000;

const MUTATORS = [
  'updateSettings', 'addMember', 'removeMember', 'setMemberRole', 'createTeam', 'deleteTeam',
  'setTeamMember', 'removeTeamMember', 'setTeamPermission', 'setTeamRole', 'createStack',
  'deleteStack', 'transferStack', 'setStackPermission', 'removeCreatorGrant', 'mintToken', 'deleteToken',
];

function fresh() {
  return { principals: new Map(), targets: new Map(), size: 0 };
}

/** Installs interning on a generated `Scopegate` class (idempotent). */
export function installInterning(Scopegate) {
  const proto = Scopegate.prototype;
  if (proto.__interning) return;
  const resolveAndCheck = proto.check;
  Object.defineProperty(proto, '__interning', { value: true });
  Object.defineProperty(proto, 'check', {
    configurable: true,
    writable: true,
    value: function check(principal, scope, resource) {
      if (typeof principal !== 'string' || typeof scope !== 'string' || typeof resource !== 'string') {
        return resolveAndCheck.call(this, principal, scope, resource);
      }
      let ids = this.__ids;
      if (ids === undefined || ids.size > LIMIT) ids = this.__ids = fresh();
      let who = ids.principals.get(principal);
      if (who === undefined) {
        who = this.principalHandle(principal);
        if (who === undefined) return resolveAndCheck.call(this, principal, scope, resource);
        ids.principals.set(principal, who);
        ids.size++;
      }
      let byScope = ids.targets.get(scope);
      if (byScope === undefined) ids.targets.set(scope, (byScope = new Map()));
      let target = byScope.get(resource);
      if (target === undefined) {
        target = this.targetHandle(scope, resource);
        if (target === undefined) return resolveAndCheck.call(this, principal, scope, resource);
        byScope.set(resource, target);
        ids.size++;
      }
      return this.checkHandles(who, target);
    },
  });
  for (const name of MUTATORS) {
    const original = proto[name];
    if (typeof original !== 'function') continue;
    Object.defineProperty(proto, name, {
      configurable: true,
      writable: true,
      value: function (...args) {
        this.__ids = undefined;
        return original.apply(this, args);
      },
    });
  }
}

// What the gateway asks the engine about a caller beyond one decision: whether it belongs to an
// organization, whether its credential may act there (each organization's token rules), and which
// resources of an organization it may use a scope on. Shared by the REST routes (worker.js) and
// the AuthZEN endpoints (authzen.js).
//
// Two rules hold everywhere:
// - A non-member of an organization is answered the same way whether or not the organization, or
//   what it names inside it, exists: the deny is always `not_a_member` for the organization named
//   in the request (`outsiderDeny`), so nothing tells an outsider what exists.
// - An organization's token rules (its expiry policy) are checked against that organization, also
//   when a request spans several: the credential is authenticated once per organization.

/** The scope whose holders may read an organization's members (and ask about them). */
export const MEMBERS_SCOPE = 'org_member:read';

/** Denies that say the principal is not in the organization, or that the organization is not there. */
const OUTSIDE = new Set(['not_a_member', 'unknown_resource', 'invalid_resource', 'unknown_principal']);

/** A name for messages: long names are cut, so that an answer never echoes kilobytes. */
export function shown(text) {
  const value = String(text);
  return value.length > 100 ? `${value.slice(0, 100)}…` : value;
}

/** The deny every non-member gets, whether or not `org` exists. */
export function outsiderDeny(display, org) {
  return { code: 'not_a_member', message: `${display} is not a member of \`${shown(org)}\`.` };
}

/** How a principal is named in messages: `` `token:<id>` `` or, for a token without a record, "The principal". */
export function displayOf(name) {
  return name ? `\`${shown(name)}\`` : 'The principal';
}

/** Whether a deny says the principal is outside the organization (or the organization is not there). */
export function saysOutside(deny) {
  return OUTSIDE.has(deny?.code);
}

/**
 * An organization name as a request gives it, or `null` when it cannot name one: empty, or
 * holding a `/` (an organization name never does, and the engine would read it as a path).
 */
export function organizationName(value) {
  return typeof value === 'string' && value !== '' && !value.includes('/') ? value : null;
}

/**
 * An org admin of `org` (a user, else an admin organization token): the principal whose resource
 * search lists every resource of the organization. Used only to enumerate what a signed token
 * without a record (which the engine cannot name in a search) is then checked on, one by one.
 * `null` when the organization has none. Remembered per snapshot.
 */
export function enumeratorOf(snap, org) {
  if (!snap.enumerators.has(org)) {
    const admins = snap.gate.searchSubjects(MEMBERS_SCOPE, org, { tokens: true }).filter((s) => s.reasons.some((r) => r.code === 'org_admin'));
    const admin = admins.find((s) => s.kind === 'user') ?? admins[0];
    snap.enumerators.set(org, admin ? admin.principal : null);
  }
  return snap.enumerators.get(org);
}

/**
 * The caller of one request: its `authenticate` answer, plus what it may do per organization.
 *
 * @param {{ gate: any, enumerators: Map<string, string|null> }} snap  the snapshot in use
 * @param {object} who  the `authenticate` answer (without an organization)
 * @param {string} credential  the Authorization header, to authenticate again per organization
 * @param {number} now  seconds since the epoch
 */
export function callerOf(snap, who, credential, now) {
  const acceptance = new Map();
  const membership = new Map();
  const caller = {
    who,
    /** `token:<id>` / `user:<login>`, or `null` for a signed machine token without a record. */
    name: who.principal,
    handle: who.handle,
    display: displayOf(who.principal),

    /** Whether the caller is a member of `org` (false when `org` does not exist). */
    isMember(org) {
      if (!membership.has(org)) membership.set(org, !saysOutside(snap.gate.explainAs(who.handle, MEMBERS_SCOPE, org).deny));
      return membership.get(org);
    },

    /** `null` when the credential may act in `org`, else the token error (its expiry policy, …). */
    refusal(org) {
      if (!acceptance.has(org)) {
        let error = null;
        try {
          snap.gate.authenticate(credential, { now, organization: org });
        } catch (e) {
          if (e?.name !== 'ScopegateError') throw e;
          error = { code: e.code, message: e.message };
        }
        acceptance.set(org, error);
      }
      return acceptance.get(org);
    },

    /**
     * Where the caller stands in `org`: `{ outside: deny }` for a non-member (the same deny whether
     * or not `org` exists), `{ refused: error }` for a member whose credential `org` does not
     * accept, or `{}` when it may act there. Membership is asked first, so that an organization's
     * token rules are never shown to outsiders.
     */
    standing(org) {
      if (!caller.isMember(org)) return { outside: outsiderDeny(caller.display, org) };
      const refused = caller.refusal(org);
      return refused ? { refused } : {};
    },

    /** May the caller act in `org` and read its members (and so ask about them)? */
    mayReadMembers(org) {
      const standing = caller.standing(org);
      return !standing.outside && !standing.refused && snap.gate.checkAs(who.handle, MEMBERS_SCOPE, org);
    },

    /**
     * The organizations the caller acts in when a request names none: a machine token's own; for
     * a personal token, every organization of the snapshot its user is a member of. Each with its
     * refusal (or `null`).
     */
    organizations() {
      const orgs = who.kind === 'personal' ? snap.organizations.filter((o) => caller.isMember(o)) : [who.organization];
      return orgs.map((organization) => ({ organization, refused: caller.refusal(organization) }));
    },

    /**
     * The ids of `org` on which the caller may use `scope` (`searchResources`, in creation
     * order; `options.tags` filters), searched as the caller's handle: a signed token without a
     * record has no name, but its handle names it.
     */
    search(scope, org, options = {}) {
      return snap.gate.searchResources(who.handle, scope, org, options).ids;
    },

    /** `check` as the caller. */
    check(scope, resource) {
      return snap.gate.checkAs(who.handle, scope, resource);
    },

    /** `explain` as the caller. */
    explain(scope, resource) {
      return snap.gate.explainAs(who.handle, scope, resource);
    },

    /** `allowedActions` as the caller (a token without a record: an admin's, each checked). */
    allowedActions(resource, kind) {
      if (caller.name) return snap.gate.allowedActions(caller.name, resource, kind);
      const admin = enumeratorOf(snap, resource.split('/')[0]);
      if (!admin) return [];
      return snap.gate.allowedActions(admin, resource, kind).filter((scope) => snap.gate.checkAs(who.handle, scope, resource));
    },
  };
  return caller;
}

/** Whether `org` holds any stack (an org admin sees them all); `true` when it cannot tell. */
export function hasStacks(snap, org) {
  const admin = enumeratorOf(snap, org);
  return admin ? snap.gate.searchResources(admin, 'stack:read', org, { limit: 1 }).ids.length > 0 : true;
}

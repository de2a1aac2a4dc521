// ---- The class (written by hand; a test checks that it declares exactly the members the module
// has, each with @param, @throws and @example).

/**
 * An authorization engine loaded from one snapshot. Questions never throw for a deny; invalid
 * input and refused credentials or actions throw a `ScopegateError`.
 *
 * Handles (`principalHandle`, `targetHandle`, `authenticate(…).handle`) are numbers that name the
 * instance that made them: on another instance, on one made after this one was freed, or on one
 * loaded again from a newer snapshot, a handle is a deny (`false` from `checkAs` and
 * `checkHandles`, a `foreign_handle` deny from `explainAs`, no ids from `searchResources`),
 * never another principal. A handle whose principal was removed denies as well.
 */
export class Scopegate {
  /**
   * Loads a snapshot object.
   * @param snapshot The snapshot document.
   * @throws {ScopegateError} a snapshot code (`invalid_value`, `dangling_reference`, …) with every
   *   problem in `details.problems`.
   * @param options `tokenCache: false` turns the verified-token cache off.
   * @example
   * const gate = new Scopegate({ version: 1, organizations: [{ name: "acme", members: [{ login: "ada", role: "admin" }] }] });
   */
  constructor(snapshot: Snapshot, options?: LoadOptions | null);
  /**
   * Loads snapshot JSON text.
   * @param snapshot The snapshot document as JSON text.
   * @throws {ScopegateError} `invalid_json`, or another snapshot code, with every problem in `details.problems`.
   * @param options `tokenCache: false` turns the verified-token cache off.
   * @example
   * const gate = new Scopegate(readFileSync("snapshot.json", "utf8"), { tokenCache: false });
   */
  constructor(snapshot: string, options?: LoadOptions | null);

  /**
   * Loads snapshot text only if `signature` is a valid Ed25519 signature of its exact bytes by
   * `publicKey`, before anything of the snapshot is read, and only if its `notAfter` (seconds
   * since the epoch) has not passed, so that an old signed snapshot cannot be replayed.
   * @param json The snapshot text, byte for byte as signed.
   * @param signature The detached signature (base64url).
   * @param publicKey The Ed25519 public key (base64url).
   * @param options `now` (seconds; the current time by default) and `tokenCache`.
   * @throws {ScopegateError} `snapshot_signature_invalid`, `snapshot_expired`; a snapshot code when the signed text is invalid.
   * @example
   * const gate = Scopegate.fromSignedSnapshot(text, signature, SNAPSHOT_PUBLIC_KEY);
   */
  static fromSignedSnapshot(json: string, signature: string, publicKey: string, options?: SignedLoadOptions | null): Scopegate;

  /**
   * Signs snapshot text with an Ed25519 private key: the signature `fromSignedSnapshot` accepts.
   * For publishing tools and tests; keep the key off the edge.
   * @param json The snapshot text.
   * @param privateKey The Ed25519 private key (base64url).
   * @returns The detached signature (base64url).
   * @throws {ScopegateError} `invalid_argument` when the key is not an Ed25519 key.
   * @example
   * const signature = Scopegate.signSnapshot(text, key.privateKey);
   */
  static signSnapshot(json: string, privateKey: string): string;

  /**
   * A new random Ed25519 signing key. Put `{ kid, alg, publicKey }` in the snapshot's
   * `signing.keys`; keep `privateKey` secret.
   * @param kid The key id.
   * @throws {ScopegateError} `random_unavailable` when the runtime has no secure random numbers.
   * @example
   * const key = Scopegate.generateSigningKey("k1");
   */
  static generateSigningKey(kid: string): GeneratedSigningKey;

  /**
   * Every error code a `ScopegateError` can carry.
   * @example
   * Scopegate.errorCodes().includes("token_expired"); // true
   */
  static errorCodes(): ScopegateErrorCode[];

  /**
   * Calls `listener` with one record per `check`, `explain`, `authenticate` and management
   * action of this instance (not `checkAs`, `checkHandles` or `evaluate`). Without a listener no
   * record is made. The listener must not call this instance (the call throws inside it).
   * @param listener Receives each record; what it throws is ignored.
   * @returns The function that removes the listener.
   * @throws {ScopegateError} `invalid_argument` when `listener` is not a function.
   * @example
   * const off = gate.onDecision((record) => console.log(record.action, record.allowed));
   * off();
   */
  onDecision(listener: (record: DecisionRecord) => void): () => void;

  /**
   * The request id the records carry from now on (`requestID`).
   * @param requestId 1 to 128 printable ASCII characters without spaces, quotes or backslashes; `null` for none.
   * @throws {ScopegateError} `invalid_argument` for any other value.
   * @example
   * gate.setRequestId("req-42");
   */
  setRequestId(requestId: string | null | undefined): void;

  /**
   * The revision: the snapshot's, raised by one by every change applied (each management action
   * that changes something, each change of an applied delta). A `bigint`, exact above 2⁵³.
   * @example
   * gate.revision; // 7n
   */
  readonly revision: bigint;

  /**
   * Applies a signed delta: verifies `signature` (base64url Ed25519 over the exact text) with
   * `publicKey` before reading anything, refuses an expired one and one whose `baseRevision`
   * is not this instance's revision, and applies every change or none (a refused change leaves
   * the instance as it was). Notifies the listeners of `subscribe`.
   * @param text The delta text, byte for byte as signed (see `changesSince`).
   * @param signature The detached signature (base64url), as `Scopegate.signSnapshot` makes it.
   * @param publicKey The Ed25519 public key (base64url).
   * @param options `now` (seconds; the current time by default).
   * @returns The new revision.
   * @throws {ScopegateError} `delta_signature_invalid`, `delta_expired`, `delta_gap`, `delta_replay`, a snapshot code naming the
   *   change's path (`details.problems`), or the management code of a change that cannot apply (`not_found`, `conflict`, …).
   * @example
   * const revision = edge.applyDelta(text, signature, ORIGIN_PUBLIC_KEY);
   */
  applyDelta(text: string, signature: string, publicKey: string, options?: ApplyDeltaOptions | null): bigint;

  /**
   * The delta from `revision` to the current revision, as the text an origin signs with
   * `Scopegate.signSnapshot` and publishes: `{ version: 1, baseRevision, revision, changes, notAfter? }`
   * (see `DeltaDocument`). The instance keeps the last 4096 changes since it was loaded.
   * @param revision The follower's revision (`bigint`, a safe whole `number`, or a string of digits).
   * @param options `notAfter` (seconds) sets the delta's expiry.
   * @throws {ScopegateError} `changes_unavailable` when the instance does not hold those changes (or never reached `revision`);
   *   `invalid_argument` for a negative, fractional or unsafe revision.
   * @example
   * const text = origin.changesSince(edge.revision, { notAfter: Math.floor(Date.now() / 1000) + 300 });
   * const signature = Scopegate.signSnapshot(text, ORIGIN_PRIVATE_KEY);
   */
  changesSince(revision: Revision, options?: ChangesOptions | null): string;

  /**
   * Calls `listener(revision)` after every change: each management action that changed
   * something, each applied delta (once, with the delta's last revision). Listeners run in a
   * microtask after the call that made the change has returned (so a listener may ask the
   * instance anything, or change it again), in subscription order. A listener that throws
   * does not stop the others: its error goes to `reportError` where the runtime has it
   * (browsers, workerd), else to `console.error` (Node); the change stays applied. Freeing the
   * instance drops every listener (a notification still queued then reaches none).
   * @param listener Called with the new revision.
   * @returns The function that unsubscribes `listener` (calling it again does nothing).
   * @throws {ScopegateError} `invalid_argument` when `listener` is not a function.
   * @example
   * const unsubscribe = gate.subscribe((revision) => console.log(`now at ${revision}`));
   */
  subscribe(listener: (revision: bigint) => void): () => void;

  /** The names of the organizations, in snapshot order. @example gate.organizations; // ["acme"] */
  readonly organizations: string[];

  /**
   * May `principal` use `scope` on `resource`? Deny by default.
   * @param principal `alice`, `user:alice` or `token:<id>`.
   * @param scope A catalog scope, e.g. `stack:write`.
   * @param resource `org`, `org/team`, `org/project/stack`, `org/project/environment` or `org/account`.
   * @throws {ScopegateError} `invalid_argument` when an argument is not a string.
   * @example
   * gate.check("max", "stack:write", "acme/website/prod"); // true
   */
  check(principal: string, scope: string, resource: string): boolean;

  /**
   * Like `check`, with every granting source or the reason for the deny.
   * @param principal `alice`, `user:alice` or `token:<id>`.
   * @param scope A catalog scope.
   * @param resource The resource, as for `check`.
   * @throws {ScopegateError} `invalid_argument` when an argument is not a string.
   * @example
   * const why = gate.explain("max", "stack:delete", "acme/website/prod");
   * if (!why.allowed) console.log(why.deny.code, why.deny.message);
   */
  explain(principal: string, scope: string, resource: string): Explanation;

  /**
   * May `principal` move `stack` to organization `destination`?
   * @param principal The acting principal.
   * @param stack `org/project/stack`.
   * @param destination The destination organization.
   * @throws {ScopegateError} `invalid_argument` when an argument is not a string.
   * @example
   * gate.explainTransfer("ada", "acme/app/prod", "globex").allowed;
   */
  explainTransfer(principal: string, stack: string, destination: string): Explanation;

  /**
   * The principal's effective permission on a stack, environment or account (for UI gating;
   * the delete and transfer toggles are not part of the level).
   * @param principal The principal.
   * @param kind `stack`, `environment` or `account`.
   * @param resource `org/project/stack`, `org/project/environment` or `org/account`.
   * @throws {ScopegateError} `invalid_argument` for an unknown kind or a non-string argument.
   * @example
   * gate.effectivePermission("max", "stack", "acme/website/prod"); // "write"
   */
  effectivePermission(principal: string, kind: EntityKind, resource: string): Permission;

  /**
   * Every scope the principal may use on an organization (`org`) or a team (`org/team`).
   * @param principal The principal.
   * @param resource `org` or `org/team`.
   * @throws {ScopegateError} `invalid_argument` when an argument is not a string.
   * @example
   * gate.allowedActions("max", "acme"); // ["organization:read", …]
   */
  allowedActions(principal: string, resource: string): string[];
  /**
   * Every scope the principal may use on an entity.
   * @param principal The principal.
   * @param resource `org/project/stack`, `org/project/environment` or `org/account`.
   * @param kind The entity's kind (`undefined` or `null`: the organization or team form).
   * @throws {ScopegateError} `invalid_argument` for an unknown kind or a non-string argument.
   * @example
   * gate.allowedActions("max", "acme/shared/prod", "environment");
   */
  allowedActions(principal: string, resource: string, kind: EntityKind | null | undefined): string[];

  /**
   * Every resource of `organization` on which the principal may use `scope`, in creation order,
   * filtered by tags and paged: equal to the resources where `check` is true.
   * @param principal A principal string, or a handle of this instance (a foreign handle finds nothing).
   * @param scope A catalog scope.
   * @param organization The organization.
   * @param options `tags`, `hasTags`, `limit`, `cursor`.
   * @throws {ScopegateError} `invalid_argument` for a bad argument, option or cursor.
   * @example
   * const page = gate.searchResources("max", "stack:write", "acme", { tags: { env: "prod" }, limit: 50 });
   */
  searchResources(principal: string, scope: string, organization: string, options?: SearchResourcesOptions | null): ResourcePage;
  /**
   * `searchResources` as a principal handle (from `principalHandle` or `authenticate`).
   * @param principal A handle of this instance.
   * @param scope A catalog scope.
   * @param organization The organization.
   * @param options `tags`, `hasTags`, `limit`, `cursor`.
   * @throws {ScopegateError} `invalid_argument` for a bad argument, option or cursor.
   * @example
   * gate.searchResources(who.handle, "stack:read", "acme");
   */
  searchResources(principal: number, scope: string, organization: string, options?: SearchResourcesOptions | null): ResourcePage;

  /**
   * Every member (and with `options.tokens`, every organization and team token) that may use
   * `scope` on `resource`, with the reasons `explain` gives: a resource's Access tab.
   * @param scope A catalog scope.
   * @param resource The resource.
   * @param options `tokens`: list tokens as well as members.
   * @throws {ScopegateError} `invalid_argument` for a bad argument or option.
   * @example
   * gate.searchSubjects("stack:write", "acme/website/prod", { tokens: true });
   */
  searchSubjects(scope: string, resource: string, options?: SearchSubjectsOptions | null): Subject[];

  /**
   * Decides a batch in order, item by item as `check`.
   * @param items `{ principal?, scope, resource }` objects or `[scope, resource]` pairs.
   * @param options `principal` for items that name none; `semantics` (AuthZEN 1.0).
   * @throws {ScopegateError} `invalid_argument` for a malformed item or option.
   * @example
   * gate.evaluate([["stack:read", "acme/app/prod"], ["stack:write", "acme/app/prod"]], { principal: "max" });
   */
  evaluate(items: EvaluationItem[], options?: EvaluateOptions | null): boolean[];

  /**
   * A handle for a principal, for `checkHandles`, `checkAs`, `explainAs` and `searchResources`;
   * valid on this instance only.
   * @param principal `alice`, `user:alice` or `token:<id>`.
   * @returns The handle, or `undefined` when the principal is unknown.
   * @throws {ScopegateError} `invalid_argument` when `principal` is not a string.
   * @example
   * const max = gate.principalHandle("max");
   */
  principalHandle(principal: string): number | undefined;

  /**
   * A handle for a (scope, resource) pair, for `checkHandles`; valid on this instance only.
   * @param scope A catalog scope.
   * @param resource The resource.
   * @returns The handle, or `undefined` when the scope or resource is unknown.
   * @throws {ScopegateError} `invalid_argument` when an argument is not a string.
   * @example
   * const write = gate.targetHandle("stack:write", "acme/website/prod");
   */
  targetHandle(scope: string, resource: string): number | undefined;

  /**
   * The fastest check: pre-resolved handles. A handle this instance did not make is a deny.
   * @param principal A principal handle.
   * @param target A target handle.
   * @throws {ScopegateError} `invalid_argument` when a handle is not a whole number from 0 to 2⁵³−1.
   * @example
   * if (max !== undefined && write !== undefined) gate.checkHandles(max, write);
   */
  checkHandles(principal: number, target: number): boolean;

  /**
   * `check` as a principal handle. A handle this instance did not make is a deny.
   * @param principal A principal handle (from `principalHandle` or `authenticate`).
   * @param scope A catalog scope.
   * @param resource The resource.
   * @throws {ScopegateError} `invalid_argument` for a non-number handle or a non-string argument.
   * @example
   * gate.checkAs(who.handle, "stack:read", "acme/website/prod");
   */
  checkAs(principal: number, scope: string, resource: string): boolean;

  /**
   * `explain` as a principal handle; a handle this instance did not make is an
   * `foreign_handle` deny.
   * @param principal A principal handle.
   * @param scope A catalog scope.
   * @param resource The resource.
   * @throws {ScopegateError} `invalid_argument` for a non-number handle or a non-string argument.
   * @example
   * gate.explainAs(who.handle, "stack:delete", "acme/website/prod");
   */
  explainAs(principal: number, scope: string, resource: string): Explanation;

  /**
   * Validates a credential: `pul-…`, a signed token, `token …`, `Bearer …` or a whole
   * `Authorization:` line.
   * @param credential The credential; `null` or `undefined` (no header) is `malformed_token`.
   * @param options `now` (seconds since the epoch), `organization` (the request's organization).
   * @throws {ScopegateError} the token error: `malformed_token`, `unknown_token`, `token_expired`,
   *   `token_revoked`, `bad_signature`, `wrong_organization`, …; `invalid_argument` for bad options.
   * @example
   * const who = gate.authenticate(request.headers.get("authorization"), { organization: "acme" });
   */
  authenticate(credential: string | null | undefined, options?: AuthenticateOptions | null): Authenticated;

  /**
   * Mints a token for `actor`: opaque by default, signed with `options.signingKey`. The token
   * string is in the answer once; store `record`.
   * @param actor The acting principal.
   * @param request What to mint (a personal token when empty).
   * @param options `now`, `signingKey`.
   * @throws {ScopegateError} `forbidden`, `not_found`, `conflict`, `invalid_value`,
   *   `expiry_policy_violation`, `random_unavailable` or `invalid_argument`.
   * @example
   * const { token, record } = gate.mintToken("ada", { kind: "organization", organization: "acme", name: "ci" });
   */
  mintToken(actor: string, request: MintRequest, options?: MintOptions | null): MintedToken;

  /**
   * Deletes a token: it stops validating at once.
   * @param actor The acting principal.
   * @param tokenId The token's id.
   * @throws {ScopegateError} `forbidden`, `not_found` or `invalid_argument`.
   * @example
   * gate.deleteToken("ada", minted.id);
   */
  deleteToken(actor: string, tokenId: string): void;

  /**
   * The tokens `actor` may see in `organization`, or its own personal tokens.
   * @param actor The acting principal.
   * @param organization The organization (`undefined` or `null`: personal tokens).
   * @param options `now`, `showExpired`.
   * @throws {ScopegateError} `invalid_argument` for a bad argument or option.
   * @example
   * gate.listTokens("ada", "acme", { showExpired: true });
   */
  listTokens(actor: string, organization?: string | null, options?: ListTokensOptions | null): TokenInfo[];

  /**
   * Changes organization settings (organization admins).
   * @param actor The acting principal.
   * @param organization The organization.
   * @param patch The settings to change.
   * @throws {ScopegateError} `forbidden`, `not_found`, `invalid_value` or `invalid_argument`.
   * @example
   * gate.updateSettings("ada", "acme", { membersCanCreateTeams: true });
   */
  updateSettings(actor: string, organization: string, patch: Partial<Settings>): void;

  /**
   * An organization's settings, with defaults filled in.
   * @param organization The organization.
   * @returns The settings, or `undefined` for an unknown organization.
   * @throws {ScopegateError} `invalid_argument` when `organization` is not a string.
   * @example
   * gate.settings("acme")?.defaultStackPermission;
   */
  settings(organization: string): Settings | undefined;

  /**
   * Adds a member with a role (`admin`, `member`, `billing-manager` or a custom role).
   * @param actor The acting principal.
   * @param organization The organization.
   * @param login The user to add.
   * @param role The role.
   * @throws {ScopegateError} `forbidden`, `not_found`, `conflict` or `invalid_argument`.
   * @example
   * gate.addMember("ada", "acme", "zoe", "member");
   */
  addMember(actor: string, organization: string, login: string, role: string): void;

  /**
   * Removes a member from the organization and its teams; their handles deny from then on.
   * @param actor The acting principal.
   * @param organization The organization.
   * @param login The member.
   * @throws {ScopegateError} `forbidden`, `not_found`, `conflict` or `invalid_argument`.
   * @example
   * gate.removeMember("ada", "acme", "zoe");
   */
  removeMember(actor: string, organization: string, login: string): void;

  /**
   * Changes a member's role.
   * @param actor The acting principal.
   * @param organization The organization.
   * @param login The member.
   * @param role The new role.
   * @throws {ScopegateError} `forbidden`, `not_found`, `conflict` or `invalid_argument`.
   * @example
   * gate.setMemberRole("ada", "acme", "zoe", "admin");
   */
  setMemberRole(actor: string, organization: string, login: string, role: string): void;

  /**
   * Creates a team; a user who creates one becomes its team admin.
   * @param actor The acting principal.
   * @param organization The organization.
   * @param team The team's name.
   * @throws {ScopegateError} `forbidden`, `not_found`, `conflict`, `invalid_name` or `invalid_argument`.
   * @example
   * gate.createTeam("ada", "acme", "web");
   */
  createTeam(actor: string, organization: string, team: string): void;

  /**
   * Deletes a team and its tokens.
   * @param actor The acting principal.
   * @param organization The organization.
   * @param team The team.
   * @throws {ScopegateError} `forbidden`, `not_found` or `invalid_argument`.
   * @example
   * gate.deleteTeam("ada", "acme", "web");
   */
  deleteTeam(actor: string, organization: string, team: string): void;

  /**
   * Adds a member to a team, or sets whether they administer it.
   * @param actor The acting principal.
   * @param organization The organization.
   * @param team The team.
   * @param login The member.
   * @param teamAdmin Whether they administer the team.
   * @throws {ScopegateError} `forbidden`, `not_found`, `conflict` or `invalid_argument`.
   * @example
   * gate.setTeamMember("ada", "acme", "web", "max", false);
   */
  setTeamMember(actor: string, organization: string, team: string, login: string, teamAdmin: boolean): void;

  /**
   * Removes a member from a team.
   * @param actor The acting principal.
   * @param organization The organization.
   * @param team The team.
   * @param login The member.
   * @throws {ScopegateError} `forbidden`, `not_found` or `invalid_argument`.
   * @example
   * gate.removeTeamMember("ada", "acme", "web", "max");
   */
  removeTeamMember(actor: string, organization: string, team: string, login: string): void;

  /**
   * Sets a team's permission on a stack, environment or account (`none` removes it).
   * @param actor The acting principal.
   * @param organization The organization.
   * @param team The team.
   * @param kind `stack`, `environment` or `account`.
   * @param entity `project/stack`, `project/environment` or the account, within the organization.
   * @param permission The level.
   * @throws {ScopegateError} `forbidden`, `not_found`, `invalid_value` or `invalid_argument`.
   * @example
   * gate.setTeamPermission("ada", "acme", "web", "stack", "app/prod", "write");
   */
  setTeamPermission(actor: string, organization: string, team: string, kind: EntityKind, entity: string, permission: Permission): void;

  /**
   * Assigns a custom role to a team, or removes it.
   * @param actor The acting principal.
   * @param organization The organization.
   * @param team The team.
   * @param role The custom role.
   * @param assigned Whether the team has the role.
   * @throws {ScopegateError} `forbidden`, `not_found`, `conflict` or `invalid_argument`.
   * @example
   * gate.setTeamRole("ada", "acme", "web", "Deployer", true);
   */
  setTeamRole(actor: string, organization: string, team: string, role: string, assigned: boolean): void;

  /**
   * Creates a stack; its creator receives an admin grant on it.
   * @param actor The acting principal.
   * @param organization The organization.
   * @param project The project.
   * @param stack The stack's name.
   * @param tags The stack's tags (`undefined` or `null`: none).
   * @throws {ScopegateError} `forbidden`, `not_found`, `conflict`, `invalid_name` or `invalid_argument`.
   * @example
   * gate.createStack("ada", "acme", "app", "dev", { env: "dev" });
   */
  createStack(actor: string, organization: string, project: string, stack: string, tags?: Record<string, string> | null): void;

  /**
   * Deletes a stack.
   * @param actor The acting principal.
   * @param stack `org/project/stack`.
   * @throws {ScopegateError} `forbidden`, `not_found` or `invalid_argument`.
   * @example
   * gate.deleteStack("ada", "acme/app/dev");
   */
  deleteStack(actor: string, stack: string): void;

  /**
   * Moves a stack to another organization.
   * @param actor The acting principal.
   * @param stack `org/project/stack`.
   * @param destination The destination organization.
   * @throws {ScopegateError} `forbidden`, `not_found`, `conflict` or `invalid_argument`.
   * @example
   * gate.transferStack("ada", "acme/app/dev", "globex");
   */
  transferStack(actor: string, stack: string, destination: string): void;

  /**
   * Sets a user's explicit permission on a stack (`none` removes it).
   * @param actor The acting principal.
   * @param stack `org/project/stack`.
   * @param login The user.
   * @param permission The level.
   * @throws {ScopegateError} `forbidden`, `not_found`, `invalid_value` or `invalid_argument`.
   * @example
   * gate.setStackPermission("ada", "acme/app/prod", "mia", "read");
   */
  setStackPermission(actor: string, stack: string, login: string, permission: Permission): void;

  /**
   * Removes the creator's admin grant from a stack.
   * @param actor The acting principal.
   * @param stack `org/project/stack`.
   * @throws {ScopegateError} `forbidden`, `not_found` or `invalid_argument`.
   * @example
   * gate.removeCreatorGrant("ada", "acme/app/dev");
   */
  removeCreatorGrant(actor: string, stack: string): void;

  /**
   * The current state as a snapshot, including every change applied in place, without HS256
   * key secrets (what `JSON.stringify(gate)` writes).
   * @example
   * const snapshot = gate.toJSON();
   */
  toJSON(): Snapshot;

  /**
   * The current state as a snapshot; with `options.includeSecrets`, HS256 key secrets too.
   * SECURITY: a snapshot holding an HS256 secret lets its holder mint tokens: never send one to
   * a browser.
   * @param options `includeSecrets`.
   * @throws {ScopegateError} `invalid_argument` for a bad option.
   * @example
   * const stored = gate.exportSnapshot({ includeSecrets: true });
   */
  exportSnapshot(options?: ExportOptions | null): Snapshot;

  /**
   * Releases the instance's memory; its methods throw afterwards (the glue's plain `Error`).
   * Its handles are no handles of any later instance.
   * @example
   * gate.free();
   */
  free(): void;
}

/**
 * `Symbol.dispose`, where the lib declares it (`using gate = new Scopegate(…)`); without the
 * `esnext.disposable` lib, `Disposable` is the empty interface below and nothing is required.
 */
export interface Scopegate extends Disposable {}

declare global {
  /** Merges with the `esnext.disposable` lib's `Disposable` where it exists (then `[Symbol.dispose](): void`). */
  interface Disposable {}
}

/** Every error code a `ScopegateError` can carry. Kept equal to the Rust list by a test. */
export type ScopegateErrorCode =
  | "invalid_json"
  | "unsupported_version"
  | "unknown_field"
  | "missing_field"
  | "wrong_type"
  | "invalid_value"
  | "invalid_name"
  | "duplicate"
  | "dangling_reference"
  | "invalid_reference"
  | "unknown_scope"
  | "scope_entity_mismatch"
  | "too_large"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "invalid_argument"
  | "malformed_token"
  | "unknown_token"
  | "token_expired"
  | "token_not_yet_valid"
  | "token_revoked"
  | "bad_signature"
  | "unknown_key"
  | "algorithm_not_allowed"
  | "invalid_claims"
  | "invalid_issuer"
  | "invalid_audience"
  | "expiry_policy_violation"
  | "wrong_organization"
  | "random_unavailable"
  | "snapshot_signature_invalid"
  | "snapshot_expired"
  | "delta_signature_invalid"
  | "delta_gap"
  | "delta_replay"
  | "delta_expired"
  | "changes_unavailable";

/** The codes of a snapshot that does not load: its `details.problems` list every problem. */
export type SnapshotErrorCode =
  | "invalid_json"
  | "unsupported_version"
  | "unknown_field"
  | "missing_field"
  | "wrong_type"
  | "invalid_value"
  | "invalid_name"
  | "duplicate"
  | "dangling_reference"
  | "invalid_reference"
  | "unknown_scope"
  | "scope_entity_mismatch"
  | "too_large";

/** One problem of a snapshot that does not load. */
export interface SnapshotProblem {
  code: ScopegateErrorCode;
  /** Where in the document, e.g. `organizations[0].teams[2].stacks["app/prod"]` (empty: the whole document). */
  path: string;
  /** What is wrong, in words. */
  message: string;
}

/**
 * The `details` of a `ScopegateError`, by code: a refused management action (`forbidden`) always
 * names the scope it needed and why it was missing; a snapshot that does not load
 * (`new Scopegate`, `fromSignedSnapshot`) lists every problem (the same codes thrown by a
 * management action carry no details); every other code has none.
 */
export type ScopegateErrorDetails<C extends ScopegateErrorCode = ScopegateErrorCode> = C extends "forbidden"
  ? { action: string; deny: Deny }
  : C extends SnapshotErrorCode
    ? { problems: [SnapshotProblem, ...SnapshotProblem[]] } | undefined
    : undefined;

export type Permission = "none" | "read" | "open" | "write" | "admin";
export type EntityKind = "stack" | "environment" | "account";
export type TokenKind = "personal" | "organization" | "team";

export type ReasonCode =
  | "org_admin"
  | "builtin_role"
  | "custom_role"
  | "team_token_baseline"
  | "default_permission"
  | "team_grant"
  | "role_rule"
  | "creator_grant"
  | "explicit_grant"
  | "setting"
  | "team_admin";

export type DenyCode =
  | "unknown_principal"
  | "unknown_scope"
  | "unknown_resource"
  | "invalid_resource"
  | "not_a_member"
  | "missing_scope"
  | "setting_disabled"
  | "machine_token"
  | "destination_denied"
  | "foreign_handle";

export type SettingName =
  | "membersCanCreateStacks"
  | "stackAdminsCanDeleteStacks"
  | "stackAdminsCanTransferStacks"
  | "membersCanCreateTeams"
  | "membersCanCreateAccounts"
  | "teamTokensGetMemberDefaults";

/** One source that grants the action, keyed by `code`; `message` says it in words. */
export type Reason =
  | { code: "org_admin" | "team_token_baseline" | "creator_grant"; message: string }
  | { code: "builtin_role"; message: string; role: string }
  | { code: "custom_role"; message: string; role: string; team?: string }
  | { code: "default_permission" | "explicit_grant"; message: string; permission: Permission }
  | { code: "team_grant"; message: string; team: string; permission: Permission }
  | { code: "role_rule"; message: string; role: string; team?: string; permissionSet: string }
  | { code: "setting"; message: string; setting: SettingName }
  | { code: "team_admin"; message: string; team: string };

/**
 * Why an action was denied, keyed by `code`; `message` is a whole sentence naming what was
 * wrong, e.g. "`nora` is not a member of `acme`.".
 */
export type Deny =
  | {
      code: "unknown_principal" | "foreign_handle" | "unknown_scope" | "unknown_resource" | "invalid_resource" | "not_a_member" | "machine_token";
      message: string;
    }
  | {
      code: "missing_scope";
      message: string;
      /** The scope no source grants. */
      scope: string;
      /** The principal's effective level on the entity (entity scopes). */
      permission?: Permission;
    }
  | { code: "setting_disabled"; message: string; /** The toggle that is off. */ setting: SettingName }
  | { code: "destination_denied"; message: string; /** The destination organization. */ organization: string };

/** An allowed action: every source that grants it (at least one), and no `deny` key. */
export interface Allowed {
  allowed: true;
  reasons: [Reason, ...Reason[]];
  deny?: never;
}

/** A denied action: no reasons, and why. */
export interface Denied {
  allowed: false;
  reasons: [];
  deny: Deny;
}

/** The answer of `explain`: never thrown, a deny is data. Narrow it on `allowed`. */
export type Explanation = Allowed | Denied;

export interface Settings {
  defaultStackPermission: Exclude<Permission, "open">;
  defaultEnvironmentPermission: Permission;
  defaultAccountPermission: Exclude<Permission, "open">;
  membersCanCreateStacks: boolean;
  stackAdminsCanDeleteStacks: boolean;
  stackAdminsCanTransferStacks: boolean;
  membersCanCreateTeams: boolean;
  membersCanCreateAccounts: boolean;
  teamTokensGetMemberDefaults: boolean;
  tokenExpiryPolicyDays: number | null;
}

/** Unknown fields are refused (`invalid_argument`), as in every options object. */
export interface AuthenticateOptions {
  /** Seconds since the epoch; defaults to the current time. */
  now?: number;
  /** The organization the request is against (checks the token's organization and expiry policy). */
  organization?: string;
}

/** A validated credential. */
export interface Authenticated {
  /** `token:<id>` or `user:<login>`, for `check`; `null` for a signed machine token with no record. */
  principal: string | null;
  /**
   * A principal handle for `checkAs`, `explainAs`, `checkHandles` and `searchResources`, valid on
   * this instance only (see `principalHandle`).
   */
  handle: number;
  tokenId: string;
  kind: TokenKind;
  organization: string | null;
  /** User login, team name or role the token acts as. */
  subject: string;
  /** Seconds since the epoch; 0 means never. */
  expires: number;
  /** A signed token (JWT), rather than an opaque one. */
  signed: boolean;
}

export interface MintRequest {
  /** Defaults to a personal token. */
  kind?: TokenKind;
  organization?: string;
  team?: string;
  /** Organization tokens: `member` (default), `admin`, or a custom role. */
  role?: string;
  /** Required for organization and team tokens; at most 40 characters. */
  name?: string;
  description?: string;
  /** Seconds since the epoch; 0 or absent means never (signed tokens must expire). */
  expires?: number;
}

export type SigningKeyInput =
  | { kid: string; alg?: "EdDSA"; privateKey: string; publicKey?: string }
  | { kid: string; alg: "HS256"; secret: string };

export interface MintOptions {
  now?: number;
  /** Mint a signed token (JWT) with this key instead of an opaque one. */
  signingKey?: SigningKeyInput;
}

export interface MintedToken {
  /** The token string: shown once, never stored. */
  token: string;
  id: string;
  /** The record to store in the snapshot (a digest only). */
  record: Record<string, unknown>;
  organization: string | null;
  user: string | null;
}

export interface GeneratedSigningKey {
  kid: string;
  alg: "EdDSA";
  /** base64url; keep secret. */
  privateKey: string;
  /** base64url; goes in `signing.keys`. */
  publicKey: string;
}

export interface ListTokensOptions {
  now?: number;
  showExpired?: boolean;
}

export interface TokenInfo {
  id: string;
  kind: TokenKind;
  name: string | null;
  description: string | null;
  subject: string;
  created: number;
  expires: number;
  deleted: boolean;
}

export interface SearchResourcesOptions {
  /** Only resources carrying every one of these tags (`key` equal to `value`). */
  tags?: Record<string, string>;
  /** Only resources carrying a tag of each of these keys, whatever its value: `{ owner: true }`. */
  hasTags?: Record<string, true>;
  /** At most this many ids per page. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

/** A page of `searchResources`, in creation order. */
export interface ResourcePage {
  /** `org/project/stack`, `org/project/environment`, `org/account`, `org/team` or `org`. */
  ids: string[];
  /** Pass as `options.cursor` for the next page; absent on the last one. */
  nextCursor?: string;
}

export interface SearchSubjectsOptions {
  /** List organization and team tokens as well as members. */
  tokens?: boolean;
}

/** A principal `searchSubjects` found, with the reasons `explain` gives. */
export interface Subject {
  /** `user:<login>` or `token:<id>`: a principal `check` accepts. */
  principal: string;
  /** The login, or the token's name. */
  name: string;
  kind: "user" | "token";
  reasons: [Reason, ...Reason[]];
}

/** One question of `evaluate`: an object, or a `[scope, resource]` pair asked as `options.principal`. */
export type EvaluationItem = { principal?: string; scope: string; resource: string } | [string, string];

export interface EvaluateOptions {
  /** The principal of every item that names none. */
  principal?: string;
  /** AuthZEN 1.0 semantics; the short-circuit ones stop the answers at the deciding item. */
  semantics?: "execute_all" | "deny_on_first_deny" | "permit_on_first_permit";
}

export interface ExportOptions {
  /** Include HS256 key secrets. A snapshot holding one lets its holder mint tokens: never send it to a browser. */
  includeSecrets?: boolean;
}

/** A revision: exact as a `bigint` or a string of digits; a `number` only up to 2⁵³−1. */
export type Revision = bigint | number | string;

export interface LoadOptions {
  /** Keep the verified-token cache (default `true`); `false` verifies every signed token's signature on every use. */
  tokenCache?: boolean;
}

export interface SignedLoadOptions extends LoadOptions {
  /** Seconds since the epoch, compared with the snapshot's `notAfter`; the current time by default. */
  now?: number;
}

export interface ApplyDeltaOptions {
  /** Seconds since the epoch, compared with the delta's `notAfter`; the current time by default. */
  now?: number;
}

export interface ChangesOptions {
  /** Seconds since the epoch after which the delta is refused (`notAfter`). */
  notAfter?: number;
}

/** A delta document as `changesSince` writes it and `applyDelta` reads it. */
export interface DeltaDocument {
  version: 1;
  /** The revision the changes apply to (a JSON number; read the text, not a parsed number, above 2⁵³). */
  baseRevision: number;
  /** The revision after them: `baseRevision` plus the number of changes. */
  revision: number;
  /** The changes, in order: `{ op: "addMember", org, login, role }`, `{ op: "setTeamPermission", … }`, … */
  changes: Array<{ op: string } & { [field: string]: unknown }>;
  /** Seconds since the epoch after which the delta is refused. */
  notAfter?: number;
}

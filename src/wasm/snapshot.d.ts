/**
 * A snapshot v1 document: every object of the format, field by field, as the Rust wire types
 * (`src/snapshot/wire.rs`) define it; a test checks each interface's fields and which are required
 * against them. The README's Snapshot section and `snapshot.schema.json` say what each field means
 * and which values it takes. SECURITY: a snapshot holding an HS256 `secret` lets its holder mint
 * tokens; never send one to a browser.
 */
export interface Snapshot {
  version: 1;
  revision?: number;
  /** Seconds since the epoch after which a signed copy is refused. */
  notAfter?: number;
  users?: SnapshotUser[];
  organizations?: SnapshotOrganization[];
  signing?: SnapshotSigning;
  revokedTokenIds?: string[];
}

export interface SnapshotUser {
  login: string;
  name?: string;
  /** Personal tokens. */
  tokens?: SnapshotToken[];
}

export interface SnapshotOrganization {
  name: string;
  settings?: SnapshotSettings;
  members?: SnapshotMember[];
  permissionSets?: SnapshotPermissionSet[];
  roles?: SnapshotRole[];
  teams?: SnapshotTeam[];
  stacks?: SnapshotStack[];
  environments?: SnapshotStack[];
  accounts?: SnapshotAccount[];
  /** Organization and team tokens. */
  tokens?: SnapshotToken[];
}

/** Every setting may be omitted; `null` or `0` days is no expiry policy. */
export interface SnapshotSettings {
  defaultStackPermission?: Exclude<Permission, "open">;
  defaultEnvironmentPermission?: Permission;
  defaultAccountPermission?: Exclude<Permission, "open">;
  membersCanCreateStacks?: boolean;
  stackAdminsCanDeleteStacks?: boolean;
  stackAdminsCanTransferStacks?: boolean;
  membersCanCreateTeams?: boolean;
  membersCanCreateAccounts?: boolean;
  teamTokensGetMemberDefaults?: boolean;
  tokenExpiryPolicyDays?: number | null;
}

export interface SnapshotMember {
  login: string;
  /** `admin`, `member` (the default), `billing-manager`, or a custom role. */
  role?: string;
}

export interface SnapshotPermissionSet {
  name: string;
  entity: "organization" | EntityKind;
  scopes?: string[];
  description?: string;
}

export interface SnapshotRole {
  name: string;
  description?: string;
  /** The organization-level permission set. */
  organization?: string;
  rules?: SnapshotRule[];
}

/** Exactly one selector: `all`, `entities` or `tags`. */
export interface SnapshotRule {
  entity: EntityKind;
  permissionSet: string;
  all?: true;
  entities?: string[];
  tags?: SnapshotTagCondition[];
}

export interface SnapshotTagCondition {
  key: string;
  value?: string;
}

export interface SnapshotTeam {
  name: string;
  displayName?: string;
  description?: string;
  kind?: "pulumi" | "github";
  members?: string[];
  admins?: string[];
  /** Grants by `project/stack`. */
  stacks?: Record<string, Exclude<Permission, "none" | "open">>;
  /** Grants by `project/environment`. */
  environments?: Record<string, Exclude<Permission, "none">>;
  /** Grants by account name. */
  accounts?: Record<string, Exclude<Permission, "none" | "open">>;
  roles?: string[];
}

/** A stack, or an environment (whose grants may also be `open`). */
export interface SnapshotStack {
  project: string;
  name: string;
  tags?: Record<string, string>;
  creator?: SnapshotCreator;
  /** Explicit grants by login. */
  grants?: Record<string, Exclude<Permission, "none">>;
}

export interface SnapshotAccount {
  name: string;
  tags?: Record<string, string>;
  creator?: SnapshotCreator;
  /** Explicit grants by login. */
  grants?: Record<string, Exclude<Permission, "none" | "open">>;
}

/** Exactly one of the two fields. */
export interface SnapshotCreator {
  user?: string;
  token?: string;
}

export interface SnapshotToken {
  id: string;
  /** `personal` under a user (the default there); `organization` or `team` under an organization. */
  kind?: TokenKind;
  name?: string;
  description?: string;
  team?: string;
  role?: string;
  /** SHA-256 of the token string: 64 lowercase hex characters. */
  digest?: string;
  created?: number;
  expires?: number;
  createdBy?: string;
  deleted?: boolean;
}

export interface SnapshotSigning {
  issuer?: string;
  audience?: string;
  leewaySeconds?: number;
  keys?: SnapshotKey[];
}

/** `publicKey` for `EdDSA`, `secret` for `HS256` (base64url without padding). */
export interface SnapshotKey {
  kid: string;
  alg: "EdDSA" | "HS256";
  publicKey?: string;
  secret?: string;
}

/** What a decision record is about. */
export type RecordKind = "check" | "explain" | "evaluate" | "authenticate" | "manage";

/** One decision, as an auditor reads it (see the README's Decision records section). */
export interface DecisionRecord {
  /** Seconds since the epoch. */
  timestamp: number;
  /** What was decided. */
  kind: RecordKind;
  /** The user login the principal acts as. */
  user: string | null;
  /** The token id, when a token asked or was authenticated (never the token string). */
  tokenID: string | null;
  /** The token's name (organization and team tokens). */
  tokenName: string | null;
  /** The scope asked for, the management action (`update_settings`, …), or `authenticate`. */
  action: string;
  /** The resource as asked, or the organization of an authentication (empty for none). */
  resource: string;
  /** Whether it was allowed, the credential accepted, or the action applied. */
  allowed: boolean;
  /** Reason codes of an allowed decision, the deny code of a denied one, the error code (and deny code) of a refusal. */
  reasons: string[];
  /** Whether the scope is one only organization admins hold by role. */
  reqOrgAdmin: boolean;
  /** Whether the scope is a stack scope beyond `write`. */
  reqStackAdmin: boolean;
  /** The snapshot revision. */
  revision: number;
  /** The request id given to `setRequestId`. */
  requestID: string | null;
  /** The client's address (not known to the module: always `null` from it). */
  sourceIP: string | null;
}

/** A change as data that a management action makes, for `preview`. */
export type PreviewChange =
  | { op: "updateSettings"; org: string; settings: Partial<Settings> }
  | { op: "addMember"; org: string; login: string; role: string }
  | { op: "removeMember"; org: string; login: string }
  | { op: "setMemberRole"; org: string; login: string; role: string }
  | { op: "createTeam"; org: string; team: string }
  | { op: "deleteTeam"; org: string; team: string }
  | { op: "setTeamMember"; org: string; team: string; login: string; admin?: boolean }
  | { op: "removeTeamMember"; org: string; team: string; login: string }
  | { op: "setTeamPermission"; org: string; team: string; kind: EntityKind; entity: string; permission: Permission }
  | { op: "setTeamRole"; org: string; team: string; role: string; assigned: boolean }
  | { op: "createStack"; org: string; project: string; stack: string; tags?: Record<string, string> }
  | { op: "deleteStack"; stack: string }
  | { op: "transferStack"; stack: string; destination: string }
  | { op: "setStackPermission"; stack: string; login: string; permission: Permission }
  | { op: "removeCreatorGrant"; stack: string }
  | { op: "deleteToken"; id: string };

/** `preview`'s options. */
export interface PreviewOptions {
  /** Seconds since the epoch for the tokens an expiry policy stops (default: now). */
  now?: number;
}

/** A decision before or after a change. */
export interface PreviewDecision {
  /** Whether it allows. */
  allowed: boolean;
  /** Its reason codes, or its deny code. */
  reasons: string[];
}

/** One scope whose answer turns in a block. */
export interface ScopeTurn {
  /** The scope. */
  scope: string;
  /** The answer after (the answer before is the opposite). */
  allowed: boolean;
  /** The decision before, for the block's first principal and resource. */
  before: PreviewDecision;
  /** The decision after, for the same question. */
  after: PreviewDecision;
}

/** Every principal of `principals` has every scope of `scopes` turned on every resource of `resources`. */
export interface AccessBlock {
  /** Principal strings (`user:<login>`, `token:<id>`). */
  principals: string[];
  /** Resource strings (`org`, `org/team`, `org/project/stack`, …). */
  resources: string[];
  /** The scopes that turn. */
  scopes: ScopeTurn[];
}

/** Every answer that differs, in blocks grouped by principals and resources. */
export interface AccessDiff {
  /** How many (principal, scope, resource) answers turn. */
  count: number;
  /** The blocks. */
  changes: AccessBlock[];
}

/** A token that a change would stop from validating. */
export interface StoppedToken {
  /** The token id. */
  id: string;
  /** Its kind. */
  kind: TokenKind;
  /** Its name (organization and team tokens). */
  name: string | null;
  /** The organization whose policy would refuse it. */
  organization: string;
  /** Expiry in seconds since the epoch; 0 means never. */
  expires: number;
}

/** What a change would do, without making it. */
export interface AccessPreview extends AccessDiff {
  /** Whether the actor may make the change. */
  allowed: boolean;
  /** Why not, when not allowed. */
  refusal: { code: ScopegateErrorCode; message: string } | null;
  /** The tokens a stricter expiry policy would stop. */
  stoppedTokens: StoppedToken[];
}

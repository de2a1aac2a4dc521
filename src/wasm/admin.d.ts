// The members and types of the admin build only (`cargo build --features admin`: the sample
// site's module, `./scripts/build-web.sh --admin`; README, "The admin build"). Not shipped in the
// npm package, whose module lacks these members. Read after the package's declarations (it names
// their types), `interface Scopegate` merges into the `Scopegate` class; the statics are typed by
// `ScopegateAdminStatics` (`Scopegate as typeof Scopegate & ScopegateAdminStatics`).

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

/** The instance members the admin build adds to `Scopegate`. */
export interface Scopegate {
  /**
   * What a change would do if `actor` made it now, without making it: every answer it turns, in
   * blocks, with the decision before and after; whether the actor may make it at all; and the
   * tokens a stricter expiry policy would stop.
   * @param actor The principal making the change.
   * @param change The change as data.
   * @param options `now` for the expiry policy.
   * @throws {ScopegateError} a snapshot code (`missing_field`, `unknown_field`, `invalid_value`) for a malformed change, `invalid_argument` for other arguments.
   * @example
   * const p = gate.preview("ada", { op: "updateSettings", org: "acme", settings: { membersCanCreateTeams: true } });
   * p.allowed; // true
   * p.changes[0]?.principals.length; // 4
   */
  preview(actor: string, change: PreviewChange, options?: PreviewOptions | null): AccessPreview;

  /**
   * Every answer that differs from this state to another snapshot's, in blocks.
   * @param snapshot The other snapshot (an object or JSON text).
   * @throws {ScopegateError} a snapshot code when the other snapshot is invalid.
   * @example
   * gate.diff(gate.toJSON()).count; // 0
   */
  diff(snapshot: Snapshot | string): AccessDiff;
}

/** The static members the admin build adds to `Scopegate` (`Scopegate.decisionRecordsToCef(…)`). */
export interface ScopegateAdminStatics {
  /**
   * Audit log events of decision records (README, "Decision records"), one JSON object a line.
   * @param records Records as `onDecision` gives them.
   * @throws {ScopegateError} `invalid_argument` when `records` is not an array of records.
   * @example
   * const text = Scopegate.decisionRecordsToJsonLines(records); // "{\"timestamp\":…}\n…"
   */
  decisionRecordsToJsonLines(records: DecisionRecord[]): string;

  /**
   * Decision records as CEF lines (README, "Decision records"), one a line.
   * @param records Records as `onDecision` gives them.
   * @throws {ScopegateError} `invalid_argument` when `records` is not an array of records.
   * @example
   * const text = Scopegate.decisionRecordsToCef(records); // "CEF:0|Pulumi|scopegate|…\n"
   */
  decisionRecordsToCef(records: DecisionRecord[]): string;
}

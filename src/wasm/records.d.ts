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

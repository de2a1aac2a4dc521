// Type-checked (never run) against the installed package's declarations by tests/js/types.test.mjs:
// the public surface is usable from strict TypeScript and has no `any`.
import init, { initSync, isScopegateError, Scopegate, ScopegateError } from "scopegate";
import wasm from "scopegate/scopegate_bg.wasm";
import * as everything from "scopegate";
import { Can, ScopegateProvider, useCan, useExplain, useSearchResources } from "scopegate/react";
import type { ReactNode } from "react";
import type {
  Authenticated,
  Deny,
  DenyCode,
  EntityKind,
  Explanation,
  GeneratedSigningKey,
  InitInput,
  InitOutput,
  MintedToken,
  MintRequest,
  Permission,
  Reason,
  ScopegateErrorCode,
  Settings,
  SigningKeyInput,
  Snapshot,
  TokenInfo,
  Revision,
} from "scopegate";

// --- No `any` anywhere on the class: every method's parameters and result, and the statics. ---
type IsAny<T> = 0 extends 1 & T ? true : false;
type HasAny<F> = F extends (...args: infer A) => infer R
  ? IsAny<R> extends true
    ? true
    : true extends { [K in keyof A]: IsAny<A[K]> }[number]
      ? true
      : false
  : IsAny<F>;
const instanceHasNoAny: { [K in keyof Scopegate]: false } = {} as { [K in keyof Scopegate]: HasAny<Scopegate[K]> };
const staticsHaveNoAny: [false, false, false] = [
  false as HasAny<typeof Scopegate.generateSigningKey>,
  false as HasAny<typeof Scopegate.errorCodes>,
  false as IsAny<ConstructorParameters<typeof Scopegate>[0]>,
];
// --- Nor on anything else the package exports (the loaders, and what they return). ---
type Exports = typeof everything;
const exportsHaveNoAny: { [K in keyof Exports]: false } = {} as { [K in keyof Exports]: HasAny<Exports[K]> };
const initOutputHasNoAny: { [K in keyof InitOutput]-?: false } = {} as { [K in keyof InitOutput]-?: HasAny<InitOutput[K]> };

// --- Loading: init (browser/workerd; a no-op under Node), or initSync with bytes / a Module. ---
async function load(input?: InitInput): Promise<Scopegate> {
  await init(input === undefined ? undefined : { module_or_path: input });
  const snapshot: Snapshot = {
    version: 1,
    revision: 3,
    organizations: [{ name: "acme", members: [{ login: "ada", role: "admin" }] }],
    signing: { issuer: "https://auth.example.test", keys: [{ kid: "k1", alg: "EdDSA", publicKey: "AAAA" }] },
  };
  return new Scopegate(snapshot);
}
function loadSync(bytes: Uint8Array, text: string): Scopegate {
  initSync({ module: bytes });
  return new Scopegate(text);
}

// --- Questions. ---
function questions(sg: Scopegate): string {
  const allowed: boolean = sg.check("ada", "stack:read", "acme/app/prod");
  const why: Explanation = sg.explain("ada", "stack:read", "acme/app/prod");
  const parts: string[] = [String(allowed)];
  // The answer is a union discriminated by `allowed`; `deny` and `reasons` keyed by `code`.
  if (why.allowed) {
    const first: Reason = why.reasons[0];
    parts.push(first.code, first.message);
    if (first.code === "team_grant") parts.push(first.team, first.permission);
    if (first.code === "role_rule") parts.push(first.role, first.permissionSet, first.team ?? "");
    // @ts-expect-error: an allow has no deny
    parts.push(why.deny.code);
  } else {
    const deny: Deny = why.deny;
    parts.push(describeDeny(deny.code), deny.message);
    if (deny.code === "setting_disabled") parts.push(deny.setting);
    if (deny.code === "missing_scope") parts.push(deny.scope, deny.permission ?? "");
    if (deny.code === "destination_denied") parts.push(deny.organization);
    // @ts-expect-error: only setting_disabled names a setting
    if (deny.code === "not_a_member") parts.push(deny.setting);
  }
  const level: Permission = sg.effectivePermission("ada", "stack", "acme/app/prod");
  const kind: EntityKind = "environment";
  const actions: string[] = sg.allowedActions("ada", "acme/shared/prod", kind);
  const orgActions: string[] = sg.allowedActions("ada", "acme");
  parts.push(orgActions.join());
  const settings: Settings | undefined = sg.settings("acme");
  const revision: bigint = sg.revision;
  const transfer: Explanation = sg.explainTransfer("ada", "acme/app/prod", "globex");
  const handle: number | undefined = sg.principalHandle("ada");
  parts.push(level, actions.join(), String(settings?.tokenExpiryPolicyDays ?? null), String(revision), String(transfer.allowed), String(handle));
  // @ts-expect-error: not an entity kind
  sg.effectivePermission("ada", "widget", "acme/app/prod");
  // @ts-expect-error: `check` answers a boolean, never an explanation
  const wrong: Explanation = sg.check("ada", "stack:read", "acme/app/prod");
  return parts.join(" ") + String(wrong);
}

/** Exhaustive over the deny codes: the union is closed, not `string`. */
function describeDeny(code: DenyCode): string {
  switch (code) {
    case "unknown_principal":
    case "foreign_handle":
    case "unknown_scope":
    case "unknown_resource":
    case "invalid_resource":
      return "unknown";
    case "not_a_member":
    case "missing_scope":
    case "machine_token":
    case "destination_denied":
      return "no";
    case "setting_disabled":
      return "setting";
    default: {
      const never: never = code;
      return never;
    }
  }
}

// --- Errors: `instanceof ScopegateError` (or `isScopegateError`), then `details` by `code`. ---
interface HeadersLike {
  get(name: string): string | null;
}
function authenticate(sg: Scopegate, headers: HeadersLike): Authenticated | number {
  try {
    // As the README: a missing header is `null`, refused as `malformed_token`.
    const who = sg.authenticate(headers.get("authorization"), { organization: "acme" });
    sg.checkAs(who.handle, "stack:read", "acme/website/prod");
    return sg.authenticate(headers.get("authorization") ?? undefined, { now: 1_767_225_600, organization: "acme" });
  } catch (e) {
    if (!(e instanceof ScopegateError)) throw e;
    if (e.code === "forbidden") return e.details.deny.message.length;
    if (e.code === "invalid_json") return e.details?.problems[0].path.length ?? 0;
    const guarded: unknown = e;
    if (isScopegateError(guarded) && guarded.code === "not_found") {
      const none: undefined = guarded.details;
      void none;
    }
    const code: ScopegateErrorCode = e.code;
    switch (code) {
      case "token_expired":
      case "token_revoked":
        return 401;
      case "wrong_organization":
        return 403;
      default:
        break;
    }
    const problems = e.code === "duplicate" ? (e.details?.problems ?? []) : [];
    const paths: string[] = problems.map((p) => `${p.path}: ${p.code}`);
    // @ts-expect-error: not an error code
    const bogus: ScopegateErrorCode = "no_such_code";
    return paths.length + String(bogus).length;
  }
}

// --- Minting: MintRequest, signing keys, the minted token. ---
function mint(sg: Scopegate): [MintedToken, MintedToken, TokenInfo[]] {
  const request: MintRequest = { kind: "organization", organization: "acme", name: "ci", role: "admin", expires: 1_800_000_000 };
  const personal: MintRequest = {};
  // @ts-expect-error: not a token kind
  const robot: MintRequest = { kind: "robot" };
  // @ts-expect-error: unknown field
  const extra: MintRequest = { colour: "blue" };
  const key: GeneratedSigningKey = Scopegate.generateSigningKey("k1");
  const signingKey: SigningKeyInput = { kid: key.kid, alg: key.alg, privateKey: key.privateKey };
  const hs: SigningKeyInput = { kid: "hs", alg: "HS256", secret: "c2VjcmV0" };
  const signed: MintedToken = sg.mintToken("ada", request, { now: 1_767_225_600, signingKey });
  const opaque: MintedToken = sg.mintToken("ada", personal);
  sg.mintToken("ada", request, { signingKey: hs });
  const token: string = signed.token;
  const org: string | null = signed.organization;
  sg.deleteToken("ada", opaque.id);
  const mine: TokenInfo[] = sg.listTokens("ada");
  const inAcme: TokenInfo[] = sg.listTokens("ada", "acme");
  return [signed, opaque, [...mine, ...inAcme, ...sg.listTokens("ada", "acme", { showExpired: true })].filter(() => token !== org && !robot && !extra)];
}

// --- Management returns nothing; refusals throw. ---
function manage(sg: Scopegate): void {
  sg.updateSettings("ada", "acme", { membersCanCreateTeams: true, defaultStackPermission: "read" });
  // @ts-expect-error: `open` is an environment level only
  sg.updateSettings("ada", "acme", { defaultStackPermission: "open" });
  sg.setTeamPermission("ada", "acme", "web", "stack", "app/prod", "write");
  sg.createStack("ada", "acme", "app", "dev", { env: "dev" });
  sg.createStack("ada", "acme", "app", "staging");
  sg.addMember("ada", "acme", "zoe", "member");
  sg.setMemberRole("ada", "acme", "zoe", "admin");
  sg.createTeam("ada", "acme", "web");
  sg.setTeamMember("ada", "acme", "web", "zoe", true);
  sg.setTeamRole("ada", "acme", "web", "Deployer", true);
  sg.removeTeamMember("ada", "acme", "web", "zoe");
  sg.deleteTeam("ada", "acme", "web");
  sg.removeMember("ada", "acme", "zoe");
  sg.setStackPermission("ada", "acme/app/prod", "mia", "read");
  sg.removeCreatorGrant("ada", "acme/app/dev");
  sg.transferStack("ada", "acme/app/dev", "globex");
  sg.deleteStack("ada", "acme/app/staging");
  const exported: Snapshot = sg.exportSnapshot({ includeSecrets: false });
  const plain: Snapshot = sg.toJSON();
  const same: Snapshot = sg.exportSnapshot();
  const orgs: string[] = sg.organizations;
  void [exported, plain, same, orgs];
  const codes: ScopegateErrorCode[] = Scopegate.errorCodes();
  void codes;
}

// --- Releasing: free() and `using`. ---
function release(sg: Scopegate, snapshot: Snapshot): boolean {
  sg.free();
  return new Scopegate(snapshot).check("ada", "stack:read", "acme/app/prod");
}

// --- Handles, searches and batches. ---
function fast(sg: Scopegate): boolean[] {
  const max = sg.principalHandle("max");
  const write = sg.targetHandle("stack:write", "acme/website/prod");
  const answers: boolean[] = [];
  if (max !== undefined && write !== undefined) {
    answers.push(sg.checkHandles(max, write), sg.checkAs(max, "stack:write", "acme/website/prod"));
    const why: Explanation = sg.explainAs(max, "stack:delete", "acme/website/prod");
    answers.push(why.allowed);
    const page = sg.searchResources(max, "stack:read", "acme");
    answers.push(page.ids.length > 0);
  }
  const page = sg.searchResources("max", "stack:write", "acme", { tags: { env: "prod" }, hasTags: { owner: true }, limit: 50 });
  const next: string | undefined = page.nextCursor;
  if (next !== undefined) sg.searchResources("max", "stack:write", "acme", { cursor: next });
  const first: string | undefined = page.ids[0];
  const subjects = sg.searchSubjects("stack:write", "acme/website/prod", { tokens: true });
  const subject = subjects[0];
  if (subject !== undefined) answers.push(subject.kind === "user", subject.reasons[0].code === "org_admin");
  answers.push(...sg.evaluate([{ principal: "max", scope: "stack:read", resource: "acme/app/prod" }, ["stack:write", "acme/app/prod"]], { principal: "max", semantics: "deny_on_first_deny" }));
  answers.push(...sg.evaluate([["stack:read", "acme/app/prod"]]));
  answers.push(first === undefined);
  // @ts-expect-error: exactOptionalPropertyTypes: an option is absent or a number, not undefined
  sg.searchResources("max", "stack:read", "acme", { limit: undefined });
  return answers;
}

// --- Live policy: deltas out and in, revisions as bigint, subscriptions, the token cache option. ---
function live(origin: Scopegate, edge: Scopegate, text: string): bigint {
  const key: GeneratedSigningKey = Scopegate.generateSigningKey("origin");
  const since: Revision = edge.revision;
  const delta: string = origin.changesSince(since, { notAfter: 1_800_000_000 });
  origin.changesSince("18446744073709551615");
  origin.changesSince(3);
  const signature: string = Scopegate.signSnapshot(delta, key.privateKey);
  const unsubscribe: () => void = edge.subscribe((revision: bigint) => void (revision + 1n));
  const next: bigint = edge.applyDelta(delta, signature, key.publicKey);
  edge.applyDelta(delta, signature, key.publicKey, { now: 1_700_000_000 });
  unsubscribe();
  const uncached = new Scopegate(text, { tokenCache: false });
  Scopegate.fromSignedSnapshot(text, signature, key.publicKey, { now: 1_700_000_000, tokenCache: false });
  // @ts-expect-error: a listener gets a bigint, not a number
  edge.subscribe((revision: string) => revision);
  // @ts-expect-error: an unknown option
  new Scopegate(text, { cache: false });
  return next + uncached.revision;
}

// --- scopegate/react: typed provider, hooks and <Can>. ---
function Panel(): ReactNode {
  const allowed: boolean = useCan("max", "stack:write", "acme/website/prod");
  const why: Explanation = useExplain("max", "stack:delete", "acme/website/prod");
  const page = useSearchResources("max", "stack:read", "acme", { limit: 5 });
  const ids: string[] = page.ids;
  // @ts-expect-error: useCan answers a boolean
  const wrong: string = useCan("max", "stack:write", "acme/website/prod");
  return Can({ principal: "max", scope: "stack:write", resource: "acme/website/prod", fallback: String(allowed && why.allowed), children: ids.join() + wrong });
}
function provide(sg: Scopegate): ReactNode {
  return ScopegateProvider({ engine: sg, children: Panel() });
}

// --- Signed snapshots, keys and the `.wasm` subpath. ---
function signed(text: string): Scopegate {
  const key: GeneratedSigningKey = Scopegate.generateSigningKey("snap");
  const signature: string = Scopegate.signSnapshot(text, key.privateKey);
  initSync({ module: wasm });
  return Scopegate.fromSignedSnapshot(text, signature, key.publicKey);
}

export { authenticate, exportsHaveNoAny, fast, live, provide, signed, initOutputHasNoAny, instanceHasNoAny, load, loadSync, manage, mint, questions, release, staticsHaveNoAny };

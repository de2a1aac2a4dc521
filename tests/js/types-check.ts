// Type-checked (never run) against the installed package's declarations by tests/js/types.test.mjs:
// the public surface is usable from strict TypeScript and has no `any`.
import init, { initSync, Scopegate } from "scopegate";
import * as everything from "scopegate";
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
  ScopegateError,
  ScopegateErrorCode,
  Settings,
  SigningKeyInput,
  Snapshot,
  TokenInfo,
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
  const first: Reason | undefined = why.reasons[0];
  const parts: string[] = [String(allowed), String(why.allowed), first?.code ?? "", first?.team ?? "", first?.role ?? ""];
  if (why.deny !== undefined) {
    const deny: Deny = why.deny;
    parts.push(describeDeny(deny.code), deny.message, deny.setting ?? "");
  }
  const level: Permission = sg.effectivePermission("ada", "stack", "acme/app/prod");
  const kind: EntityKind = "environment";
  const actions: string[] = sg.allowedActions("ada", "acme/shared/prod", kind);
  const settings: Settings | undefined = sg.settings("acme");
  const revision: number = sg.revision;
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

// --- Errors: narrowing on `name`, then on the code union. ---
function isScopegateError(e: unknown): e is ScopegateError {
  return e instanceof Error && e.name === "ScopegateError";
}
function authenticate(sg: Scopegate, header: string): Authenticated | number {
  try {
    return sg.authenticate(header, { now: 1_767_225_600, organization: "acme" });
  } catch (e) {
    if (!isScopegateError(e)) throw e;
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
    const problems = e.details?.problems ?? [];
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
  // The generated declaration makes `options` required (the runtime accepts it omitted).
  const opaque: MintedToken = sg.mintToken("ada", personal, {});
  sg.mintToken("ada", request, { signingKey: hs });
  const token: string = signed.token;
  const org: string | null = signed.organization;
  sg.deleteToken("ada", opaque.id);
  return [signed, opaque, sg.listTokens("ada", "acme", { showExpired: true }).filter(() => token !== org && !robot && !extra)];
}

// --- Management returns nothing; refusals throw. ---
function manage(sg: Scopegate): void {
  sg.updateSettings("ada", "acme", { membersCanCreateTeams: true, defaultStackPermission: "read" });
  // @ts-expect-error: `open` is an environment level only
  sg.updateSettings("ada", "acme", { defaultStackPermission: "open" });
  sg.setTeamPermission("ada", "acme", "web", "stack", "app/prod", "write");
  sg.createStack("ada", "acme", "app", "dev", { env: "dev" });
  const codes: ScopegateErrorCode[] = Scopegate.errorCodes();
  void codes;
}

// --- Releasing: free() and `using`. ---
function release(sg: Scopegate, snapshot: Snapshot): boolean {
  sg.free();
  using scoped = new Scopegate(snapshot);
  return scoped.check("ada", "stack:read", "acme/app/prod");
}

export { authenticate, exportsHaveNoAny, initOutputHasNoAny, instanceHasNoAny, load, loadSync, manage, mint, questions, release, staticsHaveNoAny };

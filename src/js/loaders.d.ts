// ---- The loaders and the error class (written by hand). No lib beyond ES2022 is needed: the
// few host shapes the loaders take are declared here.

/** A URL (`URL` in browsers, Node and workerd), as the loaders read it. */
export interface UrlLike {
  readonly href: string;
}

/** A fetch `Response`, as `init` reads it. */
export interface ResponseLike {
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** A fetch `Request`, as `init` reads it. */
export interface RequestLike {
  readonly url: string;
}

/**
 * A compiled `WebAssembly.Module` (what workerd and bundlers give for an imported `.wasm`).
 * Declared as any object, so that no `dom` or `WebAssembly` declarations are needed.
 */
export type WasmModule = object;

/** What `init` loads: a URL or request to fetch, a response, the module's bytes or a compiled module. */
export type InitInput = string | UrlLike | RequestLike | ResponseLike | ArrayBuffer | ArrayBufferView | WasmModule;

/** What `initSync` loads: the module's bytes or a compiled module. */
export type SyncInitInput = ArrayBuffer | ArrayBufferView | WasmModule;

/** The loaded module: its memory in the web build; `{}` under Node, where the module loads itself. */
export interface InitOutput {
  readonly memory?: object;
}

/**
 * Instantiates the module synchronously (workerd: the `.wasm` bound as a module). Does nothing
 * once the module is loaded, and under Node.
 * @param module `{ module }`: the module's bytes or a compiled `WebAssembly.Module`.
 * @throws {WebAssembly.CompileError} when the bytes are not the package's module.
 * @example
 * import wasm from "scopegate/scopegate_bg.wasm";
 * initSync({ module: wasm });
 */
export function initSync(module: { module: SyncInitInput }): InitOutput;
/**
 * Instantiates the module synchronously from its bytes or a compiled module (the older form).
 * @param module The module's bytes or a compiled `WebAssembly.Module`.
 * @throws {WebAssembly.CompileError} when the bytes are not the package's module.
 * @example
 * initSync(readFileSync("node_modules/scopegate/web/scopegate_bg.wasm"));
 */
export function initSync(module: SyncInitInput): InitOutput;

/**
 * Loads the module: with no argument, fetches `scopegate_bg.wasm` next to the web build. Does
 * nothing once the module is loaded, and under Node.
 * @param module `{ module_or_path }`: a URL, a request, a response, bytes or a compiled module.
 * @throws {TypeError} when the module cannot be fetched.
 * @example
 * await init();
 */
export default function init(module?: { module_or_path: InitInput | Promise<InitInput> }): Promise<InitOutput>;
/**
 * Loads the module from a URL, a response, bytes or a compiled module (the older form).
 * @param module What to load.
 * @throws {TypeError} when the module cannot be fetched.
 * @example
 * await init(new URL("./scopegate_bg.wasm", import.meta.url));
 */
export default function init(module: InitInput | Promise<InitInput>): Promise<InitOutput>;

/** Every `ScopegateError`, as a union discriminated by `code` (narrow `details` on it). */
export type AnyScopegateError = { [C in ScopegateErrorCode]: ScopegateError<C> }[ScopegateErrorCode];

/**
 * Whether `value` is an error the module threw (an `Error` named `ScopegateError` with a
 * `code`), from any copy of the package; narrows to the union keyed by `code`.
 * @param value Anything caught.
 * @example
 * try { gate.authenticate(header); } catch (e) { if (isScopegateError(e) && e.code === "token_expired") return 401; throw e; }
 */
export function isScopegateError(value: unknown): value is AnyScopegateError;

/**
 * The error every throwing method throws: an `Error` whose `name` is `"ScopegateError"`, with a
 * stable `code` and a `message` that is a whole sentence naming what was wrong (for an invalid
 * argument, the argument: "`principal` must be a string, not a number."). `instanceof
 * ScopegateError` recognizes every error the module throws, in every runtime (the check is by
 * name and code, through `Symbol.hasInstance`), and narrows to the union keyed by `code`.
 *
 * Arguments are checked before anything else: a value of the wrong type in any position is
 * `invalid_argument`, and the instance keeps working. Optional arguments accept `undefined` and
 * `null`. Options and request objects refuse fields they do not define. Strings are measured
 * before they are copied into the module: a credential longer than 8192 bytes is
 * `malformed_token`; a name longer than 4096 UTF-16 code units (no snapshot can hold one) is the
 * deny of an unknown name in a question, and `invalid_argument` in a management action or a token
 * method; snapshot text has no limit.
 *
 * Not a `ScopegateError`: calling a method of an instance after `free()` throws the generated
 * glue's plain `Error` ("null pointer passed to rust").
 * @example
 * try { gate.addMember("max", "acme", "zoe", "member"); }
 * catch (e) { if (e instanceof ScopegateError && e.code === "forbidden") console.log(e.details.deny.message); }
 */
export class ScopegateError<C extends ScopegateErrorCode = ScopegateErrorCode> extends Error {
  /**
   * An error of the same shape as the module's (for tests and wrappers).
   * @param code The stable code.
   * @param message A whole sentence.
   * @param details The code's details.
   * @example
   * new ScopegateError("not_found", "There is no organization `acme`.");
   */
  constructor(code: C, message: string, details?: ScopegateErrorDetails<C>);
  readonly name: "ScopegateError";
  /** The stable code (`Scopegate.errorCodes()` lists them all). */
  readonly code: C;
  /** By code: see `ScopegateErrorDetails`. */
  readonly details: ScopegateErrorDetails<C>;
  /**
   * Whether `value` is an error the module threw (as `isScopegateError`).
   * @param value Anything caught.
   */
  static [Symbol.hasInstance](value: unknown): value is AnyScopegateError;
}

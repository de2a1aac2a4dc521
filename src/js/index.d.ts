// The package's types: the engine's declarations as wasm-bindgen generates them (scopegate.d.ts,
// from the Node build, which declares no loader), and the loaders of the web build, declared here
// without the module's raw export table (its internal ABI, typed with `any`).
export * from './scopegate.js';

/** What `init` loads: a URL or request to fetch, a response, the module's bytes or a compiled module. */
export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

/** What `initSync` loads: the module's bytes or a compiled module. */
export type SyncInitInput = BufferSource | WebAssembly.Module;

/** The loaded module: its memory in the web build; `{}` under Node, where the module loads itself. */
export interface InitOutput {
  readonly memory?: WebAssembly.Memory;
}

/**
 * Instantiates the module synchronously from its bytes or a compiled `WebAssembly.Module`
 * (workerd: the `.wasm` bound as a module). Does nothing once the module is loaded, and under Node.
 */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;

/**
 * Loads the module: with no argument, fetches `scopegate_bg.wasm` next to the web build.
 * Does nothing once the module is loaded, and under Node.
 */
export default function init(
  module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>,
): Promise<InitOutput>;

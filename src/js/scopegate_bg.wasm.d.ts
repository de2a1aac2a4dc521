// The types of `scopegate/scopegate_bg.wasm`: the compiled module, as workerd (a `wasm` module
// binding) and bundlers that compile `.wasm` imports give it; pass it to `initSync({ module })`.
// Declared as any object, so that no `dom` or `WebAssembly` declarations are needed.

/** The package's compiled WebAssembly module (a `WebAssembly.Module`). */
declare const module: object;
export default module;

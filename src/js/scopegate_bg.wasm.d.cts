// The types of `scopegate/scopegate_bg.wasm` for `require` and for resolvers that read no
// `exports` (the same value as scopegate_bg.wasm.d.ts, as a CommonJS export).

/** The package's compiled WebAssembly module (a `WebAssembly.Module`). */
declare const module: object;
export = module;

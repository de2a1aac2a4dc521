// The package entry for browsers and workerd: wasm-bindgen's web build (scopegate.js), as
// generated.
export * from './scopegate.js';
export { default } from './scopegate.js';

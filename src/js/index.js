// The package entry for browsers and workerd: wasm-bindgen's web build (scopegate.js, as
// generated), with id interning for `check` installed on its class.
import { Scopegate } from './scopegate.js';
import { installInterning } from './intern.js';

installInterning(Scopegate);

export * from './scopegate.js';
export { default } from './scopegate.js';

// The package entry for browsers and workerd: wasm-bindgen's web build (scopegate.js), as
// generated, and the error class the module's errors are instances of.
export * from './scopegate.js';
export { default } from './scopegate.js';

/** Whether `value` is an error the module threw: an `Error` named `ScopegateError` with a `code`. */
export function isScopegateError(value) {
  return value instanceof Error && value.name === 'ScopegateError' && typeof value.code === 'string';
}

/**
 * The class of every error the module throws. The module throws plain `Error`s named
 * `ScopegateError`; `instanceof ScopegateError` recognizes them (and any error so named, from any
 * copy of the package or realm) through `Symbol.hasInstance`.
 */
export class ScopegateError extends Error {
  constructor(code, message, details) {
    super(message);
    this.name = 'ScopegateError';
    this.code = code;
    if (details !== undefined) this.details = details;
  }

  static [Symbol.hasInstance](value) {
    return isScopegateError(value);
  }
}

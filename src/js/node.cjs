'use strict';
// The package entry for Node's `require`: wasm-bindgen's Node build (web/scopegate.cjs, as
// generated), which compiles and instantiates the module synchronously when first loaded, next to
// the web build it shares the module with. `init()` and `initSync()` exist so that code written
// for browsers and workerd runs unchanged; here they do nothing. `ScopegateError` and
// `isScopegateError` are those of the web entry (web/index.js), written again in CommonJS.
module.exports = require('./web/scopegate.cjs');
module.exports.initSync = function initSync() {
  return {};
};
module.exports.default = async function init() {
  return {};
};

function isScopegateError(value) {
  return value instanceof Error && value.name === 'ScopegateError' && typeof value.code === 'string';
}

class ScopegateError extends Error {
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

module.exports.isScopegateError = isScopegateError;
module.exports.ScopegateError = ScopegateError;
Object.defineProperty(module.exports, '__esModule', { value: true });

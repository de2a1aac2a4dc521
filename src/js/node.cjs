'use strict';
// The package entry for Node's `require`: wasm-bindgen's Node build (web/scopegate.cjs, as
// generated), which compiles and instantiates the module synchronously when first loaded, next to
// the web build it shares the module with. `init()` and `initSync()` exist so that code written
// for browsers and workerd runs unchanged; here they do nothing.
module.exports = require('./web/scopegate.cjs');
module.exports.initSync = function initSync() {
  return {};
};
module.exports.default = async function init() {
  return {};
};
Object.defineProperty(module.exports, '__esModule', { value: true });

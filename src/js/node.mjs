// The package entry for Node's `import`: the CommonJS entry (node.cjs), so that `import` and
// `require` share one instance of the module.
import scopegate from './node.cjs';

export const { Scopegate, initSync, isScopegateError, ScopegateError } = scopegate;
export default scopegate.default;

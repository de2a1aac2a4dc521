// Type-checked with the `esnext.disposable` lib by tests/js/types.test.mjs: where the lib declares
// `Symbol.dispose`, the class has it, so `using` works.
import { Scopegate } from "scopegate";
import type { Snapshot } from "scopegate";

export function scoped(snapshot: Snapshot): boolean {
  using gate = new Scopegate(snapshot);
  gate[Symbol.dispose]();
  return gate.check("ada", "stack:read", "acme/app/prod");
}

// The workerd suites' check collector: it gathers failures and throws them all at the end, so
// one run shows every mismatch.

/** A collector for `suite`: `ok`, `eq`, then `done` (throws if any check failed). */
export function checker(suite) {
  const failures = [];
  let checks = 0;
  return {
    ok(condition, message) {
      checks += 1;
      if (!condition) failures.push(message);
    },
    eq(got, want, message) {
      checks += 1;
      const g = JSON.stringify(got);
      const w = JSON.stringify(want);
      if (g !== w) failures.push(`${message}: got ${g}, want ${w}`);
    },
    done() {
      if (failures.length) throw new Error(`${suite}: ${failures.length} of ${checks} checks failed:\n  ${failures.slice(0, 60).join('\n  ')}`);
      console.log(`${suite}: ${checks} checks passed`);
    },
  };
}

// scopegate/react: React bindings over a Scopegate instance.
//
// Answers are synchronous (useSyncExternalStore: no loading state). Every hook subscribes to the
// instance's changes (management actions and applied deltas); after a change React asks each
// hook for its answer again, and only the components whose answer changed re-render: a boolean is
// compared by value, and an object answer (explain, search) is kept by reference while its
// content stays equal.
import { createContext, createElement, useCallback, useContext, useRef, useSyncExternalStore } from 'react';

const EngineContext = createContext(null);

/** Makes `engine` (a Scopegate instance) the one the hooks below ask. */
export function ScopegateProvider({ engine, children }) {
  return createElement(EngineContext.Provider, { value: engine ?? null }, children);
}

/** The Scopegate instance of the nearest ScopegateProvider. */
export function useScopegate() {
  const engine = useContext(EngineContext);
  if (engine === null) {
    throw new Error('A scopegate hook was called outside a <ScopegateProvider engine={...}>.');
  }
  return engine;
}

function useSubscribe(engine) {
  return useCallback((onChange) => engine.subscribe(() => onChange()), [engine]);
}

/** `check` (or `checkAs` for a principal handle), re-evaluated after every change. */
export function useCan(principal, scope, resource) {
  const engine = useScopegate();
  const read = () =>
    typeof principal === 'number'
      ? engine.checkAs(principal, scope, resource)
      : engine.check(principal, scope, resource);
  return useSyncExternalStore(useSubscribe(engine), read, read);
}

// An object answer computed at most once per (engine, revision, arguments), and kept by reference
// while its content is unchanged, so that useSyncExternalStore sees a stable snapshot.
function useStableAnswer(engine, args, compute) {
  const memo = useRef(null);
  const key = JSON.stringify(args);
  const read = () => {
    const last = memo.current;
    const revision = String(engine.revision);
    if (last !== null && last.engine === engine && last.revision === revision && last.key === key) {
      return last.value;
    }
    const value = compute();
    const text = JSON.stringify(value);
    if (last !== null && last.key === key && last.text === text) {
      memo.current = { ...last, engine, revision };
      return last.value;
    }
    memo.current = { engine, revision, key, text, value };
    return value;
  };
  return useSyncExternalStore(useSubscribe(engine), read, read);
}

/** `explain` (or `explainAs` for a principal handle): `{ allowed: true, reasons } | { allowed: false, deny }`. */
export function useExplain(principal, scope, resource) {
  const engine = useScopegate();
  return useStableAnswer(engine, [principal, scope, resource], () =>
    typeof principal === 'number'
      ? engine.explainAs(principal, scope, resource)
      : engine.explain(principal, scope, resource),
  );
}

/** `searchResources`: the page of resources of `organization` on which `principal` holds `scope`. */
export function useSearchResources(principal, scope, organization, options) {
  const engine = useScopegate();
  return useStableAnswer(engine, [principal, scope, organization, options ?? null], () =>
    options === undefined
      ? engine.searchResources(principal, scope, organization)
      : engine.searchResources(principal, scope, organization, options),
  );
}

/** Renders `children` when `principal` holds `scope` on `resource`, else `fallback` (default nothing). */
export function Can({ principal, scope, resource, fallback = null, children }) {
  const allowed = useCan(principal, scope, resource);
  return allowed ? (children ?? null) : fallback;
}

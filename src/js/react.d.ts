// Types of scopegate/react. React (and @types/react for these types) is a peer dependency.
import type { ReactNode } from 'react';

/**
 * What the hooks need from an engine: a `Scopegate` instance from `scopegate` satisfies it.
 * Declared structurally so that this entry works with the web, Node and workerd builds alike.
 */
export interface ScopegateLike {
  /** The engine's revision: raised by every applied change. */
  readonly revision: string | number | bigint;
  /** Calls `listener` after every change; returns the function that unsubscribes it. */
  subscribe(listener: (revision: never) => void): () => void;
  check(principal: string, scope: string, resource: string): boolean;
  checkAs(principal: number, scope: string, resource: string): boolean;
  explain(principal: string, scope: string, resource: string): unknown;
  explainAs(principal: number, scope: string, resource: string): unknown;
  searchResources(principal: string | number, scope: string, organization: string, options?: never): unknown;
}

/** The answers of an engine type `E`. */
type ExplainOf<E> = E extends { explain(...args: never[]): infer D } ? D : unknown;
type SearchOf<E> = E extends { searchResources(...args: never[]): infer P } ? P : unknown;
type SearchOptionsOf<E> = E extends { searchResources(p: never, s: never, o: never, options?: infer O): unknown }
  ? O
  : never;

/** Props of {@link ScopegateProvider}. */
export interface ScopegateProviderProps<E extends ScopegateLike = ScopegateLike> {
  /** The instance the hooks below ask. */
  engine: E;
  children?: ReactNode;
}

/**
 * Makes `engine` the instance the hooks of its subtree ask.
 * @example
 * <ScopegateProvider engine={new Scopegate(snapshot)}><App /></ScopegateProvider>
 */
export function ScopegateProvider<E extends ScopegateLike>(props: ScopegateProviderProps<E>): ReactNode;

/**
 * The instance of the nearest {@link ScopegateProvider}.
 * @throws {Error} outside a provider.
 */
export function useScopegate<E extends ScopegateLike = ScopegateLike>(): E;

/**
 * Whether `principal` (a name such as `alice` or `token:<id>`, or a principal handle) holds
 * `scope` on `resource`; synchronous, and re-rendered only when the answer changes.
 * @example
 * const canDelete = useCan('alice', 'stack:delete', 'acme/app/prod');
 */
export function useCan(principal: string | number, scope: string, resource: string): boolean;

/**
 * `explain` as a hook: the same object while the answer is unchanged.
 * @example
 * const decision = useExplain('alice', 'stack:delete', 'acme/app/prod');
 * if (!decision.allowed) console.log(decision.deny.message);
 */
export function useExplain<E extends ScopegateLike = import('./web/index.js').Scopegate>(
  principal: string | number,
  scope: string,
  resource: string,
): ExplainOf<E>;

/**
 * `searchResources` as a hook: the same page object while the answer is unchanged.
 * @example
 * const page = useSearchResources('alice', 'stack:write', 'acme', { limit: 20 });
 */
export function useSearchResources<E extends ScopegateLike = import('./web/index.js').Scopegate>(
  principal: string | number,
  scope: string,
  organization: string,
  options?: SearchOptionsOf<E>,
): SearchOf<E>;

/** Props of {@link Can}. */
export interface CanProps {
  /** A principal name or handle. */
  principal: string | number;
  scope: string;
  resource: string;
  /** Rendered when the principal does not hold the scope (default: nothing). */
  fallback?: ReactNode;
  children?: ReactNode;
}

/**
 * Renders its children when the principal holds the scope on the resource, else `fallback`.
 * @example
 * <Can principal="alice" scope="stack:delete" resource="acme/app/prod"><DeleteButton /></Can>
 */
export function Can(props: CanProps): ReactNode;

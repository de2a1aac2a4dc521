// Types of scopegate/react. React (and @types/react for these types) is a peer dependency.
import type { ReactNode } from 'react';
import type { Explanation, ResourcePage, Scopegate, SearchResourcesOptions } from './web/index.js';

/** Props of {@link ScopegateProvider}. */
export interface ScopegateProviderProps {
  /** The instance the hooks below ask (a `Scopegate` from `scopegate`). */
  engine: Scopegate;
  children?: ReactNode;
}

/**
 * Makes `engine` the instance the hooks of its subtree ask. The hooks subscribe to it
 * (`engine.subscribe`): after a change (a management action, an applied delta) each hook asks
 * again, and only the components whose answers changed re-render.
 * @example
 * <ScopegateProvider engine={new Scopegate(snapshot)}><App /></ScopegateProvider>
 */
export function ScopegateProvider(props: ScopegateProviderProps): ReactNode;

/**
 * The instance of the nearest {@link ScopegateProvider}.
 * @throws {Error} outside a provider.
 * @example
 * const gate = useScopegate();
 */
export function useScopegate(): Scopegate;

/**
 * Whether `principal` (a name such as `alice` or `token:<id>`, or a principal handle) holds
 * `scope` on `resource`; synchronous, and re-rendered only when the answer changes.
 * @example
 * const canDelete = useCan('alice', 'stack:delete', 'acme/app/prod');
 */
export function useCan(principal: string | number, scope: string, resource: string): boolean;

/**
 * `explain` (or `explainAs` for a handle) as a hook: the same object while the answer is unchanged.
 * @example
 * const decision = useExplain('alice', 'stack:delete', 'acme/app/prod');
 * if (!decision.allowed) console.log(decision.deny.message);
 */
export function useExplain(principal: string | number, scope: string, resource: string): Explanation;

/**
 * `searchResources` as a hook: the same page object while the answer is unchanged.
 * @example
 * const page = useSearchResources('alice', 'stack:write', 'acme', { limit: 20 });
 */
export function useSearchResources(
  principal: string | number,
  scope: string,
  organization: string,
  options?: SearchResourcesOptions,
): ResourcePage;

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

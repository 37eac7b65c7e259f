import { context, type Context } from '@opentelemetry/api';
import { getState, type ParentResolver, type SpanOrigin } from '../state';
import { reportInternalError } from '../diagnostics/report';

/** The types live with the state that holds the resolvers; re-exported for the integrations that register one. */
export type { ParentResolver, SpanOrigin } from '../state';

function resolvers(): Map<string, ParentResolver> {
  // A state object made by an older copy of the package has no map yet.
  return (getState().parentResolvers ??= new Map());
}

/** Register (or replace) the resolver of one integration. Shared by every copy of the package in the process. */
export function registerParentResolver(name: string, resolver: ParentResolver): void {
  resolvers().set(name, resolver);
}

export function unregisterParentResolver(name: string): void {
  resolvers().delete(name);
}

/** The context a new span should start in: the active one unless a framework's resolver knows a closer parent. */
export function parentContext(origin: SpanOrigin): Context {
  const active = context.active();
  const all = resolvers();
  if (all.size === 0) return active;
  for (const [name, resolver] of all) {
    try {
      const resolved = resolver(active, origin);
      if (resolved) return resolved;
    } catch (error) {
      reportInternalError(`resolving the parent span (${name})`, error);
    }
  }
  return active;
}

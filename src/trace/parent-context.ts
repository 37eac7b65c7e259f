import { context, type Context } from '@opentelemetry/api';
import { getState } from '../state';
import { reportInternalError } from '../diagnostics/report';

/**
 * Who is about to start a span. Provider patches ask as 'provider' (one model
 * or embedding call); the span API asks as 'api'.
 */
export type SpanOrigin = 'provider' | 'api';

/**
 * Frameworks such as LangChain or the OpenAI Agents SDK carry their own
 * "current run" in their own async storage, and we learn of their runs through
 * callbacks that cannot make our span the active OTel context. A resolver maps
 * the framework's current run to a context holding our span for it, so a
 * provider call (or a manual span) made inside that run nests under it instead
 * of showing as a sibling. A resolver may also return a context with tracing
 * suppressed, to fold a provider call into a span the framework already made.
 * Returning undefined means "no opinion".
 */
export type ParentResolver = (active: Context, origin: SpanOrigin) => Context | undefined;

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

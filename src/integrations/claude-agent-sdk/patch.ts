import type { IntegrationPatcher, PatchContext } from '../types';
import { deferred } from '../../instrumentation/deferred';

/**
 * Where we plug into `@anthropic-ai/claude-agent-sdk`: its exported `query`
 * function. The SDK is ESM only and `query` is a plain function (no class or
 * prototype leads to it), so under the preload the source tap hands this
 * patcher a view whose `query` property reads and writes the module's own
 * binding (hooks/tap.ts, `rebind` in the registry entry): assigning it
 * replaces the function every importer sees. A real, read-only namespace
 * (setup({ modules }) with `import *`) cannot be patched; the explicit
 * `wrapClaudeAgentSdkQuery(query)` is the way there.
 */
export type QueryFunction = (this: unknown, ...args: any[]) => unknown;

/** Marks a traced `query` with the function it wraps: wrapping twice gives one span, and unpatch restores. */
const TRACED = Symbol.for('@catalyst/tracing.claude-agent-sdk.traced');

const calls = deferred('claude-agent-sdk.calls', () => require('./calls') as typeof import('./calls'));

export function isTracedQuery(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as unknown as Record<symbol, unknown>)[TRACED] !== undefined;
}

/** `query` with an AGENT span around each loop; the per-call code loads at the first call. */
export function tracedQuery<F extends QueryFunction>(original: F, getTracer: PatchContext['getTracer']): F {
  if (isTracedQuery(original)) return original;
  const traced = function (this: unknown, ...args: unknown[]): unknown {
    const c = calls();
    return c ? c.runQuery(original, this, args, getTracer) : original.apply(this, args);
  };
  Object.defineProperty(traced, TRACED, { value: original });
  Object.defineProperty(traced, 'name', { value: original.name, configurable: true });
  Object.defineProperty(traced, 'length', { value: original.length, configurable: true });
  return traced as unknown as F;
}

interface QueryHolder {
  query?: unknown;
}

export const claudeAgentSdkPatcher: IntegrationPatcher = {
  patch(moduleExports: unknown, ctx: PatchContext): number {
    const holder = moduleExports as QueryHolder;
    const original = holder?.query;
    if (typeof original !== 'function') throw new Error('no query function in this module');
    if (isTracedQuery(original)) return 0;
    const traced = tracedQuery(original as QueryFunction, () => ctx.getTracer());
    try {
      holder.query = traced;
    } catch {
      // fall through: the check below says why
    }
    if (holder.query !== traced) {
      throw new Error('cannot find a replaceable query binding in this module (a module namespace is read-only: use wrapClaudeAgentSdkQuery(query))');
    }
    return 1;
  },
  unpatch(moduleExports: unknown): void {
    const holder = moduleExports as QueryHolder;
    const current = holder?.query;
    if (!isTracedQuery(current)) return;
    try {
      holder.query = (current as unknown as Record<symbol, unknown>)[TRACED];
    } catch {
      // a read-only holder was never patched
    }
  },
};

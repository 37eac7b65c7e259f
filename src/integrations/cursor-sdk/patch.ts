import type { IntegrationPatcher, PatchContext } from '../types';
import { unwrapMethod, wrapMethod } from '../../instrumentation/wrap-method';
import { deferred } from '../../instrumentation/deferred';
import { unwrapPrototypes } from './prototypes';

/**
 * Where we plug into `@cursor/sdk`: the exported `Agent` class's statics
 * `create` and `resume`, in the CommonJS and the ESM build alike (two bundles,
 * two classes; both loader hooks hand us theirs). The agent and run classes are
 * not exported: they are reached from the objects those calls return and
 * wrapped then (calls.ts, loaded at the first `create` / `resume`).
 * `Agent.prompt()` goes through `Agent.create`, so it is traced too.
 */
type AgentClass = Function & Record<string, unknown>;

const STATICS = ['create', 'resume'] as const;

const calls = deferred('cursor-sdk.calls', () => require('./calls') as typeof import('./calls'));

/** `Agent` from the module (namespace or CommonJS exports), or the class itself handed to setup({ modules }). */
export function agentClass(moduleExports: unknown): AgentClass | undefined {
  const m = moduleExports as Record<string, unknown> | undefined;
  const candidate = typeof moduleExports === 'function' ? moduleExports : m && typeof m === 'object' ? m.Agent : undefined;
  return typeof candidate === 'function' && typeof (candidate as AgentClass).create === 'function' ? (candidate as AgentClass) : undefined;
}

export const cursorSdkPatcher: IntegrationPatcher = {
  patch(moduleExports: unknown, ctx: PatchContext): number {
    const Agent = agentClass(moduleExports);
    if (!Agent) throw new Error('no Agent class with a static create() in this module');
    let wrapped = 0;
    for (const name of STATICS) {
      const done = wrapMethod(Agent, name, (original) =>
        function tracedStatic(this: unknown, ...args: unknown[]) {
          const c = calls();
          return c ? c.tracedCreate(ctx, original, this, args) : original.apply(this, args);
        },
      );
      if (done) wrapped++;
    }
    return wrapped;
  },
  unpatch(moduleExports: unknown): void {
    const Agent = agentClass(moduleExports);
    if (Agent) for (const name of STATICS) unwrapMethod(Agent, name);
    unwrapPrototypes();
  },
};

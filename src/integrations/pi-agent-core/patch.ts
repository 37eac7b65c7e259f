import type { IntegrationPatcher, PatchContext } from '../types';
import { wrapMethod, unwrapMethod } from '../../instrumentation/wrap-method';
import { deferred } from '../../instrumentation/deferred';

/**
 * Where to wrap in `@mariozechner/pi-agent-core`: its `Agent` class. Every
 * run (`prompt()`, `continue()`) goes through `runWithLifecycle`, and every
 * event of the loop (turns, messages, tool executions) through
 * `processEvents`, both on the prototype. The run becomes an AGENT span, and
 * its model turns (pi-ai's, traced by the pi-ai integration) nest under it;
 * tool executions become TOOL spans from their start and end events.
 *
 * Both are methods of the class, not documented API: a version without them
 * is reported as skipped, and its turns are still traced by pi-ai.
 * The low-level `agentLoop()` functions are exported bindings, not methods:
 * only runs of an `Agent` get an AGENT span.
 */
const calls = deferred('pi-agent-core.calls', () => require('./calls') as typeof import('./calls'));

function agentPrototype(moduleExports: unknown): object | undefined {
  const m = moduleExports as { Agent?: unknown } | undefined;
  const cls = typeof moduleExports === 'function' ? moduleExports : m?.Agent;
  const proto = typeof cls === 'function' ? (cls as { prototype?: unknown }).prototype : undefined;
  return proto && typeof proto === 'object' ? proto : undefined;
}

export const piAgentCorePatcher: IntegrationPatcher = {
  patch(moduleExports, ctx: PatchContext) {
    const proto = agentPrototype(moduleExports);
    if (!proto) throw new Error('no Agent class in this module');
    let wrapped = 0;
    const run = wrapMethod(proto, 'runWithLifecycle', (original) =>
      function tracedRun(this: unknown, ...args: any[]) {
        const c = calls();
        return c ? c.tracedRun(ctx, original, this, args) : original.apply(this, args);
      },
    );
    const events = wrapMethod(proto, 'processEvents', (original) =>
      function observedEvents(this: unknown, ...args: any[]) {
        calls()?.onEvent(ctx, this, args[0]);
        return original.apply(this, args);
      },
    );
    if (run) wrapped++;
    if (events) wrapped++;
    return wrapped;
  },
  unpatch(moduleExports) {
    const proto = agentPrototype(moduleExports);
    if (!proto) return;
    unwrapMethod(proto, 'runWithLifecycle');
    unwrapMethod(proto, 'processEvents');
  },
};

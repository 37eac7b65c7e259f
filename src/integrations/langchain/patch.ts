import type { IntegrationPatcher, PatchContext } from '../types';
import { wrapMethod, unwrapMethod } from '../../instrumentation/wrap-method';
import { safely } from '../../instrumentation/safe';
import { deferred } from '../../instrumentation/deferred';
import { registerParentResolver } from '../../trace/parent-context';
import { isObj, type Obj } from '../shape';
import { resolveLangChainParent } from './context';

/**
 * Where LangChain is hooked: `CallbackManager._configureSync`, the static
 * every run goes through to build its callback manager (`configure()` calls
 * it, and LangGraph and the runnables call it directly). The wrapper adds our
 * handler (calls.ts, loaded at the first run) to the manager it returns, as an
 * inheritable handler so child runs carry it, once, after the handlers the
 * user passed.
 *
 * Found in `@langchain/core/callbacks/manager` (both builds). An ESM app whose
 * modules reach that file only by relative imports never loads it by name, so
 * `@langchain/core/runnables` is hooked too: its `mergeConfigs` builds a
 * CallbackManager when both configs hold one, and that instance's class is the
 * one we patch (the probe has no other effect).
 */
type AnyFn = (...args: any[]) => any;

const calls = deferred('langchain.calls', () => require('./calls') as typeof import('./calls'));

function isCallbackManagerClass(c: unknown): boolean {
  return typeof c === 'function' && typeof (c as Obj)._configureSync === 'function' && typeof (c as Obj).prototype?.handleChainStart === 'function';
}

export function findCallbackManager(moduleExports: unknown): Obj | undefined {
  const m = moduleExports as Obj | undefined;
  if (!m) return undefined;
  if (isCallbackManagerClass(m)) return m;
  for (const candidate of [m.CallbackManager, m.default?.CallbackManager]) if (isCallbackManagerClass(candidate)) return candidate;
  const merge = typeof m.mergeConfigs === 'function' ? m.mergeConfigs : m.default?.mergeConfigs;
  if (typeof merge === 'function') {
    // Merging two configs that both hold a callback manager builds a new CallbackManager, synchronously and with no side effect.
    const stub = () => ({ handlers: [], inheritableHandlers: [], tags: [], inheritableTags: [], metadata: {} });
    const merged = safely('langchain.probe', () => merge({ callbacks: stub() }, { callbacks: stub() }));
    const cls = isObj(merged) && isObj(merged.callbacks) ? merged.callbacks.constructor : undefined;
    if (isCallbackManagerClass(cls)) return cls;
  }
  return undefined;
}

/** By name: a handler added by another copy of this package counts too. */
function hasOurHandler(manager: Obj, ours: Obj): boolean {
  const handlers = manager.handlers;
  return Array.isArray(handlers) && handlers.some((h) => h?.name === ours.name);
}

function makeConfigureWrapper(ctx: PatchContext) {
  let handler: Obj | undefined;
  return (original: AnyFn) =>
    function tracedConfigureSync(this: unknown, ...args: unknown[]) {
      // Built at the first run, so compiling the handler's code is not part of the app's start-up.
      const ours = (handler ??= calls()?.createHandler(() => ctx.getTracer()));
      if (!ours) return original.apply(this, args);
      // No handler anywhere: LangChain would build no manager and skip callbacks (and the tags and
      // metadata it applies to one). Handing ours in as the inherited list keeps everything else as it was.
      const callArgs = args[0] == null && args[1] == null ? [[ours], ...args.slice(1)] : args;
      const manager = original.apply(this, callArgs);
      safely('langchain.configure', () => {
        if (isObj(manager) && !hasOurHandler(manager, ours) && typeof manager.addHandler === 'function') manager.addHandler(ours, true);
      });
      return manager;
    };
}

export const langchainPatcher: IntegrationPatcher = {
  patch(moduleExports, ctx) {
    const cls = findCallbackManager(moduleExports);
    if (!cls) throw new Error('no CallbackManager in this module');
    registerParentResolver('langchain', resolveLangChainParent);
    return wrapMethod(cls, '_configureSync', makeConfigureWrapper(ctx)) ? 1 : 0;
  },
  unpatch(moduleExports) {
    const cls = findCallbackManager(moduleExports);
    if (cls) unwrapMethod(cls, '_configureSync');
  },
};

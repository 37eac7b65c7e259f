import type { IntegrationPatcher, PatchContext } from '../types';
import { wrapMethod, unwrapMethod } from '../../instrumentation/wrap-method';
import { deferred } from '../../instrumentation/deferred';
import { isObj } from '../shape';
import { installFold } from './context';

/**
 * Where to wrap in `@mariozechner/pi-ai`: the providers in its API registry.
 * `complete`, `completeSimple`, `stream` and `streamSimple` each look the
 * model's API up in the registry and call that provider's `stream` or
 * `streamSimple`, so wrapping those two on each registered provider traces
 * every turn, through every entry point, once.
 *
 * pi-ai is ESM only: its exported functions are bindings that cannot be
 * replaced, and the registry map is private to its module. What is reachable
 * is the provider objects `getApiProviders()` returns, the very objects the
 * registry hands `stream()` at each call; their `stream`/`streamSimple` are
 * wrapped in place. A provider registered after the module loaded (an app's
 * own `registerApiProvider`, or `resetApiProviders()`) is a new object: it is
 * wrapped when `instrumentPiAi(pi)` runs after the registration.
 *
 * What a turn does (its span) is in calls.ts, loaded at the first turn.
 */
const METHODS = ['stream', 'streamSimple'] as const;
export type TurnMethod = (typeof METHODS)[number];

const calls = deferred('pi-ai.calls', () => require('./calls') as typeof import('./calls'));

type ProviderList = () => unknown;

function providerList(moduleExports: unknown): ProviderList | undefined {
  const m = moduleExports as Record<string, unknown> | undefined;
  return m && typeof m.getApiProviders === 'function' ? (m.getApiProviders as ProviderList) : undefined;
}

function makeWrapper(method: TurnMethod, ctx: PatchContext) {
  return (original: (...args: any[]) => any) =>
    function tracedTurn(this: unknown, ...args: any[]) {
      const c = calls();
      return c ? c.tracedTurn(method, ctx, original, this, args) : original.apply(this, args);
    };
}

/** Wraps one provider object (`{ api, stream, streamSimple }`) in place; returns how many methods were newly wrapped. */
export function wrapProvider(provider: unknown, ctx: PatchContext): number {
  if (!isObj(provider)) return 0;
  installFold();
  let wrapped = 0;
  for (const method of METHODS) if (wrapMethod(provider, method, makeWrapper(method, ctx))) wrapped++;
  return wrapped;
}

function registeredProviders(moduleExports: unknown): unknown[] {
  const list = providerList(moduleExports);
  if (!list) throw new Error('no getApiProviders in this module');
  const providers = list();
  return Array.isArray(providers) ? providers : [];
}

export const piAiPatcher: IntegrationPatcher = {
  patch(moduleExports, ctx) {
    let wrapped = 0;
    for (const provider of registeredProviders(moduleExports)) wrapped += wrapProvider(provider, ctx);
    return wrapped;
  },
  unpatch(moduleExports) {
    if (!providerList(moduleExports)) return;
    for (const provider of registeredProviders(moduleExports)) {
      if (isObj(provider)) for (const method of METHODS) unwrapMethod(provider, method);
    }
  },
};

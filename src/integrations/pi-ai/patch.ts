import type { IntegrationPatcher, PatchContext } from '../types';
import { wrapMethod, unwrapMethod } from '../../instrumentation/wrap-method';
import { deferred } from '../../instrumentation/deferred';
import { safely } from '../../instrumentation/safe';
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
 * replaced, and the registry is a Map private to `dist/api-registry.js`. Two
 * ways in, both wrapping the same provider objects the registry hands
 * `stream()` at each call:
 * - the registry Map itself, which the ESM tap hands over (the registry
 *   entry's `locals`) as that file finishes loading, before anything is
 *   registered: its `set` is wrapped on that one Map, so every provider is
 *   wrapped as it is registered (the built-in ones, an app's own
 *   `registerApiProvider`, `resetApiProviders()`, the faux provider);
 * - the providers `getApiProviders()` lists, from the main entry's namespace
 *   (setup({ modules }), instrumentPiAi, or a pi-ai whose registry Map is no
 *   longer named as above): the ones registered so far.
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
  let wrapped = 0;
  for (const method of METHODS) if (wrapMethod(provider, method, makeWrapper(method, ctx))) wrapped++;
  return wrapped;
}

function registeredProviders(moduleExports: unknown): unknown[] {
  const list = providerList(moduleExports);
  if (!list) throw new Error('no getApiProviders or provider registry in this module');
  const providers = list();
  return Array.isArray(providers) ? providers : [];
}

/** The registry Map the tap hands over from `dist/api-registry` (see the registry entry's `locals`). */
function registryMap(moduleExports: unknown): Map<unknown, unknown> | undefined {
  const registry = isObj(moduleExports) ? (moduleExports as { apiProviderRegistry?: unknown }).apiProviderRegistry : undefined;
  return registry instanceof Map ? registry : undefined;
}

/** Wraps the registry's `set` (on that Map only), so each provider is wrapped as it is registered; and those already in it. */
function wrapRegistry(registry: Map<unknown, unknown>, ctx: PatchContext): number {
  let wrapped = 0;
  for (const entry of registry.values()) wrapped += wrapProvider(isObj(entry) ? entry.provider : undefined, ctx);
  const done = wrapMethod(registry, 'set', (original) =>
    function registerTraced(this: unknown, ...args: any[]) {
      const entry = args[1];
      safely('pi-ai.register', () => wrapProvider(isObj(entry) ? entry.provider : undefined, ctx));
      return original.apply(this, args);
    },
  );
  return wrapped + (done ? 1 : 0);
}

export const piAiPatcher: IntegrationPatcher = {
  patch(moduleExports, ctx) {
    installFold();
    const registry = registryMap(moduleExports);
    if (registry) return wrapRegistry(registry, ctx);
    let wrapped = 0;
    for (const provider of registeredProviders(moduleExports)) wrapped += wrapProvider(provider, ctx);
    return wrapped;
  },
  unpatch(moduleExports) {
    const registry = registryMap(moduleExports);
    if (registry) {
      unwrapMethod(registry, 'set');
      for (const entry of registry.values()) unwrapProvider(isObj(entry) ? entry.provider : undefined);
      return;
    }
    if (!providerList(moduleExports)) return;
    for (const provider of registeredProviders(moduleExports)) unwrapProvider(provider);
  },
};

function unwrapProvider(provider: unknown): void {
  if (isObj(provider)) for (const method of METHODS) unwrapMethod(provider, method);
}

// Not `import * as`: the bundler's interop would copy every property of node:module at start-up.
import nodeModule = require('node:module');
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { hookLocals, hookPackages, hookTargets } from '../src/integrations/targets';
import { createSyncHooks } from './tap';
import { registerResolveHookOutsidePackages } from './esm-pause';
import type { IntegrationSpec } from '../src/integrations/types';
import type { OnModuleLoad } from './cjs';
import type { BuiltinWatcher } from './builtins';
import { debug, warnOnce } from '../src/diagnostics/report';

export type EsmLoaderMode = 'sync' | 'async' | 'none';

/** The global (Symbol.for) under which tapped modules find the agent. */
export const TAP_KEY = '@catalyst/tracing.esm-tap';

/** The off-thread loader, built beside the bundles (hooks/esm-loader.ts -> dist/hooks/esm-loader.mjs). */
const LOADER_FILE = join(__dirname, 'hooks', 'esm-loader.mjs');

/**
 * The ESM side: the source tap of hooks/tap.ts, which hands each
 * module the registry names (its namespace) to onLoad. In-thread synchronous
 * hooks (module.registerHooks) where Node supports them; the off-thread loader
 * (module.register) otherwise.
 */
export function installEsmHook(specs: readonly IntegrationSpec[], onLoad: OnModuleLoad, builtins?: BuiltinWatcher): EsmLoaderMode {
  const targets = hookTargets(specs);
  if (targets.length === 0) return 'none';
  const rebind = Object.fromEntries(targets.filter((t) => t.spec.rebind?.length).map((t) => [t.moduleName, [...t.spec.rebind!]]));
  const data = { include: [...new Set(targets.map((t) => t.moduleName))], packages: hookPackages(specs), tapKey: TAP_KEY, locals: hookLocals(specs), rebind };
  const byName = new Map(targets.map((t) => [t.moduleName, t.spec]));
  try {
    (globalThis as Record<symbol, unknown>)[Symbol.for(TAP_KEY)] = (name: string, namespace: object, baseDir: string, bindings?: Bindings): void => {
      const spec = byName.get(name);
      if (spec) onLoad(spec, bindings ? rebindable(namespace, bindings) : namespace, baseDir);
    };
    if (supportsSyncHooks()) {
      const { registerHooks } = nodeModule as unknown as { registerHooks: Parameters<typeof createSyncHooks>[1] };
      const tapResolve = createSyncHooks(data, registerHooks).resolve;
      const resolve: typeof tapResolve = builtins
        ? (specifier, context, next) => {
            const result = tapResolve(specifier, context, next);
            // Before Node builds the builtin's ES module exports: the import sees the patched functions.
            if (builtins.ids.has(specifier)) builtins.seen(specifier);
            return result;
          }
        : tapResolve;
      registerResolveHookOutsidePackages(resolve, registerHooks);
      debug('ESM hooks: in-thread (module.registerHooks)');
      return 'sync';
    }
    if (typeof nodeModule.register === 'function') {
      nodeModule.register(pathToFileURL(LOADER_FILE), { data });
      debug('ESM hooks: off-thread loader (module.register)');
      return 'async';
    }
  } catch (error) {
    warnOnce('esm-loader', `ESM modules cannot be traced in this process (${(error as Error).message}); CommonJS tracing continues`);
  }
  return 'none';
}

/** Per export name, a getter and a setter of the tapped module's local binding (hooks/tap.ts, `rebindings`). */
type Bindings = Record<string, [() => unknown, (value: unknown) => void]>;

/**
 * What the integration patches for a module with bindings to replace: the
 * namespace (read-only) behind an object whose named properties read and
 * write the module's own bindings, so `view.query = traced` changes the
 * `query` every importer sees, as assigning a CommonJS export would.
 */
function rebindable(namespace: object, bindings: Bindings): object {
  const view = Object.create(namespace) as object;
  for (const [name, [get, set]] of Object.entries(bindings)) Object.defineProperty(view, name, { get, set, enumerable: true });
  return view;
}

/**
 * Whether module.registerHooks works for a load hook that passes results on:
 * it exists since 22.15, but rejected the nullish source Node's own default
 * step returns for CommonJS modules once any off-thread hook is registered
 * too, until nodejs/node#59929 (22.22.3, 24.11.1, 25.1.0, 26). A version
 * check rather than a probe or a library: either would cost start-up.
 */
export function supportsSyncHooks(version: string = process.versions.node): boolean {
  return typeof (nodeModule as { registerHooks?: unknown }).registerHooks === 'function' && registerHooksFixedIn(version);
}

/** Whether a Node version has the registerHooks fix (pure: the version table alone). */
export function registerHooksFixedIn(version: string): boolean {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map((n) => Number.parseInt(n, 10));
  const atLeast = (m: number, p: number): boolean => minor > m || (minor === m && patch >= p);
  if (major >= 26) return true;
  if (major === 25) return atLeast(1, 0);
  if (major === 24) return atLeast(11, 1);
  if (major === 22) return atLeast(22, 3);
  return false;
}

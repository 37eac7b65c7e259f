// Not `import * as`: the bundler's interop would copy every property of node:module at start-up.
import nodeModule = require('node:module');
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createSyncHooks } from './tap';
import { installTapReceiver } from './tap-receiver';
import { runningOnBun } from './runtime';
import { registerResolveHookOutsidePackages } from './esm-pause';
import type { IntegrationSpec } from '../src/integrations/types';
import type { OnModuleLoad } from './cjs';
import type { BuiltinWatcher } from './builtins';
import { debug, warnOnce } from '../src/diagnostics/report';

export type EsmLoaderMode = 'sync' | 'async' | 'bun' | 'none';

/** The off-thread loader, built beside the bundles (hooks/esm-loader.ts -> dist/hooks/esm-loader.mjs). */
const LOADER_FILE = join(__dirname, 'hooks', 'esm-loader.mjs');

/**
 * The ESM side: the source tap of hooks/tap.ts, which hands each
 * module the registry names (its namespace) to onLoad. In-thread synchronous
 * hooks (module.registerHooks) where Node supports them; the off-thread loader
 * (module.register) otherwise; under Bun, which has neither (its
 * module.register does nothing), its runtime plugin (hooks/bun.ts).
 */
export function installEsmHook(specs: readonly IntegrationSpec[], onLoad: OnModuleLoad, builtins?: BuiltinWatcher): EsmLoaderMode {
  try {
    const data = installTapReceiver(specs, onLoad);
    if (!data) return 'none';
    if (runningOnBun()) {
      // Loaded here, not imported: a Node process never needs it.
      (require('./bun') as typeof import('./bun')).installBunHook(data);
      debug('ESM hooks: Bun runtime plugin (Bun.plugin onLoad)');
      return 'bun';
    }
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

import * as nodeModule from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { hookTargets, needsInternals, normaliseModuleName } from './targets';
import type { IntegrationSpec } from '../src/integrations/types';
import type { OnModuleLoad } from './cjs';
import { debug, reportInternalError, warnOnce } from '../src/diagnostics/report';

export type EsmLoaderMode = 'sync' | 'async' | 'none';

/** The global (Symbol.for) under which the off-thread loader's tapped modules find the agent. */
const TAP_KEY = '@catalyst/tracing.esm-tap';

/** The loader hooks file, copied beside the bundles by the build (dist/hooks/esm-loader.mjs). */
const LOADER_FILE = join(__dirname, 'hooks', 'esm-loader.mjs');

interface SyncHooks {
  resolve: (...args: any[]) => unknown;
  load: (...args: any[]) => unknown;
}

/**
 * The ESM side (hooks/esm-loader.mjs). In-thread synchronous hooks
 * (module.registerHooks) where Node supports them, with import-in-the-middle
 * limited to the registry's packages and loaded only when the first of them is
 * imported; elsewhere the off-thread loader (module.register) with a source tap
 * that hands each named module's namespace to onLoad.
 */
export function installEsmHook(specs: readonly IntegrationSpec[], onLoad: OnModuleLoad): EsmLoaderMode {
  const targets = hookTargets(specs);
  if (targets.length === 0) return 'none';
  const include = [...new Set(targets.map((t) => t.moduleName))];
  const installHook = (): void => {
    const { Hook } = require('import-in-the-middle') as typeof import('import-in-the-middle');
    const byName = new Map(targets.map((t) => [t.moduleName, t.spec]));
    const packages = [...new Set(specs.map((s) => s.packageName))];
    new Hook(packages, { internals: needsInternals(targets) }, (moduleExports, name, baseDir) => {
      const spec = byName.get(normaliseModuleName(name));
      if (spec) onLoad(spec, moduleExports, baseDir ?? undefined);
    });
  };
  try {
    if (supportsSyncHooks()) {
      const data = { include, iitmHookUrl: pathToFileURL(require.resolve('import-in-the-middle/hook.mjs')).href };
      // In this thread: the Hook is made at the moment the first included module resolves.
      const { createSyncHooks } = require(LOADER_FILE) as { createSyncHooks(d: { include: string[]; iitmHookUrl: string }, onActivate: () => void, onFailure: (e: unknown) => void): SyncHooks };
      const hooks = createSyncHooks(data, installHook, (error) => reportInternalError('loading the ESM hooks', error));
      (nodeModule as unknown as { registerHooks(h: SyncHooks): void }).registerHooks(hooks);
      debug('ESM hooks: in-thread (module.registerHooks), import-in-the-middle on first traced import');
      return 'sync';
    }
    if (typeof nodeModule.register === 'function') {
      // Off-thread: the loader appends a call to this function to each module the registry names.
      const byName = new Map(targets.map((t) => [t.moduleName, t.spec]));
      (globalThis as Record<symbol, unknown>)[Symbol.for(TAP_KEY)] = (name: string, namespace: unknown, baseDir: string): void => {
        const spec = byName.get(name);
        if (spec) onLoad(spec, namespace, baseDir);
      };
      nodeModule.register(pathToFileURL(LOADER_FILE), { data: { include, tapKey: TAP_KEY } });
      debug('ESM hooks: off-thread loader (module.register), source tap');
      return 'async';
    }
  } catch (error) {
    warnOnce('esm-loader', `ESM modules cannot be traced in this process (${(error as Error).message}); CommonJS tracing continues`);
  }
  return 'none';
}

/** import-in-the-middle's own predicate, without loading its ESM graph on old Node where require(esm) fails. */
function supportsSyncHooks(): boolean {
  if (typeof (nodeModule as { registerHooks?: unknown }).registerHooks !== 'function') return false;
  try {
    return (require('import-in-the-middle/supports-sync-hooks.mjs') as { supportsSyncHooks(): boolean }).supportsSyncHooks();
  } catch {
    return false;
  }
}

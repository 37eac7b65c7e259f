import * as nodeModule from 'node:module';
import { pathToFileURL } from 'node:url';
import { hookTargets, needsInternals, normaliseModuleName } from './targets';
import type { IntegrationSpec } from '../src/integrations/types';
import type { OnModuleLoad } from './cjs';
import { debug, warnOnce } from '../src/diagnostics/report';

export type EsmLoaderMode = 'sync' | 'async' | 'none';

/**
 * The ESM side: import-in-the-middle, limited to the registry's packages.
 * In-thread synchronous hooks (module.registerHooks) where Node supports them,
 * nearly free; the off-thread loader (module.register) otherwise. Either way the
 * include list keeps every other module off the wrapping path.
 */
export function installEsmHook(specs: readonly IntegrationSpec[], onLoad: OnModuleLoad): EsmLoaderMode {
  const targets = hookTargets(specs);
  if (targets.length === 0) return 'none';
  const include = [...new Set(targets.map((t) => t.moduleName))];
  const mode = registerLoader(include);
  if (mode === 'none') return mode;

  const { Hook } = require('import-in-the-middle') as typeof import('import-in-the-middle');
  const byName = new Map(targets.map((t) => [t.moduleName, t.spec]));
  const packages = [...new Set(specs.map((s) => s.packageName))];
  new Hook(packages, { internals: needsInternals(targets) }, (moduleExports, name, baseDir) => {
    const spec = byName.get(normaliseModuleName(name));
    if (spec) onLoad(spec, moduleExports, baseDir ?? undefined);
  });
  return mode;
}

function registerLoader(include: string[]): EsmLoaderMode {
  try {
    if (supportsSyncHooks()) {
      // require(esm) works on every Node version that has working sync hooks.
      const { register } = require('import-in-the-middle/register-hooks.mjs') as { register(o: { include: string[] }): void };
      register({ include });
      debug('ESM hooks: in-thread (module.registerHooks)');
      return 'sync';
    }
    if (typeof nodeModule.register === 'function') {
      nodeModule.register('import-in-the-middle/hook.mjs', pathToFileURL(__filename), { data: { include } });
      debug('ESM hooks: off-thread loader (module.register)');
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

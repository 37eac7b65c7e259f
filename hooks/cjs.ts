import { Hook } from 'require-in-the-middle';
import { hookTargets, needsInternals, normaliseModuleName } from './targets';
import type { IntegrationSpec } from '../src/integrations/types';

export type OnModuleLoad = (spec: IntegrationSpec, moduleExports: unknown, baseDir: string | undefined) => void;

/** One require-in-the-middle hook for every CJS target of the registry. */
export function installCjsHook(specs: readonly IntegrationSpec[], onLoad: OnModuleLoad): void {
  const targets = hookTargets(specs);
  if (targets.length === 0) return;
  const byName = new Map(targets.map((t) => [t.moduleName, t.spec]));
  const packages = [...new Set(specs.map((s) => s.packageName))];
  new Hook(packages, { internals: needsInternals(targets) }, (moduleExports, name, baseDir) => {
    const spec = byName.get(normaliseModuleName(name));
    if (spec) onLoad(spec, moduleExports, baseDir);
    return moduleExports;
  });
}

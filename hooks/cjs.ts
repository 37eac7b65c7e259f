import Module from 'node:module';
import { Hook } from 'require-in-the-middle';
import { hookTargets, needsInternals, normaliseModuleName, type HookTarget } from './targets';
import type { IntegrationSpec } from '../src/integrations/types';

export type OnModuleLoad = (spec: IntegrationSpec, moduleExports: unknown, baseDir: string | undefined) => void;

type RequireFn = (this: unknown, id: string) => unknown;

/**
 * One require-in-the-middle hook for every CJS target of the registry, behind
 * a prefilter. require-in-the-middle resolves the filename of every require()
 * in the process (and, for files inside a hooked package, resolves the
 * package's main file again) before it knows whether the module is ours; on a
 * CJS app that loads an SDK of some hundred files that is most of the agent's
 * start-up cost. The prefilter lets through only the requires that can reach
 * a hooked module, and everything else goes straight to Node's require.
 */
export function installCjsHook(specs: readonly IntegrationSpec[], onLoad: OnModuleLoad): void {
  const targets = hookTargets(specs);
  if (targets.length === 0) return;
  const byName = new Map(targets.map((t) => [t.moduleName, t.spec]));
  const packages = [...new Set(specs.map((s) => s.packageName))];

  const proto = Module.prototype as unknown as { require: RequireFn };
  const nodeRequire = proto.require;
  const proc = process as { getBuiltinModule?: unknown };
  const nodeGetBuiltinModule = proc.getBuiltinModule;

  new Hook(packages, { internals: needsInternals(targets) }, (moduleExports, name, baseDir) => {
    const spec = byName.get(normaliseModuleName(name));
    if (spec) onLoad(spec, moduleExports, baseDir);
    return moduleExports;
  });

  const hookedRequire = proto.require;
  if (hookedRequire !== nodeRequire) {
    const mayMatch = requireMatcher(packages, targets);
    proto.require = function require(this: unknown, id: string) {
      // eslint-disable-next-line prefer-rest-params
      return (typeof id === 'string' && mayMatch(id) ? hookedRequire : nodeRequire).apply(this, arguments as unknown as [string]);
    };
  }
  // No integration hooks a builtin; require-in-the-middle's wrapper of process.getBuiltinModule would only cost.
  if (nodeGetBuiltinModule && proc.getBuiltinModule !== nodeGetBuiltinModule) proc.getBuiltinModule = nodeGetBuiltinModule;
}

/**
 * Could `require(id)` load a hooked module? A bare id naming a hooked package
 * (or a file in it); an absolute path into one; or a relative id whose last
 * segment is the name of a hooked internal file (how a package requires its
 * own files). A false positive only costs require-in-the-middle's check.
 */
export function requireMatcher(packages: readonly string[], targets: readonly HookTarget[]): (id: string) => boolean {
  const markers = packages.map((p) => `/node_modules/${p}/`);
  const internalNames = new Set(
    targets.filter((t) => t.moduleName !== t.spec.packageName).map((t) => lastSegment(t.moduleName)),
  );
  return (id) => {
    const first = id.charCodeAt(0);
    if (first === 46 /* . */) return internalNames.size > 0 && internalNames.has(lastSegment(id));
    if (first === 47 /* / */) return markers.some((m) => id.includes(m));
    for (const p of packages) if (id === p || (id.startsWith(p) && id.charCodeAt(p.length) === 47)) return true;
    return false;
  };
}

function lastSegment(path: string): string {
  return normaliseModuleName(path.slice(path.lastIndexOf('/') + 1));
}

// Not `import Module from`: the bundler's interop would copy every property of node:module at start-up.
import Module = require('node:module');
import { reportInternalError } from '../src/diagnostics/report';
import { hookPackages, hookTargets, needsInternals, normaliseModuleName, packageDirMarker, type HookTarget } from '../src/integrations/targets';
import type { IntegrationSpec } from '../src/integrations/types';
import type { BuiltinWatcher } from './builtins';

export type OnModuleLoad = (spec: IntegrationSpec, moduleExports: unknown, baseDir: string | undefined) => void;

type RequireFn = (this: { path?: string } | undefined, id: string) => unknown;

/**
 * One require-in-the-middle hook for every CJS target of the registry, behind
 * a prefilter. require-in-the-middle resolves the filename of every require()
 * in the process (and, for files inside a hooked package, resolves the
 * package's main file again) before it knows whether the module is ours; on a
 * CJS app that loads an SDK of some hundred files that is most of the agent's
 * start-up cost. The prefilter lets through only the requires that can reach
 * a hooked module, and everything else goes straight to Node's require;
 * require-in-the-middle itself loads only when the first such require comes.
 */
export function installCjsHook(specs: readonly IntegrationSpec[], onLoad: OnModuleLoad, builtins?: BuiltinWatcher): void {
  const targets = hookTargets(specs);
  if (targets.length === 0 && !builtins) return;
  const packages = hookPackages(specs);
  const proto = Module.prototype as unknown as { require: RequireFn };
  const nodeRequire = proto.require;
  const mayMatch = requireMatcher(packages, targets);

  // require-in-the-middle itself loads on the first require that can reach a hooked module.
  let hookedRequire: RequireFn | undefined;
  const activate = (): RequireFn => {
    try {
      const { Hook } = require('require-in-the-middle') as typeof import('require-in-the-middle');
      const byName = new Map(targets.map((t) => [t.moduleName, t.spec]));
      // Let it wrap Node's own require, then put back whatever chain is installed (ours at its head,
      // or another agent's that calls ours): it runs only behind the prefilter, and never recurses into it.
      const current = proto.require;
      proto.require = nodeRequire;
      const proc = process as { getBuiltinModule?: unknown };
      const nodeGetBuiltinModule = proc.getBuiltinModule;
      try {
        new Hook(packages, { internals: needsInternals(targets) }, (moduleExports, name, baseDir) => {
          const spec = byName.get(normaliseModuleName(name));
          if (spec) onLoad(spec, moduleExports, baseDir);
          return moduleExports;
        });
        return proto.require;
      } finally {
        proto.require = current;
        // No integration hooks a builtin; its wrapper of process.getBuiltinModule would only cost.
        proc.getBuiltinModule = nodeGetBuiltinModule;
      }
    } catch (error) {
      reportInternalError('loading the CommonJS hook', error);
      return nodeRequire;
    }
  };
  proto.require = function require(this: { path?: string } | undefined, id: string) {
    const hooked = typeof id === 'string' && mayMatch(id, this?.path) ? (hookedRequire ??= activate()) : nodeRequire;
    // eslint-disable-next-line prefer-rest-params
    const loaded = hooked.apply(this, arguments as unknown as [string]);
    if (builtins?.ids.has(id)) builtins.seen(id, loaded);
    return loaded;
  };
}

/**
 * Could `require(id)` from the module at `parentPath` load a hooked module? A
 * bare id naming a hooked package (or a file in it); an absolute path into
 * one; or a relative id, from a file inside a package with hooked internal
 * files, whose last segment names one of them (how a package requires its own
 * files). A false positive only costs require-in-the-middle's check.
 */
export function requireMatcher(packages: readonly string[], targets: readonly HookTarget[]): (id: string, parentPath?: string) => boolean {
  const markers = packages.map(packageDirMarker);
  const internal = targets.filter((t) => t.moduleName !== t.spec.packageName);
  const internalNames = new Set(internal.map((t) => lastSegment(t.moduleName)));
  const internalMarkers = [...new Set(internal.map((t) => packageDirMarker(t.spec.packageName)))];
  return (id, parentPath) => {
    const first = id.charCodeAt(0);
    if (first === 46 /* . */) {
      return internalNames.has(lastSegment(id)) && !!parentPath && internalMarkers.some((m) => `${parentPath}/`.includes(m));
    }
    if (first === 47 /* / */) return markers.some((m) => id.includes(m));
    for (const p of packages) if (id === p || (id.startsWith(p) && id.charCodeAt(p.length) === 47)) return true;
    return false;
  };
}

function lastSegment(path: string): string {
  return normaliseModuleName(path.slice(path.lastIndexOf('/') + 1));
}

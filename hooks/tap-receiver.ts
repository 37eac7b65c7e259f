import { hookLocals, hookPackages, hookTargets } from '../src/integrations/targets';
import type { IntegrationSpec } from '../src/integrations/types';
import type { OnModuleLoad } from './cjs';
import type { TapData } from './tap';

/** The global (Symbol.for) under which tapped modules find the agent: Node's tap, Bun's plugin and bundles made with the esbuild plugin. */
export const TAP_KEY = '@catalyst/tracing.esm-tap';

/**
 * The app-thread end of the ESM source tap, shared by every runtime's module
 * hook (Node's loader hooks in hooks/esm.ts, Bun's plugin in hooks/bun.ts):
 * the global function the appended statements call, which hands each module
 * the registry names to onLoad. Returns what the tap needs to know (the
 * registry's module names, packages, locals and rebinds), or undefined when no
 * enabled integration hooks a module.
 */
export function installTapReceiver(specs: readonly IntegrationSpec[], onLoad: OnModuleLoad): TapData | undefined {
  const targets = hookTargets(specs);
  if (targets.length === 0) return undefined;
  const rebind = Object.fromEntries(targets.filter((t) => t.spec.rebind?.length).map((t) => [t.moduleName, [...t.spec.rebind!]]));
  const byName = new Map(targets.map((t) => [t.moduleName, t.spec]));
  (globalThis as Record<symbol, unknown>)[Symbol.for(TAP_KEY)] = (name: string, namespace: object, baseDir: string, bindings?: Bindings): void => {
    const spec = byName.get(name);
    if (spec) onLoad(spec, bindings ? rebindable(namespace, bindings) : namespace, baseDir);
  };
  return { include: [...new Set(targets.map((t) => t.moduleName))], packages: hookPackages(specs), tapKey: TAP_KEY, locals: hookLocals(specs), rebind };
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

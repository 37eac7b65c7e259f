import type { IntegrationSpec } from './types';

/**
 * What the loader hooks intercept, derived from the integration registry: the
 * package names (for the ESM include list, so nothing else pays the loader's
 * cost) and, for a hooked module, which integration it belongs to.
 */
export interface HookTarget {
  spec: IntegrationSpec;
  /** The module name as the hook libraries report it: `pkg` or `pkg/path/file`. */
  moduleName: string;
}

export function hookTargets(specs: readonly IntegrationSpec[]): HookTarget[] {
  return specs.flatMap((spec) => spec.files.map((file) => ({ spec, moduleName: file ? `${spec.packageName}/${file}` : spec.packageName })));
}

/** The module-private bindings the ESM tap hands over, by module name (see IntegrationSpec.locals). */
export function hookLocals(specs: readonly IntegrationSpec[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const spec of specs) {
    for (const [file, names] of Object.entries(spec.locals ?? {})) out[file ? `${spec.packageName}/${file}` : spec.packageName] = [...names];
  }
  return out;
}

/** The packages the loader hooks watch, once each. */
export function hookPackages(specs: readonly IntegrationSpec[]): string[] {
  return [...new Set(specs.filter((s) => s.files.length > 0).map((s) => s.packageName))];
}

/** How a package's folder shows in a path or file URL: `/node_modules/<package>/`. */
export function packageDirMarker(pkg: string): string {
  return `/node_modules/${pkg}/`;
}

/** The extensions a package's builds give a module: what normaliseModuleName strips. */
export const MODULE_EXTENSIONS = ['js', 'cjs', 'mjs'] as const;

/** Strip a file extension so `openai/resources/x.js` and `.mjs` both match `openai/resources/x`. */
export function normaliseModuleName(name: string): string {
  return name.replace(/\.(c|m)?js$/, '');
}

export function needsInternals(targets: readonly HookTarget[]): boolean {
  return targets.some((t) => t.moduleName !== t.spec.packageName);
}

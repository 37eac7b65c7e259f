import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { INTEGRATIONS } from '../integrations/registry';
import { hookLocals, hookPackages, hookTargets, normaliseModuleName } from '../integrations/targets';
import type { IntegrationSpec } from '../integrations/types';
import { exportedLocals } from '../../hooks/tap';
import { TAP_KEY } from '../../hooks/tap-receiver';

/**
 * What a bundler plugin appends to an SDK module it inlines, so the preload
 * patches the bundled copy as it would the installed one.
 *
 * A bundled SDK is no longer a module Node loads, so no loader hook sees it.
 * Each registry module (the files the hooks would intercept) gets, at the end
 * of its own body, a call of the agent's tap function (the one the ESM hooks
 * call, hooks/esm.ts) with its exports: an ES module imports its own namespace
 * (the bundler turns that into its namespace object), a CommonJS module hands
 * over `module.exports`. With the preload running, the agent patches them as
 * the module initialises, before the app's code can use them; without it the
 * call finds no function and does nothing. `locals` and `rebind` entries are
 * handed over as the source tap does (hooks/tap.ts).
 *
 * The package's folder is not passed (it is the build machine's path, and the
 * bundle runs elsewhere): the plugin checks the supported majors at build time.
 */
export interface BundleTarget {
  spec: IntegrationSpec;
  /** The registry module name: `pkg` or `pkg/path/file`. */
  name: string;
  /** The package's folder on the build machine. */
  baseDir: string;
}

const NODE_MODULES = '/node_modules/';
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** The integrations whose modules a bundle can hold (a builtin's patch needs no help: builtins are never bundled). */
export function bundledSpecs(): IntegrationSpec[] {
  return INTEGRATIONS.filter((s) => s.files.length > 0);
}

/** The npm packages the registry supports, once each. */
export function supportedPackages(): string[] {
  return hookPackages(INTEGRATIONS);
}

/**
 * Finds registry modules among the files a bundler loads. `entry(path, specifier)`
 * records a package's main entry as the bare specifier resolved to it (it may
 * sit anywhere in the package); `target(path)` says whether a loaded file is
 * one the hooks would intercept.
 */
export function bundleTargets(specs: readonly IntegrationSpec[] = bundledSpecs()): {
  entry(path: string, specifier: string): void;
  target(path: string): BundleTarget | undefined;
  packages: readonly string[];
} {
  const targets = hookTargets(specs);
  const byName = new Map(targets.map((t) => [t.moduleName, t.spec]));
  const packages = hookPackages(specs);
  const entries = new Map<string, string>();
  return {
    packages,
    entry(path, specifier) {
      if (byName.has(specifier)) entries.set(posix(path), specifier);
    },
    target(rawPath) {
      const path = posix(rawPath);
      const at = path.lastIndexOf(NODE_MODULES);
      if (at < 0) return undefined;
      const start = at + NODE_MODULES.length;
      const parts = path.slice(start).split('/');
      const pkgLength = parts[0]!.startsWith('@') ? 2 : 1;
      const pkg = parts.slice(0, pkgLength).join('/');
      const name = entries.get(path) ?? normaliseModuleName(`${pkg}/${parts.slice(pkgLength).join('/')}`);
      const spec = byName.get(name);
      return spec ? { spec, name, baseDir: rawPath.slice(0, start) + parts.slice(0, pkgLength).join(rawPath.includes('\\') ? '\\' : '/') } : undefined;
    },
  };
}

/**
 * Whether a file is an ES module: its extension, else the nearest
 * package.json's `type` (Node's rule), else its own syntax, for a `.js` file a
 * bundler reaches through a `module` field (ESM without `type: module`), which
 * bundlers read as ESM too.
 */
export function isEsModule(path: string, source: string): boolean {
  if (/\.m[jt]s$/.test(path)) return true;
  if (/\.c[jt]s$/.test(path)) return false;
  return typeModule(path) || /^\s*(?:export\s|import\s+[\w{*]|import\s*[{*])/m.test(source);
}

function typeModule(path: string): boolean {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    try {
      return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { type?: string }).type === 'module';
    } catch {
      // no package.json here (or not JSON): look further up
    }
    if (dirname(dir) === dir) return false;
  }
}

/**
 * The statements appended to a registry module's source. `self` is how the
 * module imports itself (`./<its file name>`). A tracing failure must never
 * fail the module's initialisation: the call is guarded.
 */
export function tapStatements(target: BundleTarget, source: string, esm: boolean, self: string): string {
  const name = JSON.stringify(target.name);
  const call = (what: string, bindings = ''): string => `globalThis[Symbol.for(${JSON.stringify(TAP_KEY)})]?.(${name}, ${what}, undefined${bindings})`;
  if (!esm) return `\n;try { ${call('module.exports')}; } catch {}\n`;
  const locals = hookLocals([target.spec])[target.name]?.filter((n) => IDENTIFIER.test(n));
  if (locals?.length) {
    const fields = locals.map((n) => `${n}: typeof ${n} === "undefined" ? undefined : ${n}`).join(', ');
    return `\n;try { ${call(`{ __proto__: null, ${fields} }`)}; } catch {}\n`;
  }
  const found = target.spec.rebind?.length ? exportedLocals(source, target.spec.rebind) : new Map<string, string>();
  const bindings = found.size ? `, { ${[...found].map(([n, local]) => `${JSON.stringify(n)}: [() => ${local}, (v) => { ${local} = v; }]`).join(', ')} }` : '';
  return `\n;import * as __catalystTapNamespace from ${JSON.stringify(self)};\ntry { ${call('__catalystTapNamespace', bindings)}; } catch {}\n`;
}

/** The version in a package folder's package.json, if readable. */
export function packageVersion(baseDir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(baseDir, 'package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

function posix(path: string): string {
  return path.includes('\\') ? path.replace(/\\/g, '/') : path;
}

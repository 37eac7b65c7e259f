// The ESM loader hooks the agent registers, as a real file (module.register
// needs a URL, and the build copies this file next to the bundles). Two modes:
//
// - Off-thread (module.register, Node versions without working synchronous
//   hooks): a source tap, below. No import-in-the-middle at all.
// - In-thread (module.registerHooks): import-in-the-middle, limited to the
//   registry's include list and loaded only at the first import that can
//   reach one of those packages, so an app that imports none of them never
//   pays for its lexers (one of them WebAssembly) or its per-module resolve.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * @typedef {{ include: string[], iitmHookUrl: string }} LoaderData
 *   include: package names (bare) whose modules import-in-the-middle may wrap.
 *   iitmHookUrl: the file URL of import-in-the-middle/hook.mjs, which its
 *   factory needs to find its own runtime; the main thread resolves it.
 */

/** @param {string[]} include */
function matcher(include) {
  const markers = include.map((name) => `/node_modules/${name}/`);
  /**
   * Could this import reach an included package? Bare `pkg` and `pkg/sub`;
   * a relative or absolute import from inside such a package; a file URL into it.
   * @param {string} specifier @param {string | undefined} parentURL
   */
  return (specifier, parentURL) => {
    if (specifier.startsWith('node:')) return false;
    for (const name of include) {
      if (specifier === name || specifier.startsWith(`${name}/`)) return true;
    }
    const inside = (/** @type {string} */ url) => markers.some((m) => url.includes(m));
    if (specifier.startsWith('file:') || specifier.startsWith('/')) return inside(specifier);
    return specifier.startsWith('.') && !!parentURL && inside(parentURL);
  };
}

/**
 * import-in-the-middle's hook, made on first need.
 * @param {LoaderData} data
 */
function lazyIitm(data) {
  const mayMatch = matcher(data.include);
  /** @type {any} */
  let hook;
  return {
    mayMatch,
    /** The URL of import-in-the-middle's hook factory (create-hook.mjs beside hook.mjs). */
    factoryUrl: new URL('create-hook.mjs', data.iitmHookUrl).href,
    get active() {
      return hook;
    },
    /** @param {{ createHook(meta: { url: string }): any }} factory */
    activate(factory) {
      hook ??= factory.createHook({ url: data.iitmHookUrl });
      hook.applyOptions({ include: data.include });
      return hook;
    },
  };
}

// --- off-thread loader (module.register): the source tap -------------------

/**
 * On Node versions without working synchronous hooks, every module already
 * crosses to the loader thread and back; import-in-the-middle's wrapping adds
 * lexing each wrapped module, a generated facade, and a CommonJS runtime
 * imported into the app's thread: some 50 ms on an app importing `openai`.
 * The off-thread loader does less. It appends two statements to each module
 * the registry names: the module imports its own namespace and hands it to
 * the agent in the app's thread (the global tap function hooks/esm.ts sets).
 * The module itself is untouched; its namespace is the real one, so an
 * integration patches classes and prototypes it reaches through it, which is
 * what every integration does. Only ES modules are tapped (the registry's
 * packages all ship an ESM build; their CommonJS builds go through require).
 *
 * @typedef {{ include: string[], tapKey: string }} TapData
 */

/** @type {{ include: Set<string>, tapKey: string, entries: Map<string, string> } | undefined} */
let tap;

/** @param {TapData} data */
export async function initialize(data) {
  tap = { include: new Set(data.include), tapKey: data.tapKey, entries: new Map() };
}

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  // A package's main entry is known by the bare name it was imported with.
  if (tap?.include.has(specifier) && result?.url) tap.entries.set(result.url, specifier);
  return result;
}

export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context);
  if (!tap || result.format !== 'module' || result.source == null) return result;
  const target = tapTarget(url);
  if (!target) return result;
  const source = typeof result.source === 'string' ? result.source : Buffer.from(result.source).toString('utf8');
  return { ...result, source: source + tapStatements(url, target) };
}

/**
 * The registry module name of a file URL, and its package root: by the bare
 * specifier it was imported with, or by its path inside node_modules.
 * @param {string} url
 */
function tapTarget(url) {
  const at = url.lastIndexOf('/node_modules/');
  if (at < 0 || !tap) return undefined;
  const rest = url.slice(at + '/node_modules/'.length).split(/[?#]/)[0];
  const parts = rest.split('/');
  const pkgLength = parts[0].startsWith('@') ? 2 : 1;
  const pkg = parts.slice(0, pkgLength).join('/');
  const baseDir = fileURLToPath(url.slice(0, at + '/node_modules/'.length) + pkg);
  const entry = tap.entries.get(url);
  if (entry) return { name: entry, baseDir };
  const inner = parts.slice(pkgLength).join('/').replace(/\.(c|m)?js$/, '');
  const name = `${pkg}/${inner}`;
  return tap.include.has(name) ? { name, baseDir } : undefined;
}

/** @param {string} url @param {{ name: string, baseDir: string }} target */
function tapStatements(url, target) {
  const call = `globalThis[Symbol.for(${JSON.stringify(tap.tapKey)})]?.(${JSON.stringify(target.name)}, __catalystTapNamespace, ${JSON.stringify(target.baseDir)})`;
  // A tracing failure must never fail the import: the call is guarded.
  return `\n;import * as __catalystTapNamespace from ${JSON.stringify(url)};\ntry { ${call}; } catch {}\n`;
}

// --- in-thread synchronous hooks (module.registerHooks) -------------------

/**
 * The resolve/load pair for module.registerHooks. `onActivate` runs once, in
 * this thread, just before the first module of an included package resolves,
 * so the caller can set up import-in-the-middle's Hook only when it is needed.
 * @param {LoaderData} data @param {() => void} onActivate @param {(error: unknown) => void} onFailure
 */
export function createSyncHooks(data, onActivate, onFailure) {
  const require = createRequire(import.meta.url);
  const lazy = lazyIitm(data);
  let failed = false;
  return {
    resolve(specifier, context, nextResolve) {
      if (!lazy.active) {
        if (failed || !lazy.mayMatch(specifier, context.parentURL)) return nextResolve(specifier, context);
        try {
          onActivate();
          // require(esm) of the factory: synchronous, as these hooks must be.
          lazy.activate(require(fileURLToPath(lazy.factoryUrl)));
        } catch (error) {
          // Modules load untraced from here on: never a failed import.
          failed = true;
          onFailure(error);
          return nextResolve(specifier, context);
        }
      }
      return lazy.active.resolveSync(specifier, context, nextResolve);
    },
    load(url, context, nextLoad) {
      return lazy.active ? lazy.active.loadSync(url, context, nextLoad) : nextLoad(url, context);
    },
  };
}

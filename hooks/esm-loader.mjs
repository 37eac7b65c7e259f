// The ESM loader hooks the agent registers, as a real file (module.register
// needs a URL, and the build copies this file next to the bundles).
//
// import-in-the-middle's own hooks cost start-up even when the app never
// imports a package we trace: its hook module pulls in two lexers (one of them
// WebAssembly) and its resolve step runs for every module. These hooks pass
// every module straight on until the first import that can reach a package of
// the registry's include list; only then do they load import-in-the-middle's
// hook factory and hand it everything from that point on. Once active, the
// behaviour is exactly import-in-the-middle's.
//
// Used two ways: as the off-thread loader (module.register: initialize,
// resolve, load) and, on Node versions with working synchronous hooks, in the
// application thread (createSyncHooks for module.registerHooks).
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

// --- off-thread loader (module.register) ---------------------------------

/** @type {ReturnType<typeof lazyIitm> | undefined} */
let offThread;
/** @type {Promise<any> | undefined} */
let activation;

/** @param {LoaderData} data */
export async function initialize(data) {
  offThread = lazyIitm(data);
}

export async function resolve(specifier, context, nextResolve) {
  const lazy = offThread;
  if (!lazy || (!lazy.active && !lazy.mayMatch(specifier, context.parentURL))) return nextResolve(specifier, context);
  // Concurrent first imports share one activation. If it fails, modules load untraced: never a failed import.
  activation ??= import(lazy.factoryUrl).then((factory) => lazy.activate(factory)).catch(() => null);
  const hook = lazy.active ?? (await activation);
  return hook ? hook.resolve(specifier, context, nextResolve) : nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  const hook = offThread?.active;
  return hook ? hook.load(url, context, nextLoad) : nextLoad(url, context);
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

// The ESM loader hooks the agent registers, as a real file (module.register
// needs a URL, and the build copies this file next to the bundles). The same
// source tap serves both kinds of hooks: the off-thread loader
// (module.register: initialize, resolve, load) on Node versions without
// working synchronous hooks, and in-thread hooks (module.registerHooks, via
// createSyncHooks) elsewhere.
//
// The tap appends two statements to each ES module the registry names: the
// module imports its own namespace and hands it to the agent in the app's
// thread (the global function hooks/esm.ts sets under `tapKey`). Nothing else
// is touched, and every other module passes through as loaded. The namespace
// is the real one, so an integration patches the classes and prototypes it
// reaches through it, which is what every integration does.
//
// Why not import-in-the-middle, which the agent used first: its wrapping lexes
// each wrapped module, generates a facade module for it and imports a
// CommonJS runtime into the app's thread. On an ESM app importing `openai`
// that alone added ~55 ms to start-up on Node 20 and ~15% on Node 24, more
// than the agent's whole start-up budget; the tap costs a string append.
// Only ES modules are tapped: each registry package ships an ESM build, and
// CommonJS builds go through require-in-the-middle.
import { fileURLToPath } from 'node:url';

/**
 * @typedef {{ include: string[], tapKey: string }} TapData
 *   include: registry module names: `pkg` for a package's main entry, and
 *   `pkg/path/file` (no extension) for a file inside it.
 *   tapKey: the Symbol.for key of the agent's tap function.
 */

/** @param {TapData} data */
function createTap(data) {
  const include = new Set(data.include);
  /** Main-entry URLs, by the bare specifier they were imported with. */
  const entries = new Map();

  /**
   * The registry module name of a file URL and its package root: by the bare
   * specifier it was imported with, or by its path inside node_modules.
   * @param {string} url
   */
  const target = (url) => {
    // Runs for every module the app loads: string checks first, the path conversion only on a match.
    const at = url.lastIndexOf('/node_modules/');
    if (at < 0) return undefined;
    const rest = url.slice(at + '/node_modules/'.length).split(/[?#]/)[0];
    const parts = rest.split('/');
    const pkgLength = parts[0].startsWith('@') ? 2 : 1;
    const pkg = parts.slice(0, pkgLength).join('/');
    let name = entries.get(url);
    if (!name) {
      name = `${pkg}/${parts.slice(pkgLength).join('/').replace(/\.(c|m)?js$/, '')}`;
      if (!include.has(name)) return undefined;
    }
    return { name, baseDir: fileURLToPath(url.slice(0, at + '/node_modules/'.length) + pkg) };
  };

  /** @param {string} url @param {{ name: string, baseDir: string }} t */
  const statements = (url, t) => {
    const call = `globalThis[Symbol.for(${JSON.stringify(data.tapKey)})]?.(${JSON.stringify(t.name)}, __catalystTapNamespace, ${JSON.stringify(t.baseDir)})`;
    // A tracing failure must never fail the import: the call is guarded.
    return `\n;import * as __catalystTapNamespace from ${JSON.stringify(url)};\ntry { ${call}; } catch {}\n`;
  };

  return {
    /** After resolution: remember a package's main entry by its bare specifier. */
    resolved(specifier, result) {
      if (include.has(specifier) && result?.url) entries.set(result.url, specifier);
      return result;
    },
    /** After loading: the module, with the tap appended if the registry names it. */
    loaded(url, result) {
      // The URL first: reading a load result's fields is not free (Node materialises the source for
      // them), and on Node 24 doing it for every module cost ~25 ms of an openai app's start-up.
      const t = target(url);
      if (!t || !result || result.format !== 'module' || result.source == null) return result;
      const source = typeof result.source === 'string' ? result.source : Buffer.from(result.source).toString('utf8');
      return { ...result, source: source + statements(url, t) };
    },
  };
}

// --- off-thread loader (module.register) ---------------------------------

/** @type {ReturnType<typeof createTap> | undefined} */
let offThread;

/** @param {TapData} data */
export async function initialize(data) {
  offThread = createTap(data);
}

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  return offThread ? offThread.resolved(specifier, result) : result;
}

export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context);
  return offThread ? offThread.loaded(url, result) : result;
}

// --- in-thread synchronous hooks (module.registerHooks) -------------------

/** The resolve/load pair for module.registerHooks. @param {TapData} data */
export function createSyncHooks(data) {
  const tap = createTap(data);
  return {
    resolve: (specifier, context, nextResolve) => tap.resolved(specifier, nextResolve(specifier, context)),
    load: (url, context, nextLoad) => tap.loaded(url, nextLoad(url, context)),
  };
}

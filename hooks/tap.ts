import { fileURLToPath } from 'node:url';
import { normaliseModuleName, packageDirMarker } from '../src/integrations/targets';

/**
 * The ESM source tap, shared by both kinds of loader hooks: the in-thread
 * ones (module.registerHooks, bundled into the preload) and the off-thread
 * loader (hooks/esm-loader.ts, built to dist/hooks/esm-loader.mjs).
 *
 * It appends two statements to each ES module the registry names: the module
 * imports its own namespace and hands it to the agent in the app's thread (the
 * global function hooks/esm.ts sets under `tapKey`). Nothing else is touched,
 * and every other module passes through as loaded. The namespace is the real
 * one, so an integration patches the classes and prototypes it reaches
 * through it, which is what every integration does. For a file whose registry
 * entry names module-private bindings (`locals`: an exported function binding
 * cannot be replaced, so pi-ai's provider registry, a module-level Map, is
 * reachable no other way), the appended call hands over those bindings instead.
 *
 * Why not import-in-the-middle, which the agent used first: its wrapping lexes
 * each wrapped module, generates a facade module for it and imports a
 * CommonJS runtime into the app's thread. On an ESM app importing `openai`
 * that alone added ~55 ms to start-up on Node 20 and ~15% on Node 24, more
 * than the agent's whole start-up budget; the tap costs an append to the
 * bytes Node read.
 * Only ES modules are tapped: each registry package ships an ESM build, and
 * CommonJS builds go through require-in-the-middle.
 *
 * This is CommonJS in the bundle on purpose: on Node 24, hook functions
 * defined in an ES module loaded with require() made every module's load
 * ~20 ms slower in total than the same functions defined in CommonJS.
 */
export interface TapData {
  /** Registry module names: `pkg` for a main entry, `pkg/path/file` (no extension) for a file inside it. */
  include: string[];
  /** The packages those names are in (the registry's package names). */
  packages: string[];
  /** The Symbol.for key of the agent's tap function. */
  tapKey: string;
  /** Module names whose module-private bindings (these names) are handed over instead of the namespace. */
  locals?: Record<string, string[]>;
  /**
   * Per registry module name, exports whose binding the integration replaces
   * (an ESM-only SDK's exported function, which no prototype leads to). Absent
   * or empty for most modules.
   */
  rebind?: Record<string, string[]>;
}

interface LoadResult {
  format?: string | null;
  source?: string | ArrayBufferView | ArrayBuffer | null;
  [key: string]: unknown;
}

export interface SourceTap {
  resolved<R extends { url?: string } | undefined>(specifier: string, result: R): R;
  loaded<R extends LoadResult | undefined>(url: string, result: R): R;
  /** Whether the load of this URL must pass through `loaded`: the registry names it. */
  wants(url: string): boolean;
}

const NODE_MODULES = '/node_modules/';
/** A plain JavaScript identifier: what a registry entry may name as a module-private binding. */
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `packageDirs.some((d) => url.startsWith(d, at))` without a closure per call: this runs on every resolve. */
function startsWithAny(url: string, prefixes: readonly string[], at: number): boolean {
  for (let i = 0; i < prefixes.length; i++) if (url.startsWith(prefixes[i], at)) return true;
  return false;
}

export function createTap(data: TapData): SourceTap {
  const include = new Set(data.include);
  const packageDirs = data.packages.map(packageDirMarker);
  /** Main-entry URLs, by the bare specifier they were imported with. */
  const entries = new Map<string, string>();
  /** Each URL inside a traced package, looked at once: its target, or null. Node resolves a URL once per import of it. */
  const seen = new Map<string, { name: string; baseDir: string } | null>();

  /**
   * The registry module name of a file URL and its package root: by the bare
   * specifier it was imported with, or by its path inside node_modules.
   */
  const target = (url: string): { name: string; baseDir: string } | undefined => {
    // Runs on every module the app resolves: allocation-free checks first, the rest only for a URL
    // inside a package the registry names, or a main entry imported by its name (which may sit in a
    // folder of another name: an npm alias, a copy).
    const at = url.lastIndexOf(NODE_MODULES);
    if (at < 0) return undefined;
    const entry = entries.get(url);
    if (entry === undefined && !startsWithAny(url, packageDirs, at)) return undefined;
    const known = seen.get(url);
    if (known !== undefined) return known ?? undefined;
    const start = at + NODE_MODULES.length;
    const parts = url.slice(start).split(/[?#]/)[0].split('/');
    const pkgLength = parts[0].startsWith('@') ? 2 : 1;
    const pkg = parts.slice(0, pkgLength).join('/');
    const name = entry ?? normaliseModuleName(`${pkg}/${parts.slice(pkgLength).join('/')}`);
    const found = entry !== undefined || include.has(name) ? { name, baseDir: fileURLToPath(url.slice(0, start) + pkg) } : null;
    seen.set(url, found);
    return found ?? undefined;
  };

  return {
    /** After resolution: remember a package's main entry by its bare specifier. */
    resolved(specifier, result) {
      if (include.has(specifier) && result?.url && !entries.has(result.url)) {
        entries.set(result.url, specifier);
        seen.delete(result.url);
      }
      return result;
    },
    /** After loading: the module, with the tap appended if the registry names it. */
    loaded(url, result) {
      // The URL first: reading a load result's fields is not free (Node materialises the source for
      // them), and on Node 24 doing it for every module cost ~25 ms of an openai app's start-up.
      const t = target(url);
      if (!t || !result || result.format !== 'module' || result.source == null) return result;
      const raw = result.source;
      if (typeof raw === 'string') return { ...result, source: raw + tapStatements(data, url, t, raw) };
      // Bytes stay bytes, the statements appended as bytes, unless a rebinding must read the text.
      // Decoding here and joining strings made two heap copies of the module's text (ours, then V8's
      // flattened one) where Node alone makes one. On openai's 98 KB client module, that was enough to
      // push a small app's start-up on Node 24 into a full mark-compact in half the runs (~10 ms).
      const bytes = ArrayBuffer.isView(raw) ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength) : Buffer.from(raw);
      const text = data.rebind?.[t.name]?.length ? bytes.toString('utf8') : '';
      return { ...result, source: Buffer.concat([bytes, Buffer.from(tapStatements(data, url, t, text))]) };
    },
    wants: (url) => target(url) !== undefined,
  };
}

/**
 * What the tap appends to the module at `url` (the registry's module `t.name`):
 * the call handing its namespace (or its `locals`, or its rebindable exports)
 * to the agent, guarded so a tracing failure never fails the import. Shared by
 * Node's loader hooks (createTap) and Bun's runtime plugin (hooks/bun.ts).
 * `source` (the module's text) is read only for the module's `rebind` names.
 */
export function tapStatements(data: TapData, url: string, t: { name: string; baseDir: string }, source: string): string {
  const bindings = rebindings(source, data.rebind?.[t.name]);
  const call = (what: string): string => `globalThis[Symbol.for(${JSON.stringify(data.tapKey)})]?.(${JSON.stringify(t.name)}, ${what}, ${JSON.stringify(t.baseDir)}${bindings})`;
  const locals = data.locals?.[t.name]?.filter((n) => IDENTIFIER.test(n));
  if (locals?.length) {
    // Appended to the module's own body, so its module-level bindings are in scope; `typeof` keeps a
    // binding the module does not have from throwing.
    const fields = locals.map((n) => `${n}: typeof ${n} === "undefined" ? undefined : ${n}`).join(', ');
    return `\n;try { ${call(`{ __proto__: null, ${fields} }`)}; } catch {}\n`;
  }
  return `\n;import * as __catalystTapNamespace from ${JSON.stringify(url)};\ntry { ${call('__catalystTapNamespace')}; } catch {}\n`;
}

/** Words a local binding cannot be named: one of these in generated code would fail the module's load. */
const RESERVED = new Set('await break case catch class const continue debugger default delete do else enum export extends false finally for function if implements import in instanceof interface let new null package private protected public return static super switch this throw true try typeof var void while with yield arguments eval'.split(' '));

/**
 * The local name a module gives each of `names` in its exports: `export { a as query }`
 * (a bundle's closing statement, searched from the end), or `export function query`.
 */
export function exportedLocals(source: string, names: readonly string[]): Map<string, string> {
  const found = new Map<string, string>();
  const lists = [...source.matchAll(/\bexport\s*\{([^}]*)\}/g)].reverse();
  for (const name of names) {
    for (const list of lists) {
      for (const entry of list[1].split(',')) {
        const [local, exported = local] = entry.trim().split(/\s+as\s+/);
        if (exported === name && IDENTIFIER.test(local) && !RESERVED.has(local)) found.set(name, local);
      }
      if (found.has(name)) break;
    }
    if (!found.has(name) && new RegExp(`\\bexport\\s+(?:async\\s+)?function\\s*\\*?\\s*${name.replace(/\$/g, '\\$')}\\s*\\(`).test(source)) found.set(name, name);
  }
  return found;
}

/**
 * The tap call's fourth argument for a module with bindings to replace: per
 * export, a getter and a setter of the module's own local binding, so the
 * integration can swap the function every importer sees (the namespace itself
 * is read-only). A `const` binding's setter throws, which the integration
 * reports as "skipped". Empty when the module has none.
 */
function rebindings(source: string, names: readonly string[] | undefined): string {
  if (!names || names.length === 0) return '';
  const locals = exportedLocals(source, names);
  if (locals.size === 0) return '';
  const entries = [...locals].map(([name, local]) => `${JSON.stringify(name)}: [() => ${local}, (v) => { ${local} = v; }]`);
  return `, { ${entries.join(', ')} }`;
}


export type Hook = (specifierOrUrl: string, context: unknown, next: (s: string, c: unknown) => any) => any;
export type RegisterHooks = (hooks: { resolve?: Hook; load?: Hook }) => { deregister(): void };

/**
 * The hooks for module.registerHooks: a resolve hook (which esm-pause.ts
 * registers, and steps aside while a package requires its own files), and a
 * load hook registered only while a module the registry names is resolved but
 * not yet loaded.
 *
 * Why not a load hook for the whole process: while any load hook is
 * registered, Node decodes every module's source (ESM and CommonJS alike) to
 * a JavaScript string in JavaScript before compiling it. On an ESM app
 * importing `openai` that was ~1.5 MB more garbage, an extra scavenge and a
 * full mark-compact before exit: ~20 ms of a ~280 ms start-up on Node 24.
 */
export function createSyncHooks(data: TapData, registerHooks: RegisterHooks): { resolve: Hook } {
  const tap = createTap(data);
  /** Resolved URLs the tap waits to load. */
  const pending = new Set<string>();
  /** URLs already loaded through the tap: resolving them again loads nothing. */
  const done = new Set<string>();
  let loadHook: { deregister(): void } | undefined;

  const load: Hook = (url, context, nextLoad) => {
    const result = nextLoad(url, context);
    if (!pending.delete(url)) return result;
    done.add(url);
    if (pending.size === 0 && loadHook) {
      // Node builds each load's chain before running it, so leaving now is safe.
      loadHook.deregister();
      loadHook = undefined;
    }
    return tap.loaded(url, result);
  };

  return {
    resolve: (specifier, context, nextResolve) => {
      const result = tap.resolved(specifier, nextResolve(specifier, context));
      const url: unknown = result?.url;
      if (typeof url === 'string' && !done.has(url) && !pending.has(url) && tap.wants(url)) {
        pending.add(url);
        loadHook ??= registerHooks({ load });
      }
      return result;
    },
  };
}

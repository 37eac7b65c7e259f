import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { debug, reportInternalError } from '../src/diagnostics/report';
import { tapStatements, type TapData } from './tap';

/**
 * The ESM side under Bun, which has neither of Node's module hooks (no
 * module.registerHooks; its module.register does nothing): a runtime plugin
 * (`Bun.plugin`) whose onLoad appends the source tap of hooks/tap.ts to each ES
 * module the registry names, so the same statements hand the same namespace to
 * the agent as under Node. CommonJS needs nothing here: Bun's require() goes
 * through Module.prototype.require, so hooks/cjs.ts works unchanged.
 *
 * Two limits of Bun's plugin API (1.4) shape this file:
 * - onLoad cannot pass a file on: once the filter matches, the callback must
 *   return the source, and only the exact files to tap may match.
 * - a CommonJS file returned by onLoad is not run as CommonJS (its
 *   module.exports stays empty: oven-sh/bun#39786), so the filter must never
 *   match one; `require('openai')` loads `index.js` where `import` loads
 *   `index.mjs` from the same folder.
 * So the exact ES module files are found once at start-up: each hooked package
 * is looked up from the app's folder and the working directory (a few stat
 * calls; nothing for a package that is not installed), its main entry resolved
 * as `import` resolves it (Bun.resolveSync) and each registry file taken in its
 * ES module form. The filter matches those paths below any node_modules folder,
 * so another copy of the same package (nested, or in a pnpm store) is tapped too.
 */
interface BunLoadArgs {
  path: string;
}
interface BunPluginBuild {
  onLoad(options: { filter: RegExp }, callback: (args: BunLoadArgs) => { contents: string; loader: 'js' }): void;
}
interface BunRuntime {
  plugin(plugin: { name: string; setup(build: BunPluginBuild): void }): unknown;
  resolveSync(specifier: string, from: string): string;
  main?: string;
}

const NODE_MODULES = '/node_modules/';

export function installBunHook(data: TapData): void {
  const bun = (globalThis as { Bun?: BunRuntime }).Bun;
  if (!bun) return;
  const files = esModuleFiles(data, searchRoots(bun), bun);
  if (files.size === 0) {
    debug('Bun: no hooked package found from the app folder; ES modules are not tapped');
    return;
  }
  const filter = new RegExp(`/node_modules/(?:${[...files.keys()].map(escapeRegExp).join('|')})$`);
  bun.plugin({
    name: '@catalyst/tracing',
    setup(build) {
      build.onLoad({ filter }, ({ path }) => {
        const source = readFileSync(path, 'utf8');
        const at = path.lastIndexOf(NODE_MODULES) + NODE_MODULES.length;
        const file = files.get(path.slice(at));
        if (!file) return { contents: source, loader: 'js' };
        try {
          const tap = tapStatements(data, pathToFileURL(path).href, { name: file.name, baseDir: path.slice(0, at + file.packageName.length) }, source);
          return { contents: source + tap, loader: 'js' };
        } catch (error) {
          reportInternalError('tapping an ES module under Bun', error);
          return { contents: source, loader: 'js' };
        }
      });
    },
  });
  debug(`Bun: tapping ${[...files.keys()].join(', ')}`);
}

/** Where the app's packages are looked up from: the entry script's folder, then the working directory. */
function searchRoots(bun: BunRuntime): string[] {
  const roots: string[] = [];
  if (bun.main && isAbsolute(bun.main)) roots.push(dirname(bun.main));
  if (!roots.includes(process.cwd())) roots.push(process.cwd());
  return roots;
}

/**
 * The ES module files to tap, keyed by their path below `node_modules/`
 * (`openai/index.mjs`), each with its registry module name and package.
 */
export function esModuleFiles(data: TapData, roots: readonly string[], bun: Pick<BunRuntime, 'resolveSync'>): Map<string, { name: string; packageName: string }> {
  const files = new Map<string, { name: string; packageName: string }>();
  const moduleType = packageTypes();
  // The node_modules folders lookup from each root passes through, found once: a package is then one stat
  // per folder, so a registry package the app does not have costs a few stats, not a walk to the root.
  const lookups = roots.map((root) => ({ root, folders: nodeModulesFolders(root) }));
  for (const packageName of data.packages) {
    let names: string[] | undefined;
    const seen = new Set<string>();
    for (const { root, folders } of lookups) {
      const dir = folders.map((f) => `${f}/${packageName}`).find((d) => existsSync(`${d}/package.json`));
      if (!dir || seen.has(dir)) continue;
      seen.add(dir);
      names ??= data.include.filter((n) => n === packageName || n.startsWith(`${packageName}/`));
      for (const name of names) {
        const path = candidates(name, packageName, dir, root, bun).find((p) => isEsModule(p, dir, moduleType));
        if (path) files.set(`${packageName}/${path.slice(dir.length + 1)}`, { name, packageName });
      }
    }
  }
  return files;
}

/** The node_modules folders that lookup from `root` passes through, nearest first. */
function nodeModulesFolders(root: string): string[] {
  const folders: string[] = [];
  for (let dir = root; ; dir = dirname(dir)) {
    const folder = `${dir === '/' ? '' : dir}/node_modules`;
    if (existsSync(folder)) folders.push(folder);
    if (dirname(dir) === dir) return folders;
  }
}

/** Where a registry module may be: the main entry as `import` resolves it, or the file with either extension. */
function candidates(name: string, packageName: string, dir: string, root: string, bun: Pick<BunRuntime, 'resolveSync'>): string[] {
  if (name !== packageName) {
    const base = `${dir}/${name.slice(packageName.length + 1)}`;
    return [`${base}.mjs`, `${base}.js`].filter((p) => existsSync(p));
  }
  try {
    const entry = bun.resolveSync(packageName, root);
    return entry.startsWith(`${dir}/`) ? [entry] : [];
  } catch {
    return [];
  }
}

/** `.mjs`, or `.js` under a package.json saying "type": "module" (the nearest one, up to the package's folder). */
function isEsModule(path: string, packageRoot: string, moduleType: (dir: string) => string | undefined): boolean {
  if (path.endsWith('.mjs')) return true;
  if (!path.endsWith('.js')) return false;
  for (let dir = dirname(path); dir.length >= packageRoot.length; dir = dirname(dir)) {
    const type = moduleType(dir);
    if (type !== undefined) return type === 'module';
    if (dir === packageRoot) break;
  }
  return false;
}

/** The "type" of the package.json in a folder ('commonjs' when it has none), undefined when there is no package.json; cached. */
function packageTypes(): (dir: string) => string | undefined {
  const cache = new Map<string, string | undefined>();
  return (dir) => {
    if (!cache.has(dir)) {
      let type: string | undefined;
      try {
        const parsed = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')) as { type?: unknown };
        type = parsed.type === 'module' ? 'module' : 'commonjs';
      } catch {
        type = undefined;
      }
      cache.set(dir, type);
    }
    return cache.get(dir);
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// The shared cores of dist/: modules every bundle needs (the agent's state, its
// voice on stderr, configuration, span writing, the OTel API) live in one file
// each, which the preload, the public entries and the lazy chunks require,
// instead of each bundle inlining a copy. esbuild cannot split CommonJS output,
// so each core is a bundle of its own, built from an entry that re-exports its
// members, and a plugin sends every other bundle's imports of a member to it.
// The dist-shape test reads the same table.
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { build } from 'esbuild';

/**
 * Two cores, in load order: a core may use the ones before it, never one after.
 * `core` is what the preload runs at start-up anyway (the agent, its loader
 * hooks, configuration, state, diagnostics). `core-trace` is what writing a
 * span needs (the OTel API, the semantic conventions, trace/); it is loaded at
 * the first traced call or by the public API, never by start-up, so an app that
 * makes no traced call never compiles it. The OTel SDK is not in either: it
 * stays in the lazy pipeline chunk, built on the first span.
 */
export const CORES = [
  {
    name: 'core',
    files: [
      'src/state.ts',
      'src/diagnostics/',
      'src/config/',
      'src/store/format.ts',
      'src/agent.ts',
      'src/integrations/registry.ts',
      'src/integrations/install.ts',
      'src/integrations/shape.ts',
      'src/integrations/targets.ts',
      'hooks/',
    ],
    packages: [],
  },
  {
    name: 'core-trace',
    files: ['src/trace/', 'src/semconv/', 'src/version.ts', 'src/instrumentation/safe.ts', 'src/instrumentation/span-lifecycle.ts'],
    packages: ['@opentelemetry/api', '@arizeai/openinference-semantic-conventions'],
  },
];

/**
 * Under a member folder but not members: the off-thread loader is an ES module of its own; the semconv barrel is a
 * public entry; Bun's runtime plugin is a lazy chunk of its own (lazy-bun-hook), never parsed by a Node process.
 */
const NOT_MEMBERS = new Set(['hooks/esm-loader.ts', 'src/semconv/index.ts', 'hooks/bun.ts']);

const posix = (p) => p.split(sep).join('/');

/** The core holding a source file (path relative to the repo root, / separators), if any. */
export function coreOfFile(rel) {
  if (NOT_MEMBERS.has(rel) || rel.endsWith('.d.ts')) return undefined;
  return CORES.find((c) => c.files.some((f) => (f.endsWith('/') ? rel.startsWith(f) : rel === f)))?.name;
}

/** The core holding an npm package (its top-level install only: a nested copy is another version). */
function coreOfPackage(rel) {
  for (const c of CORES) for (const p of c.packages) if (rel.startsWith(`node_modules/${p}/`)) return { core: c.name, pkg: p };
  return undefined;
}

/** Every source file of a core, for its entry. */
export function memberFiles(root, core) {
  const out = [];
  const walk = (rel) => {
    const abs = join(root, rel);
    if (statSync(abs).isDirectory()) for (const e of readdirSync(abs)) walk(`${rel}/${e}`);
    else if (rel.endsWith('.ts') && coreOfFile(rel) === core.name) out.push(rel);
  };
  for (const f of core.files) walk(f.replace(/\/$/, ''));
  return out.sort();
}

/** The entry of a core: every member re-exported flat (checkCoreExports makes sure no two share a name). */
export function coreEntry(root, core) {
  const lines = [...memberFiles(root, core).map((f) => `./${f}`), ...core.packages].map((s) => `export * from ${JSON.stringify(s)};`);
  return { contents: `${lines.join('\n')}\n`, resolveDir: root, sourcefile: `${core.name}-entry.ts`, loader: 'ts' };
}

/**
 * A flat re-export silently drops a name two members both export, and never
 * carries a default export: either would leave a bundle reading `undefined`
 * from the core. Fails the build instead.
 */
export async function checkCoreExports(root, core, plugins) {
  const entries = [...memberFiles(root, core).map((f) => join(root, f)), ...core.packages];
  const result = await build({
    absWorkingDir: root,
    entryPoints: entries,
    outdir: join(root, '.cache', 'core-exports'),
    write: false,
    metafile: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    mainFields: ['module', 'main'],
    // Only each member's own export list matters: everything it imports stays outside.
    // Only each member's own export list matters: all it imports stays outside, except a core package's own files.
    plugins: [...plugins, { name: 'members-only', setup: (b) => b.onResolve({ filter: /.*/ }, (a) => (a.kind === 'entry-point' || coreOfPackage(posix(relative(root, a.importer))) ? undefined : { path: a.path, external: true })) }],
    logLevel: 'silent',
  });
  const owners = new Map();
  const problems = [];
  for (const out of Object.values(result.metafile.outputs)) {
    if (!out.entryPoint) continue;
    for (const name of out.exports) {
      // A package's default export (the OTel API's namespace object) is left out; checkNoDefaultImports makes sure no bundle uses it.
      if (name === 'default') {
        if (!out.entryPoint.startsWith('node_modules/')) problems.push(`${out.entryPoint} has a default export`);
      }
      else if (owners.has(name)) problems.push(`${name} is exported by both ${owners.get(name)} and ${out.entryPoint}`);
      else owners.set(name, out.entryPoint);
    }
  }
  if (problems.length) throw new Error(`dist/${core.name}.js cannot re-export its members flat:\n  ${problems.join('\n  ')}`);
}

/**
 * Sends imports of a core's members to the core's file. `building` is the core
 * this build makes (its own members stay inside it); `prefix` is the way from
 * the bundle's folder to dist/ ('./', or '../' for dist/vendor/).
 */
export function sharedCore(root, { building, prefix }) {
  return {
    name: 'shared-core',
    setup(b) {
      const entryOf = new Map();
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData?.sharedCore || args.kind === 'entry-point' || args.path.startsWith('node:')) return undefined;
        const r = await b.resolve(args.path, { importer: args.importer, resolveDir: args.resolveDir, kind: args.kind, pluginData: { sharedCore: true } });
        if (r.errors.length || r.external || !r.path) return undefined;
        const rel = posix(relative(root, r.path));
        let core = coreOfFile(rel);
        const pkg = core ? undefined : coreOfPackage(rel);
        if (pkg) {
          core = pkg.core;
          const importerRel = posix(relative(root, args.importer));
          if (!importerRel.startsWith(`node_modules/${pkg.pkg}/`)) {
            // The core re-exports the package's main entry only: a deeper import would find none of its names there.
            if (!entryOf.has(pkg.pkg)) entryOf.set(pkg.pkg, (await b.resolve(pkg.pkg, { resolveDir: root, kind: 'import-statement', pluginData: { sharedCore: true } })).path);
            if (r.path !== entryOf.get(pkg.pkg)) throw new Error(`${importerRel} imports ${args.path}, a file inside ${pkg.pkg} other than its entry, which dist/${core}.js does not re-export`);
          }
        }
        if (!core || core === building) return undefined;
        if (building && CORES.findIndex((c) => c.name === core) > CORES.findIndex((c) => c.name === building)) {
          throw new Error(`dist/${building}.js would load dist/${core}.js through ${args.path} (from ${posix(relative(root, args.importer))}): a core may only use the cores before it`);
        }
        return { path: `${prefix}${core}.js`, external: true };
      });
    },
  };
}

/**
 * esbuild gives a CommonJS bundle's exports as getters (ES live bindings), and
 * a bundle reading a core's member goes through two of them per use: the
 * core's `module.exports` getter, then the member's. On the per-call path that
 * was ~6 µs of a traced OpenAI call on Node 24 (CPU profile: the cores'
 * getters at 22 + 5 ms of self time over 4,500 calls), and a quarter of its
 * instructions under callgrind. Once the core has run, its
 * exports are replaced by a frozen object of their values: the same names and
 * values, read as plain properties. That holds only while no exported binding
 * is ever reassigned, which checkExportsAssignedOnce makes sure of. A bundle
 * that required the core while it was still loading keeps the getters, which
 * still work.
 */
export const PLAIN_EXPORTS_FOOTER =
  "module.exports = ((live) => { const plain = {}; for (const k of Object.keys(live)) plain[k] = live[k]; Object.defineProperty(plain, '__esModule', { value: true }); return Object.freeze(plain); })(module.exports);";

/**
 * Fails the build if a core's exported binding is declared `let` or assigned
 * anywhere but its declaration: the plain exports would then hold a stale value.
 */
export function checkExportsAssignedOnce(name, text) {
  const list = /__export\(\w+, \{([\s\S]*?)\n\}\);/.exec(text);
  if (!list) throw new Error(`dist/${name}.js: no export list found (esbuild's output changed shape)`);
  const problems = [];
  for (const [, exported, local] of list[1].matchAll(/([\w$]+): \(\) => ([\w$]+)/g)) {
    const escaped = local.replace(/\$/g, '\\$');
    const decl = new RegExp(`^\\s*(var|let|const|function\\*?|async function|class) ${escaped}\\b`, 'm').exec(text);
    const assignments = [...text.matchAll(new RegExp(`(?<![\\w.$])${escaped} (?:=|\\+=|-=|\\|\\|=|\\?\\?=|&&=) `, 'g'))].length;
    const kind = decl?.[1];
    const once = kind === 'var' || kind === 'const' ? assignments === 1 : assignments === 0;
    if (!kind || kind === 'let' || !once) problems.push(`${exported} (${kind ?? 'no declaration found'}, ${assignments} assignment(s))`);
  }
  if (problems.length) throw new Error(`dist/${name}.js exports bindings that may be reassigned, which its plain exports would not follow:\n  ${problems.join('\n  ')}`);
}

/**
 * The flat re-export leaves out a package's default export (the OTel API has
 * one): fails the build if a bundle reads `.default` from a core.
 */
export function checkNoDefaultImports(files) {
  for (const [file, text] of files) {
    for (const m of text.matchAll(/(import_[\w$]+) = __toESM\(require\("(?:\.\.?\/)+(core[\w-]*)\.js"\)/g)) {
      if (text.includes(`${m[1]}.default`)) throw new Error(`${file} reads the default export of dist/${m[2]}.js, which the core does not carry: import the names instead`);
    }
  }
}

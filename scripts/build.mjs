// Build: esbuild bundles each public entry into one CommonJS file under dist/,
// with OpenTelemetry's packages inlined from their ESM builds so unused code is
// shaken out: start-up loads a handful of files instead of ~170 (measured: the
// OTel SDK costs ~7 ms bundled against ~70 ms as separate files). tsc checks
// types and writes the .d.ts files. Each entry also gets a thin ESM wrapper.
// Modules several bundles need are not inlined into each: they live once in
// the shared cores (dist/core.js, dist/core-trace.js; see shared-core.mjs).
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, chmodSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { CORES, PLAIN_EXPORTS_FOOTER, checkCoreExports, checkExportsAssignedOnce, checkNoDefaultImports, coreEntry, sharedCore } from './shared-core.mjs';
import { buildUi } from './build-ui.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// `--out DIR` builds elsewhere (inside the repo, so node_modules still resolves), for parallel work.
const outArg = process.argv.indexOf('--out');
const dist = outArg > 0 ? join(root, process.argv[outArg + 1]) : join(root, 'dist');
const require = createRequire(import.meta.url);

rmSync(dist, { recursive: true, force: true });
// `--no-types` skips tsc for quick rebuilds while iterating; CI and `npm run build` always check types.
if (!process.argv.includes('--no-types')) {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.json'), '--declarationDir', join(dist, 'types')], { stdio: 'inherit', cwd: root });
}

const SDK_PACKAGES = ['openai', 'openai/*', '@anthropic-ai/*', '@langchain/*', 'langchain', 'langchain/*', 'ai', 'ai/*', '@ai-sdk/*', '@openai/*', '@mariozechner/*', 'langsmith', 'langsmith/*', '@elevenlabs/*', 'eve', 'eve/*', '@livekit/*', '@cursor/*'];

const entries = {
  register: 'register.ts',
  index: 'src/index.ts',
  openai: 'src/integrations/openai/index.ts',
  semconv: 'src/semconv/index.ts',
  anthropic: 'src/integrations/anthropic/index.ts',
  langchain: 'src/integrations/langchain/index.ts',
  langgraph: 'src/integrations/langgraph/index.ts',
  'ai-sdk': 'src/integrations/ai-sdk/index.ts',
  'openai-agents': 'src/integrations/openai-agents/index.ts',
  'pi-ai': 'src/integrations/pi-ai/index.ts',
  'pi-agent-core': 'src/integrations/pi-agent-core/index.ts',
  'claude-agent-sdk': 'src/integrations/claude-agent-sdk/index.ts',
  'cursor-sdk': 'src/integrations/cursor-sdk/index.ts',
  langsmith: 'src/integrations/langsmith/index.ts',
  elevenlabs: 'src/integrations/elevenlabs/index.ts',
  eve: 'src/integrations/eve/index.ts',
  'livekit-agents': 'src/integrations/livekit-agents/index.ts',
  esbuild: 'src/bundlers/esbuild.ts',
  cli: 'src/cli/main.ts',
};

/**
 * Code the preload needs only later lives in files of its own, loaded on first
 * use, so start-up never compiles it: the exporter (first export), the export
 * pipeline and its exit handling (first span), each integration's patch
 * code (when its SDK loads) and, where it has a calls.ts, its per-call code
 * (first traced call). Every bundle requires the same file, so a process
 * holds one copy however many entries it loads.
 */
const integrationFolders = readdirSync(join(root, 'src/integrations'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, 'src/integrations', d.name, 'patch.ts')))
  .map((d) => d.name);
const lazyChunks = [
  { importer: 'src/export/otlp-encoding.ts', specifier: './otlp-vendor', chunk: 'vendor/otlp-http', source: 'src/export/otlp-vendor.ts' },
  { importer: 'src/agent.ts', specifier: './export/pipeline', chunk: 'lazy-pipeline', source: 'src/export/pipeline.ts' },
  { importer: 'src/agent.ts', specifier: './export/lifecycle', chunk: 'lazy-lifecycle', source: 'src/export/lifecycle.ts' },
  // Bun's runtime plugin: loaded only under Bun, so a Node process never parses it.
  { importer: 'hooks/esm.ts', specifier: './bun', chunk: 'lazy-bun-hook', source: 'hooks/bun.ts' },
  // The untraced-request hint's question to the trace code, asked only once a traced call has loaded that code.
  { importer: 'src/instrumentation/untraced-requests.ts', specifier: './traced-call-check', chunk: 'lazy-traced-call-check', source: 'src/instrumentation/traced-call-check.ts' },
  ...integrationFolders.map((name) => ({ importer: 'src/integrations/registry.ts', specifier: `./${name}/patch`, chunk: `lazy-${name}`, source: `src/integrations/${name}/patch.ts` })),
  // An integration whose per-call code is in calls.ts gets it in a file of its own, loaded at the first call.
  ...integrationFolders
    .filter((name) => existsSync(join(root, 'src/integrations', name, 'calls.ts')))
    .map((name) => ({ importer: `src/integrations/${name}/patch.ts`, specifier: './calls', chunk: `lazy-${name}-calls`, source: `src/integrations/${name}/calls.ts` })),
];
const lazyFiles = {
  name: 'lazy-files',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      const chunk = lazyChunks.find((c) => args.path === c.specifier && args.importer === join(root, c.importer));
      // Every chunk sits in dist/ (the exporter in dist/vendor/), as do the bundles that require them.
      return chunk ? { path: `./${chunk.chunk}.js`, external: true } : undefined;
    });
  },
};
for (const c of lazyChunks) entries[c.chunk] = c.source;

/**
 * src/export/protobuf-strings.ts names OTel's protobuf writer classes by their
 * files in the package's CommonJS build (build/src), which Node's `require`
 * loads in the unit tests. A bundle takes the package's ES module build
 * (mainFields), where esbuild keeps only the trace serializers: the same files
 * are taken from build/esm here, so the classes patched are the ones the
 * bundled serializer writes with. Every build that bundles the exporter uses
 * it (the agent's files and the OpenCode plugin); test/unit/dist-shape.test.mjs
 * checks both hold build/esm files only.
 */
const otlpTransformerFiles = {
  name: 'otlp-transformer-files',
  setup(b) {
    b.onResolve({ filter: /^@opentelemetry\/otlp-transformer\/build\/src\// }, (args) =>
      b.resolve(args.path.replace('/build/src/', '/build/esm/'), { kind: args.kind, resolveDir: args.resolveDir }),
    );
  },
};

// Modules every bundle needs live once, in the shared cores (scripts/shared-core.mjs); every other
// bundle requires them. Bundles in a subfolder (dist/vendor/) reach them one level up.
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20.6',
  format: 'cjs',
  mainFields: ['module', 'main'],
  // Loader hooks must stay real files (they register themselves by path); the rest is opt-in and lazy.
  // SDKs are the app's: an integration only ever receives them from a hook or from the caller.
  external: ['require-in-the-middle', '@opentelemetry/instrumentation', 'esbuild', ...SDK_PACKAGES],
  logLevel: 'warning',
  legalComments: 'none',
};
for (const core of CORES) await checkCoreExports(root, core, [lazyFiles]);
const built = Object.entries(entries).filter(([name, src]) => existsSync(join(root, src)) && !(name === 'cli' && process.argv.includes('--no-cli')));
const byDepth = new Map();
for (const entry of built) {
  const depth = entry[0].split('/').length - 1;
  byDepth.set(depth, [...(byDepth.get(depth) ?? []), entry]);
}
await Promise.all([
  ...CORES.map((core) =>
    build({ ...common, stdin: coreEntry(root, core), outfile: join(dist, `${core.name}.js`), footer: { js: PLAIN_EXPORTS_FOOTER }, plugins: [lazyFiles, sharedCore(root, { building: core.name, prefix: './' })] }),
  ),
  ...[...byDepth].map(([depth, group]) =>
    build({ ...common, entryPoints: Object.fromEntries(group), outdir: dist, plugins: [lazyFiles, otlpTransformerFiles, sharedCore(root, { prefix: depth ? '../'.repeat(depth) : './' })] }),
  ),
]);
for (const core of CORES) checkExportsAssignedOnce(core.name, readFileSync(join(dist, `${core.name}.js`), 'utf8'));
checkNoDefaultImports(built.map(([name]) => [`${name}.js`, readFileSync(join(dist, `${name}.js`), 'utf8')]));

// The off-thread ESM loader is registered by URL, so it ships as a file of its own (an ES module).
await build({
  absWorkingDir: root,
  entryPoints: ['hooks/esm-loader.ts'],
  outfile: join(dist, 'hooks', 'esm-loader.mjs'),
  bundle: true,
  platform: 'node',
  target: 'node20.6',
  format: 'esm',
  logLevel: 'warning',
  legalComments: 'none',
});

// Every library entry gets an ESM face; register, cli and the vendored exporter are not imported by name.
const wrappers = Object.fromEntries(
  Object.keys(entries).filter((name) => !['register', 'cli'].includes(name) && !lazyChunks.some((c) => c.chunk === name)).map((name) => [`${name}.mjs`, `${name}.js`]),
);
mkdirSync(join(dist, 'esm'), { recursive: true });
for (const [wrapper, target] of Object.entries(wrappers)) {
  if (!existsSync(join(dist, target))) continue;
  const loaded = require(join(dist, target));
  const names = Object.keys(loaded).filter((n) => n !== 'default' && n !== '__esModule');
  // An entry with a default export (the esbuild plugin factory) keeps it in its ESM face.
  const defaultExport = 'default' in loaded ? 'export default cjs.default;\n' : '';
  writeFileSync(
    join(dist, 'esm', wrapper),
    `// Generated by scripts/build.mjs: the ESM face of dist/${target}.\nimport cjs from '../${target}';\nexport const { ${names.join(', ')} } = cjs;\n${defaultExport}`,
  );
}
// The --import entry: register.ts again, as an ES module that imports dist/core.js itself, so the preload
// is two files as with --require (a face importing ../register.js would add a third, ~0.3 ms more).
await build({
  ...common,
  // From stdin so esbuild reads it as the ES module it is (as a .ts entry under a CommonJS tsconfig it wraps it).
  stdin: { contents: readFileSync(join(root, 'register.ts'), 'utf8'), resolveDir: root, sourcefile: 'register.ts', loader: 'ts' },
  outfile: join(dist, 'esm', 'register.mjs'),
  format: 'esm',
  banner: { js: '// Generated by scripts/build.mjs: the --import entry.' },
  plugins: [lazyFiles, sharedCore(root, { prefix: '../' })],
});
// The OpenCode plugin runs inside OpenCode's Bun binary, which imports it by path: one self-contained ES
// module (no shared core, so none of the agent's loader hooks; no lazy chunk files), with `require` and
// `__dirname` defined for the few modules that use them.
await build({
  absWorkingDir: root,
  entryPoints: ['src/integrations/opencode/index.ts'],
  outfile: join(dist, 'opencode.mjs'),
  bundle: true,
  platform: 'node',
  target: 'node20.6',
  format: 'esm',
  mainFields: ['module', 'main'],
  plugins: [otlpTransformerFiles],
  logLevel: 'warning',
  legalComments: 'none',
  banner: {
    js: [
      '// Generated by scripts/build.mjs: the OpenCode plugin (@catalyst/tracing/opencode), self-contained.',
      "import { createRequire as __catalystRequire } from 'node:module';",
      "import { dirname as __catalystDirname } from 'node:path';",
      "import { fileURLToPath as __catalystPath } from 'node:url';",
      'const require = __catalystRequire(import.meta.url);',
      'const __dirname = __catalystDirname(__catalystPath(import.meta.url));',
    ].join('\n'),
  },
});
if (existsSync(join(dist, 'cli.js'))) chmodSync(join(dist, 'cli.js'), 0o755);
// The trace viewer's static page, served by `catalyst-tracing ui` and `serve`.
if (!process.argv.includes('--no-cli')) {
  const ui = await buildUi(root, dist);
  console.log(`built dist/ (viewer: ${(ui.gzipBytes / 1024).toFixed(1)} KB gzipped)`);
} else console.log('built dist/');

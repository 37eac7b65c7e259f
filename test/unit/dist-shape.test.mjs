import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { CORES, checkExportsAssignedOnce, coreOfFile } from '../../scripts/shared-core.mjs';
import { runChild } from '../harness/run-child.mjs';

// The shape of the built package: each shared module lives in one file of
// dist/ (its core), which every bundle requires; none inlines its own copy, so
// module state is one per process and dist/ carries each module once.
const dist = process.env.CATALYST_TEST_DIST;
const require = createRequire(import.meta.url);

/** esbuild marks each module it inlines with a `// <path>` line (paths relative to the repo). */
function inlinedModules(file) {
  const paths = new Set();
  for (const m of readFileSync(file, 'utf8').matchAll(/^\/\/ ((?:src|hooks|node_modules)\/\S+\.[cm]?[jt]s)$/gm)) paths.add(m[1]);
  return paths;
}

/** Every CommonJS bundle of dist/ (the off-thread ESM loader and the ESM faces are not bundles that share modules). */
function bundles(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory() && !['esm', 'types', 'hooks'].includes(e.name)) out.push(...bundles(join(dir, e.name)));
    else if (e.isFile() && e.name.endsWith('.js')) out.push(join(dir, e.name));
  }
  return out;
}

function coreOf(path) {
  if (!path.startsWith('node_modules/')) return coreOfFile(path);
  return CORES.find((c) => c.packages.some((p) => path.startsWith(`node_modules/${p}/`)))?.name;
}

describe.skipIf(!dist)('dist/ shape (needs the built dist: npm test sets CATALYST_TEST_DIST)', () => {
  it('inlines each shared module into its core only, and every core holds its members', () => {
    const seen = new Map();
    for (const file of bundles(dist)) {
      for (const path of inlinedModules(file)) {
        const core = coreOf(path);
        if (core) seen.set(path, [...(seen.get(path) ?? []), relative(dist, file)]);
      }
    }
    const misplaced = [...seen].filter(([path, files]) => files.length !== 1 || files[0] !== `${coreOf(path)}.js`);
    expect(misplaced).toEqual([]);
    // The markers are there to be found: a build that stopped writing them would pass the check above vacuously.
    for (const key of ['src/state.ts', 'src/diagnostics/report.ts', 'src/config/config.ts', 'src/trace/write.ts', 'src/semconv/attr.ts']) {
      expect(seen.get(key)).toEqual([`${coreOf(key)}.js`]);
    }
    expect([...seen.keys()].some((p) => p.startsWith('node_modules/@opentelemetry/api/'))).toBe(true);
  });

  it('start-up with an SDK loaded loads dist/core.js but not the span-writing core', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalyst-shape-'));
    try {
      const script = join(dir, 'app.cjs');
      writeFileSync(
        script,
        `const { OpenAI } = require(${JSON.stringify(require.resolve('openai'))});
new OpenAI({ apiKey: 'sk-test', baseURL: 'http://127.0.0.1:9' });
const loaded = Object.keys(require.cache).filter((f) => f.startsWith(${JSON.stringify(dist)})).map((f) => f.slice(${dist.length + 1}));
console.log(JSON.stringify(loaded.sort()));\n`,
      );
      const r = await runChild({ script, cwd: dir, preload: 'require', registerPath: join(dist, 'register.js') });
      expect(r.stderr).toBe('');
      const loaded = JSON.parse(r.stdout.trim());
      expect(loaded).toContain('core.js');
      expect(loaded).toContain('lazy-openai.js');
      expect(loaded).not.toContain('core-trace.js');
      expect(loaded).not.toContain('lazy-pipeline.js');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('each core exports plain values once loaded, not getters, with the names the ESM faces import', () => {
    for (const core of CORES) {
      const file = join(dist, `${core.name}.js`);
      const exported = require(file);
      const names = Object.keys(exported);
      expect(names.length).toBeGreaterThan(20);
      const getters = names.filter((k) => typeof Object.getOwnPropertyDescriptor(exported, k).get === 'function');
      expect(getters).toEqual([]);
      expect(exported.__esModule).toBe(true);
      // cjs-module-lexer reads the names from esbuild's annotation: every one of them is there.
      const annotated = /0 && \(module\.exports = \{([\s\S]*?)\}\);/.exec(readFileSync(file, 'utf8'))[1].match(/[\w$]+/g);
      expect(annotated.filter((k) => !(k in exported))).toEqual([]);
    }
  });

  it("the exporter's serializer file has the native string path in place, and writes the bytes of OTel's own", () => {
    const file = join(dist, 'vendor', 'otlp-http.js');
    const vendor = require(file);
    expect(vendor.fastProtobufStrings).toBe(true);
    // One copy of OTel's files, the ES module build the serializers come from: the classes patched are the ones
    // used. The same in the self-contained OpenCode plugin, which bundles the exporter too.
    for (const bundle of [file, join(dist, 'opencode.mjs')]) {
      const otlpFiles = [...inlinedModules(bundle)].filter((p) => p.includes('/otlp-transformer/'));
      expect(otlpFiles.filter((p) => !p.includes('/otlp-transformer/build/esm/'))).toEqual([]);
      expect(otlpFiles).toContain('node_modules/@opentelemetry/otlp-transformer/build/esm/common/protobuf/protobuf-writer.js');
    }
    const { BasicTracerProvider } = require('@opentelemetry/sdk-trace-base');
    const ended = [];
    const provider = new BasicTracerProvider({ spanProcessors: [{ onStart() {}, onEnd: (s) => ended.push(s), forceFlush: async () => {}, shutdown: async () => {} }] });
    const text = `${'reply '.repeat(50)}é 追踪 👍 \ud83d`;
    provider.getTracer('t').startSpan('llm', { attributes: { 'output.value': text, 'llm.model_name': 'gpt-4o' } }).end();
    // OTel's own copy in node_modules, which nothing here patches.
    const otel = require('@opentelemetry/otlp-transformer');
    expect(Buffer.from(vendor.ProtobufTraceSerializer.serializeRequest(ended)).equals(Buffer.from(otel.ProtobufTraceSerializer.serializeRequest(ended)))).toBe(true);
  });
});

describe('checkExportsAssignedOnce', () => {
  const bundle = (body) => `var x_exports = {};\n__export(x_exports, {\n  a: () => a,\n  f: () => f\n});\nmodule.exports = __toCommonJS(x_exports);\n${body}`;
  it('passes bindings assigned once and functions', () => {
    expect(() => checkExportsAssignedOnce('x', bundle('var a = 1;\nfunction f() {}\n'))).not.toThrow();
  });
  it('fails a binding assigned again, or a let', () => {
    expect(() => checkExportsAssignedOnce('x', bundle('var a = 1;\nfunction f() { a = 2; }\n'))).toThrow(/a \(var, 2 assignment/);
    expect(() => checkExportsAssignedOnce('x', bundle('let a = 1;\nfunction f() {}\n'))).toThrow(/a \(let/);
    expect(() => checkExportsAssignedOnce('x', bundle('var a = 1;\nfunction f() {}\nf = null;\n'))).toThrow(/f \(function/);
  });
});

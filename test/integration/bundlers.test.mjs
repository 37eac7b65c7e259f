// Bundled apps: an app whose `openai` and `@anthropic-ai/sdk` esbuild inlined
// into one file, run with the preload. With the plugin (@catalyst/tracing/esbuild)
// every call is a span, ESM and CommonJS output alike; without it no span is
// made, and the agent says so on stderr, once. An unbundled app never hears it.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { APPS, ROOT, startHarness } from './openai-harness.mjs';

const SOURCE = join(APPS, 'bundled/app.mjs');
const TAGS = ['bundled-1', 'bundled-2', 'bundled-anthropic'];
const HINT = /was not traced: the code that sent it was not patched .*docs\/bundlers\.md/;

/** @type {Awaited<ReturnType<typeof startHarness>>} */
let h;
/** @type {string} */
let out;
/** @type {(options?: object) => import('esbuild').Plugin} */
let catalyst;
beforeAll(async () => {
  h = await startHarness('bundlers');
  out = mkdtempSync(join(tmpdir(), 'catalyst-bundle-'));
  // The plugin as an app's build script imports it: the built package's ESM face, default export.
  catalyst = (await import(pathToFileURL(join(h.dist, 'esm/esbuild.mjs')).href)).default;
}, 60_000);
afterAll(async () => {
  await h?.close();
  if (out) rmSync(out, { recursive: true, force: true });
});

/** @type {Map<string, Promise<string>>} */
const bundles = new Map();

/** Bundles the app as `format` into one file, with or without the plugin (once each). @param {'esm' | 'cjs'} format @param {boolean} withPlugin */
function bundle(format, withPlugin) {
  const key = `${format}-${withPlugin}`;
  if (!bundles.has(key)) bundles.set(key, bundleNow(format, withPlugin));
  return /** @type {Promise<string>} */ (bundles.get(key));
}

/** @param {'esm' | 'cjs'} format @param {boolean} withPlugin */
async function bundleNow(format, withPlugin) {
  const outfile = join(out, `app-${format}-${withPlugin ? 'plugin' : 'plain'}.${format === 'esm' ? 'mjs' : 'cjs'}`);
  const result = await build({ entryPoints: [SOURCE], absWorkingDir: ROOT, bundle: true, platform: 'node', format, outfile, plugins: withPlugin ? [catalyst()] : [], logLevel: 'silent' });
  expect(result.errors).toEqual([]);
  expect(result.warnings).toEqual([]);
  return outfile;
}

/** Runs a bundle with the preload; the SDKs are nowhere to be loaded from but the bundle. @param {string} file @param {number} spans @param {Record<string, string>} [env] */
async function run(file, spans, env = {}) {
  const r = await h.runApp(file, { spans, env: { FAKE_URL: h.provider.url, ...env } });
  expect(r.line('RESULT').texts).toHaveLength(3);
  return r;
}

/** @param {any} span */
const tagOf = (span) => String(span.attributes?.['input.value'] ?? '').match(/\[([a-z0-9-]+)\]/)?.[1];

describe.each(['esm', 'cjs'])('%s bundle', (format) => {
  it('with the plugin: every call traced, no hint', async () => {
    const r = await run(await bundle(/** @type {'esm' | 'cjs'} */ (format), true), TAGS.length);
    expect(r.spans.map(tagOf).sort()).toEqual([...TAGS].sort());
    expect(r.spans.map((s) => s.attributes['openinference.span.kind'])).toEqual(['LLM', 'LLM', 'LLM']);
    expect(r.stderr).toBe('');
  });

  it('without it: nothing traced, and one line on stderr says so', async () => {
    const r = await run(await bundle(/** @type {'esm' | 'cjs'} */ (format), false), 0);
    expect(r.spans).toEqual([]);
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(HINT);
    expect(lines[0]).toContain(`127.0.0.1:${h.provider.port}/v1/chat/completions`);
    expect(r.stderr).not.toContain('SECRET');
  });
});

describe('the untraced-request hint', () => {
  /** @type {string} */
  let plain;
  beforeAll(async () => {
    plain = await bundle('esm', false);
  });

  it('is off with CATALYST_DISABLED', async () => {
    const r = await run(plain, 0, { CATALYST_DISABLED: 'true' });
    expect(r.stderr).toBe('');
  });

  it('is off when the app chose to leave a provider SDK untraced (CATALYST_INSTRUMENTATIONS)', async () => {
    const r = await run(plain, 0, { CATALYST_INSTRUMENTATIONS: 'anthropic,ai-sdk' });
    expect(r.stderr).toBe('');
  });

  it('never comes from the unbundled app: its calls are traced', async () => {
    const r = await run(SOURCE, TAGS.length);
    expect(r.spans).toHaveLength(TAGS.length);
    expect(r.stderr).toBe('');
  });

  it('is not given without the agent', async () => {
    const r = await h.runApp(plain, { preload: 'none', env: { FAKE_URL: h.provider.url } });
    expect(r.stderr).toBe('');
  });
});

describe('what the plugin adds', () => {
  it('adds little to the bundle: the SDK namespaces it hands over are kept whole', async () => {
    const [plain, traced] = [await bundle('esm', false), await bundle('esm', true)];
    const added = statSync(traced).size - statSync(plain).size;
    expect(added).toBeGreaterThan(0);
    expect(added).toBeLessThan(200_000);
  });
});

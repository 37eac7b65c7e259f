// Shared by the OpenAI integration test files: a private build of the current
// sources, the fake provider and the collector, and a runner that spawns an app
// from test/integration/apps and hands back what the collector received from it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { startFakeProvider } from '../harness/fake-provider.mjs';
import { startCollector } from '../harness/collector.mjs';
import { runChild } from '../harness/run-child.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const APPS = join(ROOT, 'test/integration/apps');
/** Distinctive, so a leak anywhere in a span is found by a plain substring search. */
export const API_KEY = 'sk-test-SECRET-123';

/**
 * Builds the sources into .cache/dist-openai-test/<name> (each test file its
 * own copy, so files running in parallel never rebuild under each other),
 * unless CATALYST_TEST_DIST names a build to use.
 * @param {string} name
 */
export function buildDist(name) {
  if (process.env.CATALYST_TEST_DIST) return process.env.CATALYST_TEST_DIST;
  const out = `.cache/dist-openai-test/${name}`;
  execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--no-types', '--no-cli', '--out', out], { cwd: ROOT, stdio: 'pipe' });
  return join(ROOT, out);
}

/**
 * @param {string} name the build's folder name
 */
export async function startHarness(name) {
  const dist = buildDist(name);
  const provider = await startFakeProvider();
  const collector = await startCollector();
  /** @type {string[]} */
  const tempDirs = [];

  /**
   * Runs `app` (a file under test/integration/apps, or an absolute path) and returns its output, the spans the collector received from it,
   * and the requests the fake provider saw.
   * @param {string} app
   * @param {{
   *   preload?: 'import' | 'require' | 'node-options' | 'none',
   *   env?: Record<string, string | undefined>,
   *   spans?: number,
   *   expectCode?: number,
   * }} [options]
   *   spans: wait until this many spans arrived (the agent flushes before exit; this covers decoding).
   */
  async function runApp(app, { preload = 'import', env = {}, spans = 0, expectCode = 0 } = {}) {
    collector.reset();
    provider.requests.length = 0;
    const registerPath = preload === 'require' ? join(dist, 'register.js') : join(dist, 'esm/register.mjs');
    const result = await runChild({
      script: isAbsolute(app) ? app : join(APPS, app),
      preload,
      registerPath: preload === 'none' ? undefined : registerPath,
      env: { FAKE_BASE_URL: provider.baseURL, OPENAI_API_KEY: API_KEY, CATALYST_OTLP_ENDPOINT: collector.url, CATALYST_DIST: dist, ...env },
    });
    expect(result.code, `${app} exited with ${result.code}\n${result.stderr}`).toBe(expectCode);
    if (spans > 0) await collector.waitForSpans(spans, 5000);
    // Anything more than expected would arrive in the same flush; a short wait catches stragglers.
    await new Promise((r) => setTimeout(r, 100));
    return {
      ...result,
      spans: collector.spans.slice(),
      requests: provider.requests.slice(),
      exportRequests: collector.requests.slice(),
      line: (/** @type {string} */ tag) => lineOf(result.stdout, tag),
    };
  }

  /** A fresh folder for a local store. */
  function tempDir() {
    const dir = mkdtempSync(join(tmpdir(), 'catalyst-openai-'));
    tempDirs.push(dir);
    return dir;
  }

  return {
    dist,
    provider,
    collector,
    runApp,
    tempDir,
    async close() {
      await provider.close();
      await collector.close();
      for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** @param {string} stdout @param {string} tag */
export function lineOf(stdout, tag) {
  const line = stdout.split('\n').find((l) => l.startsWith(`${tag} `));
  if (!line) throw new Error(`no ${tag} line in:\n${stdout}`);
  return JSON.parse(line.slice(tag.length + 1));
}

/** Every span in a local store folder (JSON lines, one file per process). @param {string} dir */
export function readStore(dir) {
  let files = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
  } catch {
    return { files, spans: [] };
  }
  const spans = files.flatMap((f) =>
    readFileSync(join(dir, f), 'utf8')
      .split('\n')
      // the first line is the file's header, which marks it as the store's own
      .filter((l) => l && !l.startsWith('{"catalystTraceStore":'))
      .map((l) => JSON.parse(l)),
  );
  return { files, spans };
}

/** The [tag] a span's call carried: every traced OpenAI call puts it in its input. @param {any} span */
export function tagOf(span) {
  const input = String(span.attributes?.['input.value'] ?? '');
  return input.match(/\[([a-z0-9-]+)\]/)?.[1];
}

/** The spans whose call carried `[tag]`. @param {any[]} spans @param {string} tag */
export function tagged(spans, tag) {
  return spans.filter((s) => tagOf(s) === tag);
}

/** The one span whose call carried `[tag]`; fails if there are none or several. @param {any[]} spans @param {string} tag */
export function one(spans, tag) {
  const found = tagged(spans, tag);
  expect(found.map((s) => s.name), `spans tagged [${tag}]`).toHaveLength(1);
  return found[0];
}

/** Attribute keys of a span that start with `prefix`. @param {any} span @param {string} prefix */
export function keysWith(span, prefix) {
  return Object.keys(span.attributes).filter((k) => k.startsWith(prefix));
}

export const STATUS = Object.freeze({ UNSET: 0, OK: 1, ERROR: 2 });

/** Every call of apps/openai-scenario.cjs by its tag: one LLM or EMBEDDING span each. */
export const TAGS = [
  'plain', 'with-response', 'as-response',
  'stream-usage', 'stream-no-usage', 'stream-break', 'stream-tee', 'stream-readable',
  'abort-request', 'abort-stream',
  'parse', 'helper-stream', 'helper-abort', 'tool-call', 'tool-stream', 'round-trip',
  'responses', 'responses-stream', 'responses-fc', 'responses-fc-stream', 'responses-helper',
  'embeddings', 'legacy',
  'error-400', 'error-401', 'error-400-stream', 'parse-error-400', 'unawaited-error-400',
];


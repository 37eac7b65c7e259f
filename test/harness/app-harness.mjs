// The set-up every integration suite shares: a build of the current sources
// (or the one CATALYST_TEST_DIST names), the loopback fake provider, the
// in-process OTLP collector, and runApp() to spawn an app from
// test/integration/apps under the preload and collect what it exported.
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect } from 'vitest';
import { startFakeProvider } from './fake-provider.mjs';
import { startCollector } from './collector.mjs';
import { runChild } from './run-child.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const APPS = join(ROOT, 'test/integration/apps');

/**
 * Registers beforeAll/afterAll in the calling suite and returns its runner.
 * @param {{ name: string, env?: Record<string, string | undefined> }} options
 *   name: the private build folder's suffix when CATALYST_TEST_DIST is unset.
 */
export function useAppHarness({ name, env: baseEnv = {} }) {
  /** @type {{ dist: string, provider: Awaited<ReturnType<typeof startFakeProvider>>, collector: Awaited<ReturnType<typeof startCollector>> }} */
  const h = /** @type {any} */ ({ dist: process.env.CATALYST_TEST_DIST });

  beforeAll(async () => {
    if (!h.dist) {
      const out = `.cache/dist-test-${name}`;
      execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--no-types', '--no-cli', '--out', out], { cwd: ROOT, stdio: 'pipe' });
      h.dist = join(ROOT, out);
    }
    h.provider = await startFakeProvider();
    h.collector = await startCollector();
  });
  afterAll(async () => {
    await h.provider?.close();
    await h.collector?.close();
  });

  /**
   * Runs an app and returns its output, the spans the collector received from
   * it, and the requests the fake provider saw. `spans` waits for that many.
   * @param {string} app a file under test/integration/apps
   * @param {{ preload?: 'import' | 'require' | 'node-options' | 'none', env?: Record<string, string | undefined>, spans?: number, expectCode?: number, timeoutMs?: number }} [options]
   */
  async function runApp(app, { preload = 'import', env = {}, spans = 0, expectCode = 0, timeoutMs } = {}) {
    h.collector.reset();
    h.provider.requests.length = 0;
    const registerPath = preload === 'require' ? join(h.dist, 'register.js') : join(h.dist, 'esm/register.mjs');
    const result = await runChild({
      script: join(APPS, app),
      preload,
      registerPath: preload === 'none' ? undefined : registerPath,
      timeoutMs,
      env: { FAKE_BASE_URL: h.provider.url, CATALYST_OTLP_ENDPOINT: h.collector.url, CATALYST_DIST: h.dist, ...baseEnv, ...env },
    });
    expect(result.code, `${app} exited with ${result.code}\n${result.stderr}`).toBe(expectCode);
    // The agent flushes before exit; a short wait covers the collector decoding the last request.
    if (spans > 0) await h.collector.waitForSpans(spans, 5000);
    else await new Promise((r) => setTimeout(r, 50));
    return {
      ...result,
      spans: h.collector.spans.slice(),
      requests: h.provider.requests.slice(),
      /** The JSON an app printed on a line starting with `tag `. */
      line: (/** @type {string} */ tag) => lineOf(result.stdout, tag),
    };
  }

  return { runApp, get dist() { return h.dist; }, get provider() { return h.provider; }, get collector() { return h.collector; } };
}

/** @param {string} stdout @param {string} tag */
export function lineOf(stdout, tag) {
  const line = stdout.split('\n').find((l) => l.startsWith(`${tag} `));
  if (!line) throw new Error(`no ${tag} line in:\n${stdout}`);
  return JSON.parse(line.slice(tag.length + 1));
}

/** -1, 0 or 1 for two nanosecond times given as decimal text. */
function compareTimes(a, b) {
  const x = BigInt(a ?? 0);
  const y = BigInt(b ?? 0);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The spans as an indented tree of `name [KIND]` lines, children in start
 * order: the shape a test asserts and a failure message shows.
 *
 * OpenTelemetry's SDK takes a span's start from `Date.now()`, so two siblings
 * that start in the same millisecond carry the same start, and each end is
 * that truncated start plus a precise duration: a short span that started
 * later can show the earlier end. For a tie within one scope the order the
 * collector received them decides: the batch processor exports a scope's
 * spans in the order they ended, which for siblings run one after another is
 * the order they started. Across scopes (exported in separate groups) the
 * end decides.
 * @param {any[]} spans
 */
export function spanTree(spans) {
  const byParent = new Map();
  const arrival = new Map(spans.map((s, i) => [s, i]));
  const sameMillisecond = (/** @type {any} */ a, /** @type {any} */ b) =>
    a.scope?.name === b.scope?.name ? arrival.get(a) - arrival.get(b) : compareTimes(a.endTimeUnixNano, b.endTimeUnixNano);
  const ids = new Set(spans.map((s) => s.spanId));
  for (const s of spans) {
    const parent = s.parentSpanId && ids.has(s.parentSpanId) ? s.parentSpanId : '';
    if (!byParent.has(parent)) byParent.set(parent, []);
    byParent.get(parent).push(s);
  }
  const lines = [];
  const walk = (/** @type {string} */ parent, /** @type {number} */ depth) => {
    const children = (byParent.get(parent) ?? []).sort((a, b) => compareTimes(a.startTimeUnixNano, b.startTimeUnixNano) || sameMillisecond(a, b));
    for (const s of children) {
      lines.push(`${'  '.repeat(depth)}${s.name} [${s.attributes['openinference.span.kind'] ?? '-'}]`);
      walk(s.spanId, depth + 1);
    }
  };
  walk('', 0);
  return lines.join('\n');
}

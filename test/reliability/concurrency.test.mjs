// Concurrency and load: 200 concurrent streamed calls under the
// preload with a live collector (every span made is received, no cross-talk of
// parents or identity, the heap after GC back within 10% of its start), and the
// ways a process can end up with more than one of us: worker threads, a second
// copy of the package, preload plus setup(), an app with its own provider.
//
// CATALYST_LOAD_SECONDS sets the load phase (default 5 s so CI stays quick; the
// issue's full run is CATALYST_LOAD_SECONDS=30). It is preceded by a warm-up of
// min(5 s, the load) at the same concurrency.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider } from '../harness/fake-provider.mjs';
import { startCollector } from '../harness/collector.mjs';
import { ROOT, buildDist, limit, lineOf, runScript, startDrainableProxy } from './helpers.mjs';

const LOAD_SECONDS = Number(process.env.CATALYST_LOAD_SECONDS ?? 5);
const CONCURRENCY = 200;

/** @type {string} */
let DIST;
/** @type {Awaited<ReturnType<typeof startFakeProvider>>} */
let provider;
/** @type {Array<{ close(): Promise<void> }>} */
const toClose = [];
const TMP = mkdtempSync(join(tmpdir(), 'catalyst-concurrency-'));

beforeAll(async () => {
  DIST = buildDist('concurrency');
  provider = await startFakeProvider({ recordRequests: false });
});
afterAll(async () => {
  await Promise.all(toClose.map((c) => c.close()));
  await provider?.close();
  rmSync(TMP, { recursive: true, force: true });
});

async function collector() {
  const c = await startCollector();
  toClose.push(c);
  return c;
}

const content = (/** @type {any} */ s) => String(s.attributes['llm.input_messages.0.message.content'] ?? '');

describe(`${CONCURRENCY} concurrent streamed calls for ${LOAD_SECONDS} s (CATALYST_LOAD_SECONDS) under the preload`, () => {
  /** @type {any} */
  let result;
  /** @type {any[]} */
  let spans;
  beforeAll(async () => {
    const c = await collector();
    // The app reaches the fake provider through a proxy it can ask to drop idle connections before each heap reading.
    const proxy = await startDrainableProxy(provider.port);
    toClose.push(proxy);
    const warmupMs = Math.min(5000, LOAD_SECONDS * 1000);
    const r = await runScript(DIST, 'load.cjs', {
      env: {
        FAKE_BASE_URL: proxy.url,
        POOL_CONTROL_URL: proxy.controlUrl,
        CATALYST_OTLP_ENDPOINT: c.url,
        CATALYST_LOAD_SECONDS: String(LOAD_SECONDS),
        WARMUP_MS: String(warmupMs),
        NODE_OPTIONS: '--expose-gc',
      },
      timeoutMs: (LOAD_SECONDS * 2 + 60) * 1000,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    result = lineOf(r.stdout, 'RESULT');
    // Every span was flushed before RESULT; the short wait covers the collector decoding the last request.
    spans = await c.waitForSpans(result.made, 10_000);
    await new Promise((res) => setTimeout(res, 200));
    spans = c.spans.slice();
  }, (LOAD_SECONDS * 2 + 90) * 1000);

  it('every call answered, every span made is received: none dropped, none doubled', () => {
    expect(result.errors).toBe(0);
    expect(result.calls).toBeGreaterThan(CONCURRENCY * 2);
    expect(spans.length).toBe(result.made);
    expect(new Set(spans.map((s) => s.spanId)).size).toBe(result.made);
    expect(result.stats).toMatchObject({ droppedQueueFull: 0, failed: 0, queued: 0, exported: result.made });
  });

  it('no cross-talk: each LLM span is the child of its own agent span and carries that agent’s identity', () => {
    const agents = new Map(spans.filter((s) => s.attributes['openinference.span.kind'] === 'AGENT').map((s) => [s.attributes['agent.id'], s]));
    const llms = spans.filter((s) => s.attributes['openinference.span.kind'] === 'LLM');
    expect(llms.length).toBe(result.calls);
    expect(agents.size).toBe(result.calls);
    let checked = 0;
    for (const llm of llms) {
      const id = /^\[([^\]]+)\]/.exec(content(llm))?.[1];
      const agent = agents.get(`agent-${id}`);
      if (!agent || llm.parentSpanId !== agent.spanId || llm.traceId !== agent.traceId) throw new Error(`span of call ${id} is not under its agent`);
      expect(llm.attributes).toMatchObject({ 'agent.id': `agent-${id}`, 'session.id': `session-${id}`, 'user.id': `user-${id}` });
      expect(llm.status.code).toBe(1);
      expect(llm.attributes['llm.output_messages.0.message.content']).toBe('The capital of France is Paris.');
      checked++;
    }
    expect(checked).toBe(result.calls);
  });

  it('the heap after GC is back within 10% of its start', () => {
    // Objects only, with the HTTP client's idle connections closed: see load.cjs for why.
    const growth = result.heapEnd.objects / result.heapStart.objects - 1;
    expect(growth, `heap objects ${result.heapStart.objects} -> ${result.heapEnd.objects} after ${result.made} spans`).toBeLessThan(0.1);
  });
});

describe.concurrent('more than one of us in a process', () => {
  const two = limit(2);
  /**
   * @param {'import' | 'require'} preload @param {string | undefined} traceWorkers
   */
  async function workers(preload, traceWorkers) {
    const c = await collector();
    const r = await runScript(DIST, 'workers.cjs', { preload, env: { FAKE_BASE_URL: provider.url, CATALYST_OTLP_ENDPOINT: c.url, CATALYST_TRACE_WORKERS: traceWorkers } });
    expect(r.code, r.stderr).toBe(0);
    expect(lineOf(r.stdout, 'RESULT')).toEqual({ main: 'The capital of France is Paris.', worker: 'The capital of France is Paris.' });
    const expected = traceWorkers ? ['[main-thread] Capital of France?', '[worker-thread] Capital of France?'] : ['[main-thread] Capital of France?'];
    await c.waitForSpans(expected.length, 3000);
    await new Promise((res) => setTimeout(res, 300));
    expect(c.spans.map(content).sort()).toEqual(expected);
    expect(r.stderr).toBe('');
  }

  it.each(/** @type {const} */ (['import', 'require']))('worker threads re-run the preload (--%s): no crash, no double span, not traced by default', (preload) => two(() => workers(preload, undefined)));
  it('worker threads with CATALYST_TRACE_WORKERS=true (--import): each thread traces its own calls, once', () => two(() => workers('import', 'true')));
  // On Node 20 (off-thread loader) a worker registers the loader again; import-in-the-middle's own initialize()
  // used to print "hook has already been initialized" there. Our loader (hooks/esm-loader.mjs) never calls it.
  it('worker threads with CATALYST_TRACE_WORKERS=true (--require): nothing on stderr', () => two(() => workers('require', 'true')));

  it('the preload, setup(), and setup() from a second copy of the package: one agent, one span per call', () => two(async () => {
    const copy = join(ROOT, '.cache', 'reliability-second-copy-a'); // inside the repo, so the copy resolves node_modules like an installed package
    rmSync(copy, { recursive: true, force: true });
    cpSync(DIST, copy, { recursive: true });
    const c = await collector();
    const r = await runScript(DIST, 'twice.cjs', { env: { FAKE_BASE_URL: provider.url, CATALYST_OTLP_ENDPOINT: c.url, COPY_DIST: copy } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(lineOf(r.stdout, 'RESULT')).toEqual({ texts: ['The capital of France is Paris.', 'The capital of France is Paris.'], first: 'patched', second: 'patched', sameProvider: true });
    await c.waitForSpans(2, 3000);
    await new Promise((res) => setTimeout(res, 300));
    expect(c.spans.map(content).sort()).toEqual(['[twice-0] Capital of France?', '[twice-1] Capital of France?']);
  }));

  it('setup() twice without the preload, from two copies: the same', () => two(async () => {
    const copy = join(ROOT, '.cache', 'reliability-second-copy-b');
    rmSync(copy, { recursive: true, force: true });
    cpSync(DIST, copy, { recursive: true });
    const c = await collector();
    const r = await runScript(DIST, 'twice.cjs', { preload: 'none', env: { FAKE_BASE_URL: provider.url, CATALYST_OTLP_ENDPOINT: c.url, COPY_DIST: copy } });
    expect(r.code, r.stderr).toBe(0);
    expect(lineOf(r.stdout, 'RESULT')).toMatchObject({ first: 'patched', second: 'patched', sameProvider: true });
    await c.waitForSpans(2, 3000);
    await new Promise((res) => setTimeout(res, 300));
    expect(c.spans).toHaveLength(2);
  }));

  it('an app that registered its own tracer provider: our span nests under its span, is exported once, and its exporter sees only its own', () => two(async () => {
    const c = await collector();
    const r = await runScript(DIST, 'own-provider.cjs', { env: { FAKE_BASE_URL: provider.url, CATALYST_OTLP_ENDPOINT: c.url } });
    expect(r.code, r.stderr).toBe(0);
    const result = lineOf(r.stdout, 'RESULT');
    expect(result.text).toBe('The capital of France is Paris.');
    expect(result.appSpans.map((/** @type {any} */ s) => s.name)).toEqual(['app-request']);
    await c.waitForSpans(1, 3000);
    await new Promise((res) => setTimeout(res, 300));
    expect(c.spans).toHaveLength(1);
    expect(c.spans[0].traceId).toBe(result.appSpans[0].traceId);
    expect(c.spans[0].parentSpanId).toBe(result.appSpans[0].spanId);
    // One line saying the app's provider is left alone, nothing else.
    expect(r.agent.every((l) => /tracer provider is already registered/.test(l))).toBe(true);
  }));
});

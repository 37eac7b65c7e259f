// The preload's promises, proved on `openai` in spawned children: setup() with
// and without it, a prompt exit with every span exported, the local store when
// no endpoint is set, worker threads, bad configuration, streams left unread.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChild } from '../harness/run-child.mjs';
import { pathToFileURL } from 'node:url';
import { APPS, ROOT, STATUS, TAGS, buildDist, lineOf, one, readStore, startHarness, tagOf } from './openai-harness.mjs';

/** @type {Awaited<ReturnType<typeof startHarness>>} */
let h;
beforeAll(async () => {
  h = await startHarness('preload');
});
afterAll(() => h?.close());

const OPENAI_VERSION = JSON.parse(readFileSync(join(ROOT, 'node_modules/openai/package.json'), 'utf8')).version;

describe('two copies of the agent', () => {
  // A second build stands for the package installed twice (the app's copy and a
  // global one): separate module state, one process. Both preloads run.
  /** @type {string} */
  let other;
  beforeAll(() => {
    other = buildDist('preload-second-copy');
  });

  it.each([
    ['ESM', 'openai-esm.mjs', /** @type {const} */ ('import'), () => `--import=${pathToFileURL(join(other, 'esm/register.mjs')).href}`],
    ['CJS', 'openai-cjs.cjs', /** @type {const} */ ('require'), () => `--require=${join(other, 'register.js')}`],
  ])('%s app, preloaded by both copies: one span per call, never two', async (_label, app, preload, nodeOptions) => {
    const r = await h.runApp(app, { preload, env: { NODE_OPTIONS: nodeOptions() }, spans: TAGS.length });
    expect(r.spans.map(tagOf).sort()).toEqual([...TAGS].sort());
    expect(r.stderr).toBe('');
  });
});

describe('setup()', () => {
  it('setup({ modules: { openai: OpenAI } }) traces a CJS app without the preload', async () => {
    const r = await h.runApp('openai-setup.cjs', { preload: 'none', spans: 1 });
    expect(r.line('RESULT')).toEqual({ text: 'The capital of France is Paris.', install: { name: 'openai', packageName: 'openai', status: 'patched', version: OPENAI_VERSION } });
    expect(r.spans).toHaveLength(1);
    expect(one(r.spans, 'setup').attributes['llm.output_messages.0.message.content']).toBe('The capital of France is Paris.');
  });

  it('setup() after the preload returns the running agent: openai patched with its version, one span per call', async () => {
    const r = await h.runApp('openai-setup-after.mjs', { spans: 1 });
    const result = r.line('RESULT');
    expect(result.install).toEqual({ name: 'openai', packageName: 'openai', status: 'patched', version: OPENAI_VERSION });
    expect(result.againInstall).toEqual(result.install);
    expect(result.sameProvider).toBe(true);
    expect(r.spans.map(tagOf)).toEqual(['setup-after']);
    expect(r.stderr).toBe('');
  });
});

/**
 * Runs openai-short.mjs and reads the collector the moment the child is gone:
 * no waiting, so only spans exported before the exit count.
 * @param {'import' | 'require' | 'none'} preload @param {Record<string, string | undefined>} [env]
 */
async function runShort(preload, env = {}) {
  h.collector.reset();
  const registerPath = preload === 'require' ? join(h.dist, 'register.js') : join(h.dist, 'esm/register.mjs');
  const r = await runChild({
    script: join(APPS, 'openai-short.mjs'),
    preload,
    registerPath: preload === 'none' ? undefined : registerPath,
    env: { FAKE_BASE_URL: h.provider.baseURL, OPENAI_API_KEY: 'sk-test-SECRET-123', CATALYST_OTLP_ENDPOINT: h.collector.url, ...env },
  });
  const exitedAt = Date.now();
  return { ...r, spansAtExit: h.collector.spans.slice(), exitLatencyMs: exitedAt - lineOf(r.stdout, 'END') };
}

describe('a short script', () => {
  /** @type {Awaited<ReturnType<typeof runShort>>} the app without the agent */
  let baseline;
  beforeAll(async () => {
    baseline = await runShort('none', { EXIT_CODE: '3' });
  });

  it.each(/** @type {const} */ (['import', 'require']))('exits promptly under --%s with its span already exported, output and exit code unchanged', async (preload) => {
    const traced = await runShort(preload, { EXIT_CODE: '3' });
    expect(baseline.spansAtExit).toHaveLength(0);
    expect(traced.code).toBe(3);
    expect(baseline.code).toBe(3);
    expect(lineOf(traced.stdout, 'ANSWER')).toBe(lineOf(baseline.stdout, 'ANSWER'));
    expect(traced.stderr).toBe('');
    // The span was received before the process was gone...
    expect(traced.spansAtExit.map(tagOf)).toEqual(['short']);
    expect(traced.spansAtExit[0].status.code).toBe(STATUS.OK);
    // ...and exporting it did not hold the exit for anything like the flush bound (1.5 s):
    // from the app's last line to the process being gone, next to the same without the agent.
    expect(traced.exitLatencyMs).toBeLessThan(baseline.exitLatencyMs + 1000);
  });

  it('with no endpoint set, writes its spans to CATALYST_TRACES_DIR as JSON lines', async () => {
    const dir = h.tempDir();
    const r = await runShort('import', { CATALYST_OTLP_ENDPOINT: undefined, CATALYST_TRACES_DIR: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.spansAtExit).toHaveLength(0);
    const store = readStore(dir);
    expect(store.files).toHaveLength(1);
    expect(store.files[0]).toMatch(/\.jsonl$/);
    expect(store.spans).toHaveLength(1);
    const s = store.spans[0];
    expect(s).toMatchObject({ name: 'OpenAI Chat Completions', status: { code: 'OK' } });
    expect(tagOf(s)).toBe('short');
    expect(s.attributes).toMatchObject({ 'openinference.span.kind': 'LLM', 'llm.output_messages.0.message.content': 'The capital of France is Paris.', 'llm.token_count.total': 1349 });
    expect(JSON.stringify(store.spans)).not.toContain('SECRET-123');
  });

  it('CATALYST_OTLP_ENDPOINT=garbage: one stderr line naming it, same output and exit code, spans in the local store', async () => {
    const dir = h.tempDir();
    const r = await runShort('import', { CATALYST_OTLP_ENDPOINT: 'garbage', CATALYST_TRACES_DIR: dir, EXIT_CODE: '3' });
    expect(r.code).toBe(3);
    expect(lineOf(r.stdout, 'ANSWER')).toBe(lineOf(baseline.stdout, 'ANSWER'));
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toContain('CATALYST_OTLP_ENDPOINT');
    expect(lines[0]).toContain('garbage');
    expect(r.spansAtExit).toHaveLength(0);
    expect(readStore(dir).spans.map(tagOf)).toEqual(['short']);
  });
});

describe('worker threads', () => {
  it('a worker that loads openai under the preload makes no span', async () => {
    const r = await h.runApp('openai-worker.mjs', { spans: 1 });
    expect(r.stdout).toContain('worker-thread The capital of France is Paris.');
    expect(r.requests).toHaveLength(2);
    expect(r.spans.map(tagOf)).toEqual(['main-thread']);
  });

  it('CATALYST_TRACE_WORKERS=true traces the worker too', async () => {
    const r = await h.runApp('openai-worker.mjs', { env: { CATALYST_TRACE_WORKERS: 'true' }, spans: 2 });
    expect(r.stdout).toContain('worker-thread The capital of France is Paris.');
    expect(r.spans.map(tagOf).sort()).toEqual(['main-thread', 'worker-thread']);
  });

  it('the same holds with the preload in NODE_OPTIONS', async () => {
    const off = await h.runApp('openai-worker.mjs', { preload: 'node-options', spans: 1 });
    expect(off.spans.map(tagOf)).toEqual(['main-thread']);
    const on = await h.runApp('openai-worker.mjs', { preload: 'node-options', env: { CATALYST_TRACE_WORKERS: 'true' }, spans: 2 });
    expect(on.spans.map(tagOf).sort()).toEqual(['main-thread', 'worker-thread']);
  });
});

describe('streams', () => {
  it('a stream the app never reads still reaches the exporter at exit, marked incomplete', async () => {
    const r = await h.runApp('openai-unread.mjs', { spans: 1 });
    const s = one(r.spans, 'unread');
    expect(s.events.map((/** @type {any} */ e) => e.name)).toEqual(['incomplete']);
    expect(s.endTimeUnixNano).not.toBe('0');
  });
});

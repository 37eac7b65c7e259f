// Bun: the core apps run under `bun --preload @catalyst/tracing/register` (and
// bunfig.toml's `preload`) with the Bun binary from the npm registry, spans
// asserted as the in-process collector receives them. The same app is run under
// `node --import` too: Bun must export the same spans, and the app must print
// what it prints untraced under Bun. Runs from Node 20 or 24 alike: only the
// children are Bun.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider } from '../harness/fake-provider.mjs';
import { startCollector } from '../harness/collector.mjs';
import { cleanEnv, runChild } from '../harness/run-child.mjs';
import { TAGS, tagOf } from './openai-harness.mjs';

const ROOT = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../..');
const APPS = join(ROOT, 'test/integration/apps');
const RELIABILITY_APPS = join(ROOT, 'test/reliability/apps');
/** The exit paths' bound (the product's 2 s, with room for a loaded machine), as in test/reliability. */
const EXIT_DELAY_BOUND_MS = 2500;

/** @type {string} */ let BUN;
/** @type {string} */ let DIST;
/** A folder that has the package installed by name (node_modules/@catalyst/tracing -> this build), as a user's app has. */
/** @type {string} */ let HOME;
/** @type {Awaited<ReturnType<typeof startFakeProvider>>} */ let provider;
/** @type {Awaited<ReturnType<typeof startCollector>>} */ let collector;

beforeAll(async () => {
  BUN = process.env.CATALYST_TEST_BUN || execFileSync(process.execPath, [join(ROOT, 'scripts/fetch-bun.mjs')], { encoding: 'utf8' }).trim().split('\n').at(-1);
  DIST = process.env.CATALYST_TEST_DIST ?? '';
  if (!DIST) {
    // With the CLI: the local-store test reads the store with it.
    execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--no-types', '--out', '.cache/dist-test-bun'], { cwd: ROOT, stdio: 'pipe' });
    DIST = join(ROOT, '.cache/dist-test-bun');
  }
  HOME = mkdtempSync(join(tmpdir(), 'catalyst-bun-'));
  const pkg = join(HOME, 'node_modules/@catalyst/tracing');
  mkdirSync(pkg, { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  symlinkSync(DIST, join(pkg, 'dist'));
  mkdirSync(join(HOME, 'node_modules/.bin'));
  symlinkSync('../@catalyst/tracing/dist/cli.js', join(HOME, 'node_modules/.bin/catalyst-tracing'));
  provider = await startFakeProvider();
  collector = await startCollector();
});
afterAll(async () => {
  await provider?.close();
  await collector?.close();
  if (HOME) rmSync(HOME, { recursive: true, force: true });
});

/**
 * Runs an app under Bun (preload 'bun': `--preload @catalyst/tracing/register`
 * from the folder that has the package; 'none': plain bun) or under Node
 * ('node': `--import`), and returns what it printed and the spans the
 * collector received from it.
 * @param {string} script an absolute path
 * @param {{ runtime?: 'bun' | 'bun-untraced' | 'node', env?: Record<string, string | undefined>, spans?: number, cwd?: string, preload?: 'bun' | 'none', hang?: boolean }} [options]
 *   hang: the collector holds every request unanswered.
 */
async function run(script, { runtime = 'bun', env = {}, spans = 0, cwd = HOME, preload, hang = false } = {}) {
  collector.reset();
  if (hang) collector.setBehavior('hang');
  const node = runtime === 'node';
  const result = await runChild({
    script,
    cwd,
    nodeBinary: node ? process.execPath : BUN,
    preload: node ? 'import' : preload ?? (runtime === 'bun' ? 'bun' : 'none'),
    registerPath: node ? join(DIST, 'esm/register.mjs') : '@catalyst/tracing/register',
    env: { FAKE_BASE_URL: provider.baseURL, BASE_URL: provider.baseURL, OPENAI_API_KEY: 'sk-test-SECRET-123', ANTHROPIC_API_KEY: 'sk-ant-test-SECRET-456', CATALYST_OTLP_ENDPOINT: collector.url, CATALYST_DIST: DIST, ...env },
  });
  if (spans > 0) await collector.waitForSpans(spans, 5000);
  await new Promise((r) => setTimeout(r, 100));
  return { ...result, spans: collector.spans.slice() };
}

/** A RESULT/ANSWER line's JSON. @param {string} stdout @param {string} tag */
function lineOf(stdout, tag) {
  const line = stdout.split('\n').find((l) => l.startsWith(`${tag} `));
  if (!line) throw new Error(`no ${tag} line in:\n${stdout}`);
  return JSON.parse(line.slice(tag.length + 1));
}

/** What may differ between two runs of one app: ids, times, and the process's own values. */
const VOLATILE = /^(session\.id|llm\.response\.id|output\.value|llm\.output_messages\.\d+\.message\.tool_calls\.\d+\.tool_call\.id)$/;

/**
 * The spans as comparable values: name, kind, status, attributes (only the
 * values that can differ between runs left out), parent by name, in a stable order.
 * @param {any[]} spans
 */
function shape(spans) {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  return spans
    .map((s) => ({
      name: s.name,
      kind: s.kind,
      status: s.status.code,
      parent: s.parentSpanId ? byId.get(s.parentSpanId)?.name ?? '?' : null,
      attributes: Object.fromEntries(
        Object.entries(s.attributes)
          .filter(([k]) => !VOLATILE.test(k))
          // Wall-clock times an SDK writes into its messages (epoch ms).
          .map(([k, v]) => [k, typeof v === 'string' ? v.replace(/\b1\d{12}\b/g, '<time>') : v])
          .sort(([a], [b]) => a.localeCompare(b)),
      ),
      events: s.events.map((/** @type {any} */ e) => e.name),
    }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

describe.each([
  ['OpenAI, ES module app (.mjs)', 'openai-esm.mjs'],
  ['OpenAI, CommonJS app (.cjs)', 'openai-cjs.cjs'],
])('%s', (_label, app) => {
  it('bun --preload traces every call as node --import does; the app prints what it prints untraced', async () => {
    const untraced = await run(join(APPS, app), { runtime: 'bun-untraced' });
    expect(untraced.spans).toHaveLength(0);
    const traced = await run(join(APPS, app), { spans: TAGS.length });
    expect(traced.code, traced.stderr).toBe(0);
    expect(traced.stderr).toBe('');
    expect(traced.spans.map(tagOf).sort()).toEqual([...TAGS].sort());
    expect(lineOf(traced.stdout, 'RESULT')).toEqual(lineOf(untraced.stdout, 'RESULT'));
    expect(lineOf(traced.stdout, 'CHUNKS')).toEqual(lineOf(untraced.stdout, 'CHUNKS'));
    const onNode = await run(join(APPS, app), { runtime: 'node', spans: TAGS.length });
    expect(shape(traced.spans)).toEqual(shape(onNode.spans));
    expect(JSON.stringify(traced.spans)).not.toContain('SECRET-123');
  });
});

describe.each([
  ['Anthropic, ES module app (.mjs)', 'anthropic-esm.mjs'],
  ['Anthropic, CommonJS app (.cjs)', 'anthropic-cjs.cjs'],
])('%s', (_label, app) => {
  it('bun --preload exports the same spans as node --import; output unchanged', async () => {
    const env = { FAKE_BASE_URL: provider.url };
    const untraced = await run(join(APPS, app), { runtime: 'bun-untraced', env });
    const onNode = await run(join(APPS, app), { runtime: 'node', env, spans: 1 });
    expect(onNode.spans.length).toBeGreaterThan(10);
    const traced = await run(join(APPS, app), { env, spans: onNode.spans.length });
    expect([traced.code, traced.stderr]).toEqual([0, '']);
    expect(shape(traced.spans)).toEqual(shape(onNode.spans));
    expect(traced.stdout).toBe(untraced.stdout);
    expect(JSON.stringify(traced.spans)).not.toContain('SECRET-456');
  });
});

describe.each([
  // "type": "module" .js files (callbacks/manager.js), found by the start-up lookup.
  ['LangChain, ES module app', 'langchain-esm.mjs'],
  // An ES module whose module-private binding (`locals`) the tap hands over.
  ['PI AI, ES module app', 'pi-ai-esm.mjs'],
])('%s', (_label, app) => {
  it('bun --preload exports the same spans as node --import', async () => {
    const onNode = await run(join(APPS, app), { runtime: 'node', spans: 1 });
    expect(onNode.spans.length).toBeGreaterThan(1);
    const traced = await run(join(APPS, app), { spans: onNode.spans.length });
    expect([traced.code, traced.stderr]).toEqual([0, '']);
    expect(shape(traced.spans)).toEqual(shape(onNode.spans));
  });
});

describe('preload from bunfig.toml', () => {
  it('a TypeScript app started with plain `bun app.ts` in a folder whose bunfig.toml preloads the agent is traced', async () => {
    const dir = mkdtempSync(join(HOME, 'bunfig-'));
    writeFileSync(join(dir, 'bunfig.toml'), 'preload = ["@catalyst/tracing/register"]\n');
    const r = await run(join(APPS, 'bun-openai.ts'), { cwd: dir, preload: 'none', spans: 1 });
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(lineOf(r.stdout, 'ANSWER')).toBe('The capital of France is Paris.');
    expect(r.spans.map((s) => [s.name, tagOf(s)])).toEqual([['OpenAI Chat Completions', 'typescript']]);
  });
});

describe('the span API', () => {
  it('agentSpan / manualSpan under bun --preload: one tree per run, the SDK calls inside it', async () => {
    const r = await run(join(APPS, 'agent-loop.mjs'), { env: { RUNS: '2', CATALYST_SERVICE_NAME: 'bun-span-api' }, spans: 8 });
    expect([r.code, r.stderr]).toEqual([0, '']);
    const kind = (/** @type {any} */ s) => s.attributes['openinference.span.kind'];
    for (const i of [0, 1]) {
      const agent = r.spans.find((s) => kind(s) === 'AGENT' && s.attributes['agent.id'] === `agent-${i}`);
      expect(agent, `agent span of run ${i}`).toBeTruthy();
      expect(r.spans.filter((s) => s.parentSpanId === agent.spanId).map(kind).sort()).toEqual(['LLM', 'LLM', 'TOOL']);
      expect(r.spans.filter((s) => s.traceId === agent.traceId).every((s) => s.attributes['session.id'] === `session-${i}`)).toBe(true);
    }
    expect(r.spans[0].resource['service.name']).toBe('bun-span-api');
  });
});

describe('exit paths', () => {
  /** The reliability suite's script: 3 calls and a stream, then EXIT_MODE's ending. */
  const SCRIPT = join(RELIABILITY_APPS, 'script.cjs');
  const content = (/** @type {any} */ s) => String(s.attributes['llm.input_messages.0.message.content'] ?? '');
  const MADE = ['[call-0]', '[call-1]', '[call-2]', '[stream]'].map((m) => `${m} Capital of France?`);
  /** @param {{ stdout: string }} r */
  const exitDelay = (r, closedAt = Date.now()) => closedAt - Number(r.stdout.split('\n').find((l) => l.startsWith('END '))?.slice(4));
  /** stdout without the END timestamp. @param {string} stdout */
  const appOut = (stdout) => stdout.split('\n').filter((l) => !l.startsWith('END ')).join('\n');
  /** The crash's error line, which Bun prints after a source excerpt. @param {string} stderr */
  const crashLine = (stderr) => stderr.split('\n').find((l) => /^\w*Error\b/.test(l));

  it.each([
    ['a natural end', { EXIT_MODE: 'natural' }, 4],
    ['process.exit(3)', { EXIT_MODE: 'exit', EXIT_CODE: '3' }, 4],
    ['an unhandled rejection', { EXIT_MODE: 'reject' }, 5],
    ['an uncaught exception', { EXIT_MODE: 'throw' }, 5],
  ])('%s: the spans made before it are exported, bounded; code and output as untraced', async (_label, mode, count) => {
    const env = { FAKE_BASE_URL: provider.url, ...mode };
    const untraced = await run(SCRIPT, { runtime: 'bun-untraced', env });
    const traced = await run(SCRIPT, { env });
    const delay = exitDelay(traced);
    expect([traced.code, appOut(traced.stdout), crashLine(traced.stderr)]).toEqual([untraced.code, appOut(untraced.stdout), crashLine(untraced.stderr)]);
    expect(traced.stderr.split('\n').filter((l) => l.startsWith('[catalyst-tracing]'))).toEqual([]);
    await collector.waitForSpans(count, 2000);
    expect(collector.spans.map(content).filter((c) => !c.startsWith('[failing]')).sort()).toEqual([...MADE].sort());
    expect(collector.spans).toHaveLength(count);
    expect(delay).toBeLessThan(EXIT_DELAY_BOUND_MS);
  });

  it('process.exit() with a hanging endpoint: the exit waits at most the flush budget, one line says so', async () => {
    const r = await run(SCRIPT, { env: { FAKE_BASE_URL: provider.url, EXIT_MODE: 'exit', EXIT_CODE: '3' }, hang: true });
    expect(r.code).toBe(3);
    expect(exitDelay(r)).toBeLessThan(EXIT_DELAY_BOUND_MS);
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([expect.stringMatching(/did not confirm 4 span\(s\) within 1500 ms/)]);
    collector.reset();
  });

  it('SIGTERM to a server without a handler of its own: spans flushed, then the signal ends it', async () => {
    collector.reset();
    const env = { ...cleanEnv(), FAKE_BASE_URL: provider.url, ANTHROPIC_API_KEY: 'sk-ant-test', CATALYST_OTLP_ENDPOINT: collector.url };
    const child = spawn(BUN, ['--preload', '@catalyst/tracing/register', join(RELIABILITY_APPS, 'server.cjs')], { cwd: HOME, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    /** @type {Promise<[number | null, NodeJS.Signals | null, number]>} */
    const closed = new Promise((r) => child.once('close', (code, signal) => r([code, signal, Date.now()])));
    try {
      const port = Number(await waitFor(() => /READY (\d+)/.exec(stdout)?.[1], closed, () => stdout));
      for (let i = 0; i < 3; i++) expect(await get(port, `/call?tag=sig-${i}`)).toEqual({ text: 'The capital of France is Paris.' });
      const sentAt = Date.now();
      child.kill('SIGTERM');
      const [code, signal, at] = await closed;
      expect([code, signal, stderr]).toEqual([null, 'SIGTERM', '']);
      expect(at - sentAt).toBeLessThan(EXIT_DELAY_BOUND_MS);
      // Made just before the signal, still unsent (the batch delay is 1 s): all three arrive.
      await collector.waitForSpans(3, 2000);
      expect(collector.spans.map(content).sort()).toEqual(['[sig-0]', '[sig-1]', '[sig-2]'].map((t) => `${t} Capital of France?`));
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('the local store and the CLI', () => {
  /** `bunx --bun catalyst-tracing ...args` in the folder that has the package. @param {string[]} args */
  const cli = (...args) => execFileSync(BUN, ['x', '--bun', 'catalyst-tracing', ...args, '--no-color'], { cwd: HOME, encoding: 'utf8', env: cleanEnv() });
  /** @param {string} dir */
  const listed = (dir) => JSON.parse(cli('span', 'list', '--json', '--dir', dir)).map((/** @type {any} */ s) => s.name);

  it('with no endpoint the spans land in CATALYST_TRACES_DIR, and `bunx catalyst-tracing` reads them', async () => {
    const dir = mkdtempSync(join(HOME, 'store-'));
    const r = await run(join(APPS, 'openai-short.mjs'), { env: { CATALYST_OTLP_ENDPOINT: undefined, CATALYST_TRACES_DIR: dir } });
    expect([r.code, r.stderr, r.spans]).toEqual([0, '', []]);
    expect(listed(dir)).toEqual(['OpenAI Chat Completions']);
    expect(cli('trace', 'get', 'last', '--dir', dir)).toContain('OpenAI Chat Completions');
    expect(readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('')).not.toContain('SECRET-123');
  });

  it('`bunx catalyst-tracing serve` receives a Bun app\'s spans into its store', async () => {
    const dir = mkdtempSync(join(HOME, 'serve-'));
    const server = spawn(BUN, ['x', '--bun', 'catalyst-tracing', 'serve', '--port', '0'], { cwd: HOME, env: { ...cleanEnv(), CATALYST_TRACES_DIR: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    server.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    const closed = new Promise((r) => server.once('close', r));
    try {
      const port = await waitFor(() => /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1], closed, () => out);
      const r = await run(join(APPS, 'openai-short.mjs'), { env: { CATALYST_OTLP_ENDPOINT: `http://127.0.0.1:${port}` } });
      expect([r.code, r.stderr]).toEqual([0, '']);
      await waitFor(() => (listed(dir).length > 0 ? true : undefined), closed, () => out);
      expect(listed(dir)).toEqual(['OpenAI Chat Completions']);
    } finally {
      server.kill('SIGINT');
      await closed;
    }
  });
});

/**
 * Polls `value` until it gives something, the process is gone, or ~15 s pass.
 * @template T @param {() => T | undefined} value @param {Promise<unknown>} closed @param {() => string} output
 * @returns {Promise<T>}
 */
async function waitFor(value, closed, output) {
  let gone = false;
  closed.then(() => (gone = true));
  for (let i = 0; i < 300 && !gone; i++) {
    const v = value();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting:\n${output()}`);
}

/** @param {number} port @param {string} path @returns {Promise<any>} */
function get(port, path) {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d) => (body += d)).on('end', () => resolve(JSON.parse(body)));
    }).on('error', reject).end();
  });
}

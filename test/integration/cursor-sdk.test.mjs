// The Cursor SDK end to end: apps run the real @cursor/sdk
// (test/fixtures-packages/cursor, installed by scripts/install-test-fixtures.mjs)
// with a local agent against a loopback fake of the Cursor backend
// (test/harness/fake-cursor-backend.mjs, scripted by fixtures/cursor-sdk/);
// every assertion is on spans the collector received. The SDK needs Node
// 22.13+: on Node 20 this skips unless CATALYST_TEST_NODE names a newer node;
// CI runs it in its Node 24 pass.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, spanTree } from '../harness/app-harness.mjs';
import { startCollector } from '../harness/collector.mjs';
import { runChild } from '../harness/run-child.mjs';
import { ACCESS_TOKEN, startFakeCursorBackend } from '../harness/fake-cursor-backend.mjs';

const TOO_OLD = Number(process.versions.node.split('.')[0]) < 22 && !process.env.CATALYST_TEST_NODE;
const FIXTURE = join(ROOT, 'test/fixtures-packages/cursor');
const ESM_APP = join(FIXTURE, 'apps/cursor-app.mjs');
const CJS_APP = join(FIXTURE, 'apps/cursor-app.cjs');
const API_KEY = 'crsr_test_key_5d1f0c9e8b7a';
const OK = 1;
const ERROR = 2;
/** Per app: four runs (four AGENT spans) and one tool call in each of the three that reach the model. */
const SPANS = 7;

describe.skipIf(TOO_OLD)('Cursor SDK', () => {
  /** @type {any} */ let backend;
  /** @type {any} */ let collector;
  /** @type {string} */ let home;
  const dist = process.env.CATALYST_TEST_DIST ?? join(ROOT, 'dist');
  /** @type {Record<string, { out: any, spans: any[], stderr: string }>} */
  const runs = {};

  /** @param {string} script @param {'import' | 'require' | 'none'} preload @param {Record<string, string>} [extraEnv] @param {number} [spans] @param {string} [cwd] */
  async function run(script, preload, extraEnv = {}, spans = SPANS, cwd = home) {
    collector.reset();
    const result = await runChild({
      script,
      preload,
      registerPath: preload === 'none' ? undefined : join(dist, preload === 'import' ? 'esm/register.mjs' : 'register.js'),
      cwd,
      timeoutMs: 60_000,
      env: { HOME: home, CURSOR_BACKEND_URL: backend.url, CATALYST_OTLP_ENDPOINT: collector.url, CATALYST_DIST: dist, ...extraEnv },
    });
    expect(result.code, result.stderr).toBe(0);
    if (spans > 0) await collector.waitForSpans(spans, 5000);
    // Anything late (a span that should not be there) has time to arrive.
    await new Promise((r) => setTimeout(r, 300));
    const line = result.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    expect(line, result.stdout + result.stderr).toBeDefined();
    return { out: JSON.parse(line.slice(7)), spans: collector.spans.slice(), stderr: result.stderr };
  }

  beforeAll(async () => {
    execFileSync(process.execPath, [join(ROOT, 'scripts/install-test-fixtures.mjs'), 'cursor'], { stdio: 'inherit', env: { ...process.env, CATALYST_TEST_NODE: process.env.CATALYST_TEST_NODE ?? process.execPath } });
    backend = await startFakeCursorBackend({ scripts: ['run-tool.json', 'run-tool-error.json', 'run-rejected.json'] });
    collector = await startCollector();
    home = mkdtempSync(join(tmpdir(), 'catalyst-cursor-'));
    runs.baseline = await run(ESM_APP, 'none', {}, 0);
    runs.esm = await run(ESM_APP, 'import');
    runs.cjs = await run(CJS_APP, 'require');
    runs.explicit = await run(ESM_APP, 'none', { EXPLICIT: '1' });
    runs.appGlobal = await run(ESM_APP, 'import', { GLOBAL: 'app' });
    runs.oursGlobal = await run(ESM_APP, 'import', { GLOBAL: 'ours' });
    // setup() finds the SDK from the app's working directory, as an app started in its own folder would.
    runs.setup = await run(CJS_APP, 'none', { MODE: 'setup' }, SPANS, FIXTURE);
    runs.provider = await run(CJS_APP, 'none', { MODE: 'provider' }, 0);
  }, 240_000);
  afterAll(async () => {
    await backend?.close();
    await collector?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  const agents = (/** @type {any[]} */ spans) => spans.filter((s) => s.name === 'Cursor Agent Run');
  const tools = (/** @type {any[]} */ spans) => spans.filter((s) => s.attributes['openinference.span.kind'] === 'TOOL');

  it('leaves what the app sees as without the agent: messages, results, its own onDelta and onStep, the tool it ran', () => {
    const { out } = runs.baseline;
    expect(runs.baseline.spans).toHaveLength(0);
    expect(out.streamed.seen).toEqual(['status/RUNNING', 'tool_call/running', 'tool_call/completed', 'assistant', 'assistant', 'usage', 'status/FINISHED']);
    expect(out.streamed.result).toMatchObject({ status: 'finished', result: 'The sum is 5.' });
    expect(out.streamed.deltas).toContain('tool-call-started');
    expect(out.streamed.steps.length).toBeGreaterThan(0);
    expect(out.rejected.result).toMatchObject({ status: 'error', error: { message: '[resource_exhausted] Usage limit reached for this API key' } });
    expect(out.executed).toEqual([{ a: 2, b: 3 }, { a: 2, b: 3 }, { a: 1, b: 0 }]);
    expect(out.failing.seen.at(-1)).toEqual({ name: 'mcp', status: 'completed', result: { status: 'error', error: { message: 'Division by zero' } } });
    for (const name of ['esm', 'cjs', 'explicit', 'appGlobal', 'oursGlobal', 'setup', 'provider']) {
      const { appSpans, ...rest } = runs[name].out;
      expect(rest, name).toEqual(out);
    }
  });

  it('one AGENT span per run, read through stream() or wait(), with the agent, run, model, prompt, answer, counts and usage', () => {
    for (const name of ['esm', 'cjs', 'explicit', 'setup']) {
      const { spans } = runs[name];
      const tree = spanTree(spans);
      expect(agents(spans), `${name}\n${tree}`).toHaveLength(4);
      expect(spans, `${name}\n${tree}`).toHaveLength(SPANS);
      const ok = agents(spans).filter((s) => s.status.code === OK && s.attributes['input.value'] === 'What is 2 + 3?');
      expect(ok, `${name}\n${tree}`).toHaveLength(2);
      for (const s of ok) {
        expect(s.parentSpanId).toBeUndefined();
        expect(s.attributes).toMatchObject({
          'openinference.span.kind': 'AGENT',
          'cursor.run_status': 'finished',
          'llm.model_name': 'composer-1',
          'input.value': 'What is 2 + 3?',
          'output.value': 'The sum is 5.',
          'agent.tool_call_count': 1,
          'agent.llm_call_count': 2,
          'llm.token_count.prompt': 155,
          'llm.token_count.completion': 14,
          'llm.token_count.total': 169,
          'llm.token_count.prompt_details.cache_read': 30,
          'llm.token_count.prompt_details.cache_write': 5,
        });
        expect(s.attributes['cursor.agent_id']).toMatch(/^agent-[0-9a-f-]{36}$/);
        expect(s.attributes['cursor.run_id']).toMatch(/^run-[0-9a-f-]{36}$/);
        expect(s.attributes['cursor.duration_ms']).toBeGreaterThan(0);
        expect(JSON.parse(s.attributes['llm.invocation_parameters'])).toEqual({ model: { id: 'composer-1' } });
      }
      expect(new Set(ok.map((s) => s.attributes['cursor.run_id'])).size).toBe(2);
    }
  });

  it('each tool call is a TOOL child of its run: the custom tool by its own name, its call id, arguments and result', () => {
    for (const name of ['esm', 'cjs', 'explicit', 'setup']) {
      const { spans } = runs[name];
      const t = tools(spans);
      expect(t, `${name}\n${spanTree(spans)}`).toHaveLength(3);
      expect(t.map((s) => s.parentSpanId).sort()).toEqual(agents(spans).filter((s) => s.status.code === OK).map((s) => s.spanId).sort());
      for (const s of t.filter((s) => s.name === 'add')) {
        expect(s.name).toBe('add');
        expect(s.status.code).toBe(OK);
        expect(s.attributes).toMatchObject({ 'tool.name': 'add', 'tool_call.id': 'call_add_1', 'output.value': '5' });
        expect(JSON.parse(s.attributes['input.value'])).toEqual({ a: 2, b: 3 });
      }
      expect(t.filter((s) => s.name === 'add')).toHaveLength(2);
      // A run read only after it finished still holds its tool call: the span is dated from send().
      for (const s of t) {
        const parent = agents(spans).find((a) => a.spanId === s.parentSpanId);
        expect(BigInt(s.startTimeUnixNano) >= BigInt(parent.startTimeUnixNano), name).toBe(true);
        expect(BigInt(s.endTimeUnixNano) <= BigInt(parent.endTimeUnixNano), name).toBe(true);
      }
    }
  });

  it('a failed tool call is an ERROR TOOL span with the reason; its run, which answered, is OK', () => {
    for (const name of ['esm', 'cjs', 'explicit', 'setup']) {
      const { spans } = runs[name];
      const failed = tools(spans).filter((s) => s.name === 'divide');
      expect(failed, `${name}\n${spanTree(spans)}`).toHaveLength(1);
      expect(failed[0].status).toMatchObject({ code: ERROR, message: 'Division by zero' });
      expect(failed[0].attributes).toMatchObject({ 'tool.name': 'divide', 'tool_call.id': 'call_divide_1', 'output.value': 'Division by zero' });
      const run = agents(spans).find((s) => s.spanId === failed[0].parentSpanId);
      expect(run?.status.code).toBe(OK);
      expect(run?.attributes).toMatchObject({ 'input.value': 'What is 1 / 0?', 'output.value': '1 / 0 has no answer.', 'agent.tool_call_count': 1, 'llm.token_count.total': 99 });
    }
  });

  it('a rejected run is ERROR with cursor.run_status=error and the reason, while the app gets the same result as untraced', () => {
    for (const name of ['esm', 'cjs', 'explicit', 'setup']) {
      const failed = agents(runs[name].spans).filter((s) => s.status.code === ERROR);
      expect(failed, name).toHaveLength(1);
      expect(failed[0].status.message).toBe('[resource_exhausted] Usage limit reached for this API key');
      expect(failed[0].attributes).toMatchObject({ 'cursor.run_status': 'error', 'input.value': 'REJECT this run' });
      expect(failed[0].attributes['output.value']).toBeUndefined();
    }
  });

  it("the SDK's internal spans never reach our export, whoever owns the global tracer provider", () => {
    // The SDK does make them: an app's own global provider receives them, as it would without us.
    expect(runs.appGlobal.out.appSpans).toContain('agent.request.attempt');
    for (const name of ['esm', 'cjs', 'explicit', 'appGlobal', 'oursGlobal']) {
      const { spans } = runs[name];
      expect(spans.filter((s) => s.scope.name === 'context-tracer' || s.name === 'agent.request.attempt'), `${name}\n${spanTree(spans)}`).toEqual([]);
      expect(agents(spans), name).toHaveLength(4);
    }
  });

  it('installCursorSdkInstrumentation(provider) sends the spans to the app’s own provider', () => {
    expect(runs.provider.spans).toHaveLength(0);
    expect(runs.provider.out.appSpans).toEqual(['Cursor Agent Run:AGENT', 'Cursor Agent Run:AGENT', 'Cursor Agent Run:AGENT', 'Cursor Agent Run:AGENT', 'add:TOOL', 'add:TOOL', 'divide:TOOL']);
  });

  it('neither the API key nor the access token reaches a span, and nothing goes to stderr', () => {
    for (const name of ['esm', 'cjs', 'explicit', 'oursGlobal']) {
      const text = JSON.stringify(runs[name].spans);
      expect(text).not.toContain(API_KEY);
      expect(text).not.toContain(ACCESS_TOKEN);
      expect(runs[name].stderr, name).not.toMatch(/catalyst/i);
    }
    // The fake saw both: the key traded for the token, the token on the run's calls.
    expect(backend.requests.some((r) => r.headers.authorization === `Bearer ${API_KEY}`)).toBe(true);
    expect(backend.requests.some((r) => r.path.endsWith('/RunSSE') && r.headers.authorization === `Bearer ${ACCESS_TOKEN}`)).toBe(true);
  });
});

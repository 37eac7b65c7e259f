// Issue 3 end to end: the span API in a spawned app, under the preload and under
// setup(), with identity inheritance onto automatic SDK spans and the privacy
// variables applied to automatic and manual spans alike.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeProvider } from '../harness/fake-provider.mjs';
import { startCollector } from '../harness/collector.mjs';
import { runChild } from '../harness/run-child.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const APP = join(ROOT, 'test/integration/apps/agent-loop.mjs');
let DIST = process.env.CATALYST_TEST_DIST;
let provider;
let collector;

beforeAll(async () => {
  if (!DIST) {
    const out = '.cache/dist-test-span-api';
    execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--no-types', '--no-cli', '--out', out], { cwd: ROOT, stdio: 'pipe' });
    DIST = join(ROOT, out);
  }
  provider = await startFakeProvider();
  collector = await startCollector();
});
afterAll(async () => {
  await provider?.close();
  await collector?.close();
});
beforeEach(() => collector.reset());

function start(env, preload = 'import') {
  return runChild({
    script: APP,
    cwd: ROOT,
    preload,
    registerPath: join(DIST, preload === 'import' ? 'esm/register.mjs' : 'register.js'),
    env: { CATALYST_DIST: DIST, BASE_URL: provider.baseURL, CATALYST_OTLP_ENDPOINT: collector.url, CATALYST_SERVICE_NAME: 'span-api-test', ...env },
  });
}

const kind = (s) => s.attributes['openinference.span.kind'];

function assertOneTree(spans, i) {
  const agent = spans.find((s) => kind(s) === 'AGENT' && s.attributes['agent.id'] === `agent-${i}`);
  expect(agent, `agent span of run ${i}`).toBeTruthy();
  expect(agent.parentSpanId).toBeUndefined();
  const children = spans.filter((s) => s.parentSpanId === agent.spanId);
  expect(children.map(kind).sort()).toEqual(['LLM', 'LLM', 'TOOL']);
  for (const child of children) {
    expect(child.traceId).toBe(agent.traceId);
    expect(child.attributes).toMatchObject({ 'agent.id': `agent-${i}`, 'agent.name': 'loop', 'agent.role': 'planner', 'session.id': `session-${i}`, 'user.id': 'user-1' });
  }
  return { agent, children };
}

describe('agent loop under the preload', () => {
  it('gives one trace: AGENT root, two LLM and one TOOL child, identity on every child', async () => {
    const r = await start({});
    expect(r.code, r.stderr).toBe(0);
    const spans = await collector.waitForSpans(4);
    expect(spans).toHaveLength(4);
    const { agent, children } = assertOneTree(spans, 0);
    expect(agent.attributes['input.value']).toBe('question 0');
    expect(agent.attributes['output.value']).toBe('The capital of France is Paris.');
    const tool = children.find((s) => kind(s) === 'TOOL');
    expect(tool.attributes).toMatchObject({ 'tool.name': 'get_weather', 'output.value': '{"forecast":"sunny"}' });
    const streamed = children.find((s) => kind(s) === 'LLM' && s.attributes['llm.input_messages.2.message.role'] === 'tool');
    expect(streamed.attributes['llm.output_messages.0.message.content']).toBe('The capital of France is Paris.');
  });

  it('keeps 50 concurrent runs apart: each its own tree, no cross-talk', async () => {
    const r = await start({ RUNS: '50' });
    expect(r.code, r.stderr).toBe(0);
    const spans = await collector.waitForSpans(200, 15_000);
    expect(spans).toHaveLength(200);
    for (let i = 0; i < 50; i++) assertOneTree(spans, i);
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(50);
  });

  it('applies OPENINFERENCE_HIDE_INPUTS and HIDE_OUTPUT_TEXT to automatic and manual spans', async () => {
    const r = await start({ OPENINFERENCE_HIDE_INPUTS: 'true', OPENINFERENCE_HIDE_OUTPUT_TEXT: 'true' });
    expect(r.code, r.stderr).toBe(0);
    const spans = await collector.waitForSpans(4);
    const llm = spans.filter((s) => kind(s) === 'LLM');
    for (const s of llm) {
      expect(s.attributes['input.value']).toBe('__REDACTED__');
      expect(s.attributes['llm.input_messages.0.message.content']).toBe('__REDACTED__');
      expect(s.attributes['llm.input_messages.0.message.role']).toBe('user');
    }
    const streamed = llm.find((s) => s.attributes['llm.output_messages.0.message.content'] !== undefined);
    expect(streamed.attributes['llm.output_messages.0.message.content']).toBe('__REDACTED__');
    const agent = spans.find((s) => kind(s) === 'AGENT');
    expect(agent.attributes['input.value']).toBe('__REDACTED__');
    expect(spans.find((s) => kind(s) === 'TOOL').attributes['input.value']).toBe('__REDACTED__');
    expect(JSON.stringify(spans)).not.toContain('question 0');
  });

  it('hides all content with CATALYST_REDACT_CONTENT, keeping structure and tokens', async () => {
    const r = await start({ CATALYST_REDACT_CONTENT: 'true' });
    expect(r.code, r.stderr).toBe(0);
    const spans = await collector.waitForSpans(4);
    const text = JSON.stringify(spans);
    // Content is gone (ids such as call_Paris… are identifiers, not content, and stay).
    expect(text).not.toContain('capital of France');
    expect(text).not.toContain('\\"city\\"');
    expect(text).not.toContain('question 0');
    expect(text).toContain('__REDACTED__');
    expect(spans.find((s) => kind(s) === 'LLM').attributes['llm.token_count.total']).toBeGreaterThan(0);
  });

  it('never exports the API key', async () => {
    await start({});
    const spans = await collector.waitForSpans(4);
    expect(JSON.stringify(spans)).not.toContain('SECRET-123');
  });
});

describe('the same app under setup() without the preload', () => {
  it('gives the same tree', async () => {
    const r = await start({ MODE: 'setup' }, 'none');
    expect(r.code, r.stderr).toBe(0);
    const spans = await collector.waitForSpans(4);
    expect(spans).toHaveLength(4);
    assertOneTree(spans, 0);
  });
});

// LangSmith's OpenTelemetry mode end to end: spawned ESM and CJS apps under the
// preload (and a CJS app calling installLangSmith() without it) run real
// `langsmith` traceables against a loopback LangSmith endpoint and the fake
// provider; every assertion is on spans the collector received from a child.
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spanTree, useAppHarness } from '../harness/app-harness.mjs';

const KEY = 'sk-langsmith-integration-secret-0123456789';
const TREE = [
  'research-agent [AGENT]',
  '  plan [CHAIN]',
  '  get_weather [TOOL]',
  '  search-docs [RETRIEVER]',
  '  embed-query [EMBEDDING]',
  '  format-prompt [CHAIN]',
  '  local-model [LLM]',
  '  OpenAI Chat Completions [LLM]',
  '  parse-answer [CHAIN]',
  'failing-step [CHAIN]',
].join('\n');
const SPANS = TREE.split('\n').length;

/** A LangSmith endpoint on loopback: every run-ingest call (and /info) answered 200. */
let langsmith;
const lsRequests = [];
beforeAll(async () => {
  langsmith = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      lsRequests.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise((r) => langsmith.listen(0, '127.0.0.1', r));
});
afterAll(() => new Promise((r) => langsmith.close(r)));

const { runApp } = useAppHarness({ name: 'langsmith' });
const otelMode = () => ({ LANGSMITH_TRACING: 'true', LANGSMITH_TRACING_MODE: 'otel', LANGSMITH_ENDPOINT: `http://127.0.0.1:${langsmith.address().port}`, LANGSMITH_API_KEY: 'lsv2-fake-key-not-real' });
const one = (/** @type {any[]} */ spans, /** @type {string} */ name) => {
  const found = spans.filter((s) => s.name === name);
  expect(found.map((s) => s.name), `spans named ${name}`).toHaveLength(1);
  return found[0];
};

function assertRuns(/** @type {any} */ r) {
  const { spans } = r;
  expect(spanTree(spans)).toBe(TREE);
  expect(JSON.stringify(spans)).not.toContain(KEY);
  expect(JSON.stringify(spans)).not.toContain('lsv2-fake-key');
  // No LangSmith key survives the conversion (gen_ai.prompt would bypass the privacy rules).
  for (const s of spans) for (const k of Object.keys(s.attributes)) expect(k, s.name).not.toMatch(/^(langsmith|gen_ai)\./);

  const agent = one(spans, 'research-agent');
  const root = spans.filter((s) => s.traceId === agent.traceId);
  expect(root).toHaveLength(SPANS - 1);
  expect(JSON.parse(agent.attributes['input.value'])).toEqual({ input: 'weather' });
  expect(JSON.parse(agent.attributes['output.value'])).toEqual({ answer: 'The capital of France is Paris.' });
  expect(JSON.parse(agent.attributes.metadata)).toEqual({ team: 'search', attempt: '2' });
  expect(agent.attributes['tag.tags']).toEqual(['nightly', 'eval']);
  expect(one(spans, 'get_weather').attributes['tool.name']).toBe('get_weather');

  const local = one(spans, 'local-model');
  expect(local.attributes['llm.input_messages.0.message.content']).toBe('Weather in Paris?');
  expect(local.attributes['llm.output_messages.0.message.content']).toBe('echo: Weather in Paris?');

  // wrapOpenAI's "ChatOpenAI" run and our openai span are one LLM span, under the traceable.
  expect(spans.some((s) => s.name === 'ChatOpenAI')).toBe(false);
  const llm = one(spans, 'OpenAI Chat Completions');
  expect(llm.parentSpanId).toBe(agent.spanId);
  expect(llm.attributes['llm.model_name']).toMatch(/^gpt-4o-mini/);
  expect(llm.attributes['llm.input_messages.0.message.content']).toBe('[wrapped] What is the capital of France?');
  expect(llm.attributes['llm.output_messages.0.message.content']).toBe('The capital of France is Paris.');
  expect(llm.attributes['llm.token_count.total']).toBeGreaterThan(0);
  expect(r.requests).toHaveLength(1);

  const failing = one(spans, 'failing-step');
  expect(failing.traceId).not.toBe(agent.traceId);
  expect(failing.status.code).toBe(2);
  expect(failing.events.find((e) => e.name === 'exception')?.attributes['exception.message']).toContain('step exploded');
  expect(r.line('RESULT')).toEqual({ answer: { answer: 'The capital of France is Paris.' }, error: 'step exploded' });
}

describe('langsmith (OpenTelemetry mode)', () => {
  it('ESM under the preload: every run a span of its kind, nested, one LLM span for wrapOpenAI', async () => {
    const r = await runApp('langsmith-esm.mjs', { env: otelMode(), spans: SPANS });
    assertRuns(r);
    expect(r.stderr).not.toContain('OTel tracing mode is active');
  });

  it('CJS under the preload', async () => {
    assertRuns(await runApp('langsmith-cjs.cjs', { env: otelMode(), spans: SPANS }));
  });

  it('CJS with installLangSmith() and no preload', async () => {
    const r = await runApp('langsmith-subpath.cjs', { preload: 'none', env: otelMode(), spans: SPANS });
    expect(r.line('INSTALLED')).toBe(true);
    assertRuns(r);
  });

  it('a script that does not await the pending batches loses nothing: runs end at exit', async () => {
    assertRuns(await runApp('langsmith-esm.mjs', { env: { ...otelMode(), SKIP_AWAIT: '1' }, spans: SPANS }));
  });

  it('an app that registered its own provider (initializeOTEL) keeps it: runs go to LangSmith, our LLM span nests under its run', async () => {
    lsRequests.length = 0;
    const r = await runApp('langsmith-own-provider.mjs', { env: otelMode(), spans: 1 });
    expect(r.spans.map((s) => s.name)).toEqual(['OpenAI Chat Completions']);
    expect(r.spans[0].parentSpanId).toBeTruthy();
    expect(lsRequests).toContain('POST /otel/v1/traces');
    expect(r.stderr).not.toContain('OTel tracing mode is active');
  });

  it('with the openai integration off, the wrapOpenAI run is the LLM span', async () => {
    const r = await runApp('langsmith-esm.mjs', { env: { ...otelMode(), CATALYST_DISABLED_INSTRUMENTATIONS: 'openai' }, spans: SPANS });
    expect(spanTree(r.spans)).toBe(TREE.replace('OpenAI Chat Completions [LLM]', 'ChatOpenAI [LLM]'));
    const llm = one(r.spans, 'ChatOpenAI');
    expect(llm.attributes['llm.input_messages.0.message.content']).toBe('[wrapped] What is the capital of France?');
    expect(llm.attributes['llm.output_messages.0.message.content']).toBe('The capital of France is Paris.');
    expect(llm.attributes['llm.model_name']).toMatch(/^gpt-4o-mini/);
  });

  it('the privacy variables apply to the runs\' inputs and outputs', async () => {
    const r = await runApp('langsmith-esm.mjs', { env: { ...otelMode(), CATALYST_REDACT_CONTENT: 'true' }, spans: SPANS });
    expect(spanTree(r.spans)).toBe(TREE);
    for (const name of ['research-agent', 'get_weather', 'local-model']) {
      const s = one(r.spans, name);
      expect(s.attributes['input.value'], name).toBe('__REDACTED__');
      expect(s.attributes['output.value'], name).toBe('__REDACTED__');
    }
    expect(JSON.stringify(r.spans)).not.toContain('Weather in Paris');
  });

  it('importing LangSmith loads the bridge but no span code: that waits for its first run', async () => {
    const r = await runApp('langsmith-import.cjs', { preload: 'require', env: otelMode() });
    const loaded = r.line('LOADED');
    expect(loaded).toContain('lazy-langsmith.js');
    expect(loaded).not.toContain('lazy-langsmith-calls.js');
    expect(loaded).not.toContain('core-trace.js');
    expect(r.stderr).toBe('');
  });

  it('default (non-OTel) mode: the model call is traced as before, nothing else changes', async () => {
    const r = await runApp('langsmith-esm.mjs', { env: { ...otelMode(), LANGSMITH_TRACING_MODE: undefined } });
    expect(spanTree(r.spans)).toBe('OpenAI Chat Completions [LLM]');
    expect(lsRequests.some((l) => l.includes('/runs'))).toBe(true);
  });
});

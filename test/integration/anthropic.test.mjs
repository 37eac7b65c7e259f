// The Anthropic integration end to end: spawned ESM and CJS apps under the
// preload (and under setup() / the subpath helper), calling the real
// @anthropic-ai/sdk against the fake provider, exporting to the in-process OTLP
// collector. Every assertion is on spans the collector received from a child.
import { beforeAll, describe, expect, it } from 'vitest';
import { SPAN_KIND } from '../harness/collector.mjs';
import { useAppHarness } from '../harness/app-harness.mjs';

const KEY = 'sk-ant-api03-integration-secret-0123456789';
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

const { runApp } = useAppHarness({ name: 'anthropic', env: { ANTHROPIC_API_KEY: KEY } });

const isLlm = (/** @type {any} */ s) => s.attributes['openinference.span.kind'] === 'LLM';

/** The LLM spans whose input messages carry `[tag]`, oldest first. */
function tagged(/** @type {any[]} */ spans, /** @type {string} */ tag) {
  return spans
    .filter((s) => isLlm(s) && Object.entries(s.attributes).some(([k, v]) => k.startsWith('llm.input_messages.') && typeof v === 'string' && v.startsWith(`[${tag}]`)))
    .sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1));
}
function one(/** @type {any[]} */ spans, /** @type {string} */ tag) {
  const found = tagged(spans, tag);
  expect(found.map((s) => s.name), `spans tagged [${tag}]`).toHaveLength(1);
  return found[0];
}
/** The request the fake provider received for `[tag]`. */
function requestOf(/** @type {any[]} */ requests, /** @type {string} */ tag) {
  return requests.find((r) => JSON.stringify(r.body?.messages ?? '').includes(`[${tag}]`));
}

// The scenario's calls: 15 tags, 18 model calls (round trip and both tool runners make 2), plus the agent span.
const SCENARIO_LLM_SPANS = 18;

describe.each([
  ['ESM', 'anthropic-esm.mjs', /** @type {const} */ ('import')],
  ['CJS', 'anthropic-cjs.cjs', /** @type {const} */ ('require')],
])('%s app under the preload', (_label, app, preload) => {
  /** @type {Awaited<ReturnType<typeof runApp>>} */
  let traced;
  /** @type {Awaited<ReturnType<typeof runApp>>} */
  let baseline;

  beforeAll(async () => {
    baseline = await runApp(app, { preload: 'none' });
    traced = await runApp(app, { preload, spans: SCENARIO_LLM_SPANS + 1 });
  });

  it('leaves results, errors and helpers exactly as without the agent, and exits promptly', () => {
    expect(baseline.spans).toHaveLength(0);
    expect(traced.line('RESULT')).toEqual(baseline.line('RESULT'));
    expect(traced.line('RESULT').errorClass).toBe(true);
    expect(traced.durationMs).toBeLessThan(10_000);
  });

  it('gives exactly one LLM span per model call, and never the API key', () => {
    expect(traced.spans.filter(isLlm)).toHaveLength(SCENARIO_LLM_SPANS);
    for (const tag of ['plain', 'with-response', 'stream', 'helper', 'helper-iter', 'cache', 'cache-stream', 'beta', 'beta-stream', 'error', 'error-again', 'stream-error']) one(traced.spans, tag);
    // The key went out with every request (this SDK sends it as a bearer token)...
    expect(traced.requests.every((r) => `${r.headers['x-api-key'] ?? ''} ${r.headers.authorization ?? ''}`.includes(KEY))).toBe(true);
    // ...and reached no span.
    expect(JSON.stringify(traced.spans)).not.toContain(KEY);
    expect(JSON.stringify(traced.spans)).not.toContain('integration-secret');
  });

  it('maps the request: system blocks first, content blocks, image, parameters, offered tools', () => {
    const s = one(traced.spans, 'plain');
    expect(s.name).toBe('Anthropic Messages');
    expect(s.kind).toBe(SPAN_KIND.INTERNAL);
    expect(s.status.code).toBe(1);
    expect(s.attributes).toMatchObject({
      'openinference.span.kind': 'LLM',
      'llm.system': 'anthropic',
      'llm.provider': 'anthropic',
      'llm.model_name': 'claude-sonnet-4-6',
      'llm.input_messages.0.message.role': 'system',
      'llm.input_messages.0.message.contents.0.message_content.text': 'You are terse.',
      'llm.input_messages.0.message.contents.1.message_content.text': 'Answer in one sentence.',
      'llm.input_messages.1.message.role': 'user',
      'llm.input_messages.1.message.contents.0.message_content.text': '[plain] What is in this image?',
      'llm.input_messages.1.message.contents.1.message_content.type': 'image',
      'llm.input_messages.1.message.contents.1.message_content.image.image.url': `data:image/png;base64,${PNG}`,
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.content': 'The capital of France is Paris.',
      'llm.finish_reason': 'end_turn',
      'llm.token_count.prompt': 21,
      'llm.token_count.completion': 10,
      'llm.token_count.total': 31,
    });
    expect(JSON.parse(s.attributes['llm.invocation_parameters'])).toEqual({ model: 'claude-sonnet-4-6', max_tokens: 256, temperature: 0.2 });
    expect(JSON.parse(s.attributes['llm.tools.0.tool.json_schema'])).toMatchObject({ name: 'get_weather', input_schema: { required: ['location'] } });
  });

  it('assembles streams: raw events, the stream helper, its async iteration', () => {
    for (const tag of ['stream', 'helper-iter', 'beta-stream']) {
      const s = one(traced.spans, tag);
      expect(s.status.code).toBe(1);
      expect(s.attributes['llm.output_messages.0.message.content']).toBe('The capital of France is Paris.');
      expect(s.attributes['llm.token_count.prompt']).toBe(21);
      expect(s.attributes['llm.token_count.completion']).toBe(10);
      expect(s.attributes['llm.finish_reason']).toBe('end_turn');
    }
    const helper = one(traced.spans, 'helper');
    expect(helper.attributes).toMatchObject({
      'llm.output_messages.0.message.content': "I'll check the weather in Paris.",
      'llm.output_messages.0.message.tool_calls.0.tool_call.id': 'toolu_01CatWeather8Tq3Vb6Nn2Ye',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'get_weather',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': '{"location":"Paris, France","unit":"celsius"}',
      'llm.finish_reason': 'tool_use',
      'llm.token_count.completion': 58,
    });
  });

  it('counts prompt-cache tokens: prompt = input + cache read + cache creation', () => {
    for (const tag of ['cache', 'cache-stream']) {
      expect(one(traced.spans, tag).attributes).toMatchObject({
        'llm.token_count.prompt': 14 + 1800 + 248,
        'llm.token_count.prompt_details.cache_read': 1800,
        'llm.token_count.prompt_details.cache_write': 248,
        'llm.token_count.completion': 9,
        'llm.token_count.total': 14 + 1800 + 248 + 9,
      });
    }
  });

  it('traces beta.messages.create with its betas', () => {
    const s = one(traced.spans, 'beta');
    expect(s.name).toBe('Anthropic Beta Messages');
    expect(JSON.parse(s.attributes['llm.invocation_parameters']).betas).toEqual(['token-efficient-tools-2025-02-19']);
  });

  it('fails the span with an exception event on an API error and on an error mid-stream', () => {
    for (const [tag, type] of [['error', 'BadRequestError'], ['stream-error', 'APIError']]) {
      const s = one(traced.spans, tag);
      expect(s.status.code).toBe(2);
      expect(s.events.map((e) => e.name)).toEqual(['exception']);
      expect(s.events[0].attributes['exception.type']).toBe(type);
    }
    expect(one(traced.spans, 'error').events[0].attributes['exception.message']).toContain('at least one message is required');
    expect(one(traced.spans, 'stream-error').attributes['llm.output_messages.0.message.content']).toBe('Partial answer');
  });

  it('nests a tool-use round trip under its agentSpan, with tool calls and tool results', () => {
    const agent = traced.spans.find((s) => s.attributes['openinference.span.kind'] === 'AGENT');
    expect(agent?.name).toBe('weather-agent');
    const [call, answer] = tagged(traced.spans, 'round-trip');
    for (const s of [call, answer]) {
      expect(s.parentSpanId).toBe(agent.spanId);
      expect(s.traceId).toBe(agent.traceId);
      expect(s.attributes).toMatchObject({ 'agent.id': 'weather-agent-1', 'agent.name': 'weather-agent', 'session.id': 'session-42' });
    }
    expect(call.attributes['llm.output_messages.0.message.tool_calls.0.tool_call.id']).toBe('toolu_01CatWeather8Tq3Vb6Nn2Ye');
    expect(answer.attributes).toMatchObject({
      'llm.input_messages.0.message.role': 'user',
      'llm.input_messages.1.message.role': 'assistant',
      'llm.input_messages.1.message.content': "I'll check the weather in Paris.",
      'llm.input_messages.1.message.tool_calls.0.tool_call.id': 'toolu_01CatWeather8Tq3Vb6Nn2Ye',
      'llm.input_messages.1.message.tool_calls.0.tool_call.function.name': 'get_weather',
      'llm.input_messages.1.message.tool_calls.0.tool_call.function.arguments': '{"location":"Paris, France","unit":"celsius"}',
      'llm.input_messages.2.message.role': 'tool',
      'llm.input_messages.2.message.tool_call_id': 'toolu_01CatWeather8Tq3Vb6Nn2Ye',
      'llm.input_messages.2.message.content': '18°C and sunny in Paris, France',
      'llm.output_messages.0.message.content': "It's 18°C and sunny in Paris right now.",
    });
    expect(traced.line('RESULT').roundTrip).toBe("It's 18°C and sunny in Paris right now.");
  });

  it('traces each model call of the beta tool runner, plain and streamed', () => {
    for (const tag of ['runner', 'runner-stream']) {
      const first = tagged(traced.spans, tag)[0];
      expect(first.status.code).toBe(1);
      expect(first.attributes['llm.output_messages.0.message.tool_calls.0.tool_call.function.name']).toBe('get_weather');
    }
    // Each runner's second call answers the tool call (message threads send only the new message).
    const answers = traced.spans.filter((s) => isLlm(s) && Object.entries(s.attributes).some(([k, v]) => /^llm\.input_messages\.\d+\.message\.role$/.test(k) && v === 'tool') && tagged([s], 'round-trip').length === 0);
    expect(answers).toHaveLength(2);
    for (const s of answers) {
      expect(s.status.code).toBe(1);
      expect(Object.values(s.attributes)).toContain('toolu_01CatWeather8Tq3Vb6Nn2Ye');
      expect(s.attributes['llm.output_messages.0.message.content']).toBe("It's 18°C and sunny in Paris right now.");
    }
    expect(traced.line('RESULT')).toMatchObject({ runner: "It's 18°C and sunny in Paris right now.", runnerStream: "It's 18°C and sunny in Paris right now." });
  });
});

describe('ESM import forms and NODE_OPTIONS', () => {
  it.each(['named', 'namespace'])('traces the %s import', async (form) => {
    const r = await runApp('anthropic-esm.mjs', { env: { IMPORT_FORM: form }, spans: SCENARIO_LLM_SPANS + 1 });
    expect(r.spans.filter(isLlm)).toHaveLength(SCENARIO_LLM_SPANS);
    one(r.spans, 'plain');
  });

  it('traces with the preload given in NODE_OPTIONS', async () => {
    const r = await runApp('anthropic-cjs.cjs', { preload: 'node-options', spans: SCENARIO_LLM_SPANS + 1 });
    expect(r.spans.filter(isLlm)).toHaveLength(SCENARIO_LLM_SPANS);
  });
});

describe('image privacy', () => {
  it('hides image content under OPENINFERENCE_HIDE_INPUT_IMAGES, everywhere, and keeps the text', async () => {
    const r = await runApp('anthropic-cjs.cjs', { preload: 'require', env: { OPENINFERENCE_HIDE_INPUT_IMAGES: 'true' }, spans: SCENARIO_LLM_SPANS + 1 });
    const s = one(r.spans, 'plain');
    expect(s.attributes['llm.input_messages.1.message.contents.1.message_content.image.image.url']).toBe('__REDACTED__');
    expect(s.attributes['llm.input_messages.1.message.contents.0.message_content.text']).toBe('[plain] What is in this image?');
    expect(JSON.stringify(r.spans)).not.toContain(PNG);
  });
});

// The SDK's native telemetry. The app registers its own global tracer provider and
// propagator, so @anthropic-ai/sdk 1.x would start an `anthropic.messages.create`
// span per call. Our rule: for the calls we trace, the native span is switched
// off, ours is the one span, and the traceparent the SDK sends names our span.
const NATIVE_TAGS = ['create', 'stream', 'helper', 'beta', 'beta-stream'];

describe.each([
  ['ESM', 'anthropic-native.mjs', /** @type {const} */ ('import')],
  ['CJS', 'anthropic-native.cjs', /** @type {const} */ ('require')],
])('%s app with its own global tracer provider', (_label, app, preload) => {
  it('gives one LLM span per call: no native create span, and the SDK propagates our span', async () => {
    const r = await runApp(app, { preload, spans: NATIVE_TAGS.length });
    expect(r.spans).toHaveLength(NATIVE_TAGS.length);
    // Only what we do not trace keeps its native span.
    expect(r.line('NATIVE')).toEqual([{ name: 'anthropic.messages.count_tokens', scope: 'com.anthropic.sdk.typescript', spanId: expect.any(String) }]);
    for (const tag of NATIVE_TAGS) {
      const s = one(r.spans, tag);
      expect(requestOf(r.requests, tag).headers.traceparent).toBe(`00-${s.traceId}-${s.spanId}-01`);
    }
  });

  it("keeps the tool runner's own spans, with each model call's LLM span under its tool_runner span", async () => {
    const r = await runApp(app, { preload, env: { TOOL_RUNNER: '1' }, spans: NATIVE_TAGS.length + 2 });
    const native = r.line('NATIVE');
    expect(native.map((/** @type {any} */ s) => s.name)).toEqual(['anthropic.messages.count_tokens', 'anthropic.custom_tool_use get_weather', 'anthropic.messages.tool_runner']);
    const runnerSpan = native.at(-1).spanId;
    const runnerCalls = r.spans.filter((s) => s.parentSpanId === runnerSpan);
    expect(runnerCalls).toHaveLength(2);
    expect(runnerCalls.every(isLlm)).toBe(true);
    expect(r.spans.filter(isLlm)).toHaveLength(NATIVE_TAGS.length + 2);
  });

  it('without the agent the SDK starts its own spans (the control)', async () => {
    const r = await runApp(app, { preload: 'none' });
    expect(r.spans).toHaveLength(0);
    expect(r.line('NATIVE').map((/** @type {any} */ s) => s.name)).toEqual([...NATIVE_TAGS.map(() => 'anthropic.messages.create'), 'anthropic.messages.count_tokens']);
  });

  it('ANTHROPIC_OPEN_TELEMETRY=true changes nothing: still one span per call', async () => {
    const r = await runApp(app, { preload, env: { ANTHROPIC_OPEN_TELEMETRY: 'true' }, spans: NATIVE_TAGS.length });
    expect(r.spans).toHaveLength(NATIVE_TAGS.length);
    expect(r.line('NATIVE').map((/** @type {any} */ s) => s.name)).toEqual(['anthropic.messages.count_tokens']);
  });

  it('ANTHROPIC_OPEN_TELEMETRY=false: the SDK neither traces nor propagates; our spans are there', async () => {
    const r = await runApp(app, { preload, env: { ANTHROPIC_OPEN_TELEMETRY: 'false' }, spans: NATIVE_TAGS.length });
    expect(r.spans).toHaveLength(NATIVE_TAGS.length);
    for (const tag of NATIVE_TAGS) one(r.spans, tag);
    expect(r.line('NATIVE')).toEqual([]);
    expect(r.requests.map((q) => q.headers.traceparent)).toEqual(r.requests.map(() => undefined));
  });

  it('ANTHROPIC_OPEN_TELEMETRY_PROPAGATION=false: no trace headers, still no native create span', async () => {
    const r = await runApp(app, { preload, env: { ANTHROPIC_OPEN_TELEMETRY_PROPAGATION: 'false' }, spans: NATIVE_TAGS.length });
    expect(r.spans).toHaveLength(NATIVE_TAGS.length);
    expect(r.line('NATIVE').map((/** @type {any} */ s) => s.name)).toEqual(['anthropic.messages.count_tokens']);
    expect(r.requests.map((q) => q.headers.traceparent)).toEqual(r.requests.map(() => undefined));
  });
});

describe('without the preload', () => {
  it('setup({ modules: { anthropic: Anthropic } }) traces an ESM app', async () => {
    const r = await runApp('anthropic-setup.mjs', { preload: 'none', spans: 1 });
    expect(r.line('RESULT')).toMatchObject({ text: 'The capital of France is Paris.', install: { name: 'anthropic', status: 'patched' } });
    expect(one(r.spans, 'setup').attributes['llm.output_messages.0.message.content']).toBe('The capital of France is Paris.');
  });

  it('@catalyst/tracing/anthropic instrumentAnthropic() traces a CJS app', async () => {
    const r = await runApp('anthropic-subpath.cjs', { preload: 'none', spans: 1 });
    expect(r.line('RESULT')).toEqual({ traced: true, text: 'The capital of France is Paris.' });
    expect(one(r.spans, 'subpath').attributes['llm.token_count.total']).toBe(31);
  });
});

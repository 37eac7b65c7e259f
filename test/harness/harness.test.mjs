// Proves the harness itself: the real openai SDK accepts every fixture the fake
// provider replays, and the collector decodes what the real OTLP exporters send.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { context, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { DEFAULT_FIXTURES_DIR, startFakeProvider, synthesizeChatStream } from './fake-provider.mjs';
import { SPAN_KIND, startCollector } from './collector.mjs';
import { nodeMajor, runChild } from './run-child.mjs';
import { spanTree } from './app-harness.mjs';

const fixture = (/** @type {string} */ name) => JSON.parse(readFileSync(join(DEFAULT_FIXTURES_DIR, `${name}.json`), 'utf8'));
const weatherTool = /** @type {const} */ ({
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: { type: 'object', properties: { location: { type: 'string' }, unit: { type: 'string' } }, required: ['location', 'unit'] },
  },
});

describe('fake provider + openai SDK', () => {
  /** @type {Awaited<ReturnType<typeof startFakeProvider>>} */
  let provider;
  /** @type {OpenAI} */
  let client;
  /** @param {string} name */
  const use = (name) => ({ headers: { 'x-fixture': name } });

  beforeAll(async () => {
    provider = await startFakeProvider();
    client = new OpenAI({ baseURL: provider.baseURL, apiKey: 'sk-test-not-a-real-key' });
  });
  afterAll(() => provider.close());

  it('serves chat-basic by default and records the request', async () => {
    const before = provider.requests.length;
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Capital of France?' }] });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('gpt-4o-mini-2024-07-18');
    expect(completion.choices[0].message.content).toBe('The capital of France is Paris.');
    expect(completion.usage?.prompt_tokens_details?.cached_tokens).toBe(1152);
    expect(completion.usage?.completion_tokens_details?.reasoning_tokens).toBe(0);
    expect(completion._request_id).toBe('req_chat_basic_0001');
    const req = provider.requests[before];
    expect(req).toMatchObject({ method: 'POST', path: '/v1/chat/completions', body: { model: 'gpt-4o-mini' } });
    expect('stream' in req.body).toBe(false); // openai 7 only sends `stream` when the caller set it
    expect(req.headers.authorization).toBe('Bearer sk-test-not-a-real-key');
  });

  it('streams chat-basic.sse with a final usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Capital of France?' }], stream: true, stream_options: { include_usage: true },
    });
    let text = '';
    /** @type {any} */
    let last;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      last = chunk;
    }
    expect(text).toBe('The capital of France is Paris.');
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: 1342, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 1152 } });
  });

  it('streams chat-no-usage.sse without usage', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true }, use('openai/chat-no-usage'));
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((c) => c.usage == null)).toBe(true);
    expect(chunks.at(-1)?.choices[0].finish_reason).toBe('stop');
  });

  it('returns two tool calls, whole and streamed in fragments', async () => {
    const params = { model: 'gpt-4o-mini', messages: [{ role: /** @type {const} */ ('user'), content: 'Weather in Paris and Tokyo?' }], tools: [weatherTool] };
    const whole = await client.chat.completions.create(params, use('openai/chat-tool-call'));
    const calls = whole.choices[0].message.tool_calls ?? [];
    expect(whole.choices[0].finish_reason).toBe('tool_calls');
    expect(calls.map((c) => c.type === 'function' && JSON.parse(c.function.arguments).location)).toEqual(['Paris, France', 'Tokyo, Japan']);

    // The stream helper re-validates every fragment; its final message must equal the non-streamed one.
    const final = await client.chat.completions.stream({ ...params, stream_options: { include_usage: true } }, use('openai/chat-tool-call')).finalChatCompletion();
    expect(final.choices[0].message.tool_calls).toEqual(calls);
    expect(final.usage?.total_tokens).toBe(whole.usage?.total_tokens);

    const after = await client.chat.completions.create(params, use('openai/chat-after-tool'));
    expect(after.choices[0].message.content).toMatch(/Paris.*Tokyo/);
  });

  it('parses chat-parse.json against a json_schema response_format', async () => {
    const completion = await client.chat.completions.parse({
      model: 'o4-mini',
      messages: [{ role: 'user', content: 'Alice and Bob are going to a science fair on Friday.' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'calendar_event', strict: true,
          schema: { type: 'object', properties: { name: { type: 'string' }, date: { type: 'string' }, participants: { type: 'array', items: { type: 'string' } } }, required: ['name', 'date', 'participants'], additionalProperties: false },
        },
      },
    }, use('openai/chat-parse'));
    expect(completion.choices[0].message.parsed).toEqual({ name: 'Science fair', date: '2025-03-14', participants: ['Alice', 'Bob'] });
    expect(completion.usage?.completion_tokens_details?.reasoning_tokens).toBe(192);
  });

  it('serves the Responses API, plain and streamed', async () => {
    const response = await client.responses.create({ model: 'gpt-4o-mini', input: 'Capital of France?' });
    expect(response.output_text).toBe('The capital of France is Paris.');
    expect(response.usage).toMatchObject({ input_tokens_details: { cached_tokens: 1152 }, output_tokens_details: { reasoning_tokens: 0 } });

    const events = [];
    for await (const event of await client.responses.create({ model: 'gpt-4o-mini', input: 'Capital of France?', stream: true })) events.push(event);
    expect(events[0].type).toBe('response.created');
    expect(events.filter((e) => e.type === 'response.output_text.delta')).toHaveLength(7);
    const completed = events.at(-1);
    expect(completed?.type === 'response.completed' && completed.response.usage?.total_tokens).toBe(1349);

    // ResponseStream validates item ids, indexes and ordering strictly.
    const final = await client.responses.stream({ model: 'gpt-4o-mini', input: 'Capital of France?' }).finalResponse();
    expect(final.output_text).toBe('The capital of France is Paris.');
  });

  it('serves a Responses function_call, plain and streamed', async () => {
    const params = { model: 'o4-mini', input: 'Weather in Paris?', tools: [{ type: /** @type {const} */ ('function'), name: 'get_weather', parameters: weatherTool.function.parameters, strict: true }] };
    const plain = await client.responses.create(params, use('openai/responses-function-call'));
    const streamed = await client.responses.stream(params, use('openai/responses-function-call')).finalResponse();
    for (const response of [plain, streamed]) {
      const call = response.output.find((o) => o.type === 'function_call');
      expect(call).toMatchObject({ name: 'get_weather', call_id: 'call_Paris4fGh7kL2mN9pQ1rS3tU', arguments: '{"location":"Paris, France","unit":"celsius"}' });
      expect(response.usage?.output_tokens_details.reasoning_tokens).toBe(64);
    }
  });

  it('serves embeddings in the encoding the SDK asked for', async () => {
    const expected = fixture('openai/embeddings-basic').body.data.map((/** @type {any} */ d) => d.embedding);
    // openai 7 requests base64 by default and decodes float32 itself.
    const viaBase64 = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['first', 'second'] });
    expect(provider.requests.at(-1)?.body.encoding_format).toBe('base64');
    expect(viaBase64.data.map((d) => d.embedding)).toEqual(expected);
    const viaFloat = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['first', 'second'], encoding_format: 'float' });
    expect(viaFloat.data.map((d) => d.embedding)).toEqual(expected);
    expect(viaFloat.usage.prompt_tokens).toBe(9);
  });

  it('serves legacy completions', async () => {
    const completion = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Say this is a test' });
    expect(completion.object).toBe('text_completion');
    expect(completion.choices[0].text).toBe('\n\nThis is a test.');
    expect(completion.usage?.total_tokens).toBe(11);
  });

  it('turns error fixtures into the SDK error classes, one request each', async () => {
    const messages = [{ role: /** @type {const} */ ('user'), content: 'x' }];
    const bad = client.chat.completions.create({ model: 'gpt-4o-mini', messages }, use('openai/error-400'));
    await expect(bad).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(bad).rejects.toMatchObject({ status: 400, code: 'empty_array', param: 'messages', type: 'invalid_request_error' });
    // Errors come back as JSON even for stream: true.
    await expect(client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true }, use('openai/error-401')))
      .rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const before = provider.requests.length;
    await expect(client.chat.completions.create({ model: 'gpt-4o-mini', messages }, use('openai/error-500'))).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    expect(provider.requests.length - before).toBe(1);
  });

  it('names the missing file for an unknown fixture', async () => {
    const call = client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }, use('openai/nope'));
    await expect(call).rejects.toMatchObject({ status: 500, message: expect.stringContaining('fixtures/openai/nope.json') });
  });

  it('synthesises N-chunk streams; chat-long.sse is the 200-chunk one', async () => {
    const stream = await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], stream: true, stream_options: { include_usage: true } },
      { headers: { 'x-fixture-chunks': '50' } });
    let contentChunks = 0;
    /** @type {any} */
    let usage;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta?.content) contentChunks++;
      usage = chunk.usage ?? usage;
    }
    expect(contentChunks).toBe(50);
    expect(usage.completion_tokens).toBe(50);
    const longFile = readFileSync(join(DEFAULT_FIXTURES_DIR, 'openai/chat-long.sse'), 'utf8');
    expect(longFile).toBe(synthesizeChatStream(200, { includeUsage: true }).map((e) => `${e}\n\n`).join(''));
  });

  it('paces stream events by x-fixture-delay-ms', async () => {
    const stream = await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], stream: true },
      { headers: { 'x-fixture': 'openai/chat-no-usage', 'x-fixture-delay-ms': '40' } });
    const times = [];
    for await (const _ of stream) times.push(performance.now());
    // 9 chunks + [DONE]: 9 gaps of 40ms after the first event.
    expect(times.at(-1) - times[0]).toBeGreaterThanOrEqual(8 * 40 - 5);
  });

  it('answers the request after a tool result with x-fixture-after-tool, and any other with x-fixture', async () => {
    const headers = { 'x-fixture': 'openai/chat-tool-call', 'x-fixture-after-tool': 'openai/chat-after-tool' };
    const first = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'weather?' }], tools: [weatherTool] }, { headers });
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(call?.type).toBe('function');
    const next = await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'weather?' }, first.choices[0].message, { role: 'tool', tool_call_id: call?.id ?? '', content: '18C' }], tools: [weatherTool] },
      { headers });
    expect(next).toEqual(fixture('openai/chat-after-tool').body);
    // A tool result earlier in the conversation does not count: only the last message decides.
    const later = await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'tool', tool_call_id: 'x', content: '18C' }, { role: 'user', content: 'and now?' }] },
      { headers });
    expect(later).toEqual(fixture('openai/chat-tool-call').body);
  });

  it('handles 1000 sequential requests quickly and closes with keep-alive sockets open', async () => {
    const local = await startFakeProvider({ recordRequests: false });
    const fast = new OpenAI({ baseURL: local.baseURL, apiKey: 'sk-test-not-a-real-key' });
    const started = performance.now();
    for (let i = 0; i < 1000; i++) await fast.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(10_000);
    const closing = performance.now();
    await local.close();
    expect(performance.now() - closing).toBeLessThan(1000);
  });
});

describe('collector + OTLP exporters', () => {
  /** @type {Awaited<ReturnType<typeof startCollector>>} */
  let collector;
  beforeAll(async () => {
    collector = await startCollector();
  });
  afterAll(() => collector.close());

  /** @param {import('@opentelemetry/sdk-trace-base').SpanExporter} exporter */
  async function emit(exporter) {
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'harness-test' }),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const tracer = provider.getTracer('harness-scope', '1.2.3');
    const parent = tracer.startSpan('parent', { kind: SpanKind.INTERNAL });
    const child = tracer.startSpan('ChatCompletion', {
      kind: SpanKind.CLIENT,
      attributes: { 'llm.model_name': 'gpt-4o-mini', 'llm.token_count.prompt': 12, 'llm.temperature': 0.5, 'llm.stream': true, 'tag.tags': ['a', 'b'] },
    }, trace.setSpan(context.active(), parent));
    child.addEvent('first_token', { 'chunk.index': 0 });
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
    child.end();
    parent.end();
    await provider.forceFlush();
    await provider.shutdown();
    return { parent: parent.spanContext(), child: child.spanContext() };
  }

  it('decodes OTLP/HTTP JSON from the real exporter', async () => {
    collector.reset();
    const ids = await emit(new OTLPTraceExporter({ url: collector.tracesUrl }));
    const spans = await collector.waitForSpans(2);
    const child = spans.find((s) => s.name === 'ChatCompletion');
    expect(collector.requests[0].contentType).toBe('application/json');
    expect(child).toMatchObject({
      traceId: ids.child.traceId,
      spanId: ids.child.spanId,
      parentSpanId: ids.parent.spanId,
      kind: SPAN_KIND.CLIENT, // OTLP numbering: api SpanKind.CLIENT + 1
      attributes: { 'llm.model_name': 'gpt-4o-mini', 'llm.token_count.prompt': 12, 'llm.temperature': 0.5, 'llm.stream': true, 'tag.tags': ['a', 'b'] },
      events: [{ name: 'first_token', attributes: { 'chunk.index': 0 } }],
      status: { code: SpanStatusCode.ERROR, message: 'boom' },
      resource: { 'service.name': 'harness-test' },
      scope: { name: 'harness-scope', version: '1.2.3' },
    });
    expect(BigInt(child?.endTimeUnixNano ?? 0)).toBeGreaterThanOrEqual(BigInt(child?.startTimeUnixNano ?? 0));
    expect(spans.find((s) => s.name === 'parent')?.parentSpanId).toBeUndefined();
  });

  it('decodes gzip and protobuf bodies', async () => {
    collector.reset();
    await emit(new OTLPTraceExporter({ url: collector.tracesUrl, compression: /** @type {any} */ ('gzip') }));
    await emit(new OTLPProtoTraceExporter({ url: collector.tracesUrl }));
    const spans = await collector.waitForSpans(4);
    expect(collector.requests.map((r) => [r.contentType, r.headers['content-encoding']])).toContainEqual(['application/json', 'gzip']);
    expect(collector.requests.map((r) => r.contentType)).toContain('application/x-protobuf');
    const viaProto = spans.slice(2).find((s) => s.name === 'ChatCompletion');
    expect(viaProto).toMatchObject({ kind: SPAN_KIND.CLIENT, attributes: { 'llm.token_count.prompt': 12, 'tag.tags': ['a', 'b'] }, scope: { name: 'harness-scope' } });
    expect(viaProto?.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('honours setBehavior({status: 503}) and says what arrived on timeout', async () => {
    collector.reset();
    collector.setBehavior({ status: 503, retryAfter: '0' });
    const memory = new InMemorySpanExporter();
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('t').startSpan('rejected').end();
    /** @type {any} */
    const result = await new Promise((resolve) => new OTLPTraceExporter({ url: collector.tracesUrl }).export(memory.getFinishedSpans(), resolve));
    expect(result.code).toBe(1); // ExportResultCode.FAILED
    // One try plus the exporter's 5 retries (Retry-After: 0 means retry at once).
    expect(collector.requests).toHaveLength(6);
    expect(collector.spans).toHaveLength(0);
    await expect(collector.waitForSpans(1, 200)).rejects.toThrow(/expected at least 1 span\(s\) within 200ms, got 0/);
  });
});

describe('runChild', () => {
  const dir = mkdtempSync(join(tmpdir(), 'harness-child-'));
  const app = join(dir, 'app.mjs');
  writeFileSync(app, `console.log(JSON.stringify({ preloaded: globalThis.__preloaded ?? null, args: process.argv.slice(2),
    env: Object.keys(process.env).filter((k) => /^(CATALYST_|OTEL_|OPENAI_|KEEP_)/.test(k)) }));\n`);
  const register = join(dir, 'register.cjs');
  writeFileSync(register, 'globalThis.__preloaded = "yes";\n');

  it('scrubs the environment and preloads the register file three ways', async () => {
    process.env.OTEL_SERVICE_NAME = 'leaked';
    try {
      for (const preload of /** @type {const} */ (['import', 'require', 'node-options'])) {
        const { code, stdout } = await runChild({ script: app, preload, registerPath: register, args: ['x'], env: { KEEP_ME: '1', CATALYST_ENABLED: 'true' } });
        expect(code).toBe(0);
        expect(JSON.parse(stdout)).toEqual({ preloaded: 'yes', args: ['x'], env: expect.arrayContaining(['KEEP_ME', 'CATALYST_ENABLED']) });
        expect(JSON.parse(stdout).env).not.toContain('OTEL_SERVICE_NAME');
      }
      const plain = await runChild({ script: app });
      expect(JSON.parse(plain.stdout).preloaded).toBeNull();
    } finally {
      delete process.env.OTEL_SERVICE_NAME;
    }
  });

  it('kills a hung child at the timeout and reports its output', async () => {
    const hang = join(dir, 'hang.mjs');
    writeFileSync(hang, 'console.log("started"); setInterval(() => {}, 1000);\n');
    await expect(runChild({ script: hang, timeoutMs: 500 })).rejects.toThrow(/did not exit within 500ms[\s\S]*started/);
    expect(nodeMajor()).toBeGreaterThanOrEqual(20);
  });
});

describe('spanTree', () => {
  const span = (/** @type {string} */ name, /** @type {string} */ start, /** @type {string} */ end, scope = 'ours', parentSpanId = 'p') => ({
    spanId: name, parentSpanId, name, startTimeUnixNano: start, endTimeUnixNano: end, attributes: {}, scope: { name: scope },
  });
  const root = { spanId: 'p', name: 'root', startTimeUnixNano: '0', endTimeUnixNano: '9', attributes: {}, scope: { name: 'ours' } };

  it('orders siblings by start, and a same-millisecond tie in one scope by arrival, not by the end a truncated start gives', () => {
    // As OTel records them: both starts truncated to the same millisecond; the
    // second (a short run after a long one) shows the earlier end.
    const model = span('model', '1000000', '1500000');
    const parser = span('parser', '1000000', '1050000');
    expect(spanTree([root, model, parser])).toBe('root [-]\n  model [-]\n  parser [-]');
    expect(spanTree([root, span('late', '2000000', '2000001'), model])).toBe('root [-]\n  model [-]\n  late [-]');
  });

  it('breaks a same-millisecond tie across scopes by end', () => {
    const a = span('a', '1000000', '1500000', 'one');
    const b = span('b', '1000000', '1050000', 'two');
    expect(spanTree([root, a, b])).toBe('root [-]\n  b [-]\n  a [-]');
  });
});

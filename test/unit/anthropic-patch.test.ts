import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { propagation, trace, SpanStatusCode } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import * as sdk from '@anthropic-ai/sdk';
import { betaTool } from '@anthropic-ai/sdk/helpers/beta/json-schema';
import { inMemoryTracing } from './in-memory';
import { anthropicPatcher, findClientClass } from '../../src/integrations/anthropic/patch';
// @ts-expect-error: the harness is plain JavaScript
import { startFakeProvider } from '../harness/fake-provider.mjs';

/**
 * The patch, in process, on the real SDK against the fake provider. An app-owned
 * global tracer provider and W3C propagator are registered first, as an app
 * with its own NodeSDK would: the SDK's native spans go there, ours to `t`.
 */
const native = new InMemorySpanExporter();
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(native)] }));
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
const t = inMemoryTracing();

const Anthropic = sdk.default;
type Client = InstanceType<typeof Anthropic>;
let provider: { baseURL: string; url: string; requests: Array<{ path: string; headers: Record<string, string>; body: any }>; close(): Promise<void> };
let client: Client;
const fx = (name: string, extra: Record<string, string> = {}) => ({ headers: { 'x-fixture': `anthropic/${name}`, ...extra } });
const params = (text: string) => ({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user' as const, content: text }] });
const llmSpans = () => t.spans().filter((s) => s.attributes['openinference.span.kind'] === 'LLM');
const nativeCreateSpans = () => native.getFinishedSpans().filter((s) => s.name === 'anthropic.messages.create');
const only = (): ReadableSpan => {
  const spans = llmSpans();
  expect(spans).toHaveLength(1);
  return spans[0]!;
};

beforeAll(async () => {
  provider = await startFakeProvider();
  expect(anthropicPatcher.patch(sdk, { getTracer: () => t.tracer })).toBe(4);
  client = new Anthropic({ baseURL: provider.url, apiKey: 'sk-ant-unit-secret', maxRetries: 0 });
});
afterAll(() => provider.close());
beforeEach(() => {
  t.reset();
  native.reset();
  provider.requests.length = 0;
});

describe('patching', () => {
  it('finds the client class in every export shape and patches once', () => {
    expect(findClientClass(sdk)).toBe(sdk.Anthropic);
    expect(findClientClass(sdk.Anthropic)).toBe(sdk.Anthropic);
    expect(findClientClass({ default: sdk.Anthropic })).toBe(sdk.Anthropic);
    expect(findClientClass({})).toBeUndefined();
    expect(anthropicPatcher.patch(sdk, { getTracer: () => t.tracer })).toBe(0);
    expect(() => anthropicPatcher.patch({ nothing: true }, { getTracer: () => t.tracer })).toThrow(/no Anthropic client class/);
  });
});

describe('messages.create', () => {
  it('gives one span per call and the result unchanged', async () => {
    const message = await client.messages.create(params('hi'));
    expect(message.content[0]).toEqual({ type: 'text', text: 'The capital of France is Paris.' });
    expect(message._request_id).toBe('req_msg_basic_0001');
    const span = only();
    expect(span.name).toBe('Anthropic Messages');
    expect(span.status.code).toBe(SpanStatusCode.OK);
    expect(span.attributes['llm.output_messages.0.message.content']).toBe('The capital of France is Paris.');
    expect(JSON.stringify(span.attributes)).not.toContain('sk-ant-unit-secret');
  });

  it('keeps .withResponse() and .asResponse() working', async () => {
    const { data, response, request_id } = await client.messages.create(params('hi')).withResponse();
    expect(data.id).toBe('msg_01CatBasic7Qk2mZr9Xw1vAb');
    expect(response.status).toBe(200);
    expect(request_id).toBe('req_msg_basic_0001');
    const raw = await client.messages.create(params('hi')).asResponse();
    expect((await raw.json()).id).toBe('msg_01CatBasic7Qk2mZr9Xw1vAb');
    expect(llmSpans()).toHaveLength(2);
    expect(llmSpans().every((s) => s.ended && s.status.code === SpanStatusCode.OK)).toBe(true);
  });

  it('rethrows the SDK error class unchanged and records it', async () => {
    const error = await client.messages.create(params('hi'), fx('error-400')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(sdk.BadRequestError);
    expect((error as InstanceType<typeof sdk.BadRequestError>).status).toBe(400);
    const span = only();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.events.map((e) => e.name)).toEqual(['exception']);
    expect(span.events[0]!.attributes!['exception.type']).toBe('BadRequestError');
  });

  it('traces parse() as its one create call', async () => {
    const parsed = await client.messages.parse(params('hi'));
    expect(parsed.content[0]).toMatchObject({ text: 'The capital of France is Paris.' });
    expect(only().attributes['llm.finish_reason']).toBe('end_turn');
  });
});

describe('streams', () => {
  it('assembles a raw stream: text, tool arguments from input_json_delta, usage from message_start and message_delta', async () => {
    const stream = await client.messages.create({ ...params('weather'), stream: true }, fx('messages-tool-use'));
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
    const span = only();
    expect(span.status.code).toBe(SpanStatusCode.OK);
    expect(span.attributes['llm.output_messages.0.message.content']).toBe("I'll check the weather in Paris.");
    expect(span.attributes['llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments']).toBe('{"location":"Paris, France","unit":"celsius"}');
    expect(span.attributes['llm.token_count.prompt']).toBe(412);
    expect(span.attributes['llm.token_count.completion']).toBe(58);
  });

  it('ends the span at message_stop even when the app stops reading there', async () => {
    const stream = await client.messages.create({ ...params('hi'), stream: true });
    const it = stream[Symbol.asyncIterator]();
    for (;;) {
      const { value } = await it.next();
      if (value?.type === 'message_stop') break;
    }
    const span = only();
    expect(span.ended).toBe(true);
    expect(span.attributes['llm.output_messages.0.message.content']).toBe('The capital of France is Paris.');
    await it.return?.();
  });

  it('keeps the stream helper working: on("text"), finalMessage(), async iteration', async () => {
    const helper = client.messages.stream(params('weather'), fx('messages-tool-use'));
    let text = '';
    helper.on('text', (delta) => (text += delta));
    const final = await helper.finalMessage();
    expect(text).toBe("I'll check the weather in Paris.");
    expect(final.content[1]).toMatchObject({ type: 'tool_use', input: { location: 'Paris, France', unit: 'celsius' } });
    expect(only().attributes['llm.output_messages.0.message.tool_calls.0.tool_call.function.name']).toBe('get_weather');

    t.reset();
    const seen: string[] = [];
    for await (const event of client.messages.stream(params('hi'))) seen.push(event.type);
    expect(seen).toContain('content_block_delta');
    expect(only().attributes['llm.output_messages.0.message.content']).toBe('The capital of France is Paris.');
  });

  it('ends on abort and on break, marked cancelled', async () => {
    const helper = client.messages.stream(params('hi'), { headers: { 'x-fixture-delay-ms': '20' } });
    helper.on('text', () => helper.abort());
    await expect(helper.finalMessage()).rejects.toBeInstanceOf(sdk.APIUserAbortError);
    let span = only();
    expect(span.ended).toBe(true);
    expect(span.events.map((e) => e.name)).toContain('cancelled');

    t.reset();
    const stream = await client.messages.create({ ...params('hi'), stream: true }, { headers: { 'x-fixture-delay-ms': '5' } });
    for await (const event of stream) if (event.type === 'content_block_delta') break;
    span = only();
    expect(span.ended).toBe(true);
    expect(span.events.map((e) => e.name)).toEqual(['cancelled']);
    expect(span.attributes['llm.output_messages.0.message.content']).toBe('The capital');
  });

  it('fails the span on an error event mid-stream, with the SDK error rethrown', async () => {
    const error = await (async () => {
      for await (const _ of await client.messages.create({ ...params('hi'), stream: true }, fx('messages-stream-error')));
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(sdk.APIError);
    const span = only();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.events.map((e) => e.name)).toEqual(['exception']);
    expect(span.attributes['llm.output_messages.0.message.content']).toBe('Partial answer');
  });
});

describe('beta', () => {
  it('traces beta.messages.create and beta.messages.stream', async () => {
    await client.beta.messages.create({ ...params('hi'), betas: ['token-efficient-tools-2025-02-19'] });
    await client.beta.messages.stream(params('hi'), fx('messages-cache')).finalMessage();
    const spans = llmSpans();
    expect(spans.map((s) => s.name)).toEqual(['Anthropic Beta Messages', 'Anthropic Beta Messages']);
    expect(JSON.parse(spans[0]!.attributes['llm.invocation_parameters'] as string).betas).toEqual(['token-efficient-tools-2025-02-19']);
    expect(spans[1]!.attributes['llm.token_count.prompt_details.cache_read']).toBe(1800);
    expect(spans[1]!.attributes['llm.token_count.prompt']).toBe(2062);
  });

  for (const stream of [false, true]) {
    it(`traces each model call of the tool runner (stream: ${stream})`, async () => {
      // The fixture follows the conversation: a request that answers a tool call gets the final answer.
      const fetchByTurn = (url: any, init: any) => {
        const last = JSON.parse(init.body).messages.at(-1);
        const answered = Array.isArray(last?.content) && last.content.some((b: any) => b.type === 'tool_result');
        const headers = new Headers(init.headers);
        headers.set('x-fixture', answered ? 'anthropic/messages-after-tool' : 'anthropic/messages-tool-use');
        return fetch(url, { ...init, headers });
      };
      const runnerClient = new Anthropic({ baseURL: provider.url, apiKey: 'k', fetch: fetchByTurn });
      const weather = betaTool({
        name: 'get_weather',
        description: 'Current weather',
        inputSchema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
        run: async (input) => `18°C in ${input.location}`,
      });
      const runner = runnerClient.beta.messages.toolRunner({ ...params('Weather in Paris?'), tools: [weather], stream } as never);
      for await (const item of runner as AsyncIterable<unknown>) if (stream) for await (const _ of item as AsyncIterable<unknown>);
      const final = await (runner as { done(): Promise<{ content: Array<{ text?: string }> }> }).done();
      expect(final.content[0]!.text).toBe("It's 18°C and sunny in Paris right now.");
      const spans = llmSpans();
      expect(spans).toHaveLength(2);
      expect(spans.every((s) => s.ended && s.status.code === SpanStatusCode.OK)).toBe(true);
      expect(spans[0]!.attributes['llm.output_messages.0.message.tool_calls.0.tool_call.function.name']).toBe('get_weather');
      const inputs = Object.entries(spans[1]!.attributes).filter(([k]) => k.startsWith('llm.input_messages.'));
      expect(Object.fromEntries(inputs)).toMatchObject({ 'llm.input_messages.0.message.role': 'tool', 'llm.input_messages.0.message.tool_call_id': 'toolu_01CatWeather8Tq3Vb6Nn2Ye' });
      expect(spans[1]!.attributes['llm.output_messages.0.message.content']).toBe("It's 18°C and sunny in Paris right now.");
    });
  }
});

describe("the SDK's native telemetry", () => {
  it('starts no native span for the calls we trace, and propagates our span as the parent', async () => {
    await client.messages.create(params('a'));
    for await (const _ of await client.messages.create({ ...params('b'), stream: true }));
    await client.messages.stream(params('c')).finalMessage();
    await client.beta.messages.create(params('d'));
    await client.beta.messages.stream(params('e')).finalMessage();
    const ours = llmSpans();
    expect(ours).toHaveLength(5);
    expect(nativeCreateSpans()).toHaveLength(0);
    const sent = provider.requests.map((r) => r.headers.traceparent);
    expect(sent).toEqual(ours.map((s) => `00-${s.spanContext().traceId}-${s.spanContext().spanId}-01`));
  });

  it('leaves native spans on for what we do not trace', async () => {
    await client.messages.countTokens(params('a'), fx('count-tokens'));
    expect(llmSpans()).toHaveLength(0);
    expect(native.getFinishedSpans().map((s) => s.name)).toEqual(['anthropic.messages.count_tokens']);
  });

  it('respects a client whose telemetry is off: no native span, no trace headers, our span as always', async () => {
    const quiet = new Anthropic({ baseURL: provider.url, apiKey: 'k', openTelemetry: false });
    await quiet.messages.create(params('a'));
    const previous = process.env.ANTHROPIC_OPEN_TELEMETRY;
    process.env.ANTHROPIC_OPEN_TELEMETRY = 'false';
    try {
      const fromEnv = new Anthropic({ baseURL: provider.url, apiKey: 'k' });
      await fromEnv.messages.stream(params('b')).finalMessage();
    } finally {
      if (previous === undefined) delete process.env.ANTHROPIC_OPEN_TELEMETRY;
      else process.env.ANTHROPIC_OPEN_TELEMETRY = previous;
    }
    expect(llmSpans()).toHaveLength(2);
    expect(native.getFinishedSpans()).toHaveLength(0);
    expect(provider.requests.map((r) => r.headers.traceparent)).toEqual([undefined, undefined]);
  });

  it('keeps native spans when our patch is removed (the control)', async () => {
    anthropicPatcher.unpatch(sdk);
    try {
      await client.messages.create(params('a'));
      expect(llmSpans()).toHaveLength(0);
      expect(nativeCreateSpans()).toHaveLength(1);
    } finally {
      anthropicPatcher.patch(sdk, { getTracer: () => t.tracer });
    }
  });
});

import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SpanStatusCode, type Span } from '@opentelemetry/api';
import OpenAI, { APIPromise } from 'openai';
import { inMemoryTracing } from './in-memory';
import { traceApiPromise, type CallHandlers, type StreamEnd } from '../../src/instrumentation/stainless';
import { exceptionType } from '../../src/instrumentation/span-lifecycle';
import { getState } from '../../src/state';
import { safeJson } from '../../src/trace/encode';
// @ts-expect-error: the harness is plain JavaScript
import { startFakeProvider, DEFAULT_FIXTURES_DIR } from '../harness/fake-provider.mjs';

/**
 * traceApiPromise on the real `openai` SDK (unpatched) against the fake
 * provider: the app must get the SDK's own promise class, values, errors and
 * stream items, and the span must end exactly once, however the call ends.
 */
const t = inMemoryTracing();
let provider: { baseURL: string; close(): Promise<void> };
let client: OpenAI;
let fixturesDir: string;

beforeAll(async () => {
  // The shipped fixtures plus one stream that fails half way.
  fixturesDir = mkdtempSync(join(tmpdir(), 'stainless-fixtures-'));
  mkdirSync(join(fixturesDir, 'openai'));
  for (const name of ['chat-basic.json', 'chat-basic.sse', 'error-400.json']) {
    writeFileSync(join(fixturesDir, 'openai', name), readFileSync(join(DEFAULT_FIXTURES_DIR, 'openai', name)));
  }
  const chunk = (content: string) => `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}`;
  writeFileSync(join(fixturesDir, 'openai', 'stream-error.sse'), [chunk('Part'), chunk('ial'), `data: ${JSON.stringify({ error: { message: 'overloaded', type: 'server_error' } })}`, ''].join('\n\n'));
  provider = await startFakeProvider({ fixturesDir });
  client = new OpenAI({ baseURL: provider.baseURL, apiKey: 'sk-unit', maxRetries: 0 });
});
afterAll(async () => {
  await provider.close();
  rmSync(fixturesDir, { recursive: true, force: true });
});
beforeEach(() => t.reset());

const ask = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }] };
const fx = (name: string, extra: Record<string, string> = {}) => ({ headers: { 'x-fixture': `openai/${name}`, ...extra } });

/** Handlers that record what they were told. */
function recorder() {
  const items: unknown[] = [];
  const ends: Array<StreamEnd | undefined> = [];
  const results: unknown[] = [];
  const handlers: CallHandlers<unknown> = {
    isStream: (r) => !!r && typeof r === 'object' && typeof (r as any).controller === 'object' && typeof (r as any).iterator === 'function',
    onResult: (span: Span, r) => {
      results.push(r);
      span.setAttribute('result.id', (r as any)?.id ?? '');
    },
    streamObserver: () => ({ onItem: (i) => items.push(i), finish: (how) => ends.push(how) }),
  };
  return { items, ends, results, handlers };
}

function trace<T>(returned: T, handlers = recorder().handlers): T {
  return traceApiPromise(t.tracer.startSpan('call'), returned, handlers) as T;
}

const only = () => {
  const spans = t.spans();
  expect(spans).toHaveLength(1);
  return spans[0]!;
};

describe('a parsed result', () => {
  it("keeps the SDK's APIPromise and its value, and ends the span OK once", async () => {
    const r = recorder();
    const p = trace(client.chat.completions.create(ask), r.handlers);
    expect(p).toBeInstanceOf(APIPromise);
    const completion = await p;
    expect(completion.choices[0]!.message.content).toBe('The capital of France is Paris.');
    expect(completion._request_id).toBe('req_chat_basic_0001');
    expect(r.results).toEqual([completion]);
    expect(only().status.code).toBe(SpanStatusCode.OK);
    expect(only().attributes['result.id']).toBe(completion.id);
  });

  it('.withResponse() gives data and response; the span ends on the parsed result', async () => {
    const { data, response, request_id } = await trace(client.chat.completions.create(ask)).withResponse();
    expect(data.id).toBe('chatcmpl-CatBasic7Qk2mZr9Xw1v');
    expect(response.status).toBe(200);
    expect(request_id).toBe('req_chat_basic_0001');
    expect(only().attributes['result.id']).toBe(data.id);
  });

  it('.asResponse() never parses, and the span still ends, with the HTTP status', async () => {
    const r = recorder();
    const response = await trace(client.chat.completions.create(ask), r.handlers).asResponse();
    expect((await response.json()).id).toBe('chatcmpl-CatBasic7Qk2mZr9Xw1v');
    await new Promise((resolve) => setImmediate(resolve));
    expect(r.results).toEqual([]);
    expect(only().status.code).toBe(SpanStatusCode.OK);
    expect(only().attributes['http.response.status_code']).toBe(200);
  });

  it('an HTTP error rejects with the SDK error unchanged; the span fails with its class as exception.type', async () => {
    const error = await trace(client.chat.completions.create(ask, fx('error-400'))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const span = only();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    expect(span.events.map((e) => e.name)).toEqual(['exception']);
    expect(span.events[0]!.attributes).toMatchObject({ 'exception.type': 'BadRequestError', 'exception.message': (error as Error).message });
  });

  it('an abort before the response: APIUserAbortError in the app, ERROR on the span', async () => {
    const controller = new AbortController();
    const p = trace(client.chat.completions.create(ask, { signal: controller.signal, headers: { 'x-fixture-delay-ms': '1000' } }));
    setTimeout(() => controller.abort(), 20);
    await expect(p).rejects.toBeInstanceOf(OpenAI.APIUserAbortError);
    expect(only().status.code).toBe(SpanStatusCode.ERROR);
    expect(only().events[0]!.attributes!['exception.type']).toBe('APIUserAbortError');
  });
});

describe('a stream', () => {
  const streamed = (extra: object = {}, options?: object) => client.chat.completions.create({ ...ask, stream: true, stream_options: { include_usage: true }, ...extra }, options);

  it('read to the end: every item seen once, in order, as the app saw it; finish("done"); OK', async () => {
    const r = recorder();
    const stream = await trace(streamed(), r.handlers);
    const open = getState().openSpans.size;
    expect(open).toBeGreaterThan(0);
    const seen: unknown[] = [];
    for await (const chunk of stream) seen.push(chunk);
    expect(seen.length).toBeGreaterThan(5);
    expect(r.items).toEqual(seen);
    expect(r.ends).toEqual(['done']);
    expect(only().status.code).toBe(SpanStatusCode.OK);
    expect(only().events).toEqual([]);
    // Released from the exit path's list once ended.
    expect(getState().openSpans.size).toBe(open - 1);
  });

  it('break: finish("cancel"), a cancelled event, OK; the SDK still aborts its request', async () => {
    const r = recorder();
    const stream = await trace(streamed(), r.handlers);
    for await (const _ of stream) break;
    expect(r.ends).toEqual(['cancel']);
    expect(r.items).toHaveLength(1);
    expect(only().events.map((e) => e.name)).toEqual(['cancelled']);
    expect(only().status.code).toBe(SpanStatusCode.OK);
    expect(stream.controller.signal.aborted).toBe(true);
  });

  it('aborted mid-stream (the SDK ends the loop quietly): finish("abort"), cancelled, ERROR with the abort reason', async () => {
    const r = recorder();
    const controller = new AbortController();
    const stream = await trace(streamed({}, { signal: controller.signal, headers: { 'x-fixture-delay-ms': '30' } }), r.handlers);
    const seen: unknown[] = [];
    for await (const chunk of stream) {
      seen.push(chunk);
      controller.abort();
    }
    expect(seen).toHaveLength(1); // no error reached the app
    expect(r.ends).toEqual(['abort']);
    const span = only();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.events.map((e) => e.name)).toEqual(['cancelled', 'exception']);
    expect(span.events[1]!.attributes!['exception.type']).toBe('AbortError');
  });

  it('an error event mid-stream: the SDK error reaches the app, finish("error"), ERROR', async () => {
    const r = recorder();
    const stream = await trace(streamed({}, fx('stream-error')), r.handlers);
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const chunk of stream) seen.push(chunk);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(seen).toHaveLength(2);
    expect(r.items).toEqual(seen);
    expect(r.ends).toEqual(['error']);
    expect(only().status.code).toBe(SpanStatusCode.ERROR);
    expect(only().status.message).toBe((error as Error).message);
  });

  it('tee(): both branches get every item; the span sees each item once and ends once', async () => {
    const r = recorder();
    const [left, right] = (await trace(streamed(), r.handlers)).tee();
    const drain = async (s: AsyncIterable<unknown>) => {
      const out: unknown[] = [];
      for await (const c of s) out.push(c);
      return out;
    };
    const [a, b] = await Promise.all([drain(left), drain(right)]);
    expect(a).toEqual(b);
    expect(r.items).toEqual(a);
    expect(r.ends).toEqual(['done']);
    expect(only().status.code).toBe(SpanStatusCode.OK);
  });

  it('toReadableStream(): the bytes are the items; the span ends when the readable is done', async () => {
    const r = recorder();
    const readable = (await trace(streamed(), r.handlers)).toReadableStream();
    const text = await new Response(readable).text();
    const lines = text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(lines).toEqual(JSON.parse(JSON.stringify(r.items)));
    expect(r.ends).toEqual(['done']);
    expect(only().status.code).toBe(SpanStatusCode.OK);
  });
});

describe('an APIPromise without a parse step of its own', () => {
  /** Shaped like a Stainless promise that keeps its parse step private: a response promise, `_thenUnwrap` and `asResponse` only. */
  function privateParse(responsePromise: Promise<{ data: unknown; response: { status: number } }>, transform = (d: unknown, _props: unknown) => d): any {
    const p: any = responsePromise.then((props) => transform(props.data, props));
    p.responsePromise = responsePromise;
    p._thenUnwrap = (t: (d: unknown, props: unknown) => unknown) => privateParse(responsePromise, (d, props) => t(transform(d, props), props));
    p.asResponse = () => responsePromise.then((props) => props.response);
    return p;
  }

  it('is traced through a promise derived by its own _thenUnwrap: the value unchanged, settled once, OK', async () => {
    const r = recorder();
    const value = { id: 'private-parse' };
    const returned = privateParse(Promise.resolve({ data: value, response: { status: 200 } }));
    const traced = trace(returned, r.handlers);
    expect(traced).not.toBe(returned);
    expect(await traced).toBe(value);
    expect(r.results).toEqual([value]);
    expect(only().attributes['result.id']).toBe('private-parse');
    expect(only().status.code).toBe(SpanStatusCode.OK);
  });
});

describe("encoding a parsed reply", () => {
  /**
   * Handlers that encode the reply as output.value, as the integrations do,
   * after adding a Map to it: only safeJson's plain-data walk sees a Map
   * (encoded as its entries); plain JSON.stringify writes it as {}. So the
   * Map's text says which path encoded the reply.
   */
  function encoding(): CallHandlers<unknown> {
    return {
      isStream: () => false,
      onResult: (span: Span, r) => {
        (r as Record<string, unknown>).probe = new Map([['walked', true]]);
        span.setAttribute('output.value', safeJson(r));
      },
      streamObserver: () => ({ onItem: () => undefined, finish: () => undefined }),
    };
  }
  const probeOf = () => JSON.parse(String(only().attributes['output.value'])).probe;

  it('a reply the SDK parsed from a fetch Response skips the walk: it can hold nothing the walk would catch', async () => {
    await trace(client.chat.completions.create(ask), encoding());
    expect(probeOf()).toEqual({});
  });

  it("a reply from a stand-in for Response (a mock fetch's json()) is walked, as it may be the app's own objects", async () => {
    const { default: OpenAI6 } = await import('openai-v6');
    const reply = JSON.parse(readFileSync(join(DEFAULT_FIXTURES_DIR, 'openai', 'chat-basic.json'), 'utf8')).body;
    const standIn = {
      ok: true,
      status: 200,
      url: `${provider.baseURL}/chat/completions`,
      headers: new Headers({ 'content-type': 'application/json' }),
      json: async () => reply,
      text: async () => JSON.stringify(reply),
    };
    const mocked = new OpenAI6({ baseURL: provider.baseURL, apiKey: 'sk-unit', maxRetries: 0, fetch: (async () => standIn) as unknown as typeof fetch });
    const completion = await trace(mocked.chat.completions.create(ask), encoding());
    expect(completion.choices[0]!.message.content).toBe('The capital of France is Paris.');
    expect(probeOf()).toEqual({ walked: true });
  });
});

describe('results that are not an APIPromise', () => {
  it('a plain promise is returned as is and observed from the side', async () => {
    const r = recorder();
    const value = { id: 'plain' };
    const p = Promise.resolve(value);
    expect(trace(p, r.handlers)).toBe(p);
    expect(await p).toBe(value);
    await new Promise((resolve) => setImmediate(resolve));
    expect(r.results).toEqual([value]);
    expect(only().status.code).toBe(SpanStatusCode.OK);

    t.reset();
    const failing = Promise.reject(new TypeError('nope'));
    expect(trace(failing)).toBe(failing);
    await expect(failing).rejects.toThrow('nope');
    await new Promise((resolve) => setImmediate(resolve));
    expect(only().status.code).toBe(SpanStatusCode.ERROR);
    expect(only().events[0]!.attributes!['exception.type']).toBe('TypeError');
  });

  it('a plain value is returned as is and its span ends', () => {
    const value = { id: 'sync' };
    expect(trace(value)).toBe(value);
    expect(only().status.code).toBe(SpanStatusCode.OK);
  });
});

describe('exceptionType', () => {
  it("names the error's own name, else its class, else its code", () => {
    expect(exceptionType(new TypeError('x'))).toBe('TypeError');
    expect(exceptionType(new OpenAI.BadRequestError(400, { code: 'empty_array' }, 'm', new Headers()))).toBe('BadRequestError');
    expect(exceptionType(new OpenAI.APIUserAbortError())).toBe('APIUserAbortError');
    expect(exceptionType(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED');
    expect(exceptionType(new Error('plain'))).toBe('Error');
    const controller = new AbortController();
    controller.abort();
    expect(exceptionType(controller.signal.reason as Error)).toBe('AbortError');
  });
});

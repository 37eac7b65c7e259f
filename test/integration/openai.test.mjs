// The OpenAI integration end to end: spawned ESM and CJS apps under the preload
// (--import, --require, NODE_OPTIONS), calling the real `openai` 7 against the
// fake provider and exporting to the in-process OTLP collector. Every assertion
// on spans is on what the collector received from a child; what the app saw is
// compared with a run of the same app without the agent.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, ROOT, STATUS, TAGS, keysWith, one, startHarness, tagOf, tagged } from './openai-harness.mjs';


/** A fixture file's recorded response. @param {string} name */
const fixture = (name) => JSON.parse(readFileSync(join(ROOT, 'fixtures/openai', `${name}.json`), 'utf8'));
/** The usage a recorded stream ends with. @param {string} name */
function sseUsage(name) {
  const events = readFileSync(join(ROOT, 'fixtures/openai', `${name}.sse`), 'utf8')
    .split(/\n\n+/)
    .map((e) => e.split('\n').find((l) => l.startsWith('data: '))?.slice(6))
    .filter((d) => d && d !== '[DONE]')
    .map((d) => JSON.parse(/** @type {string} */ (d)));
  const last = events.filter((e) => e.usage || e.response?.usage).at(-1);
  return last?.usage ?? last?.response?.usage;
}

/** What a chat usage object should become on a span. @param {any} u */
const chatTokens = (u) => ({
  'llm.token_count.prompt': u.prompt_tokens,
  'llm.token_count.completion': u.completion_tokens,
  'llm.token_count.total': u.total_tokens,
  'llm.token_count.prompt_details.cache_read': u.prompt_tokens_details.cached_tokens,
  'llm.token_count.completion_details.reasoning': u.completion_tokens_details.reasoning_tokens,
});
/** The same for a Responses API usage object. @param {any} u */
const responsesTokens = (u) => ({
  'llm.token_count.prompt': u.input_tokens,
  'llm.token_count.completion': u.output_tokens,
  'llm.token_count.total': u.total_tokens,
  'llm.token_count.prompt_details.cache_read': u.input_tokens_details.cached_tokens,
  'llm.token_count.completion_details.reasoning': u.output_tokens_details.reasoning_tokens,
});

/** @type {Awaited<ReturnType<typeof startHarness>>} */
let h;
beforeAll(async () => {
  h = await startHarness('scenario');
});
afterAll(() => h?.close());

/** @param {any} s */
const durationMs = (s) => Number(BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)) / 1e6;
/** @param {any} s */
const eventNames = (s) => s.events.map((/** @type {any} */ e) => e.name);

describe.each([
  ['ESM app, --import', 'openai-esm.mjs', /** @type {const} */ ('import')],
  ['CJS app, --require', 'openai-cjs.cjs', /** @type {const} */ ('require')],
])('%s', (_label, app, preload) => {
  /** @type {Awaited<ReturnType<typeof h.runApp>>} */
  let traced;
  /** @type {Awaited<ReturnType<typeof h.runApp>>} */
  let baseline;

  beforeAll(async () => {
    baseline = await h.runApp(app, { preload: 'none' });
    traced = await h.runApp(app, { preload, spans: TAGS.length });
  });

  it('leaves every result, error and stream chunk exactly as without the agent', () => {
    expect(baseline.spans).toHaveLength(0);
    expect(traced.stderr).toBe('');
    expect(traced.line('RESULT')).toEqual(baseline.line('RESULT'));
    // Chunks the app read, one for one (for await, after a break, both tee branches, the ReadableStream).
    expect(traced.line('CHUNKS')).toEqual(baseline.line('CHUNKS'));
    const chunks = traced.line('CHUNKS');
    expect(chunks.streamUsage.length).toBeGreaterThan(5);
    expect(chunks.streamTee.left).toEqual(chunks.streamUsage);
    expect(chunks.streamTee.right).toEqual(chunks.streamUsage);
    expect(chunks.streamReadable).toEqual(chunks.streamUsage);
    expect(chunks.streamBreak).toEqual(chunks.streamUsage.slice(0, 3));
  });

  it('gives exactly one span per call, each ended, none stray', () => {
    expect(traced.spans.map(tagOf).sort()).toEqual([...TAGS].sort());
    for (const s of traced.spans) {
      expect(s.endTimeUnixNano, tagOf(s)).not.toBe('0');
      expect(s.scope.name).toBe('@catalyst/tracing');
    }
    expect(tagged(traced.spans, 'embeddings')[0].attributes['openinference.span.kind']).toBe('EMBEDDING');
    expect(traced.spans.filter((s) => s.attributes['openinference.span.kind'] === 'LLM')).toHaveLength(TAGS.length - 1);
  });

  it('never exports the API key or the Authorization header', () => {
    // The key did go out, as a bearer token on every request...
    expect(traced.requests.length).toBeGreaterThanOrEqual(TAGS.length);
    for (const r of traced.requests) expect(r.headers.authorization).toBe(`Bearer ${API_KEY}`);
    // ...and is nowhere in what was exported: decoded spans, and the raw export bodies.
    const decoded = JSON.stringify(traced.spans);
    expect(decoded).toContain('[plain]'); // the search would find content if it were there
    for (const needle of [API_KEY, 'SECRET-123', 'Bearer ', 'authorization', 'Authorization']) expect(decoded).not.toContain(needle);
    for (const req of traced.exportRequests) expect(req.body.toString('latin1')).not.toContain('SECRET-123');
  });

  it('chat.completions.create: model, messages, parameters, tokens (cached and reasoning), finish reason, input and output', () => {
    const s = one(traced.spans, 'plain');
    const body = fixture('chat-basic').body;
    expect(s.name).toBe('OpenAI Chat Completions');
    expect(s.status.code).toBe(STATUS.OK);
    expect(s.attributes).toMatchObject({
      'openinference.span.kind': 'LLM',
      'llm.system': 'openai',
      'llm.provider': 'openai',
      'llm.model_name': body.model, // the model that answered, not the alias asked for
      'llm.request.model_name': 'gpt-4o-mini',
      'llm.response.model_name': body.model,
      'llm.input_messages.0.message.role': 'system',
      'llm.input_messages.0.message.content': 'You are a concise assistant.',
      'llm.input_messages.1.message.role': 'user',
      'llm.input_messages.1.message.content': '[plain] What is the capital of France?',
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.content': body.choices[0].message.content,
      'llm.finish_reason': body.choices[0].finish_reason,
      ...chatTokens(body.usage),
      'input.mime_type': 'application/json',
      'output.mime_type': 'application/json',
    });
    expect(body.usage.prompt_tokens_details.cached_tokens).toBeGreaterThan(0);
    expect(JSON.parse(s.attributes['llm.invocation_parameters'])).toEqual({ model: 'gpt-4o-mini', temperature: 0.2, max_completion_tokens: 64 });
    // input.value is the body the SDK sent; output.value the completion it got back.
    const sent = traced.requests.find((r) => JSON.stringify(r.body).includes('[plain]'));
    expect(JSON.parse(s.attributes['input.value'])).toEqual(sent?.body);
    expect(JSON.parse(s.attributes['output.value'])).toEqual(body);
    expect(keysWith(s, 'llm.output_messages.')).toHaveLength(2);
  });

  it('.withResponse() and .asResponse() still work; the asResponse span ends when the response arrives', () => {
    expect(traced.line('RESULT').withResponse).toEqual({ id: fixture('chat-basic').body.id, status: 200, request_id: fixture('chat-basic').headers['x-request-id'] });
    expect(traced.line('RESULT').asResponse).toMatchObject({ status: 200, id: fixture('chat-basic').body.id });
    expect(one(traced.spans, 'with-response').attributes['llm.output_messages.0.message.content']).toBe('The capital of France is Paris.');
    const raw = one(traced.spans, 'as-response');
    expect(raw.status.code).toBe(STATUS.OK);
    expect(raw.attributes['http.response.status_code']).toBe(200);
  });

  it('stream with include_usage: output assembled from the chunks, usage from the last one', () => {
    const s = one(traced.spans, 'stream-usage');
    expect(s.status.code).toBe(STATUS.OK);
    expect(eventNames(s)).toEqual([]);
    const chunks = traced.line('CHUNKS').streamUsage;
    const text = chunks.map((/** @type {any} */ c) => c.choices[0]?.delta?.content ?? '').join('');
    expect(text).toBe('The capital of France is Paris.');
    expect(s.attributes).toMatchObject({
      'llm.model_name': chunks[0].model,
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.content': text,
      'llm.finish_reason': 'stop',
      ...chatTokens(sseUsage('chat-basic')),
    });
    expect(JSON.parse(s.attributes['llm.invocation_parameters'])).toEqual({ model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true } });
  });

  it('stream without usage: output assembled, no token counts invented', () => {
    const s = one(traced.spans, 'stream-no-usage');
    expect(s.status.code).toBe(STATUS.OK);
    expect(s.attributes['llm.output_messages.0.message.content']).toBe('The capital of France is Paris.');
    expect(s.attributes['llm.finish_reason']).toBe('stop');
    expect(keysWith(s, 'llm.token_count')).toEqual([]);
  });

  it('a stream the app breaks out of ends its span, marked cancelled, with what was read', () => {
    const s = one(traced.spans, 'stream-break');
    expect(eventNames(s)).toEqual(['cancelled']);
    expect(s.status.code).toBe(STATUS.OK);
    const read = traced.line('CHUNKS').streamBreak.map((/** @type {any} */ c) => c.choices[0]?.delta?.content ?? '').join('');
    expect(s.attributes['llm.output_messages.0.message.content']).toBe(read);
    expect(traced.line('RESULT').streamBreakAborted).toBe(true);
  });

  it('tee() and toReadableStream() still work and give one whole span each', () => {
    for (const tag of ['stream-tee', 'stream-readable']) {
      const s = one(traced.spans, tag);
      expect(s.status.code, tag).toBe(STATUS.OK);
      expect(eventNames(s), tag).toEqual([]);
      expect(s.attributes['llm.output_messages.0.message.content'], tag).toBe('The capital of France is Paris.');
      expect(s.attributes['llm.token_count.total'], tag).toBe(sseUsage('chat-basic').total_tokens);
    }
  });

  it('abort via AbortController: the app sees the same abort error; the span ends with ERROR', () => {
    const result = traced.line('RESULT');
    expect(result.abortRequest.error).toMatchObject({ name: 'APIUserAbortError', userAbort: true });
    const early = one(traced.spans, 'abort-request');
    expect(early.status.code).toBe(STATUS.ERROR);
    expect(eventNames(early)).toEqual(['exception']);
    expect(early.events[0].attributes).toMatchObject({ 'exception.type': 'APIUserAbortError', 'exception.message': result.abortRequest.error.message });
    // The fixture was delayed 2 s; the span ended at the abort, not at the response.
    expect(durationMs(early)).toBeLessThan(1500);

    // Mid-stream the SDK ends the loop quietly (the app sees no error, with or without us)...
    expect(result.abortStream).toEqual({ ok: ['', 'The'] });
    const mid = one(traced.spans, 'abort-stream');
    // ...but the span says the call was cut short, not that it completed.
    expect(mid.status.code).toBe(STATUS.ERROR);
    expect(eventNames(mid)).toEqual(['cancelled', 'exception']);
    expect(mid.events[1].attributes['exception.type']).toBe('AbortError');
    expect(mid.attributes['llm.output_messages.0.message.content']).toBe('The');

    // The stream helper's abort(): APIUserAbortError in the app, ERROR on the span.
    expect(result.helperAbort.error).toMatchObject({ name: 'APIUserAbortError', userAbort: true });
    const helper = one(traced.spans, 'helper-abort');
    expect(helper.status.code).toBe(STATUS.ERROR);
    expect(eventNames(helper)).toContain('cancelled');
  });

  it('chat.completions.parse: one span with the structured output and reasoning tokens', () => {
    const s = one(traced.spans, 'parse');
    const body = fixture('chat-parse').body;
    expect(traced.line('RESULT').parse).toEqual(JSON.parse(body.choices[0].message.content));
    expect(s.attributes).toMatchObject({
      'llm.model_name': body.model,
      'llm.output_messages.0.message.content': body.choices[0].message.content,
      ...chatTokens(body.usage),
    });
    expect(body.usage.completion_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    expect(JSON.parse(s.attributes['llm.invocation_parameters'])).toMatchObject({ model: 'o4-mini', reasoning_effort: 'low', response_format: { type: 'json_schema' } });
  });

  it('the chat.completions.stream() helper: one span, as finalChatCompletion() saw it', () => {
    const s = one(traced.spans, 'helper-stream');
    const { helperStream } = traced.line('RESULT');
    expect(helperStream.final).toBe(helperStream.text);
    expect(s.status.code).toBe(STATUS.OK);
    expect(s.attributes['llm.output_messages.0.message.content']).toBe(helperStream.final);
    expect(s.attributes).toMatchObject(chatTokens(helperStream.usage));
  });

  it('tool calls, plain and streamed, and the tool-result round trip', () => {
    const plain = one(traced.spans, 'tool-call');
    const calls = fixture('chat-tool-call').body.choices[0].message.tool_calls;
    expect(calls).toHaveLength(2);
    for (const s of [plain, one(traced.spans, 'tool-stream')]) {
      expect(s.attributes['llm.finish_reason']).toBe('tool_calls');
      expect(JSON.parse(s.attributes['llm.tools.0.tool.json_schema'])).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
      calls.forEach((/** @type {any} */ c, /** @type {number} */ j) => {
        const p = `llm.output_messages.0.message.tool_calls.${j}.tool_call`;
        expect(s.attributes[`${p}.id`]).toBe(c.id);
        expect(s.attributes[`${p}.function.name`]).toBe(c.function.name);
        expect(JSON.parse(s.attributes[`${p}.function.arguments`])).toEqual(JSON.parse(c.function.arguments));
      });
    }
    expect(one(traced.spans, 'tool-stream').attributes).toMatchObject(chatTokens(sseUsage('chat-tool-call')));

    const trip = one(traced.spans, 'round-trip');
    const answer = fixture('chat-after-tool').body;
    expect(trip.attributes).toMatchObject({
      'llm.input_messages.1.message.role': 'assistant',
      'llm.input_messages.1.message.tool_calls.0.tool_call.id': calls[0].id,
      'llm.input_messages.1.message.tool_calls.1.tool_call.id': calls[1].id,
      'llm.input_messages.1.message.tool_calls.1.tool_call.function.arguments': calls[1].function.arguments,
      'llm.input_messages.2.message.role': 'tool',
      'llm.input_messages.2.message.tool_call_id': calls[0].id,
      'llm.input_messages.2.message.content': '18°C, partly cloudy',
      'llm.input_messages.3.message.role': 'tool',
      'llm.input_messages.3.message.tool_call_id': calls[1].id,
      'llm.output_messages.0.message.content': answer.choices[0].message.content,
      ...chatTokens(answer.usage),
    });
    expect(traced.line('RESULT').roundTrip).toBe(answer.choices[0].message.content);
  });

  it('responses.create plain and streamed, with a function call, and the responses.stream() helper', () => {
    const basic = fixture('responses-basic').body;
    for (const tag of ['responses', 'responses-stream', 'responses-helper']) {
      const s = one(traced.spans, tag);
      expect(s.name, tag).toBe('OpenAI Responses');
      expect(s.status.code, tag).toBe(STATUS.OK);
      expect(s.attributes, tag).toMatchObject({
        'llm.system': 'openai',
        'llm.model_name': basic.model,
        'llm.input_messages.0.message.role': 'system',
        'llm.input_messages.0.message.content': 'You are a concise assistant.',
        'llm.input_messages.1.message.role': 'user',
        'llm.input_messages.1.message.content': `[${tag}] What is the capital of France?`,
        'llm.output_messages.0.message.content': basic.output[0].content[0].text,
        'llm.finish_reason': 'completed',
        ...responsesTokens(tag === 'responses' ? basic.usage : sseUsage('responses-basic')),
      });
    }
    expect(traced.line('RESULT').responsesHelper.final).toBe(basic.output[0].content[0].text);

    const fc = fixture('responses-function-call').body.output.find((/** @type {any} */ o) => o.type === 'function_call');
    for (const tag of ['responses-fc', 'responses-fc-stream']) {
      const s = one(traced.spans, tag);
      expect(s.attributes, tag).toMatchObject({
        'llm.output_messages.0.message.role': 'assistant',
        'llm.output_messages.0.message.tool_calls.0.tool_call.id': fc.call_id,
        'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': fc.name,
        'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': fc.arguments,
        ...responsesTokens(tag === 'responses-fc' ? fixture('responses-function-call').body.usage : sseUsage('responses-function-call')),
      });
      expect(JSON.parse(s.attributes['llm.tools.0.tool.json_schema'])).toMatchObject({ type: 'function', name: 'get_weather' });
    }
  });

  it('embeddings.create: an EMBEDDING span with the texts and token counts', () => {
    const s = one(traced.spans, 'embeddings');
    const body = fixture('embeddings-basic').body;
    expect(s.name).toBe('OpenAI Embeddings');
    expect(s.attributes).toMatchObject({
      'openinference.span.kind': 'EMBEDDING',
      'embedding.model_name': body.model,
      'embedding.embeddings.0.embedding.text': '[embeddings] The food was delicious.',
      'embedding.embeddings.1.embedding.text': 'The waiter was friendly.',
      'llm.token_count.prompt': body.usage.prompt_tokens,
      'llm.token_count.total': body.usage.total_tokens,
    });
    // The app got its vectors (base64-decoded by the SDK), untouched.
    expect(traced.line('RESULT').embeddings.first).toEqual(body.data[0].embedding);
  });

  it('legacy completions.create: prompt, text output, tokens', () => {
    const s = one(traced.spans, 'legacy');
    const body = fixture('completions-legacy-basic').body;
    expect(s.name).toBe('OpenAI Completions');
    expect(s.attributes).toMatchObject({
      'openinference.span.kind': 'LLM',
      'llm.model_name': body.model,
      'llm.prompts': ['[legacy] Say this is a test'],
      'llm.output_messages.0.message.content': body.choices[0].text,
      'output.value': body.choices[0].text,
      'llm.token_count.total': body.usage.total_tokens,
    });
  });

  it('400 and 401: the SDK error class holds in the app; ERROR span with the same message in an exception event', () => {
    const result = traced.line('RESULT');
    for (const [tag, key, cls, flag] of [
      ['error-400', 'error400', 'BadRequestError', 'badRequest'],
      ['error-401', 'error401', 'AuthenticationError', 'authentication'],
      ['error-400-stream', 'error400Stream', 'BadRequestError', 'badRequest'],
      ['parse-error-400', 'parseError400', 'BadRequestError', 'badRequest'],
    ]) {
      const seen = result[key].error;
      expect(seen, tag).toMatchObject({ name: cls, [flag]: true, apiError: true });
      const s = one(traced.spans, tag);
      expect(s.status, tag).toEqual({ code: STATUS.ERROR, message: seen.message });
      expect(eventNames(s), tag).toEqual(['exception']);
      expect(s.events[0].attributes, tag).toMatchObject({ 'exception.type': cls, 'exception.message': seen.message });
      expect(keysWith(s, 'llm.output_messages'), tag).toEqual([]);
    }
    expect(result.error400.error.message).toContain(fixture('error-400').body.error.message);
  });

  it('a call the app never awaits fails with one unhandled rejection, as without the agent, and its span still ends', () => {
    const result = traced.line('RESULT');
    expect(result.unawaitedError400).toHaveLength(1);
    expect(result.unawaitedError400[0]).toMatchObject({ name: 'BadRequestError', badRequest: true });
    const s = one(traced.spans, 'unawaited-error-400');
    expect(s.status.code).toBe(STATUS.ERROR);
  });
});

describe('import forms and NODE_OPTIONS', () => {
  it.each(['named', 'namespace'])('traces every call with the %s ESM import', async (form) => {
    const r = await h.runApp('openai-esm.mjs', { env: { IMPORT_FORM: form }, spans: TAGS.length });
    expect(r.spans.map(tagOf).sort()).toEqual([...TAGS].sort());
    expect(one(r.spans, 'stream-usage').attributes['llm.output_messages.0.message.content']).toBe('The capital of France is Paris.');
  });

  // `openai/client` defines the class the main entry re-exports; an app that imports only it is traced too.
  it('traces every call of an ESM app that imports only `openai/client`', async () => {
    const r = await h.runApp('openai-client-entry.mjs', { spans: TAGS.length });
    expect(r.spans.map(tagOf).sort()).toEqual([...TAGS].sort());
    expect(r.line('RESULT').error400.error).toMatchObject({ name: 'BadRequestError', badRequest: true });
  });

  it('traces a CJS app that requires only `openai/client`', async () => {
    const r = await h.runApp('openai-client-entry.cjs', { preload: 'require', env: { ONLY: 'plain' }, spans: 1 });
    expect(r.spans.map(tagOf)).toEqual(['plain']);
  });

  it.each([
    ['ESM', 'openai-esm.mjs'],
    ['CJS', 'openai-cjs.cjs'],
  ])('traces every call of the %s app with the preload in NODE_OPTIONS', async (_label, app) => {
    const r = await h.runApp(app, { preload: 'node-options', spans: TAGS.length });
    expect(r.spans.map(tagOf).sort()).toEqual([...TAGS].sort());
    expect(r.stderr).toBe('');
  });

  it('--import and NODE_OPTIONS together: still one span per call, never two', async () => {
    const registerUrl = new URL(`file://${h.dist}/esm/register.mjs`).href;
    const r = await h.runApp('openai-esm.mjs', { preload: 'import', env: { NODE_OPTIONS: `--import=${registerUrl}` }, spans: TAGS.length });
    expect(r.spans.map(tagOf).sort()).toEqual([...TAGS].sort());
    expect(r.stderr).toBe('');
  });
});

describe('without the preload: @catalyst/tracing/openai', () => {
  it('instrumentOpenAI(module) traces the SDK the app already loaded; spans reach the configured endpoint', async () => {
    const r = await h.runApp('openai-explicit.cjs', { preload: 'none', env: { MODE: 'subpath', ONLY: 'plain' }, spans: 1 });
    expect(r.line('EXPLICIT').traced).toBe(true);
    expect(r.spans.map(tagOf)).toEqual(['plain']);
    expect(one(r.spans, 'plain').attributes['llm.model_name']).toBe(r.line('RESULT').plain.model);
  });

  it('installOpenAIInstrumentation(provider) sends the spans to the app’s own tracer provider, not to ours', async () => {
    const r = await h.runApp('openai-explicit.cjs', { preload: 'none', env: { MODE: 'provider', ONLY: 'plain' } });
    expect(r.spans).toHaveLength(0);
    const { spans } = r.line('EXPLICIT');
    expect(spans.map((/** @type {any} */ s) => s.name)).toEqual(['OpenAI Chat Completions']);
    expect(spans[0].scope).toBe('@catalyst/tracing/openai');
    expect(spans[0].attributes).toMatchObject({ 'openinference.span.kind': 'LLM', 'llm.model_name': r.line('RESULT').plain.model, 'llm.provider': 'openai' });
    expect(JSON.stringify(spans)).not.toContain(API_KEY);
  });
});

describe('Azure', () => {
  it('the AzureOpenAI client is traced with llm.provider azure, whatever its endpoint; the api-key header stays out', async () => {
    const r = await h.runApp('openai-azure.mjs', { spans: 1 });
    expect(r.requests[0].path).toBe('/openai/deployments/gpt-4o-mini/chat/completions');
    const span = one(r.spans, 'azure');
    expect(span.attributes['llm.output_messages.0.message.content']).toBe(r.line('RESULT').content);
    expect(span.attributes).toMatchObject({ 'llm.provider': 'azure', 'llm.system': 'openai', 'openinference.span.kind': 'LLM' });
    expect(JSON.stringify(r.spans)).not.toContain('SECRET-456');
  });
});

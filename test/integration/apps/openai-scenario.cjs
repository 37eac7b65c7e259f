// Every traced OpenAI path, run against the fake provider. Each call's input
// carries a [tag] so the test can find its span (by its input.value). The app
// prints `RESULT {...}` with what the SDK handed back (values, error classes and
// messages, helper results) and `CHUNKS {...}` with every stream item it read:
// the test compares both with a run without the agent, so tracing must leave
// the app's view of every call exactly as it was. The SDK class is passed in,
// so the ESM and CJS apps share this file while each loads its own build.
'use strict';
const { join } = require('node:path');

const MODEL = 'gpt-4o-mini';
const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Get the current weather for a location.',
    parameters: {
      type: 'object',
      properties: { location: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
      required: ['location', 'unit'],
      additionalProperties: false,
    },
    strict: true,
  },
};
const responsesTool = { type: 'function', name: 'get_weather', description: 'Get the current weather for a location.', parameters: weatherTool.function.parameters, strict: true };
const fx = (name, extra = {}) => ({ headers: { 'x-fixture': `openai/${name}`, ...extra } });
const ask = (tag, text = 'What is the capital of France?') => ({ model: MODEL, messages: [{ role: 'user', content: `[${tag}] ${text}` }] });

/** What the app saw of an error: its class (and that it is the SDK's class), status and message. */
function describeError(error, OpenAI) {
  return {
    name: error?.constructor?.name,
    status: error?.status,
    message: error?.message,
    badRequest: error instanceof OpenAI.BadRequestError,
    authentication: error instanceof OpenAI.AuthenticationError,
    userAbort: error instanceof OpenAI.APIUserAbortError,
    apiError: error instanceof OpenAI.APIError,
  };
}

async function settle(promise, OpenAI) {
  try {
    return { ok: await promise };
  } catch (error) {
    return { error: describeError(error, OpenAI) };
  }
}

/**
 * The unhandled rejections while `start` runs a call the app never awaits and
 * it fails: untraced, exactly one (the SDK's error); tracing must leave as many.
 * Waits for the first, then a few turns of the loop for any other.
 */
async function unhandledRejections(start, OpenAI) {
  const seen = [];
  const listener = (reason) => seen.push(describeError(reason, OpenAI));
  process.on('unhandledRejection', listener);
  try {
    start();
    for (let waited = 0; seen.length === 0 && waited < 5000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('unhandledRejection', listener);
  }
  return seen;
}

/** Reads a stream with for-await, recording every chunk as the app got it. */
async function drain(stream) {
  const items = [];
  for await (const item of stream) items.push(item);
  return items;
}

async function readLines(readable) {
  const reader = readable.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

/**
 * @param {any} OpenAI the client class, as the app imported it
 * @param {{ only?: string[] }} [options] only: run just these tags (of those that support it)
 */
async function run(OpenAI, options = {}) {
  const client = new OpenAI({ baseURL: process.env.FAKE_BASE_URL, maxRetries: 0 });
  const out = {};
  const chunks = {};
  const want = (tag) => !options.only || options.only.includes(tag);

  if (want('plain')) {
    const plain = await client.chat.completions.create({
      model: MODEL,
      temperature: 0.2,
      max_completion_tokens: 64,
      messages: [
        { role: 'system', content: 'You are a concise assistant.' },
        { role: 'user', content: '[plain] What is the capital of France?' },
      ],
    });
    out.plain = { content: plain.choices[0].message.content, model: plain.model, usage: plain.usage, requestId: plain._request_id };
  }
  if (!options.only) {
    const { data, response, request_id } = await client.chat.completions.create(ask('with-response')).withResponse();
    out.withResponse = { id: data.id, status: response.status, request_id };

    const raw = await client.chat.completions.create(ask('as-response')).asResponse();
    out.asResponse = { status: raw.status, contentType: raw.headers.get('content-type'), id: (await raw.json()).id };

    // Streams: with usage, without usage, broken out of, teed, as a ReadableStream.
    chunks.streamUsage = await drain(await client.chat.completions.create({ ...ask('stream-usage'), stream: true, stream_options: { include_usage: true } }));
    chunks.streamNoUsage = await drain(await client.chat.completions.create({ ...ask('stream-no-usage'), stream: true }, fx('chat-no-usage')));

    const broken = await client.chat.completions.create({ ...ask('stream-break'), stream: true, stream_options: { include_usage: true } });
    chunks.streamBreak = [];
    for await (const chunk of broken) {
      chunks.streamBreak.push(chunk);
      if (chunks.streamBreak.length === 3) break;
    }
    out.streamBreakAborted = broken.controller.signal.aborted;

    const [left, right] = (await client.chat.completions.create({ ...ask('stream-tee'), stream: true, stream_options: { include_usage: true } })).tee();
    const [l, r] = await Promise.all([drain(left), drain(right)]);
    chunks.streamTee = { left: l, right: r };

    const readable = (await client.chat.completions.create({ ...ask('stream-readable'), stream: true, stream_options: { include_usage: true } })).toReadableStream();
    chunks.streamReadable = await readLines(readable);

    // Abort: before the response arrives, and in the middle of a slowed stream.
    const early = new AbortController();
    const pending = client.chat.completions.create(ask('abort-request'), { signal: early.signal, headers: { 'x-fixture-delay-ms': '2000' } });
    setTimeout(() => early.abort(), 50);
    out.abortRequest = await settle(pending, OpenAI);

    const mid = new AbortController();
    out.abortStream = await settle(
      (async () => {
        const stream = await client.chat.completions.create({ ...ask('abort-stream'), stream: true }, { signal: mid.signal, headers: { 'x-fixture-delay-ms': '100' } });
        const seen = [];
        for await (const chunk of stream) {
          seen.push(chunk.choices[0]?.delta?.content);
          if (seen.length === 2) mid.abort();
        }
        return seen;
      })(),
      OpenAI,
    );

    // Helpers built on create(): parse, the stream helper, tool calls and their round trip.
    const parsed = await client.chat.completions.parse(
      {
        model: 'o4-mini',
        reasoning_effort: 'low',
        messages: [{ role: 'user', content: '[parse] Alice and Bob are going to a science fair on Friday.' }],
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'event', strict: true, schema: { type: 'object', properties: { name: { type: 'string' }, date: { type: 'string' }, participants: { type: 'array', items: { type: 'string' } } }, required: ['name', 'date', 'participants'], additionalProperties: false } },
        },
      },
      fx('chat-parse'),
    );
    out.parse = parsed.choices[0].message.parsed;

    const helper = client.chat.completions.stream({ ...ask('helper-stream'), stream_options: { include_usage: true } });
    let helperText = '';
    helper.on('content', (delta) => (helperText += delta));
    const final = await helper.finalChatCompletion();
    out.helperStream = { text: helperText, final: final.choices[0].message.content, usage: final.usage };

    // The helper's own abort(): the app gets APIUserAbortError, as without the agent.
    const aborted = client.chat.completions.stream(ask('helper-abort'), { headers: { 'x-fixture-delay-ms': '100' } });
    aborted.on('content', (delta) => delta && aborted.abort());
    out.helperAbort = await settle(aborted.finalChatCompletion(), OpenAI);

    const toolAsk = { ...ask('tool-call', 'What is the weather in Paris and Tokyo?'), tools: [weatherTool] };
    const toolReply = await client.chat.completions.create(toolAsk, fx('chat-tool-call'));
    out.toolCall = toolReply.choices[0].message.tool_calls.map((c) => [c.id, c.function.name, JSON.parse(c.function.arguments)]);

    chunks.toolStream = await drain(await client.chat.completions.create({ ...ask('tool-stream', 'What is the weather in Paris and Tokyo?'), tools: [weatherTool], stream: true, stream_options: { include_usage: true } }, fx('chat-tool-call')));

    const assistant = toolReply.choices[0].message;
    const answer = await client.chat.completions.create(
      {
        model: MODEL,
        tools: [weatherTool],
        messages: [
          { role: 'user', content: '[round-trip] What is the weather in Paris and Tokyo?' },
          { role: 'assistant', content: null, tool_calls: assistant.tool_calls },
          ...assistant.tool_calls.map((c, i) => ({ role: 'tool', tool_call_id: c.id, content: i === 0 ? '18°C, partly cloudy' : '24°C, sunny' })),
        ],
      },
      fx('chat-after-tool'),
    );
    out.roundTrip = answer.choices[0].message.content;

    // Responses: plain, streamed, with a function call, and the stream helper.
    const resp = await client.responses.create({ model: MODEL, instructions: 'You are a concise assistant.', input: '[responses] What is the capital of France?' });
    out.responses = { text: resp.output_text, status: resp.status };
    chunks.responsesStream = (await drain(await client.responses.create({ model: MODEL, instructions: 'You are a concise assistant.', input: '[responses-stream] What is the capital of France?', stream: true }))).map((e) => e.type);
    const fc = await client.responses.create({ model: 'o4-mini', input: [{ role: 'user', content: '[responses-fc] What is the weather in Paris?' }], tools: [responsesTool] }, fx('responses-function-call'));
    out.responsesFc = fc.output.filter((o) => o.type === 'function_call').map((o) => [o.call_id, o.name, o.arguments]);
    chunks.responsesFcStream = (await drain(await client.responses.create({ model: 'o4-mini', input: [{ role: 'user', content: '[responses-fc-stream] What is the weather in Paris?' }], tools: [responsesTool], stream: true }, fx('responses-function-call')))).map((e) => e.type);
    const rs = client.responses.stream({ model: MODEL, instructions: 'You are a concise assistant.', input: '[responses-helper] What is the capital of France?' });
    let rsText = '';
    rs.on('response.output_text.delta', (e) => (rsText += e.delta));
    const rsFinal = await rs.finalResponse();
    out.responsesHelper = { text: rsText, final: rsFinal.output_text, usage: rsFinal.usage };

    // Embeddings and legacy completions.
    const emb = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['[embeddings] The food was delicious.', 'The waiter was friendly.'] });
    out.embeddings = { count: emb.data.length, first: emb.data[0].embedding, usage: emb.usage };
    const legacy = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: '[legacy] Say this is a test', max_tokens: 7 });
    out.legacy = { text: legacy.choices[0].text, usage: legacy.usage };

    // Errors: the SDK's own classes, messages and statuses, unchanged.
    out.error400 = await settle(client.chat.completions.create({ ...ask('error-400') }, fx('error-400')), OpenAI);
    out.error401 = await settle(client.chat.completions.create({ ...ask('error-401') }, fx('error-401')), OpenAI);
    out.error400Stream = await settle(client.chat.completions.create({ ...ask('error-400-stream'), stream: true }, fx('error-400')), OpenAI);
    // A helper whose promise is derived from create()'s (parse), failing: the app's catch gets the error, and no
    // rejection is left for nobody (openai 7's derived promise reads the raw request, not the tapped one).
    out.parseError400 = await settle(client.chat.completions.parse({ ...ask('parse-error-400') }, fx('error-400')), OpenAI);
    out.unawaitedError400 = await unhandledRejections(() => {
      client.chat.completions.create({ ...ask('unawaited-error-400') }, fx('error-400'));
    }, OpenAI);
  }

  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
  process.stdout.write(`CHUNKS ${JSON.stringify(chunks)}\n`);
}

/** The built package's entry points, from the directory the test built it into. */
function dist(file) {
  return join(process.env.CATALYST_DIST, file);
}

module.exports = { run, dist, MODEL, describeError };

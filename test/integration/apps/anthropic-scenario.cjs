// Every traced Anthropic path, run against the fake provider. Each call's first
// user message starts with a [tag] so the test can find its span. The app prints
// one line, `RESULT {...}`, with what the SDK returned: the test compares it with
// a run without the agent, so tracing must leave results, errors and helpers as
// they were. The SDK class is passed in, so the ESM and CJS apps share this file
// while each loads its own build of the SDK.
'use strict';
const { join } = require('node:path');

const MODEL = 'claude-sonnet-4-6';
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
const weatherTool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  input_schema: { type: 'object', properties: { location: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['location'] },
};
const fx = (name, extra = {}) => ({ headers: { 'x-fixture': `anthropic/${name}`, ...extra } });
const ask = (tag, text = 'Capital of France?') => ({ model: MODEL, max_tokens: 256, messages: [{ role: 'user', content: `[${tag}] ${text}` }] });

/** Picks the fixture by conversation state, for the tool runner's several calls. */
function fetchByTurn(url, init) {
  const last = JSON.parse(init.body).messages.at(-1);
  const answered = Array.isArray(last?.content) && last.content.some((b) => b.type === 'tool_result');
  const headers = new Headers(init.headers);
  headers.set('x-fixture', answered ? 'anthropic/messages-after-tool' : 'anthropic/messages-tool-use');
  return fetch(url, { ...init, headers });
}

async function settle(promise) {
  try {
    return { ok: await promise };
  } catch (error) {
    return { error: error.constructor.name, status: error.status };
  }
}

async function run(Anthropic, { agentSpan, betaTool } = {}) {
  const baseURL = process.env.FAKE_BASE_URL;
  const client = new Anthropic({ baseURL, maxRetries: 0 });
  const out = {};

  const plain = await client.messages.create({
    model: MODEL,
    max_tokens: 256,
    temperature: 0.2,
    system: [{ type: 'text', text: 'You are terse.' }, { type: 'text', text: 'Answer in one sentence.', cache_control: { type: 'ephemeral' } }],
    messages: [{ role: 'user', content: [{ type: 'text', text: '[plain] What is in this image?' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }] }],
    tools: [weatherTool],
  });
  out.plain = { text: plain.content[0].text, requestId: plain._request_id };

  const { data, response } = await client.messages.create(ask('with-response')).withResponse();
  out.withResponse = { id: data.id, status: response.status };

  const stream = await client.messages.create({ ...ask('stream'), stream: true });
  let streamed = '';
  for await (const event of stream) if (event.type === 'content_block_delta') streamed += event.delta.text;
  out.stream = streamed;

  const helper = client.messages.stream(ask('helper', 'Weather in Paris?'), fx('messages-tool-use'));
  let helperText = '';
  helper.on('text', (delta) => (helperText += delta));
  const final = await helper.finalMessage();
  out.helper = { text: helperText, input: final.content[1].input, stop: final.stop_reason };

  const iterated = [];
  for await (const event of client.messages.stream(ask('helper-iter'))) iterated.push(event.type);
  out.helperIter = iterated.filter((t) => t !== 'content_block_delta').join(',');

  out.cache = (await client.messages.create(ask('cache', 'Summarise the policy.'), fx('messages-cache'))).usage;
  const cacheStream = client.messages.stream(ask('cache-stream', 'Summarise the policy.'), fx('messages-cache'));
  out.cacheStream = (await cacheStream.finalMessage()).usage;

  out.beta = (await client.beta.messages.create({ ...ask('beta'), betas: ['token-efficient-tools-2025-02-19'] })).content[0].text;
  out.betaStream = await client.beta.messages.stream(ask('beta-stream')).finalText();

  out.error = await settle(client.messages.create(ask('error'), fx('error-400')));
  out.errorClass = out.error.error === 'BadRequestError' && (await client.messages.create(ask('error-again'), fx('error-400')).catch((e) => e instanceof Anthropic.BadRequestError));
  out.streamError = await settle((async () => {
    for await (const _ of await client.messages.create({ ...ask('stream-error'), stream: true }, fx('messages-stream-error')));
  })());

  if (agentSpan) {
    // A tool-use round trip inside an agent span: call, run the tool, answer with the result.
    out.roundTrip = await agentSpan({ agentId: 'weather-agent-1', name: 'weather-agent', sessionId: 'session-42' }, async () => {
      const first = ask('round-trip', 'Weather in Paris?');
      const reply = await client.messages.create({ ...first, tools: [weatherTool] }, fx('messages-tool-use'));
      const call = reply.content.find((b) => b.type === 'tool_use');
      const result = `18°C and sunny in ${call.input.location}`;
      const answer = await client.messages.create(
        {
          ...first,
          tools: [weatherTool],
          messages: [...first.messages, { role: 'assistant', content: reply.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: result }] }],
        },
        fx('messages-after-tool'),
      );
      return answer.content[0].text;
    });
  }

  if (betaTool) {
    const runnerClient = new Anthropic({ baseURL, maxRetries: 0, fetch: fetchByTurn });
    const weather = betaTool({ name: 'get_weather', inputSchema: weatherTool.input_schema, run: async (input) => `18°C in ${input.location}` });
    for (const streamMode of [false, true]) {
      const runner = runnerClient.beta.messages.toolRunner({ ...ask(streamMode ? 'runner-stream' : 'runner', 'Weather in Paris?'), tools: [weather], stream: streamMode });
      for await (const item of runner) if (streamMode) for await (const _ of item);
      out[streamMode ? 'runnerStream' : 'runner'] = (await runner.done()).content[0].text;
    }
  }

  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
}

/** The built package's entry points, from the directory the test built it into. */
function dist(file) {
  return join(process.env.CATALYST_DIST, file);
}

module.exports = { run, dist, fetchByTurn, MODEL };

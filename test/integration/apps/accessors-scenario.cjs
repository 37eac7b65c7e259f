// Requests whose messages run the app's own code when read: a `content` getter
// that counts its reads (and says which read it is), and a message object whose
// `toJSON` counts its calls. The SDK reads each once, when it serialises the
// request; under the agent they must still run exactly as often, and the
// provider must receive the same body. Each call's messages carry a [tag] so
// the test can find its span. Prints `COUNTS {...}` (reads per call) and
// `RESULT {...}` (what the SDK returned). The SDK class is passed in, so the ESM
// and CJS apps share this file.
'use strict';

/** The fake provider's root (the OpenAI harness hands it over with `/v1`). */
const root = () => String(process.env.FAKE_BASE_URL).replace(/\/v1\/?$/, '');

/**
 * Messages for one call: a user turn read through a getter, an assistant turn,
 * a user turn made by toJSON (which, for an SDK that reads properties rather
 * than serialising, also holds `fields`).
 */
function countedMessages(tag, fields = {}) {
  const counts = { getter: 0, toJSON: 0 };
  const viaGetter = { role: 'user' };
  Object.defineProperty(viaGetter, 'content', {
    enumerable: true,
    get() {
      counts.getter++;
      return `[${tag}] getter read #${counts.getter}`;
    },
  });
  const viaToJSON = {
    ...fields,
    toJSON() {
      counts.toJSON++;
      return { role: 'user', content: `[${tag}] toJSON call #${counts.toJSON}` };
    },
  };
  return { counts, messages: [viaGetter, { role: 'assistant', content: 'Noted.' }, viaToJSON] };
}

async function openai(OpenAI) {
  const client = new OpenAI({ baseURL: `${root()}/v1`, apiKey: 'sk-accessors', maxRetries: 0 });
  const counts = {};
  const result = {};

  let m = countedMessages('chat');
  counts.chat = m.counts;
  result.chat = (await client.chat.completions.create({ model: 'gpt-4o-mini', messages: m.messages })).choices[0].message.content;

  m = countedMessages('chat-stream');
  counts['chat-stream'] = m.counts;
  const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: m.messages, stream: true });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  result['chat-stream'] = text;

  m = countedMessages('responses');
  counts.responses = m.counts;
  result.responses = (await client.responses.create({ model: 'gpt-4o-mini', instructions: 'Be brief.', input: m.messages })).output_text;

  console.log(`COUNTS ${JSON.stringify(counts)}`);
  console.log(`RESULT ${JSON.stringify(result)}`);
}

async function anthropic(Anthropic) {
  const client = new Anthropic({ baseURL: root(), apiKey: 'sk-ant-accessors', maxRetries: 0 });
  const counts = {};
  const result = {};
  const ask = (messages) => ({ model: 'claude-sonnet-4-6', max_tokens: 64, messages });

  let m = countedMessages('create');
  counts.create = m.counts;
  result.create = (await client.messages.create(ask(m.messages))).content[0].text;

  m = countedMessages('create-stream');
  counts['create-stream'] = m.counts;
  const events = [];
  for await (const event of await client.messages.create({ ...ask(m.messages), stream: true })) events.push(event.type);
  result['create-stream'] = events;

  m = countedMessages('stream');
  counts.stream = m.counts;
  result.stream = (await client.messages.stream(ask(m.messages)).finalMessage()).content[0].text;

  console.log(`COUNTS ${JSON.stringify(counts)}`);
  console.log(`RESULT ${JSON.stringify(result)}`);
}

/** The AI SDK hands its telemetry the app's own message objects: reading them must run nothing. */
async function aiSdk({ generateText, streamText, MockLanguageModelV4 }) {
  const usage = { inputTokens: { total: 3, noCache: 3 }, outputTokens: { total: 1, text: 1 } };
  const prompts = {};
  const model = (tag) =>
    new MockLanguageModelV4({
      modelId: 'mock-model',
      doGenerate: async ({ prompt }) => {
        prompts[tag] = prompt;
        return { content: [{ type: 'text', text: 'Paris.' }], finishReason: { unified: 'stop', raw: 'stop' }, usage, warnings: [] };
      },
      doStream: async ({ prompt }) => {
        prompts[tag] = prompt;
        const parts = [
          { type: 'text-start', id: 't' },
          { type: 'text-delta', id: 't', delta: 'Paris.' },
          { type: 'text-end', id: 't' },
          { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage },
        ];
        return { stream: new ReadableStream({ start: (c) => (parts.forEach((p) => c.enqueue(p)), c.close()) }) };
      },
    });
  const counts = {};
  const result = {};
  const asData = (tag) => ({ role: 'user', content: `[${tag}] data beside toJSON` });
  let m = countedMessages('generate', asData('generate'));
  counts.generate = m.counts;
  result.generate = (await generateText({ model: model('generate'), messages: m.messages, telemetry: { functionId: 'generate' } })).text;
  m = countedMessages('stream', asData('stream'));
  counts.stream = m.counts;
  result.stream = await streamText({ model: model('stream'), messages: m.messages, telemetry: { functionId: 'stream' } }).text;
  console.log(`COUNTS ${JSON.stringify(counts)}`);
  console.log(`PROMPTS ${JSON.stringify(prompts)}`);
  console.log(`RESULT ${JSON.stringify(result)}`);
}

module.exports = { openai, anthropic, aiSdk };

// Every traced pi-ai path, offline: real @mariozechner/pi-ai against the fake
// provider through hand-built Model objects (baseUrl pointing at it), for the
// openai-completions, openai-responses and anthropic-messages APIs. Each turn
// uses its own model id so the test can find its span. run() returns what
// pi-ai gave back, normalised (timestamps left out): the test compares it with
// a run without the agent, so tracing must leave results and events as they were.
export const KEY = 'sk-test-pi-ai-secret-0123456789';

const COST = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 };

/** A pi-ai Model for `api`, served by the fake provider. */
export function model(id, api, provider) {
  const base = process.env.FAKE_BASE_URL;
  return {
    id,
    name: id,
    api,
    provider,
    baseUrl: api === 'anthropic-messages' ? base : `${base}/v1`,
    reasoning: false,
    input: ['text', 'image'],
    cost: COST,
    contextWindow: 128000,
    maxTokens: 4096,
  };
}

const user = (text) => ({ role: 'user', content: text, timestamp: 1 });
const fixture = (name, extra = {}) => ({ apiKey: KEY, maxRetries: 0, headers: { 'x-fixture': name, ...extra } });

/** A message or event without the timestamps pi-ai stamps at run time. */
function clean(value) {
  return JSON.parse(JSON.stringify(value, (k, v) => (k === 'timestamp' ? undefined : v)));
}

async function collect(s) {
  const events = [];
  for await (const e of s) events.push(e.type);
  return { events, result: clean(await s.result()) };
}

export async function run(pi, { helpers } = {}) {
  const out = {};
  const weather = { name: 'get_weather', description: 'Weather of a place', parameters: { type: 'object', properties: { location: { type: 'string' }, unit: { type: 'string' } }, required: ['location'] } };

  // Plain turns: complete() through each API.
  out.chat = clean(await pi.complete(model('pi-chat', 'openai-completions', 'openai'), { systemPrompt: 'Be brief.', messages: [user('Capital of France?')] }, { ...fixture('openai/chat-basic'), temperature: 0.2, maxTokens: 64 }));
  out.responses = clean(await pi.complete(model('pi-responses', 'openai-responses', 'openai'), { messages: [user('Capital of France?')] }, fixture('openai/responses-basic')));
  out.anthropic = clean(await pi.complete(model('pi-anthropic', 'anthropic-messages', 'anthropic'), { systemPrompt: 'Be brief.', messages: [user('Capital of France?')] }, fixture('anthropic/messages-basic')));

  // Streamed turns: the app iterates the events, then awaits result().
  out.chatStream = await collect(pi.stream(model('pi-chat-stream', 'openai-completions', 'openai'), { messages: [user('Capital of France?')] }, fixture('openai/chat-basic')));
  out.responsesStream = await collect(pi.streamSimple(model('pi-responses-stream', 'openai-responses', 'openai'), { messages: [user('Capital of France?')] }, fixture('openai/responses-basic')));
  out.anthropicStream = await collect(pi.streamSimple(model('pi-anthropic-stream', 'anthropic-messages', 'anthropic'), { messages: [user('Capital of France?')] }, { ...fixture('anthropic/messages-basic'), reasoning: 'low' }));
  out.simple = clean(await pi.completeSimple(model('pi-simple', 'anthropic-messages', 'anthropic'), { messages: [user('Capital of France?')] }, fixture('anthropic/messages-cache')));

  // A tool round trip: the model asks for two calls, the app answers both.
  const toolModel = model('pi-tools', 'openai-completions', 'openai');
  const ctx = { systemPrompt: 'Use tools.', messages: [user('Weather in Paris and Tokyo?')], tools: [weather] };
  const first = await pi.complete(toolModel, ctx, fixture('openai/chat-tool-call'));
  ctx.messages.push(first);
  for (const call of first.content.filter((c) => c.type === 'toolCall')) {
    ctx.messages.push({ role: 'toolResult', toolCallId: call.id, toolName: call.name, content: [{ type: 'text', text: `18C in ${call.arguments.location}` }], isError: false, timestamp: 2 });
  }
  const second = await pi.complete(model('pi-tools-after', 'openai-completions', 'openai'), ctx, fixture('openai/ai-sdk-after-tool'));
  out.tools = { first: clean(first), second: clean(second) };

  // An abort while the stream is under way: pi-ai ends the turn with stopReason "aborted".
  const controller = new AbortController();
  const aborted = pi.stream(model('pi-abort', 'openai-completions', 'openai'), { messages: [user('Tell me a long story')] }, { ...fixture('openai/chat-basic', { 'x-fixture-delay-ms': '100' }), signal: controller.signal });
  setTimeout(() => controller.abort(), 150);
  out.abort = await collect(aborted);
  delete out.abort.result.errorMessage; // the SDK's wording of the abort

  // A failed turn: pi-ai returns stopReason "error", it does not throw.
  out.failed = clean(await pi.complete(model('pi-failed', 'openai-completions', 'openai'), { messages: [user('x')] }, fixture('openai/error-400')));
  // A failure whose message quotes the API key back (as providers do on a 401).
  out.keyEcho = clean(await pi.complete(model('pi-key-echo', 'anthropic-messages', 'anthropic'), { messages: [user('x')] }, fixture('anthropic/error-401-key-echoed')));

  // A provider registered after pi-ai loaded (the faux provider registers with registerApiProvider, and
  // streams without any SDK): traced as it is registered. Its chunking is random: the event kinds only.
  const faux = pi.registerFauxProvider({ api: 'faux-co-api', provider: 'faux-co', models: [{ id: 'pi-faux', cost: COST }] });
  faux.setResponses([pi.fauxAssistantMessage([pi.fauxThinking('The capital is Paris.'), pi.fauxText('Paris.')])]);
  const fauxRun = await collect(pi.streamSimple(faux.getModel(), { systemPrompt: 'Be brief.', messages: [user('Capital of France?')] }));
  out.faux = { kinds: [...new Set(fauxRun.events)], result: fauxRun.result };
  faux.unregister();

  // Messages and options that run the app's code when read: they must run exactly as often as untraced.
  const counts = { content: 0, toJSON: 0, temperature: 0 };
  const question = {
    role: 'user',
    timestamp: 1,
    get content() {
      counts.content++;
      return 'Capital of France?';
    },
    toJSON() {
      counts.toJSON++;
      return { role: 'user', content: 'Capital of France?' };
    },
  };
  const options = fixture('openai/chat-basic');
  Object.defineProperty(options, 'temperature', { enumerable: true, get: () => (counts.temperature++, 0.5) });
  await pi.complete(model('pi-accessors', 'openai-completions', 'openai'), { systemPrompt: 'Be brief.', messages: [question] }, options);
  out.accessors = counts;

  // A turn inside an agent span carries the agent's identity.
  if (helpers?.agentSpan) {
    out.agent = await helpers.agentSpan({ name: 'pi-agent', agentId: 'agent-7', role: 'planner', sessionId: 'sess-1' }, async () =>
      clean(await pi.complete(model('pi-in-agent', 'anthropic-messages', 'anthropic'), { messages: [user('Capital of France?')] }, fixture('anthropic/messages-basic'))),
    );
  }
  return out;
}

/** Two turns (one complete, one streamed) for the setup() and explicit paths. */
export async function short(pi, tag) {
  const plain = clean(await pi.complete(model(`${tag}-chat`, 'openai-completions', 'openai'), { messages: [user('Capital of France?')] }, fixture('openai/chat-basic')));
  const streamed = await collect(pi.stream(model(`${tag}-anthropic`, 'anthropic-messages', 'anthropic'), { messages: [user('Capital of France?')] }, fixture('anthropic/messages-basic')));
  return { plain, streamed };
}

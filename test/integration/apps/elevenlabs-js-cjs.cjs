// @elevenlabs/elevenlabs-js (CommonJS) under --require: a text-only Conversation
// against the fake conversation socket (ELEVENLABS_ORIGIN), reached through the
// SDK's own webSocketFactory, with a stub audio interface (no audio device):
// two client tools, one of which throws; a start the server refuses (1008); a
// start whose socket cannot connect. Prints what the app saw on a RESULT line,
// the same with or without tracing, and a LAZY line.
// ELEVENLABS_JS_MODE=agent: all of it inside an agentSpan, with an app span inside
// the weather tool. ELEVENLABS_JS_MODE=setup (no preload): the conversation
// folder's exports handed to setup({ modules }) under the registry name.
const WebSocket = require('ws');
const { Conversation, ClientTools } = require('@elevenlabs/elevenlabs-js/api/resources/conversationalAi/conversation');

const loaded = (file) => Object.keys(require.cache).some((k) => k.endsWith(`/${file}.js`));
const atImport = { patch: loaded('lazy-elevenlabs-js'), calls: loaded('lazy-elevenlabs-js-calls') };
const origin = process.env.ELEVENLABS_ORIGIN;

/** The SDK builds wss://api.elevenlabs.io/...; the app points it at another origin, keeping path and query. */
function factoryFor(base, sockets) {
  return {
    create(url, options) {
      const u = new URL(url);
      const socket = new WebSocket(`${base}${u.pathname}${u.search}`, options);
      sockets.push(socket);
      return socket;
    },
  };
}

const audio = { start() {}, stop() {}, output() {}, interrupt() {} };
const closedOf = (socket) => new Promise((resolve) => (socket.readyState === WebSocket.CLOSED ? resolve() : socket.once('close', () => resolve())));

const mode = process.env.ELEVENLABS_JS_MODE;
let insideTool = async () => {};

async function main() {
  if (mode === 'setup') {
    const { setup } = require(`${process.env.CATALYST_DIST}/index.js`);
    const handle = await setup({ modules: { 'elevenlabs-js': require('@elevenlabs/elevenlabs-js/api/resources/conversationalAi/conversation') } });
    const status = Object.fromEntries(handle.installResults.map((r) => [r.name, r.status]));
    console.log(`INSTALL ${JSON.stringify(status['elevenlabs-js'])}`);
  }
  if (mode !== 'agent') return scenario();
  const { agentSpan, manualSpan } = require(`${process.env.CATALYST_DIST}/index.js`);
  insideTool = () => manualSpan({ name: 'forecast lookup' }, async () => 'cloudless');
  return agentSpan({ agentId: 'concierge', name: 'Concierge', sessionId: 'support-7', userId: 'outer-user' }, scenario);
}

async function scenario() {
  const result = {};
  const seen = [];
  const tools = new ClientTools();
  tools.register('get_weather', async ({ city }) => {
    await insideTool();
    return { city, forecast: 'sunny' };
  });
  tools.register('book_table', () => {
    throw new RangeError('no table free');
  });
  const sockets = [];
  let goodbye;
  const bye = new Promise((resolve) => (goodbye = resolve));
  const conversation = new Conversation({
    client: {},
    agentId: 'agent_demo',
    requiresAuth: false,
    audioInterface: audio,
    clientTools: tools,
    webSocketFactory: factoryFor(origin, sockets),
    callbackAgentResponse: (text) => {
      seen.push(['agent', text]);
      if (text === 'Hi! Ask me about the weather.') conversation.sendUserMessage('What is the weather in Paris?');
      if (text === 'Goodbye!') goodbye();
    },
    callbackAgentResponseCorrection: (original, corrected) => seen.push(['correction', corrected]),
    callbackUserTranscript: (text) => seen.push(['user', text]),
    callbackLatencyMeasurement: (ms) => seen.push(['ping', ms]),
  });
  const ended = [];
  conversation.on('session_ended', (id, code) => ended.push([id ?? null, code ?? null]));
  await conversation.startSession();
  await bye;
  result.conversationId = conversation.getConversationId();
  conversation.endSession();
  await closedOf(sockets[0]);
  result.seen = seen;
  result.ended = ended;

  const refusedSockets = [];
  const refused = new Conversation({ client: {}, agentId: 'agent_refused', audioInterface: audio, webSocketFactory: factoryFor(origin, refusedSockets) });
  result.refused = await refused.startSession().then(
    () => new Promise((resolve) => refused.once('session_ended', (id, code, reason) => resolve({ started: true, code, reason }))),
    (error) => ({ error: String(error) }),
  );

  // Port 9 (discard) on loopback: nothing listens, the socket errors before it opens.
  const unreachable = new Conversation({ client: {}, agentId: 'agent_unreachable', audioInterface: audio, webSocketFactory: factoryFor('ws://127.0.0.1:9', []) });
  unreachable.on('error', () => {});
  result.unreachable = await unreachable.startSession().then(
    () => ({ ok: true }),
    (error) => ({ code: error.code }),
  );

  console.log(`RESULT ${JSON.stringify(result)}`);
  console.log(`LAZY ${JSON.stringify({ atImport, afterSessions: loaded('lazy-elevenlabs-js-calls') })}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

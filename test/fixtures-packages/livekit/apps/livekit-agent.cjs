// The CommonJS build of livekit-agent.mjs: a text-only LiveKit Agents session (no room, no LiveKit server): the OpenAI
// plugin's LLM pointed at the loopback fake provider, one function tool that
// answers and one that throws. Run by test/integration/livekit-agents.test.mjs.
// The plugin makes its own `openai` client; only the chosen fixture differs per
// request (a custom fetch adds the x-fixture header), so the call path is the
// plugin's own.
const agents = require('@livekit/agents');
const openaiPlugin = require('@livekit/agents-plugin-openai');
const { z } = require('zod');
const { OpenAI } = require('openai');

const { voice, llm, initializeLogger } = agents;
const base = process.env.FAKE_BASE_URL;

if (process.env.EXPLICIT) {
  const { instrumentLiveKitAgents } = require(`${process.env.CATALYST_DIST}/livekit-agents.js`);
  console.log(`INSTALLED ${JSON.stringify(instrumentLiveKitAgents(agents))}`);
}

// LiveKit's logger must exist before a session; errors only, so a failing tool's log line stays quiet.
initializeLogger({ pretty: false, level: 'fatal' });

/** The tool-call answer first, then the final one once the tools' results are in the conversation. */
async function fixtureFetch(url, init) {
  const body = JSON.parse(String(init.body));
  const fixture = body.messages.some((m) => m.role === 'tool') ? 'openai/livekit-after-tools' : 'openai/livekit-tool-calls';
  const headers = new Headers(init.headers);
  headers.set('x-fixture', fixture);
  return fetch(url, { ...init, headers });
}

const model = new openaiPlugin.LLM({
  model: 'gpt-4o-mini',
  client: new OpenAI({ baseURL: `${base}/v1`, apiKey: 'sk-livekit-test-secret-0123456789', maxRetries: 0, fetch: fixtureFetch }),
});

const agent = new voice.Agent({
  instructions: 'You are a concierge.',
  tools: {
    get_weather: llm.tool({
      description: 'Weather for a city',
      parameters: z.object({ location: z.string() }),
      execute: async ({ location }) => `sunny in ${location}`,
    }),
    book_table: llm.tool({
      description: 'Book a table',
      parameters: z.object({ restaurant: z.string() }),
      execute: async () => {
        throw new Error('no tables left');
      },
    }),
  },
});

async function converse() {
  const session = new voice.AgentSession({ llm: model });
  await session.start({ agent });
  const result = session.run({ userInput: 'Weather in Paris, and book Chez Nous?' });
  await result.wait();
  await session.close();
  return result.events.map((e) => e.type);
}

converse().then((events) => console.log(`RESULT ${JSON.stringify({ events })}`));

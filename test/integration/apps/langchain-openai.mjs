// ChatOpenAI (@langchain/openai, Node >= 22) against the fake provider, with the
// `openai` SDK traced too: each model call must give one LLM span (ours, from
// LangChain's run), and an `openai` call a tool makes itself nests under the tool.
// Prints `result <name> <json>` so a test can compare with an untraced run.
import { pathToFileURL } from 'node:url';
import OpenAI from 'openai';
import { ChatOpenAI } from '@langchain/openai';
import { tool } from '@langchain/core/tools';
import { HumanMessage } from '@langchain/core/messages';
import { createReactAgent } from '@langchain/langgraph/prebuilt';

const api = process.env.CATALYST_DIST ? await import(pathToFileURL(`${process.env.CATALYST_DIST}/esm/index.mjs`).href) : {};
const baseURL = `${process.env.FAKE_BASE_URL}/v1`;

/** A fetch that sends each request with the next fixture's name (the last one repeats). */
function fixtures(...names) {
  let i = 0;
  return (url, init = {}) => {
    const headers = new Headers(init.headers);
    headers.set('x-fixture', names[Math.min(i++, names.length - 1)]);
    return fetch(url, { ...init, headers });
  };
}
const chat = (...names) => new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'sk-test', maxRetries: 0, configuration: { baseURL, fetch: fixtures(...names) } });

const weather = tool(async ({ location }) => (location.startsWith('Paris') ? '18C, partly cloudy' : '24C, sunny'), {
  name: 'get_weather',
  description: 'Current weather for a location',
  schema: { type: 'object', properties: { location: { type: 'string' }, unit: { type: 'string' } }, required: ['location'] },
});

const scenarios = {
  async plain() {
    const reply = await chat('openai/chat-basic').invoke([new HumanMessage('Capital of France?')], { callbacks: [{ handleLLMEnd: () => void (seen += 1) }] });
    return { content: reply.content, usage: reply.usage_metadata, seen };
  },
  async stream() {
    let text = '';
    for await (const chunk of await chat('openai/chat-basic').stream('Capital of France?')) text += chunk.content;
    return { text };
  },
  async react() {
    const agent = createReactAgent({ llm: chat('openai/chat-tool-call', 'openai/chat-after-tool'), tools: [weather], name: 'weather_agent' });
    const out = await agent.invoke({ messages: [new HumanMessage('Weather in Paris and Tokyo?')] });
    return { messages: out.messages.map((m) => [m.getType(), m.content]) };
  },
  async toolCallsOpenAI() {
    // LangChain carries a run's config through async code only once its AsyncLocalStorage is set up, which
    // @langchain/langgraph (or @langchain/core/context) does on import; `react` above ran without it on purpose.
    await import('@langchain/langgraph');
    const client = new OpenAI({ apiKey: 'sk-test', baseURL, maxRetries: 0 });
    const summarize = tool(
      async ({ text }) => {
        const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Summarize: ${text}` }] });
        return r.choices[0].message.content;
      },
      { name: 'summarize', description: 'Summarize a text', schema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } },
    );
    return { summary: await summarize.invoke({ text: 'France and its capital.' }) };
  },
};

let seen = 0;
const only = process.env.ONLY ? process.env.ONLY.split(',') : Object.keys(scenarios);
for (const name of only) {
  const fn = () => scenarios[name]();
  const result = api.agentSpan ? await api.agentSpan({ agentName: `scenario-${name}`, sessionId: `session-${name}` }, fn) : await fn();
  console.log(`result ${name} ${JSON.stringify(result)}`);
}

// A pi-agent-core Agent (the agent loop built on pi-ai) with one tool, against
// the fake provider: the first turn asks for two weather calls, the tool runs
// twice (Tokyo's call fails), the second turn answers. Then a run whose model
// turn fails. Run under the preload, and without it for the baseline.
import * as pi from '@mariozechner/pi-ai';
import { Agent } from '@mariozechner/pi-agent-core';
import { KEY, model } from './pi-ai-scenario.mjs';

/** pi-ai's streamSimple, each turn answered by the next fixture. */
function scripted(fixtures) {
  let i = 0;
  return (m, ctx, options) => pi.streamSimple(m, ctx, { ...options, apiKey: KEY, maxRetries: 0, headers: { 'x-fixture': fixtures[Math.min(i++, fixtures.length - 1)] } });
}

const weather = {
  name: 'get_weather',
  label: 'Weather',
  description: 'Weather of a place',
  parameters: { type: 'object', properties: { location: { type: 'string' }, unit: { type: 'string' } }, required: ['location'] },
  async execute(_id, args) {
    if (args.location.startsWith('Tokyo')) throw new Error('weather service down for Tokyo');
    return { content: [{ type: 'text', text: `18C in ${args.location}` }], details: {} };
  },
};

const clean = (v) => JSON.parse(JSON.stringify(v, (k, x) => (k === 'timestamp' ? undefined : x)));

const agent = new Agent({
  initialState: { systemPrompt: 'Use tools.', model: model('pi-agent-model', 'openai-completions', 'openai'), tools: [weather] },
  streamFn: scripted(['openai/chat-tool-call', 'openai/ai-sdk-after-tool']),
  sessionId: 'pi-session-1',
  toolExecution: 'sequential',
});
const events = [];
agent.subscribe((e) => {
  events.push(e.type);
});
await agent.prompt('Weather in Paris and Tokyo?');

const failing = new Agent({ initialState: { model: model('pi-agent-failing', 'openai-completions', 'openai') }, streamFn: scripted(['openai/error-400']) });
await failing.prompt('x');

process.stdout.write(`RESULT ${JSON.stringify({ events, messages: clean(agent.state.messages), failed: clean(failing.state.messages), error: failing.state.errorMessage })}\n`);

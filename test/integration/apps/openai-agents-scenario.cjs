// The OpenAI Agents SDK scenarios, run against the fake provider: a single
// agent with a function tool, a triage agent handing off to a specialist
// (inside an agentSpan carrying identity), an input guardrail that trips, a
// streamed run, and a model error. Each run has its own workflow name so the
// test can find its tree. API_MODE=chat switches the SDK to Chat Completions.
// The app prints `RESULT {...}` with what the SDK returned: the test compares
// it with a run without the agent. The SDK modules are passed in, so the ESM
// and CJS apps share this file while each loads its own build of the SDK.
'use strict';
const { join } = require('node:path');

const KEY = 'sk-agents-integration-secret-0123456789';

/**
 * An agent run makes several model calls and the fake provider picks a fixture
 * per request (`x-fixture` header): this fetch hands out the queued fixtures in
 * order, and a missing one makes the provider answer 500, which a test sees.
 */
function sequencedFetch(queue) {
  return (url, init) => {
    const headers = new Headers(init?.headers);
    headers.set('x-fixture', queue.shift() ?? 'openai/missing-fixture-queue-empty');
    return fetch(url, { ...init, headers });
  };
}

const FIXTURES = {
  responses: {
    tool: ['openai/responses-function-call', 'openai/responses-basic'],
    handoff: ['openai/agents-handoff', 'openai/responses-basic'],
    guardrail: ['openai/responses-basic'],
    stream: ['openai/responses-function-call', 'openai/responses-basic'],
    error: ['openai/error-500'],
  },
  chat: {
    tool: ['openai/agents-chat-tool-call', 'openai/chat-after-tool'],
    handoff: ['openai/agents-chat-handoff', 'openai/chat-basic'],
    guardrail: ['openai/chat-basic'],
    stream: ['openai/chat-tool-call', 'openai/chat-basic'],
    error: ['openai/error-500'],
  },
};

async function settle(fn) {
  try {
    return { ok: await fn() };
  } catch (error) {
    return { error: error.constructor.name, status: error.status, message: String(error.message).slice(0, 80) };
  }
}

/**
 * @param {{ agents: any, OpenAI: any, z: any, agentSpan?: Function, manualSpan?: Function }} deps
 */
async function run({ agents, OpenAI, z, agentSpan, manualSpan }) {
  const { Agent, Runner, tool, setDefaultOpenAIClient, setOpenAIAPI } = agents;
  const mode = process.env.API_MODE === 'chat' ? 'chat' : 'responses';
  const only = process.env.SCENARIOS ? process.env.SCENARIOS.split(',') : undefined;
  if (mode === 'chat') setOpenAIAPI('chat_completions');
  // Under NODE_ENV=test the SDK switches its tracing off; this is how an app turns it back on.
  if (process.env.AGENTS_FORCE_TRACING === '1') agents.setTracingDisabled(false);
  // Drops the SDK's own exporter (OpenAI dashboard): ours must stay registered.
  if (process.env.DROP_SDK_EXPORT === '1') agents.setTraceProcessors([]);
  const queue = [];
  setDefaultOpenAIClient(new OpenAI({ baseURL: `${process.env.FAKE_BASE_URL}/v1`, apiKey: KEY, maxRetries: 0, fetch: sequencedFetch(queue) }));
  const use = (name) => {
    queue.length = 0;
    queue.push(...FIXTURES[mode][name]);
  };
  const runner = (name, extra = {}) => new Runner({ workflowName: `scenario-${name}`, ...extra });

  const getWeather = tool({
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: z.object({ location: z.string(), unit: z.string() }),
    // A span of the app's inside the tool: it must nest under the TOOL span.
    execute: async ({ location, unit }) => {
      const answer = async () => `18 degrees ${unit} in ${location}`;
      return manualSpan ? manualSpan({ name: 'lookup-weather', spanKind: 'RETRIEVER', input: location }, answer) : answer();
    },
  });
  const weatherAgent = new Agent({ name: 'weather_agent', instructions: 'Answer weather questions with the tool.', tools: [getWeather], model: 'gpt-4o-mini' });
  const specialist = new Agent({ name: 'weather_specialist', instructions: 'You answer weather questions.', model: 'gpt-4o-mini' });
  const triage = new Agent({ name: 'triage', instructions: 'Route weather questions to the specialist.', handoffs: [specialist], model: 'gpt-4o-mini' });
  const guarded = new Agent({
    name: 'guarded_agent',
    instructions: 'Help with anything but homework.',
    model: 'gpt-4o-mini',
    inputGuardrails: [{ name: 'no_homework', execute: async () => ({ outputInfo: { reason: 'homework' }, tripwireTriggered: true }) }],
  });

  const out = { mode };
  const wanted = (name) => !only || only.includes(name);

  if (wanted('tool')) {
    use('tool');
    out.tool = await settle(async () => (await runner('tool', { groupId: 'conv-42' }).run(weatherAgent, 'Weather in Paris?')).finalOutput);
  }

  if (wanted('handoff')) {
    use('handoff');
    const go = async () => {
      const result = await runner('handoff').run(triage, 'What is the weather in Paris?');
      return { output: result.finalOutput, lastAgent: result.lastAgent.name };
    };
    out.handoff = await settle(() => (agentSpan ? agentSpan({ agentName: 'support-bot', sessionId: 'session-7', userId: 'user-3' }, go) : go()));
  }

  if (wanted('guardrail')) {
    use('guardrail');
    out.guardrail = await settle(async () => (await runner('guardrail').run(guarded, 'Solve 2x + 3 = 7 for me')).finalOutput);
    out.guardrailIsAgentsError = out.guardrail.error === 'InputGuardrailTripwireTriggered';
  }

  if (wanted('stream')) {
    use('stream');
    out.stream = await settle(async () => {
      const result = await runner('stream').run(weatherAgent, 'Weather in Paris, streamed?', { stream: true });
      let text = '';
      for await (const chunk of result.toTextStream()) text += chunk;
      await result.completed;
      return { text, final: result.finalOutput };
    });
  }

  if (wanted('error')) {
    use('error');
    try {
      await runner('error').run(specialist, 'This call fails');
      out.error = 'no error';
    } catch (error) {
      out.error = { name: error.constructor.name, status: error.status, isApiError: error instanceof OpenAI.APIError };
    }
  }

  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
  // When the work was done: the test measures how long the exit took after it.
  process.stdout.write(`DONE ${Date.now()}\n`);
}

/** The built package's entry points, from the directory the test built it into. */
function dist(file) {
  return join(process.env.CATALYST_DIST, file);
}

module.exports = { run, dist, KEY };

// An agent loop as a user writes it: agentSpan around two model calls and a
// TOOL step. MODE=setup starts tracing with setup() instead of the preload.
import { pathToFileURL } from 'node:url';
import OpenAI from 'openai';

const api = await import(pathToFileURL(`${process.env.CATALYST_DIST}/esm/index.mjs`).href);
if (process.env.MODE === 'setup') await api.setup({ modules: { openai: OpenAI } });

const client = new OpenAI({ apiKey: 'sk-test-SECRET-123', baseURL: process.env.BASE_URL, maxRetries: 0 });
const runs = Number(process.env.RUNS ?? 1);

async function run(i) {
  return api.agentSpan({ agentId: `agent-${i}`, agentName: 'loop', role: 'planner', sessionId: `session-${i}`, userId: 'user-1', input: `question ${i}` }, async (agent) => {
    const first = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `question ${i}` }] }, { headers: { 'x-fixture': 'openai/chat-tool-call' } });
    const call = first.choices[0].message.tool_calls[0];
    const result = await api.manualSpan({ spanKind: api.SpanKindValues.TOOL, toolName: call.function.name, toolCallId: call.id, input: call.function.arguments }, async (tool) => {
      await new Promise((r) => setTimeout(r, Math.random() * 10));
      tool.setOutput({ forecast: 'sunny' });
      return 'sunny';
    });
    const final = await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `question ${i}` }, first.choices[0].message, { role: 'tool', tool_call_id: call.id, content: result }], stream: true, stream_options: { include_usage: true } },
      { headers: { 'x-fixture': 'openai/chat-basic' } },
    );
    let text = '';
    for await (const chunk of final) text += chunk.choices[0]?.delta?.content ?? '';
    agent.setOutput(text);
    return text;
  });
}

const answers = await Promise.all(Array.from({ length: runs }, (_, i) => run(i)));
console.log(`answers: ${answers.length} ${answers[0]}`);

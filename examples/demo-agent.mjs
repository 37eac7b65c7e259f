// The demo agent: an ordinary app with no tracing code except the optional
// agentSpan/manualSpan grouping. Run under the preload, it becomes one trace.
import OpenAI from 'openai';
import { agentSpan, manualSpan, SpanKindValues } from '@catalyst/tracing';

const client = new OpenAI({ apiKey: 'sk-demo-not-a-real-key', baseURL: process.env.DEMO_BASE_URL, maxRetries: 0 });

function getWeather({ city }) {
  return { city, forecast: city === 'Paris' ? '18°C, partly cloudy' : '24°C, sunny' };
}

const answer = await agentSpan({ agentName: 'weather-agent', agentId: 'demo-1', sessionId: 'session-42', userId: 'user-7' }, async (agent) => {
  const question = 'What is the weather in Paris and Tokyo?';
  agent.setInput(question);
  const messages = [{ role: 'user', content: question }];
  const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];

  // 1. The model asks for tools (a streamed call).
  const stream = await client.chat.completions.create(
    { model: 'gpt-4o-mini', messages, tools, stream: true, stream_options: { include_usage: true } },
    { headers: { 'x-fixture': 'openai/chat-tool-call' } },
  );
  const calls = new Map();
  for await (const chunk of stream) {
    for (const tc of chunk.choices[0]?.delta?.tool_calls ?? []) {
      const call = calls.get(tc.index) ?? { id: tc.id, name: '', args: '' };
      call.name += tc.function?.name ?? '';
      call.args += tc.function?.arguments ?? '';
      calls.set(tc.index, call);
    }
  }
  messages.push({ role: 'assistant', content: null, tool_calls: [...calls.values()].map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.args } })) });

  // 2. Our own TOOL step.
  for (const call of calls.values()) {
    const result = manualSpan({ spanKind: SpanKindValues.TOOL, toolName: call.name, toolCallId: call.id, input: call.args }, (tool) => {
      const out = getWeather(JSON.parse(call.args));
      tool.setOutput(out);
      return out;
    });
    messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(result) });
  }

  // 3. The final answer (a plain call).
  const final = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools }, { headers: { 'x-fixture': 'openai/chat-after-tool' } });
  agent.setOutput(final.choices[0].message.content);
  return final.choices[0].message.content;
});

console.log(`agent answered: ${answer}`);

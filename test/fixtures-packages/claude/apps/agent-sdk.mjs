// The Claude Agent SDK app the claude-agent-sdk tests run (SCENARIO picks what it does):
//   tool     a query loop with an in-process MCP tool (alwaysLoad: offered directly), and an app hook;
//   fail     a loop whose model call the fake refuses;
//   wrapped  wrapClaudeAgentSdkQuery(query) inside an agentSpan (under the preload: one span, not two);
//   abort    a loop the app aborts (its abortController) once the init message arrives;
//   explicit no preload: setup() and wrapClaudeAgentSdkQuery(query) alone;
//   telemetry a loop with the binary's own OpenTelemetry export on (options.env), to CLI_OTLP.
// It prints `RESULT {...}`: what the app saw, to compare with an untraced run.
import { query, createSdkMcpServer, tool } from '@anthropic-ai/claude-agent-sdk';
import { z } from 'zod';

const scenario = process.env.SCENARIO ?? 'tool';
const dist = process.env.CATALYST_DIST;
const api = dist && scenario !== 'tool' && scenario !== 'fail' ? await import(`${dist}/esm/index.mjs`) : undefined;
if (scenario === 'explicit') await api.setup();

const hookCalls = [];
const weather = createSdkMcpServer({
  name: 'weather',
  version: '1.0.0',
  tools: [tool('get_weather', 'The weather of a city', { city: z.string() }, async ({ city }) => ({ content: [{ type: 'text', text: `18 degrees in ${city}` }] }), { alwaysLoad: true })],
});

async function run(q, prompt, extra = {}) {
  const seen = [];
  let result;
  const stream = q({
    prompt,
    options: {
      mcpServers: { weather },
      allowedTools: ['mcp__weather__get_weather'],
      maxTurns: 4,
      hooks: { PreToolUse: [{ hooks: [async (input) => (hookCalls.push(`${input.hook_event_name} ${input.tool_name}`), {})] }] },
      ...extra,
    },
  });
  let threw;
  try {
    for await (const m of stream) {
      seen.push(m.type === 'system' || m.type === 'result' ? `${m.type}/${m.subtype}` : m.type);
      if (m.type === 'result') result = { subtype: m.subtype, is_error: m.is_error, result: m.result };
    }
  } catch (error) {
    threw = `${error?.name}: ${String(error?.message).slice(0, 60)}`;
  }
  return { seen, result, threw, keys: Object.keys(stream).sort() };
}

const out = {};
if (scenario === 'tool') out.tool = await run(query, 'What is the weather in Paris?');
if (scenario === 'telemetry') {
  const env = {
    ...process.env,
    CLAUDE_CODE_ENABLE_TELEMETRY: '1',
    CLAUDE_CODE_ENHANCED_TELEMETRY_BETA: '1',
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_ENDPOINT: process.env.CLI_OTLP,
  };
  out.telemetry = await run(query, 'Say hello', { env });
}
if (scenario === 'abort') {
  const abortController = new AbortController();
  const seen = [];
  try {
    for await (const m of query({ prompt: 'Say hello SLOW', options: { abortController, maxTurns: 1 } })) {
      seen.push(m.type);
      if (m.type === 'system') abortController.abort();
    }
  } catch (error) {
    out.abort = { seen, threw: error?.name };
  }
  out.abort ??= { seen };
}
if (scenario === 'fail') {
  out.fail = await run(query, 'Please FAIL now.');
}
if (scenario === 'wrapped' || scenario === 'explicit') {
  const wrapped = api.wrapClaudeAgentSdkQuery(query);
  out.sameFunction = wrapped === query;
  out.wrapped = await api.agentSpan({ name: 'outer', sessionId: 'app-session', userId: 'user-1' }, () => run(wrapped, 'What is the weather in Paris?'));
}
out.hookCalls = hookCalls;
process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);

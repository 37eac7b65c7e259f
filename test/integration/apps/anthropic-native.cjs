// An app with its own OpenTelemetry setup: a global tracer provider and the W3C
// propagator, as NodeSDK would register. @anthropic-ai/sdk 1.x then starts its own
// `anthropic.messages.create` spans on it. The app makes one call of each traced
// kind, a countTokens call (not traced by us) and, with TOOL_RUNNER=1, a tool
// runner loop, then prints the spans its own provider received:
// `NATIVE [{name, scope, spanId}]`.
'use strict';
const { trace, propagation } = require('@opentelemetry/api');
const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { W3CTraceContextPropagator } = require('@opentelemetry/core');

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
trace.setGlobalTracerProvider(provider);
propagation.setGlobalPropagator(new W3CTraceContextPropagator());

async function main(Anthropic) {
  const client = new Anthropic({ baseURL: process.env.FAKE_BASE_URL, maxRetries: 0 });
  const ask = (tag) => ({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: `[${tag}] Capital of France?` }] });
  await client.messages.create(ask('create'));
  for await (const _ of await client.messages.create({ ...ask('stream'), stream: true }));
  await client.messages.stream(ask('helper')).finalMessage();
  await client.beta.messages.create(ask('beta'));
  await client.beta.messages.stream(ask('beta-stream')).finalMessage();
  await client.messages.countTokens(ask('count'), { headers: { 'x-fixture': 'anthropic/count-tokens' } });
  if (process.env.TOOL_RUNNER) {
    const { betaTool } = require('@anthropic-ai/sdk/helpers/beta/json-schema');
    const { fetchByTurn } = require('./anthropic-scenario.cjs');
    const runnerClient = new Anthropic({ baseURL: process.env.FAKE_BASE_URL, maxRetries: 0, fetch: fetchByTurn });
    const weather = betaTool({ name: 'get_weather', description: 'Weather', inputSchema: { type: 'object', properties: { location: { type: 'string' } } }, run: async () => '18°C' });
    const runner = runnerClient.beta.messages.toolRunner({ ...ask('runner'), tools: [weather] });
    for await (const _ of runner);
  }
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans().map((s) => ({ name: s.name, scope: s.instrumentationScope.name, spanId: s.spanContext().spanId }));
  process.stdout.write(`NATIVE ${JSON.stringify(spans)}\n`);
}

module.exports = { main };
if (require.main === module) main(require('@anthropic-ai/sdk'));

// No preload: `openai` traced the explicit ways `@catalyst/tracing/openai` offers. MODE picks one:
//   subpath    instrumentOpenAI(require('openai')) after the SDK loaded; spans go to the agent's exporter
//   provider   installOpenAIInstrumentation(provider) under the app's own tracer provider, before the SDK
//              is required; prints what the app's in-memory exporter holds
// Runs the scenario's calls that ONLY names.
'use strict';
const scenario = require('./openai-scenario.cjs');
const only = process.env.ONLY ? process.env.ONLY.split(',') : undefined;

async function main() {
  let exporter;
  let traced;
  if (process.env.MODE === 'provider') {
    const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
    const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
    require('@opentelemetry/api').context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    require(scenario.dist('openai.js')).installOpenAIInstrumentation(provider);
  }
  const OpenAI = require('openai');
  if (process.env.MODE === 'subpath') traced = require(scenario.dist('openai.js')).instrumentOpenAI(OpenAI);
  await scenario.run(OpenAI, { only });
  const spans = exporter?.getFinishedSpans().map((s) => ({ name: s.name, scope: s.instrumentationScope.name, attributes: s.attributes }));
  process.stdout.write(`EXPLICIT ${JSON.stringify({ traced, spans })}\n`);
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});

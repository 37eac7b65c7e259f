// An app that registered its own OpenTelemetry tracer provider (and context
// manager) before making calls, and traces its own work with it. Our LLM span
// must nest under the app's span, be exported once (by us), and the app's own
// exporter must see only the app's spans.
'use strict';
const { context, trace } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
trace.setGlobalTracerProvider(provider);
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const Anthropic = require('@anthropic-ai/sdk');

async function main() {
  const tracer = trace.getTracer('the-app');
  const client = new Anthropic({ baseURL: process.env.FAKE_BASE_URL, maxRetries: 0 });
  const text = await tracer.startActiveSpan('app-request', async (span) => {
    const m = await client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: '[own-provider] Capital of France?' }] });
    span.end();
    return m.content[0].text;
  });
  const appSpans = exporter.getFinishedSpans().map((s) => ({ name: s.name, scope: s.instrumentationScope.name, traceId: s.spanContext().traceId, spanId: s.spanContext().spanId }));
  process.stdout.write(`RESULT ${JSON.stringify({ text, appSpans })}\n`);
}

main();

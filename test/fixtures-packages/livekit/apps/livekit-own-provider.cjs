// An app that runs its own tracer provider and hands it to
// installLiveKitAgentsInstrumentation() before loading LiveKit (no preload):
// LiveKit's spans are made by that provider and arrive there converted. The
// spans are collected in memory and printed as SPANS.
const { BasicTracerProvider } = require('@opentelemetry/sdk-trace-base');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { context } = require('@opentelemetry/api');

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const finished = [];
const provider = new BasicTracerProvider({
  spanProcessors: [{ onStart() {}, onEnd: (s) => finished.push(s), forceFlush: async () => {}, shutdown: async () => {} }],
});
const { installLiveKitAgentsInstrumentation } = require(`${process.env.CATALYST_DIST}/livekit-agents.js`);
installLiveKitAgentsInstrumentation(provider);

process.on('beforeExit', () => {
  if (finished.length === 0) return;
  const spans = finished.splice(0).map((s) => ({ name: s.name, scope: s.instrumentationScope.name, kind: s.attributes['openinference.span.kind'], attributes: s.attributes, status: s.status.code }));
  console.log(`SPANS ${JSON.stringify(spans)}`);
});

require('./livekit-agent.cjs');

// Registers a global OpenTelemetry tracer provider before the SDK runs (from the repository's own
// @opentelemetry packages, found up the directory tree): `app` an in-memory one of the app's own,
// whose span names are returned; `ours` the provider of the agent's pipeline.
export async function registerGlobal(who) {
  if (!who) return undefined;
  const { trace } = await import('@opentelemetry/api');
  if (who === 'ours') {
    const state = globalThis[Symbol.for('@catalyst/tracing.state')];
    const pipeline = state?.pipeline ?? state?.startPipeline?.();
    if (!pipeline) throw new Error('no pipeline: run under the preload');
    trace.setGlobalTracerProvider(pipeline.provider);
    return undefined;
  }
  const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const exporter = new InMemorySpanExporter();
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  return () => exporter.getFinishedSpans().map((s) => s.name);
}

import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { IdentitySpanProcessor } from '../../src/trace/identity';

/** A provider wired like the agent's (identity processor first), exporting to memory. */
export function inMemoryTracing() {
  const manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new IdentitySpanProcessor(), new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('test');
  return {
    tracer,
    spans: () => exporter.getFinishedSpans(),
    byName: (name: string) => exporter.getFinishedSpans().find((s) => s.name === name),
    reset: () => exporter.reset(),
  };
}

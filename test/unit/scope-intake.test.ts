import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { registerScopeRule, ScopeIntakeProcessor, takeAttributes, unregisterScopeRule } from '../../src/trace/scope-intake';
import { writeAttributes } from '../../src/trace/write';

// Spans an SDK makes under its own scope are converted or dropped by that
// scope's rule as they end; every other scope passes through untouched.
describe('ScopeIntakeProcessor', () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new ScopeIntakeProcessor(new SimpleSpanProcessor(exporter))] });
  afterEach(() => {
    unregisterScopeRule('sdk-a');
    exporter.reset();
  });

  it('passes spans of a scope without a rule through as they were', () => {
    registerScopeRule({ scope: 'sdk-a', onEnding: () => 'drop' });
    const span = provider.getTracer('sdk-b').startSpan('b-op', { attributes: { 'gen_ai.prompt': 'kept' } });
    span.end();
    expect(exporter.getFinishedSpans().map((s) => [s.name, s.attributes])).toEqual([['b-op', { 'gen_ai.prompt': 'kept' }]]);
  });

  it('converts a span of a ruled scope while it can still be written, and keeps other keys', () => {
    registerScopeRule({
      scope: 'sdk-a',
      onEnding: (span) => {
        const own = takeAttributes(span, (k) => k.startsWith('sdk.'));
        writeAttributes(span, { 'input.value': own['sdk.prompt'] });
        return 'keep';
      },
    });
    const span = provider.getTracer('sdk-a').startSpan('a-op', { attributes: { 'session.id': 's1' } });
    span.setAttribute('sdk.prompt', 'hello');
    span.end();
    expect(exporter.getFinishedSpans()[0]!.attributes).toEqual({ 'session.id': 's1', 'input.value': 'hello' });
  });

  it('keeps a dropped span from the export', () => {
    registerScopeRule({ scope: 'sdk-a', onEnding: (span) => (span.name === 'dup' ? 'drop' : 'keep') });
    const tracer = provider.getTracer('sdk-a');
    tracer.startSpan('dup').end();
    tracer.startSpan('kept').end();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['kept']);
  });

  it('exports the span unconverted when a rule throws, and the app sees nothing', () => {
    registerScopeRule({
      scope: 'sdk-a',
      onEnding: () => {
        throw new Error('rule bug');
      },
    });
    expect(() => provider.getTracer('sdk-a').startSpan('a-op').end()).not.toThrow();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['a-op']);
  });
});

import { context, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parentContext, registerParentResolver, unregisterParentResolver } from '../../src/trace/parent-context';
import { manualSpan } from '../../src/api/manual-span';
import { SpanKindValues } from '../../src/semconv/attr';
import { inMemoryTracing } from './in-memory';

// A framework that learns of its runs through callbacks maps "its current run"
// to our span with a resolver; the span API and provider patches start their
// spans where the resolver says.
describe('parentContext', () => {
  const t = inMemoryTracing();
  afterEach(() => {
    unregisterParentResolver('test-a');
    unregisterParentResolver('test-b');
    t.reset();
  });

  it('is the active context when no resolver has an opinion', () => {
    registerParentResolver('test-a', () => undefined);
    const active = context.active();
    expect(parentContext('api')).toBe(active);
  });

  it('nests a manual span under the span a resolver names, and tells resolvers who asks', () => {
    const frameworkRun = t.tracer.startSpan('framework run');
    const seen: string[] = [];
    registerParentResolver('test-a', (active, origin) => {
      seen.push(origin);
      return trace.setSpan(active, frameworkRun);
    });
    manualSpan(t.tracer, { name: 'inside', spanKind: SpanKindValues.TOOL }, () => undefined);
    frameworkRun.end();
    const inside = t.byName('inside')!;
    expect(inside.parentSpanContext?.spanId).toBe(frameworkRun.spanContext().spanId);
    expect(seen).toEqual(['api']);
  });

  it('skips a resolver that throws and asks the next one', () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const fallback = t.tracer.startSpan('fallback');
    registerParentResolver('test-a', () => {
      throw new Error('framework internals moved');
    });
    registerParentResolver('test-b', (active) => trace.setSpan(active, fallback));
    expect(trace.getSpan(parentContext('provider'))).toBe(fallback);
    fallback.end();
    err.mockRestore();
  });
});

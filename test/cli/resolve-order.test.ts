import { describe, expect, it } from 'vitest';
import { dedupeAndSort } from '../../src/cli/resolve';
import type { StoredSpan } from '../../src/store/format';
import { span } from './helpers/store-gen.mjs';

const T = 'a'.repeat(32);
const mk = (spanId: string, name: string, start: number, end: number, parentSpanId?: string) =>
  span({ traceId: T, spanId, parentSpanId, name, start, end }) as StoredSpan;

describe('dedupeAndSort', () => {
  it('keeps siblings that share a start in the order the store holds them, not by their end', () => {
    // As OpenTelemetry records a model call and the parser run right after it in the same millisecond:
    // one start, and the short parser shows the earlier end.
    const root = mk('r'.repeat(16), 'chain', 1000, 1002);
    const model = mk('m'.repeat(16), 'model', 1001, 1001.5, root.spanId);
    const parser = mk('p'.repeat(16), 'parser', 1001, 1001.05, root.spanId);
    expect(dedupeAndSort([model, parser, root]).map((s) => s.name)).toEqual(['chain', 'model', 'parser']);
    expect(dedupeAndSort([mk('l'.repeat(16), 'later', 1003, 1003.1, root.spanId), model, root]).map((s) => s.name)).toEqual(['chain', 'model', 'later']);
  });

  it('keeps one span of each id', () => {
    const a = mk('a'.repeat(16), 'a', 1, 2);
    expect(dedupeAndSort([a, { ...a }])).toHaveLength(1);
  });
});

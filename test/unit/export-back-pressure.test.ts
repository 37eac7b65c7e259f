import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Span } from '@opentelemetry/api';
import { resolveConfig } from '../../src/config/config';
import { KNOWN_INTEGRATIONS } from '../../src/integrations/registry';
import { buildPipeline, type BuiltPipeline } from '../../src/export/pipeline';
import { writeAttributes } from '../../src/trace/write';
import { resetReported } from '../../src/diagnostics/report';

/**
 * A full queue stops spans at their start: while the endpoint cannot take
 * them, a traced call builds no attributes and holds no memory, and each span
 * so left out is counted where the exit line reads it.
 */

let stderr: string[] = [];
let pipeline: BuiltPipeline | undefined;

beforeEach(() => {
  resetReported();
  stderr = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (stderr.push(String(chunk)), true));
});

afterEach(async () => {
  vi.restoreAllMocks();
  await pipeline?.batch.takeQueued();
  pipeline = undefined;
});

function build(env: Record<string, string>): BuiltPipeline {
  const result = resolveConfig({}, { CATALYST_OTLP_ENDPOINT: 'http://127.0.0.1:9', CATALYST_SCHEDULED_DELAY_MS: '600000', ...env }, KNOWN_INTEGRATIONS);
  if (!('config' in result) || !result.config) throw new Error('config did not resolve');
  pipeline = buildPipeline(result.config);
  return pipeline;
}

function endSpan(p: BuiltPipeline, name: string, attributes: Record<string, unknown> = {}): Span {
  const span = p.tracer.startSpan(name);
  writeAttributes(span, attributes);
  span.end();
  return span;
}

describe('back-pressure sampling', () => {
  it('records spans while the queue has room, then starts them unrecorded, counted once each, with one warning', () => {
    const p = build({ CATALYST_MAX_QUEUE_SIZE: '3' });
    const recorded = [0, 1, 2].map((i) => endSpan(p, `kept ${i}`));
    expect(recorded.every((s) => s.spanContext().traceFlags === 1)).toBe(true);
    let built = 0;
    const costly = { get 'input.value'() { built++; return 'x'.repeat(10); } };
    const dropped = [3, 4].map((i) => {
      const span = p.tracer.startSpan(`dropped ${i}`);
      expect(span.isRecording()).toBe(false);
      writeAttributes(span, costly);
      span.end();
      return span;
    });
    expect(built).toBe(0);
    expect(dropped.every((s) => s.spanContext().traceFlags === 0)).toBe(true);
    expect(p.stats()).toMatchObject({ queued: 3, droppedQueueFull: 2 });
    expect(stderr.filter((l) => l.includes('span queue is full'))).toHaveLength(1);
    // Room again: recording resumes.
    p.batch.takeQueued();
    expect(p.tracer.startSpan('again').isRecording()).toBe(true);
  });

  it('still honours OTEL_TRACES_SAMPLER when the queue has room', () => {
    const previous = process.env.OTEL_TRACES_SAMPLER;
    process.env.OTEL_TRACES_SAMPLER = 'always_off';
    try {
      const p = build({});
      expect(p.tracer.startSpan('sampled out').isRecording()).toBe(false);
      expect(p.stats().droppedQueueFull).toBe(0);
    } finally {
      if (previous === undefined) delete process.env.OTEL_TRACES_SAMPLER;
      else process.env.OTEL_TRACES_SAMPLER = previous;
    }
  });
});

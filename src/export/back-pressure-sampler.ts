import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import { SamplingDecision, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace-base';

/** What the sampler asks of the queue it protects. */
export interface BackPressure {
  /** No room for another span: it would be dropped at its end anyway. */
  isFull(): boolean;
  /** Counts a span not recorded because of that, for the exit line and the one warning. */
  dropped(): void;
}

const NOT_RECORDED: SamplingResult = { decision: SamplingDecision.NOT_RECORD };

/**
 * Decides at a span's start what the queue would decide at its end: when the
 * queue is full (the endpoint is down or slower than the app), the span is
 * not recorded at all. A span dropped at its end has already cost its
 * attributes, its message JSON and the garbage of both; a span never recorded
 * costs none of that (every attribute writer returns early on a span that is
 * not recording), so an outage neither grows memory nor adds per-call work.
 *
 * Otherwise the decision is the configured sampler's (OpenTelemetry's
 * default, parent-based, which reads OTEL_TRACES_SAMPLER), exactly as before;
 * being parent-based, it also leaves out the children of a span not recorded,
 * so a tree is kept or dropped whole, never exported with holes.
 */
export class BackPressureSampler implements Sampler {
  constructor(
    private readonly inner: Sampler,
    private readonly queue: BackPressure,
  ) {}

  shouldSample(context: Context, traceId: string, spanName: string, spanKind: SpanKind, attributes: Attributes, links: Link[]): SamplingResult {
    if (this.queue.isFull()) {
      this.queue.dropped();
      return NOT_RECORDED;
    }
    return this.inner.shouldSample(context, traceId, spanName, spanKind, attributes, links);
  }

  toString(): string {
    return `BackPressureSampler{${this.inner.toString()}}`;
  }
}

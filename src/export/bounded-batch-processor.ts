import type { Context } from '@opentelemetry/api';
import { BatchSpanProcessor, type ReadableSpan, type Span, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { warnOnce } from '../diagnostics/report';

/**
 * OTel's batch processor, plus what it does not tell users: how many spans it
 * dropped because its queue was full (the endpoint was down or slow). The count
 * is reported once, with the total kept for the exit line and for tests.
 */
export class BoundedBatchProcessor implements SpanProcessor {
  readonly inner: BatchSpanProcessor;
  dropped = 0;

  constructor(
    exporter: SpanExporter,
    private readonly maxQueueSize: number,
  ) {
    this.inner = new BatchSpanProcessor(exporter, {
      maxQueueSize,
      maxExportBatchSize: Math.min(512, maxQueueSize),
      scheduledDelayMillis: 1000,
      exportTimeoutMillis: 10_000,
    });
  }

  onStart(span: Span, parentContext: Context): void {
    this.inner.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    if (this.queueLength() >= this.maxQueueSize) {
      this.dropped++;
      warnOnce('queue-full', `the span queue is full (${this.maxQueueSize}, CATALYST_MAX_QUEUE_SIZE); newer spans are dropped until the exporter catches up`);
    }
    this.inner.onEnd(span);
  }

  /** Spans ended but not yet handed to the exporter. */
  queueLength(): number {
    // The batch processor keeps its queue in a private array; read it without depending on it existing.
    const queue = (this.inner as unknown as { _finishedSpans?: unknown[] })._finishedSpans;
    return Array.isArray(queue) ? queue.length : 0;
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

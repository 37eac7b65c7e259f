import { context, TraceFlags, type Context } from '@opentelemetry/api';
import { ExportResultCode, suppressTracing } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { reportInternalError, warnOnce } from '../diagnostics/report';

export interface BatchOptions {
  /** Spans held while waiting for the exporter; beyond it, new spans are dropped and counted. */
  maxQueueSize: number;
  /** The same bound in bytes, estimated by spanBytes(): long conversations make spans of megabytes. */
  maxQueueBytes?: number;
  maxBatchSize: number;
  /** How long a partial batch waits for company. */
  scheduledDelayMs: number;
  /** A guard around the exporter's own bound, in case its callback never comes. */
  exportTimeoutMs: number;
}

/**
 * A batch span processor with the properties the agent needs and OTel's does
 * not give (its export timer is a ref'd 30 s timeout that keeps a finished
 * script alive while an endpoint hangs, and its queue is private):
 * - a bounded queue: when the endpoint is down or slow, memory stays flat and
 *   new spans are dropped, counted, and reported once;
 * - one export at a time, started on the next turn of the loop when a full
 *   batch is waiting, else after `scheduledDelayMs`;
 * - every timer unref'd: the processor never keeps a process alive;
 * - `takeQueued()` for the synchronous exit path.
 */
export class BoundedBatchProcessor implements SpanProcessor {
  /** Spans dropped because the queue was full. */
  dropped = 0;
  /** Spans whose export failed or never called back in time. */
  failed = 0;
  private queue: ReadableSpan[] = [];
  /** spanBytes() of each queued span, in queue order, and their sum. */
  private sizes: number[] = [];
  private queuedBytes = 0;
  private timer?: NodeJS.Timeout;
  /** The pending timer is the zero-delay one of a full batch. */
  private timerIsImmediate = false;
  private active?: Promise<void>;
  private stopped = false;

  constructor(
    readonly exporter: SpanExporter,
    private readonly options: BatchOptions,
  ) {}

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    if (this.stopped) return;
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.isFull()) {
      this.noteDropped();
      return;
    }
    const size = this.options.maxQueueBytes === undefined ? 0 : spanBytes(span);
    // One span larger than the whole cap still goes when the queue is empty: it would never go otherwise.
    if (this.queue.length > 0 && this.queuedBytes + size > this.options.maxQueueBytes!) {
      this.noteDropped();
      return;
    }
    this.queue.push(span);
    this.sizes.push(size);
    this.queuedBytes += size;
    this.schedule();
  }

  /** No room for another span. */
  isFull(): boolean {
    return this.queue.length >= this.options.maxQueueSize || (this.options.maxQueueBytes !== undefined && this.queuedBytes >= this.options.maxQueueBytes);
  }

  /** Counts one span lost to a full queue (here at its end, or by the sampler at its start), warning once. */
  noteDropped(): void {
    this.dropped++;
    const { maxQueueSize, maxQueueBytes } = this.options;
    const limit = this.queue.length >= maxQueueSize || maxQueueBytes === undefined ? `${maxQueueSize}, CATALYST_MAX_QUEUE_SIZE` : `${Math.round(maxQueueBytes / 1048576)} MB, CATALYST_MAX_QUEUE_MB`;
    warnOnce('queue-full', `the span queue is full (${limit}): the endpoint is not keeping up, so newer spans are dropped until it does`);
  }

  /** Spans ended but not yet handed to the exporter. */
  queueLength(): number {
    return this.queue.length;
  }

  /** Removes and returns what is queued: for the exit path, which sends it itself. */
  takeQueued(): ReadableSpan[] {
    this.clearTimer();
    const taken = this.queue;
    this.queue = [];
    this.sizes = [];
    this.queuedBytes = 0;
    return taken;
  }

  /** Exports everything queued now, batch after batch; spans ended meanwhile wait for the next round. */
  async forceFlush(): Promise<void> {
    let rounds = Math.ceil(this.queue.length / this.options.maxBatchSize) + 1;
    while (rounds-- > 0 && (this.active || this.queue.length > 0)) {
      await (this.active ?? this.exportNext());
    }
    await this.exporter.forceFlush?.();
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
    this.stopped = true;
    this.clearTimer();
    await this.exporter.shutdown();
  }

  /**
   * Exports start from an unref'd timer only, never inside `onEnd`: a span can
   * end in the app's 'beforeExit' listener, when nothing else keeps the loop
   * alive, and a connection opened right then would (its connect request
   * counts as pending work), making Node fire 'beforeExit' once more than
   * untraced. A timer callback runs only while the app's own work runs the loop.
   * `afterExport`: called as an export settles, in an I/O callback of the
   * running loop, so a full batch waiting then goes at once: a timer turn per
   * batch let the queue overflow under 200 concurrent streams on an idle machine.
   */
  private schedule(afterExport = false): void {
    if (this.active || this.stopped || this.queue.length === 0) return;
    const full = this.queue.length >= this.options.maxBatchSize;
    if (full && afterExport) {
      this.clearTimer();
      void this.exportNext();
      return;
    }
    if (this.timer && !(full && !this.timerIsImmediate)) return;
    this.clearTimer();
    this.timerIsImmediate = full;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        void this.exportNext();
      },
      full ? 0 : this.options.scheduledDelayMs,
    );
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private exportNext(): Promise<void> {
    if (this.active) return this.active;
    if (this.queue.length === 0) return Promise.resolve();
    const batch = this.queue.splice(0, this.options.maxBatchSize);
    for (const size of this.sizes.splice(0, batch.length)) this.queuedBytes -= size;
    const run = this.exportBatch(batch).finally(() => {
      if (this.active === run) this.active = undefined;
      if (this.queue.length > 0) this.schedule(true);
    });
    this.active = run;
    return run;
  }

  private exportBatch(batch: ReadableSpan[]): Promise<void> {
    return new Promise<void>((resolve) => {
      let settled = false;
      const finish = (ok: boolean): void => {
        if (settled) return;
        settled = true;
        clearTimeout(guard);
        if (!ok) this.failed += batch.length;
        resolve();
      };
      const guard = setTimeout(() => finish(false), this.options.exportTimeoutMs);
      guard.unref();
      try {
        // The exporter's own HTTP request must not be traced by an app's HTTP instrumentation.
        context.with(suppressTracing(context.active()), () => {
          this.exporter.export(batch, (result) => finish(result.code === ExportResultCode.SUCCESS));
        });
      } catch (error) {
        reportInternalError('export', error);
        finish(false);
      }
    });
  }
}

/** Per span, for what an attribute's or event's text does not show (ids, times, the objects holding them). */
const SPAN_OVERHEAD_BYTES = 1024;

/**
 * A span's size in memory, roughly: a fixed overhead plus the length of its
 * attribute and event text (a JS string holds one or two bytes a character;
 * one is counted). Cheap: one pass over the span's attribute values, which
 * the exporter reads anyway.
 */
export function spanBytes(span: ReadableSpan): number {
  let bytes = SPAN_OVERHEAD_BYTES + valuesBytes(span.attributes);
  for (const event of span.events) bytes += 64 + event.name.length + (event.attributes ? valuesBytes(event.attributes) : 0);
  return bytes;
}

function valuesBytes(attributes: ReadableSpan['attributes']): number {
  let bytes = 0;
  for (const key in attributes) {
    const value = attributes[key];
    bytes += key.length + 16;
    if (typeof value === 'string') bytes += value.length;
    else if (Array.isArray(value)) for (const item of value) bytes += typeof item === 'string' ? item.length : 8;
  }
  return bytes;
}

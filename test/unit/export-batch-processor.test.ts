import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TraceFlags } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { BoundedBatchProcessor, type BatchOptions } from '../../src/export/bounded-batch-processor';
import { OtlpHttpExporter } from '../../src/export/otlp-exporter';
import { resetReported } from '../../src/diagnostics/report';
import { exporterOptions, makeSpans, startLoopback, type Loopback } from './export-loopback';

/**
 * The batch processor's schedule, bound and counts, on a faked clock with an
 * exporter whose answers the test gives by hand; then once with the real
 * exporter against a loopback endpoint that hangs.
 */

/** An exporter that records each batch and leaves the answer to the test. */
class ManualExporter implements SpanExporter {
  readonly batches: { spans: ReadableSpan[]; done: (result: ExportResult) => void }[] = [];
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.batches.push({ spans, done });
  }
  /** Answers the oldest unanswered batch. */
  answer(code: ExportResultCode = ExportResultCode.SUCCESS): void {
    const next = this.batches.find((b) => !(b as { answered?: boolean }).answered) as { done: (r: ExportResult) => void; answered?: boolean } | undefined;
    if (!next) throw new Error('no batch to answer');
    next.answered = true;
    next.done({ code });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const defaults: BatchOptions = { maxQueueSize: 100, maxBatchSize: 10, scheduledDelayMs: 1000, exportTimeoutMs: 30_000 };
let stderr: string[] = [];

beforeEach(() => {
  resetReported();
  stderr = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (stderr.push(String(chunk)), true));
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** A zero-delay timer's turn (Node runs those after 1 ms, and so does the fake clock). */
const nextTurn = () => vi.advanceTimersByTimeAsync(1);

function setUp(options: Partial<BatchOptions> = {}) {
  const exporter = new ManualExporter();
  const processor = new BoundedBatchProcessor(exporter, { ...defaults, ...options });
  const end = (spans: ReadableSpan[]) => spans.forEach((s) => processor.onEnd(s));
  return { exporter, processor, end };
}

describe('BoundedBatchProcessor: schedule', () => {
  it('a partial batch waits scheduledDelayMs for company, then goes as one export', async () => {
    const { exporter, end } = setUp();
    end(makeSpans(3));
    await vi.advanceTimersByTimeAsync(999);
    expect(exporter.batches).toHaveLength(0);
    end(makeSpans(2));
    await vi.advanceTimersByTimeAsync(1);
    expect(exporter.batches.map((b) => b.spans.length)).toEqual([5]);
  });

  it('a full batch goes on the next turn, without waiting for the delay', async () => {
    const { exporter, end } = setUp();
    end(makeSpans(10));
    expect(exporter.batches).toHaveLength(0);
    await nextTurn();
    expect(exporter.batches.map((b) => b.spans.length)).toEqual([10]);
  });

  it('one export at a time: the next batch waits for the answer to the last', async () => {
    const { exporter, end } = setUp();
    end(makeSpans(25));
    await nextTurn();
    expect(exporter.batches.map((b) => b.spans.length)).toEqual([10]);
    // Spans ending meanwhile do not start a second export either.
    end(makeSpans(2));
    await vi.advanceTimersByTimeAsync(5000);
    expect(exporter.batches).toHaveLength(1);
    exporter.answer();
    await nextTurn();
    expect(exporter.batches.map((b) => b.spans.length)).toEqual([10, 10]);
    exporter.answer();
    // The rest is a partial batch: it waits the delay.
    await vi.advanceTimersByTimeAsync(999);
    expect(exporter.batches).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(exporter.batches.map((b) => b.spans.length)).toEqual([10, 10, 7]);
  });

  it('ignores spans that are not sampled', async () => {
    const { exporter, processor, end } = setUp();
    const [sampled, unsampled] = makeSpans(2);
    const context = unsampled.spanContext();
    const notSampled = { ...unsampled, spanContext: () => ({ ...context, traceFlags: TraceFlags.NONE }) } as ReadableSpan;
    end([sampled, notSampled]);
    expect(processor.queueLength()).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(exporter.batches[0].spans).toEqual([sampled]);
  });

  it('takeQueued hands over what is queued and cancels the pending export', async () => {
    const { exporter, processor, end } = setUp();
    const spans = makeSpans(4);
    end(spans);
    expect(processor.takeQueued()).toEqual(spans);
    expect(processor.queueLength()).toBe(0);
    await vi.advanceTimersByTimeAsync(5000);
    expect(exporter.batches).toHaveLength(0);
  });

  it('forceFlush exports everything queued, batch after batch', async () => {
    const { exporter, processor, end } = setUp();
    end(makeSpans(23));
    const flushed = processor.forceFlush();
    for (let i = 0; i < 3; i++) {
      await nextTurn();
      exporter.answer();
    }
    await flushed;
    expect(exporter.batches.map((b) => b.spans.length)).toEqual([10, 10, 3]);
    expect(processor.queueLength()).toBe(0);
  });
});

describe('BoundedBatchProcessor: never keeps a process alive', () => {
  const refTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

  it('its batch timer and its export guard are unref\'d', async () => {
    vi.useRealTimers();
    const { exporter, processor, end } = setUp();
    const spans = makeSpans(3);
    // Counted right around the call that creates each timer: nothing else runs in between.
    let before = refTimers();
    end(spans);
    expect(refTimers()).toBe(before);
    before = refTimers();
    const flushed = processor.forceFlush();
    expect(exporter.batches).toHaveLength(1);
    expect(refTimers()).toBe(before);
    exporter.answer();
    await flushed;
  });
});

describe('BoundedBatchProcessor: the bounded queue and its counts', () => {
  it('bounds the queue in bytes too: large spans are dropped once their text passes maxQueueBytes, with a line naming CATALYST_MAX_QUEUE_MB', async () => {
    const { exporter, processor, end } = setUp({ maxQueueSize: 1000, maxBatchSize: 10, maxQueueBytes: 1024 * 1024 });
    end(makeSpans(10, 0, 'first'));
    await nextTurn();
    // The first batch is out, unanswered. Spans of 100 KB of text: ten fit in 1 MB (each also counts ~1 KB of overhead), the rest do not.
    end(makeSpans(15, 100_000, 'big'));
    expect(processor.queueLength()).toBe(10);
    expect(processor.dropped).toBe(5);
    expect(processor.isFull()).toBe(false);
    expect(stderr.filter((l) => l.includes('the span queue is full'))).toHaveLength(1);
    expect(stderr.join('')).toContain('1 MB, CATALYST_MAX_QUEUE_MB');
    // Small spans still fit beside them until the bytes run out, and an export frees the bytes it takes.
    end(makeSpans(5, 0, 'small'));
    expect(processor.queueLength()).toBe(15);
    exporter.answer();
    await nextTurn();
    expect(processor.queueLength()).toBe(5);
    end(makeSpans(12, 100_000, 'again'));
    expect(processor.queueLength()).toBe(15);
  });

  it('a single span larger than maxQueueBytes still goes when the queue is empty', async () => {
    const { exporter, processor, end } = setUp({ maxQueueSize: 100, maxBatchSize: 10, maxQueueBytes: 10_000 });
    end(makeSpans(1, 50_000, 'huge'));
    expect(processor.queueLength()).toBe(1);
    expect(processor.isFull()).toBe(true);
    end(makeSpans(1, 0, 'next'));
    expect(processor.dropped).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(exporter.batches[0].spans.map((s) => s.name)).toEqual(['huge-0']);
    exporter.answer();
    await nextTurn();
    expect(processor.isFull()).toBe(false);
  });

  it('drops and counts spans beyond maxQueueSize while the exporter is busy, warning once', async () => {
    const { exporter, processor, end } = setUp({ maxQueueSize: 20, maxBatchSize: 10 });
    end(makeSpans(10, 0, 'first'));
    await nextTurn();
    // The first batch is out, unanswered: 20 more fit in the queue, 7 do not.
    end(makeSpans(27, 0, 'more'));
    expect(processor.queueLength()).toBe(20);
    expect(processor.dropped).toBe(7);
    end(makeSpans(3, 0, 'later'));
    expect(processor.dropped).toBe(10);
    expect(stderr.filter((l) => l.includes('the span queue is full'))).toHaveLength(1);
    expect(stderr.join('')).toContain('CATALYST_MAX_QUEUE_SIZE');
    // The newest spans were the ones dropped; the queued ones still go out.
    exporter.answer();
    await nextTurn();
    exporter.answer();
    await nextTurn();
    const sent = exporter.batches.flatMap((b) => b.spans.map((s) => s.name));
    expect(sent).toHaveLength(30);
    expect(sent.filter((n) => n.startsWith('later'))).toHaveLength(0);
    expect(sent.slice(10, 30)).toEqual(Array.from({ length: 20 }, (_, i) => `more-${i}`));
  });

  it('counts a failed export, and one that never calls back by exportTimeoutMs, and moves on', async () => {
    const { exporter, processor, end } = setUp({ exportTimeoutMs: 5000 });
    end(makeSpans(10));
    await nextTurn();
    exporter.answer(ExportResultCode.FAILED);
    expect(processor.failed).toBe(10);
    end(makeSpans(10));
    await nextTurn();
    expect(exporter.batches).toHaveLength(2);
    // No answer: the guard gives up on it and the next batch goes.
    end(makeSpans(10));
    await vi.advanceTimersByTimeAsync(4990);
    expect(exporter.batches).toHaveLength(2);
    expect(processor.failed).toBe(10);
    await vi.advanceTimersByTimeAsync(10);
    expect(processor.failed).toBe(20);
    await nextTurn();
    expect(exporter.batches).toHaveLength(3);
    // A late answer to the abandoned batch is not counted again.
    exporter.answer(ExportResultCode.FAILED);
    expect(processor.failed).toBe(20);
  });

  it('after shutdown: exports nothing more, and counts nothing as dropped', async () => {
    const { exporter, processor, end } = setUp();
    end(makeSpans(2));
    const done = processor.shutdown();
    await nextTurn();
    exporter.answer();
    await done;
    end(makeSpans(2));
    await vi.advanceTimersByTimeAsync(5000);
    expect(exporter.batches).toHaveLength(1);
    expect(processor.queueLength()).toBe(0);
    expect(processor.dropped).toBe(0);
  });
});

describe('BoundedBatchProcessor with the OTLP exporter', () => {
  let server: Loopback | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('an endpoint that hangs: memory stays bounded, the overflow is counted dropped, the batch in flight unconfirmed', async () => {
    vi.useRealTimers();
    server = await startLoopback(() => 'hang');
    const exporter = new OtlpHttpExporter(exporterOptions(server.url, { timeoutMs: 300 }));
    const processor = new BoundedBatchProcessor(exporter, { maxQueueSize: 8, maxBatchSize: 4, scheduledDelayMs: 5, exportTimeoutMs: 10_000 });
    makeSpans(4).forEach((s) => processor.onEnd(s));
    // Wait until the first batch has reached the endpoint (and hangs there).
    for (let i = 0; i < 1000 && server.received.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(server.received).toHaveLength(1);
    makeSpans(12).forEach((s) => processor.onEnd(s));
    expect(processor.queueLength()).toBe(8);
    expect(processor.dropped).toBe(4);
    // The hung batch runs out of its 300 ms budget; the rest follows (and hangs too).
    await processor.shutdown();
    expect(exporter.stats.unconfirmed).toBe(12);
    expect(processor.failed).toBe(12);
    expect(server.received.length).toBe(3);
  });
});

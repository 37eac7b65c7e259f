import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { OtlpHttpExporter, type OtlpExporterOptions } from '../../src/export/otlp-exporter';
import { resetReported } from '../../src/diagnostics/report';
import { exporterOptions, makeSpans, startLoopback, type Answer, type Loopback, type Received } from './export-loopback';

/**
 * The OTLP exporter in-process, against a loopback endpoint that answers as
 * each test scripts: which statuses are retried, Retry-After, the per-batch
 * time budget, and splitting of large bodies. Timing is asserted on a faked
 * clock (setTimeout and Date), advanced by the test while real sockets carry
 * the requests, so nothing depends on how loaded the machine is.
 */

// Kept before any test fakes the timers: the driver below waits on real I/O with them.
const realSetTimeout = globalThis.setTimeout;
const realPause = (ms: number) => new Promise<void>((resolve) => realSetTimeout(resolve, ms));

let server: Loopback | undefined;
let exporter: OtlpHttpExporter | undefined;
let stderr: string[] = [];

beforeEach(() => {
  resetReported();
  stderr = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (stderr.push(String(chunk)), true));
});

afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  await exporter?.shutdown();
  exporter = undefined;
  await server?.close();
  server = undefined;
});

async function setUp(answer: (index: number, request: Received) => Answer, options: Partial<OtlpExporterOptions> = {}): Promise<{ server: Loopback; exporter: OtlpHttpExporter }> {
  server = await startLoopback(answer);
  exporter = new OtlpHttpExporter(exporterOptions(server.url, options));
  return { server, exporter };
}

function exportSpans(e: OtlpHttpExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => e.export(spans, resolve));
}

/**
 * Settles `promise` under fake timers: lets real I/O run, then moves the fake
 * clock on by `stepMs`, until it settles. A request in flight may see the
 * clock move meanwhile; the assertions leave room for one step.
 */
async function drive<T>(promise: Promise<T>, stepMs = 50, maxFakeMs = 300_000): Promise<T> {
  let done = false;
  void promise.finally(() => (done = true));
  for (let advanced = 0; !done; advanced += stepMs) {
    if (advanced > maxFakeMs) throw new Error(`still not settled after ${maxFakeMs} fake ms`);
    await realPause(3);
    if (!done) await vi.advanceTimersByTimeAsync(stepMs);
  }
  return promise;
}

const fakeClock = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });

describe('OtlpHttpExporter: statuses', () => {
  it('sends a batch as one request the endpoint can decode, and counts it exported', async () => {
    const { server, exporter } = await setUp(() => ({ status: 200 }), { compression: 'gzip', headers: { authorization: 'Bearer t' } });
    const spans = makeSpans(5);
    const result = await exportSpans(exporter, spans);
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(server.received).toHaveLength(1);
    expect(server.names()).toEqual(spans.map((s) => s.name));
    expect(server.received[0].headers.authorization).toBe('Bearer t');
    expect(exporter.stats).toMatchObject({ exported: 5, failed: 0, unconfirmed: 0 });
  });

  it.each([429, 502, 503, 504])('retries HTTP %i within the budget, then counts the batch exported once', async (status) => {
    fakeClock();
    const { server, exporter } = await setUp((i) => (i === 0 ? { status } : { status: 200 }));
    const spans = makeSpans(3);
    const result = await drive(exportSpans(exporter, spans));
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(server.received).toHaveLength(2);
    // The same spans, sent again after a backoff (first one 400-600 ms).
    expect(server.received[1].names).toEqual(server.received[0].names);
    expect(server.received[1].at - server.received[0].at).toBeGreaterThanOrEqual(400);
    expect(exporter.stats).toMatchObject({ exported: 3, failed: 0 });
  });

  it('retries a connection reset before any answer', async () => {
    fakeClock();
    const { server, exporter } = await setUp((i) => (i === 0 ? 'reset' : { status: 200 }));
    const result = await drive(exportSpans(exporter, makeSpans(2)));
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(server.received).toHaveLength(2);
    expect(exporter.stats).toMatchObject({ exported: 2, failed: 0 });
  });

  it.each([400, 401, 403, 404, 500])('does not retry HTTP %i: one request, the batch counted failed, one warning', async (status) => {
    fakeClock();
    const { server, exporter } = await setUp(() => ({ status }));
    const first = await drive(exportSpans(exporter, makeSpans(4)));
    const second = await drive(exportSpans(exporter, makeSpans(4)));
    expect(first.code).toBe(ExportResultCode.FAILED);
    expect(second.code).toBe(ExportResultCode.FAILED);
    expect(server.received).toHaveLength(2);
    expect(exporter.stats).toMatchObject({ exported: 0, failed: 8 });
    // One line per kind of fault, not one per batch.
    expect(stderr.filter((line) => line.includes(`HTTP ${status}`))).toHaveLength(1);
  });
});

describe('OtlpHttpExporter: once the process starts to exit', () => {
  it('makes one attempt per batch: no backoff, no waiting out a Retry-After', async () => {
    fakeClock();
    const { server, exporter } = await setUp((i) => (i === 0 ? { status: 503 } : { status: 429, headers: { 'retry-after': '2' } }));
    exporter.beginExit();
    const started = Date.now();
    expect((await drive(exportSpans(exporter, makeSpans(1)))).code).toBe(ExportResultCode.FAILED);
    expect((await drive(exportSpans(exporter, makeSpans(1)))).code).toBe(ExportResultCode.FAILED);
    expect(server.received).toHaveLength(2);
    // A third batch, within the 2 s asked for: not sent, and not waited for either.
    expect((await drive(exportSpans(exporter, makeSpans(1)))).code).toBe(ExportResultCode.FAILED);
    expect(server.received).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('OtlpHttpExporter: Retry-After', () => {
  it('waits as long as Retry-After says before the next attempt', async () => {
    fakeClock();
    const { server, exporter } = await setUp((i) => (i === 0 ? { status: 503, headers: { 'retry-after': '3' } } : { status: 200 }));
    const result = await drive(exportSpans(exporter, makeSpans(2)));
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(server.received).toHaveLength(2);
    const waited = server.received[1].at - server.received[0].at;
    // Not the 500 ms backoff: the 3 s asked for (plus the fake clock's steps while the requests travel).
    expect(waited).toBeGreaterThanOrEqual(3000);
    expect(waited).toBeLessThan(5000);
  });

  it('reads Retry-After given as an HTTP date', async () => {
    fakeClock();
    const { server, exporter } = await setUp((i) => (i === 0 ? { status: 429, headers: { 'retry-after': new Date(Date.now() + 4000).toUTCString() } } : { status: 200 }));
    const result = await drive(exportSpans(exporter, makeSpans(1)));
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    // The date has whole seconds: 3-4 s from now.
    const waited = server.received[1].at - server.received[0].at;
    expect(waited).toBeGreaterThanOrEqual(2900);
    expect(waited).toBeLessThan(6000);
  });

  // The pause came from a 500's Retry-After: a batch skipped for it reports that answer, not a 429.
  it('a batch skipped for a pause does not report an HTTP 429 the endpoint never sent', async () => {
    fakeClock();
    const { exporter } = await setUp((i) => (i === 0 ? { status: 500, headers: { 'retry-after': '30' } } : { status: 200 }), { timeoutMs: 1000 });
    await drive(exportSpans(exporter, makeSpans(1)));
    await drive(exportSpans(exporter, makeSpans(1)));
    expect(stderr.join('')).toContain('HTTP 500');
    expect(stderr.join('')).not.toContain('HTTP 429');
  });

  it('caps Retry-After at 60 s', async () => {
    fakeClock();
    const { server, exporter } = await setUp((i) => (i === 0 ? { status: 429, headers: { 'retry-after': '3600' } } : { status: 200 }), { timeoutMs: 120_000 });
    const result = await drive(exportSpans(exporter, makeSpans(1)), 500);
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    const waited = server.received[1].at - server.received[0].at;
    expect(waited).toBeGreaterThanOrEqual(60_000);
    expect(waited).toBeLessThan(90_000);
  });

  it('pauses every batch until Retry-After passes, not only the one that got it', async () => {
    fakeClock();
    const { server, exporter } = await setUp((i) => (i === 0 ? { status: 429, headers: { 'retry-after': '5' } } : { status: 200 }), { timeoutMs: 2000 });
    // The pause does not fit this batch's 2 s budget: given up after one request.
    const first = await drive(exportSpans(exporter, makeSpans(2, 0, 'a')));
    expect(first.code).toBe(ExportResultCode.FAILED);
    expect(server.received).toHaveLength(1);
    // Another batch within the 5 s: not sent at all.
    const second = await drive(exportSpans(exporter, makeSpans(2, 0, 'b')));
    expect(second.code).toBe(ExportResultCode.FAILED);
    expect(server.received).toHaveLength(1);
    // Once the pause is over, export resumes by itself.
    await vi.advanceTimersByTimeAsync(5000);
    const third = await drive(exportSpans(exporter, makeSpans(2, 0, 'c')));
    expect(third.code).toBe(ExportResultCode.SUCCESS);
    expect(server.names()).toEqual(['a-0', 'a-1', 'c-0', 'c-1']);
    expect(exporter.stats).toMatchObject({ exported: 2, failed: 4 });
  });

  it('a batch that can wait out the pause within its budget waits, then sends', async () => {
    fakeClock();
    const { server, exporter } = await setUp((i) => (i === 0 ? { status: 429, headers: { 'retry-after': '2' } } : { status: 200 }), { timeoutMs: 1500 });
    // The whole pause does not fit this batch's budget.
    const first = await drive(exportSpans(exporter, makeSpans(1, 0, 'a')));
    expect(first.code).toBe(ExportResultCode.FAILED);
    // A later batch's budget covers the rest of the pause.
    await vi.advanceTimersByTimeAsync(1000);
    const pausedAt = Date.now();
    const second = await drive(exportSpans(exporter, makeSpans(1, 0, 'b')));
    expect(second.code).toBe(ExportResultCode.SUCCESS);
    expect(server.names()).toEqual(['a-0', 'b-0']);
    expect(server.received[1].at - pausedAt).toBeGreaterThanOrEqual(800);
  });
});

describe('OtlpHttpExporter: the per-batch time budget', () => {
  it('retries a failing endpoint only within the batch budget', async () => {
    fakeClock();
    const { server, exporter } = await setUp(() => ({ status: 503 }), { timeoutMs: 3000 });
    const started = Date.now();
    const result = await drive(exportSpans(exporter, makeSpans(3)));
    const took = Date.now() - started;
    expect(result.code).toBe(ExportResultCode.FAILED);
    // Backoffs of ~0.5 s then ~1 s fit in 3 s; ~2 s more does not.
    expect(server.received.length).toBeGreaterThanOrEqual(2);
    expect(server.received.length).toBeLessThanOrEqual(4);
    expect(took).toBeLessThanOrEqual(3000);
    expect(exporter.stats).toMatchObject({ exported: 0, failed: 3 });
  });

  // The parts of a split batch share what is left of the batch's budget: retries before the 413 and
  // the parts' retries must not add up past `timeoutMs` (they reached ~15 s of a 10 s budget).
  it('keeps a batch split after HTTP 413 inside the one batch budget', async () => {
    fakeClock();
    // 503 to the first four attempts (0, ~0.5, ~1.5, ~3.5 s); the fifth (~7.5 s) is refused as too large;
    // the parts get 503.
    const { server, exporter } = await setUp((i, r) => (i >= 4 && r.bytes > 300_000 ? { status: 413 } : { status: 503 }), { timeoutMs: 10_000 });
    const started = Date.now();
    const result = await drive(exportSpans(exporter, makeSpans(16, 64 * 1024)), 100);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(server.received.some((r) => r.bytes <= 300_000)).toBe(true);
    expect(Date.now() - started).toBeLessThanOrEqual(10_500);
  });

  it('gives up on a hanging endpoint when the budget is used up, and counts the spans unconfirmed', async () => {
    fakeClock();
    const { server, exporter } = await setUp(() => 'hang', { timeoutMs: 2000 });
    const started = Date.now();
    const result = await drive(exportSpans(exporter, makeSpans(3)));
    const took = Date.now() - started;
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(server.received).toHaveLength(1);
    expect(took).toBeGreaterThanOrEqual(2000);
    expect(took).toBeLessThan(2200);
    expect(exporter.stats).toMatchObject({ exported: 0, failed: 0, unconfirmed: 3 });
    expect(stderr.join('')).toContain('did not answer in time');
  });
});

describe('OtlpHttpExporter: large bodies', () => {
  const LIMIT = 300_000;
  const tooLarge = (_i: number, r?: { bytes: number }): Answer => (r && r.bytes > LIMIT ? { status: 413 } : { status: 200 });

  it('splits a batch refused with 413 until its parts fit, each span arriving once', async () => {
    server = await startLoopback((_i, r) => tooLarge(_i, r));
    exporter = new OtlpHttpExporter(exporterOptions(server.url));
    // ~1 MB in 16 spans: halves of ~530 KB are refused too, quarters of ~265 KB fit.
    const spans = makeSpans(16, 64 * 1024);
    const result = await exportSpans(exporter, spans);
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    const accepted = server.received.filter((r) => r.bytes <= LIMIT);
    expect(accepted.flatMap((r) => r.names).sort()).toEqual(spans.map((s) => s.name).sort());
    expect(server.received.filter((r) => r.bytes > LIMIT).length).toBeGreaterThanOrEqual(2);
    expect(exporter.stats).toMatchObject({ exported: 16, failed: 0 });
  });

  it('does not split a small body refused with 413: one request, counted failed', async () => {
    server = await startLoopback(() => ({ status: 413 }));
    exporter = new OtlpHttpExporter(exporterOptions(server.url));
    const result = await exportSpans(exporter, makeSpans(10));
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(server.received).toHaveLength(1);
    expect(exporter.stats).toMatchObject({ exported: 0, failed: 10 });
  });

  it('splits a body over 4 MB before sending it', async () => {
    server = await startLoopback();
    exporter = new OtlpHttpExporter(exporterOptions(server.url));
    // ~6 MB in 6 spans.
    const spans = makeSpans(6, 1024 * 1024);
    const result = await exportSpans(exporter, spans);
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(server.received.length).toBeGreaterThanOrEqual(2);
    for (const r of server.received) expect(r.bytes).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(server.names().sort()).toEqual(spans.map((s) => s.name).sort());
    expect(exporter.stats.exported).toBe(6);
  });
});

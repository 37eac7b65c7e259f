import * as net from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { sendAtExit } from '../../src/export/exit-sender';
import { OtlpHttpExporter, type OtlpExporterOptions } from '../../src/export/otlp-exporter';
import { resetReported } from '../../src/diagnostics/report';
import { exporterOptions, makeSpans } from './export-loopback';
import { startWorkerLoopback, type WorkerAnswer, type WorkerLoopback } from './export-worker-loopback';

/**
 * The synchronous exit path: sendAtExit (a worker thread this thread waits for
 * in Atomics.wait, until a deadline) and the exporter's exportAtExit, which
 * decides what to send, whether to send at all, and how to count each span.
 * The endpoint runs on a thread of its own: this one is blocked while it sends.
 * Wall-clock bounds are asserted with wide margins only.
 */

let server: WorkerLoopback | undefined;
let exporter: OtlpHttpExporter | undefined;

beforeEach(() => {
  resetReported();
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});

afterEach(async () => {
  vi.restoreAllMocks();
  await exporter?.shutdown();
  exporter = undefined;
  await server?.close();
  server = undefined;
});

async function setUp(answers?: WorkerAnswer[], options: Partial<OtlpExporterOptions> = {}, tooLargeOver?: number) {
  server = await startWorkerLoopback(answers, tooLargeOver);
  exporter = new OtlpHttpExporter(exporterOptions(server.url, options));
  return { server, exporter };
}

function exportSpans(e: OtlpHttpExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => e.export(spans, resolve));
}

const body = (text: string) => new TextEncoder().encode(text);
const job = (url: string, bodies: Uint8Array[], ms: number) => ({ url, headers: { 'content-type': 'application/json' }, tls: {}, bodies, deadline: Date.now() + ms });

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

describe('sendAtExit', () => {
  it('sends every body before returning, synchronously', async () => {
    server = await startWorkerLoopback([{ status: 200 }]);
    const result = sendAtExit(job(server.url, [body('{}'), body('{}'), body('{}')], 10_000));
    expect(result.bodies.map((b) => b.state)).toEqual(['ok', 'ok', 'ok']);
    expect(result.reason).toBeUndefined();
    await server.waitFor(3);
    expect(server.requests).toHaveLength(3);
  });

  it('reports a refusal with its status and Retry-After', async () => {
    server = await startWorkerLoopback([{ status: 503, headers: { 'retry-after': '7' } }]);
    const [result] = sendAtExit(job(server.url, [body('{}')], 10_000)).bodies;
    expect(result.state).toBe('refused');
    expect(result.failure).toMatchObject({ ok: false, status: 503, retryAfterMs: 7000 });
  });

  it('reports a connection refused as refused, with its code', async () => {
    const port = await closedPort();
    const [result] = sendAtExit(job(`http://127.0.0.1:${port}/v1/traces`, [body('{}')], 10_000)).bodies;
    expect(result.state).toBe('refused');
    expect(result.failure?.error?.code).toBe('ECONNREFUSED');
  });

  it('reports an answer cut off as broken (it may have arrived)', async () => {
    server = await startWorkerLoopback(['break']);
    const [result] = sendAtExit(job(server.url, [body('{}')], 10_000)).bodies;
    expect(result.state).toBe('broken');
    expect(result.failure?.midResponse).toBe(true);
  });

  it('stops waiting at the deadline when the endpoint hangs: the body is pending', async () => {
    server = await startWorkerLoopback(['hang']);
    const started = Date.now();
    const result = sendAtExit(job(server.url, [body('{}')], 600));
    const took = Date.now() - started;
    expect(result.bodies.map((b) => b.state)).toEqual(['pending']);
    // The worker's start-up is inside the deadline, not added to it.
    expect(took).toBeGreaterThanOrEqual(550);
    expect(took).toBeLessThan(1500);
  });
});

describe('OtlpHttpExporter.exportAtExit', () => {
  it('sends what is handed to it and counts it exported and sent at exit', async () => {
    const { server, exporter } = await setUp();
    const spans = makeSpans(5);
    expect(exporter.exportAtExit(spans, Date.now() + 10_000)).toBeUndefined();
    expect(exporter.stats).toMatchObject({ exported: 5, sentAtExit: 5, failed: 0, unconfirmedAtExit: 0 });
    await server.waitFor(1);
    expect(server.requests.flat()).toEqual(spans.map((s) => s.name));
  });

  it('sends gzip bodies when compression is on', async () => {
    const { server, exporter } = await setUp(undefined, { compression: 'gzip' });
    const spans = makeSpans(3);
    exporter.exportAtExit(spans, Date.now() + 10_000);
    expect(exporter.stats).toMatchObject({ exported: 3, sentAtExit: 3 });
    await server.waitFor(1);
    expect(server.requests.flat()).toEqual(spans.map((s) => s.name));
  });

  it('counts an answer cut off at exit as unconfirmed, and a refused connection as failed with its fault', async () => {
    const { exporter } = await setUp(['break']);
    expect(exporter.exportAtExit(makeSpans(2), Date.now() + 10_000)?.key).toBe('net-mid-response');
    expect(exporter.stats).toMatchObject({ unconfirmed: 2, failed: 0, exported: 0 });
    const port = await closedPort();
    const refused = new OtlpHttpExporter(exporterOptions(`http://127.0.0.1:${port}/v1/traces`));
    expect(refused.exportAtExit(makeSpans(3), Date.now() + 10_000)?.key).toBe('net-ECONNREFUSED');
    expect(refused.stats).toMatchObject({ failed: 3, unconfirmed: 0, exported: 0 });
  });

  it('sends again what is still in flight, and counts each span once', async () => {
    const { server, exporter } = await setUp(['hang', { status: 200 }], { timeoutMs: 500 });
    const inFlight = makeSpans(3, 0, 'flight');
    const settled = exportSpans(exporter, inFlight);
    await server.waitFor(1);
    expect(server.requests).toHaveLength(1);
    const queued = makeSpans(2, 0, 'queued');
    exporter.exportAtExit(queued, Date.now() + 10_000);
    await server.waitFor(2);
    expect(server.requests[1].sort()).toEqual([...inFlight, ...queued].map((s) => s.name).sort());
    // The hung request runs out of time afterwards: those spans were already counted at exit.
    await settled;
    expect(exporter.stats).toMatchObject({ exported: 5, sentAtExit: 5, unconfirmed: 0, failed: 0 });
  });

  it('does not send when the endpoint last failed: no wait on a dead endpoint, the spans counted failed', async () => {
    const { server, exporter } = await setUp([{ status: 503 }], { timeoutMs: 300 });
    await exportSpans(exporter, makeSpans(2));
    expect(exporter.stats.failed).toBe(2);
    exporter.exportAtExit(makeSpans(3), Date.now() + 10_000);
    await server.waitFor(2, 300);
    expect(server.requests).toHaveLength(1);
    expect(exporter.stats).toMatchObject({ failed: 5, exported: 0, sentAtExit: 0 });
  });

  it('does not send while a Retry-After has not passed', async () => {
    // A 500 is not a sign of a dead endpoint; its Retry-After still asks for a pause.
    const { server, exporter } = await setUp([{ status: 500, headers: { 'retry-after': '30' } }, { status: 200 }]);
    await exportSpans(exporter, makeSpans(2));
    exporter.exportAtExit(makeSpans(3), Date.now() + 10_000);
    await server.waitFor(2, 300);
    expect(server.requests).toHaveLength(1);
    expect(exporter.stats).toMatchObject({ failed: 5, exported: 0 });
  });

  it('still sends after a batch the endpoint rejected (HTTP 400): that says nothing about the next one', async () => {
    const { server, exporter } = await setUp([{ status: 400 }, { status: 200 }]);
    await exportSpans(exporter, makeSpans(2));
    exporter.exportAtExit(makeSpans(3), Date.now() + 10_000);
    await server.waitFor(2);
    expect(server.requests).toHaveLength(2);
    expect(exporter.stats).toMatchObject({ failed: 2, exported: 3, sentAtExit: 3 });
  });

  it('does not start the sender with too little time left: the spans are counted unconfirmed at exit', async () => {
    const { server, exporter } = await setUp();
    exporter.exportAtExit(makeSpans(4), Date.now() + 50);
    await server.waitFor(1, 300);
    expect(server.requests).toHaveLength(0);
    expect(exporter.stats).toMatchObject({ unconfirmedAtExit: 4, exported: 0, failed: 0 });
  });

  it('stays inside the deadline when the endpoint hangs, counting the spans unconfirmed at exit', async () => {
    const { exporter } = await setUp(['hang']);
    const started = Date.now();
    exporter.exportAtExit(makeSpans(4), started + 700);
    const took = Date.now() - started;
    expect(took).toBeLessThan(1500);
    expect(exporter.stats).toMatchObject({ unconfirmedAtExit: 4, exported: 0 });
  });

  it('splits parts refused with 413 until they fit, while time is left', async () => {
    const { server, exporter } = await setUp([{ status: 200 }], {}, 300_000);
    const spans = makeSpans(16, 64 * 1024);
    exporter.exportAtExit(spans, Date.now() + 20_000);
    expect(exporter.stats).toMatchObject({ exported: 16, sentAtExit: 16, failed: 0 });
    await server.waitFor(7);
    // One ~1 MB request refused, two halves refused, four quarters accepted.
    const accepted = server.requests.filter((r) => r.length <= 4);
    expect(accepted.flat().sort()).toEqual(spans.map((s) => s.name).sort());
  });

  it('returns a fault first seen at exit for the exit line, once', async () => {
    const { exporter } = await setUp([{ status: 400 }]);
    expect(exporter.exportAtExit(makeSpans(1), Date.now() + 10_000)?.key).toBe('http-400');
    expect(exporter.exportAtExit(makeSpans(1), Date.now() + 10_000)).toBeUndefined();
    expect(exporter.stats.failed).toBe(2);
  });
});

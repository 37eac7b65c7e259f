import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
// @ts-expect-error: the harness is plain JavaScript
import { decodeTraceRequestProto } from '../harness/otlp-proto.mjs';
import type { OtlpExporterOptions } from '../../src/export/otlp-exporter';

/**
 * Shared by the export unit tests: spans made by the real OTel SDK, a loopback
 * OTLP endpoint that answers each request as a test scripts it, and a decoder
 * that reads a request body whatever its encoding (JSON or protobuf, gzip or
 * not), so the tests hold whichever encoding the exporter sends.
 */

/** `n` finished spans; `attributeBytes` pads each with a string attribute of that length. */
export function makeSpans(n: number, attributeBytes = 0, name = 'span'): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
  const tracer = provider.getTracer('export-unit');
  for (let i = 0; i < n; i++) {
    const span = tracer.startSpan(`${name}-${i}`);
    // Varied text, so a gzip body is not much smaller than the JSON one.
    if (attributeBytes > 0) span.setAttribute('pad', randomText(attributeBytes));
    span.end();
  }
  return memory.getFinishedSpans();
}

function randomText(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let out = '';
  let seed = length * 7919 + 17;
  for (let i = 0; i < length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    out += alphabet[seed % alphabet.length];
  }
  return out;
}

/** Span names in an OTLP trace request, decoded by its content type and encoding. */
export function spanNamesIn(body: Buffer, headers: http.IncomingHttpHeaders): string[] {
  const raw = /gzip/i.test(String(headers['content-encoding'] ?? '')) ? gunzipSync(body) : body;
  const type = String(headers['content-type'] ?? '');
  const request = /protobuf/i.test(type) ? decodeTraceRequestProto(raw) : JSON.parse(raw.toString('utf8'));
  const names: string[] = [];
  for (const rs of request.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) names.push(s.name);
  return names;
}

export interface Received {
  /** Span names decoded from the body. */
  names: string[];
  /** Bytes as sent (compressed, if it was). */
  bytes: number;
  headers: http.IncomingHttpHeaders;
  /** Date.now() when the request arrived (a faked clock, if the test fakes Date). */
  at: number;
}

/** How to answer one request: a status (and headers), or `hang` (never answer), or `reset` (close the connection). */
export type Answer = { status: number; headers?: Record<string, string> } | 'hang' | 'reset';

export interface Loopback {
  url: string;
  received: Received[];
  /** Every span name received, in order. */
  names(): string[];
  close(): Promise<void>;
}

/** An OTLP endpoint on 127.0.0.1; `answer` gets the request's index (0-based) and what was received. */
export async function startLoopback(answer: (index: number, request: Received) => Answer = () => ({ status: 200 })): Promise<Loopback> {
  const received: Received[] = [];
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const request: Received = { names: spanNamesIn(body, req.headers), bytes: body.byteLength, headers: req.headers, at: Date.now() };
      received.push(request);
      const a = answer(received.length - 1, request);
      if (a === 'hang') {
        hanging.add(res);
        return;
      }
      if (a === 'reset') {
        req.socket.destroy();
        return;
      }
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    received,
    names: () => received.flatMap((r) => r.names),
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.socket?.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Exporter options for a test: every field set in this one place. */
export function exporterOptions(url: string, overrides: Partial<OtlpExporterOptions> = {}): OtlpExporterOptions {
  return { url, headers: {}, timeoutMs: 10_000, compression: 'none', protocol: 'http/protobuf', tls: {}, holdMs: 0, ...overrides };
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StoredSpan } from '../../store/format';
import { DEFAULT_BODY_LIMITS, discard, HttpError, Intake, readBody, RETRY_AFTER_SECONDS, type Body, type BodyLimits } from './body-reader';
import type { DecodeResult } from './convert';
import { decodeJsonRequest, OtlpJsonError } from './otlp-json';
import { decodeProtoRequest, encodeProtoResponse, encodeProtoStatus, ProtoError } from './otlp-proto';
import { StoreWriter } from './store-writer';

/**
 * A local OTLP/HTTP trace receiver: POST /v1/traces with
 * application/x-protobuf or application/json, optionally gzip/deflate/br
 * encoded, answered as the OTLP/HTTP spec says (200 with an
 * ExportTraceServiceResponse in the request's encoding; 400 with a Status for a
 * body that cannot be decoded; 415 for other content types). Metrics and logs
 * sent to the same base URL are accepted and dropped, so that SDKs that send
 * all three do not log errors.
 */
export const TRACES_PATH = '/v1/traces';
const IGNORED_PATHS = new Set(['/v1/metrics', '/v1/logs']);

export interface ReceivedBatch {
  spans: StoredSpan[];
  rejected: number;
  encoding: 'json' | 'protobuf';
}

export interface ReceiverOptions {
  dir: string;
  port: number;
  host: string;
  onBatch?: (batch: ReceivedBatch) => void;
  onIgnored?: (path: string) => void;
  onError?: (message: string) => void;
  /** The store's cap in bytes (CATALYST_STORE_MAX_MB), as the agent's. */
  storeMaxBytes?: number;
  /** Said once, when old store files are first removed to keep that cap. */
  onPrune?: (message: string) => void;
  /** The body limits (DEFAULT_BODY_LIMITS where not given); smaller ones let tests reach them cheaply. */
  limits?: Partial<BodyLimits>;
  /** Answers GET and HEAD requests for paths other than the OTLP ones (the trace viewer). */
  viewer?: (req: IncomingMessage, res: ServerResponse) => void;
}

export interface Receiver {
  /** e.g. http://127.0.0.1:4318 */
  baseUrl: string;
  tracesUrl: string;
  port: number;
  writer: StoreWriter;
  /** The body limits in force and what requests hold now. */
  intake: Intake;
  server: Server;
  close(): Promise<void>;
}

export async function startReceiver(opts: ReceiverOptions): Promise<Receiver> {
  const writer = new StoreWriter(opts.dir, { maxBytes: opts.storeMaxBytes, onPrune: opts.onPrune });
  writer.ensureDir();
  const intake = new Intake({ ...DEFAULT_BODY_LIMITS, ...opts.limits });
  const server = createServer((req, res) => {
    handle(req, res, writer, intake, opts).catch((error: unknown) => {
      opts.onError?.(`request failed: ${(error as Error).message}`);
      if (!res.headersSent) reply(res, 500, 'text/plain; charset=utf-8', Buffer.from('internal error\n'));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  // A request slot and the bytes it holds are given back when the sender stalls: an exporter's
  // own timeout is 10 s, so a request still arriving after 30 s is not coming from one.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(opts.port, opts.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const shownHost = host === '0.0.0.0' || host === '[::]' ? 'localhost' : host;
  const baseUrl = `http://${shownHost}:${address.port}`;
  return {
    baseUrl,
    tracesUrl: `${baseUrl}${TRACES_PATH}`,
    port: address.port,
    writer,
    intake,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, writer: StoreWriter, intake: Intake, opts: ReceiverOptions): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '') || '/';
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const isJson = contentType === 'application/json';
  const isProto = contentType === 'application/x-protobuf' || contentType === 'application/protobuf';
  const limit = intake.limits.maxWireBytes;

  if (path !== TRACES_PATH && !IGNORED_PATHS.has(path)) {
    if (opts.viewer && (req.method === 'GET' || req.method === 'HEAD')) return opts.viewer(req, res);
    discard(req, limit);
    return reply(res, 404, 'text/plain; charset=utf-8', Buffer.from(`not found: this receiver takes OTLP traces at POST ${TRACES_PATH}\n`));
  }
  if (req.method !== 'POST') {
    discard(req, limit);
    res.setHeader('Allow', 'POST');
    return reply(res, 405, 'text/plain; charset=utf-8', Buffer.from(`use POST ${TRACES_PATH}\n`));
  }
  if (!isJson && !isProto) {
    discard(req, limit);
    return reply(res, 415, 'text/plain; charset=utf-8', Buffer.from('use Content-Type application/x-protobuf or application/json\n'));
  }
  if (IGNORED_PATHS.has(path)) {
    // Dropped unread: metrics and logs cost neither memory nor a decompression.
    discard(req, limit);
    opts.onIgnored?.(path);
    return reply(res, 200, isProto ? 'application/x-protobuf' : 'application/json', isProto ? Buffer.alloc(0) : Buffer.from('{}'));
  }
  const fail = (status: number, message: string): void => {
    opts.onError?.(message);
    if (status === 429 || status === 503) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    const code = STATUS_CODES[status] ?? 3;
    if (isProto) reply(res, status, 'application/x-protobuf', encodeProtoStatus(code, message));
    else reply(res, status, 'application/json', Buffer.from(JSON.stringify({ code, message })));
  };

  const slot = await intake.enter(req);
  if (slot === 'gone') return;
  if (slot === 'full') {
    discard(req, limit);
    return fail(429, `busy: ${intake.limits.maxConcurrentRequests} requests are being read and ${intake.limits.maxQueuedRequests} wait; retry later`);
  }
  let body: Body | undefined;
  try {
    try {
      body = await readBody(req, intake);
    } catch (error) {
      if (error instanceof HttpError) return fail(error.status, error.message);
      throw error;
    }
    let result: DecodeResult;
    try {
      result = isProto ? decodeProtoRequest(body.bytes) : decodeJsonRequest(body.bytes);
    } catch (error) {
      // Whatever a body holds, failing to decode it is the sender's problem to hear about (400), never a 500.
      const message = error instanceof ProtoError || error instanceof OtlpJsonError ? error.message : `the body cannot be decoded as an ExportTraceServiceRequest (${(error as Error).message})`;
      return fail(400, message);
    }
    body.release();
    try {
      writer.write(result.spans);
    } catch (error) {
      // The sender may retry: 503 is retryable in OTLP/HTTP.
      return fail(503, `cannot write the trace store at ${writer.dir}: ${(error as Error).message}`);
    }
    opts.onBatch?.({ spans: result.spans, rejected: result.rejected, encoding: isProto ? 'protobuf' : 'json' });
    const problem = result.rejected > 0 ? `${result.rejected} span(s) rejected: ${result.firstProblem ?? 'invalid'}` : undefined;
    if (isProto) return reply(res, 200, 'application/x-protobuf', encodeProtoResponse(result.rejected, problem));
    const response = result.rejected > 0 ? { partialSuccess: { rejectedSpans: String(result.rejected), errorMessage: problem } } : {};
    return reply(res, 200, 'application/json', Buffer.from(JSON.stringify(response)));
  } finally {
    body?.release();
    intake.leave();
  }
}

/** google.rpc.Code for each error status, as OTLP/HTTP's Status body carries it. */
const STATUS_CODES: Record<number, number> = { 400: 3, 413: 8, 415: 3, 429: 8, 503: 14 };

function reply(res: ServerResponse, status: number, contentType: string, body: Buffer): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': body.length });
  res.end(body);
}

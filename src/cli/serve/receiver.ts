import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzip, inflate, brotliDecompress } from 'node:zlib';
import { promisify } from 'node:util';
import type { StoredSpan } from '../../store/format';
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
/** Request bodies above this (compressed or not) are refused with 413. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);
const brotliAsync = promisify(brotliDecompress);

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
}

export interface Receiver {
  /** e.g. http://127.0.0.1:4318 */
  baseUrl: string;
  tracesUrl: string;
  port: number;
  writer: StoreWriter;
  server: Server;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startReceiver(opts: ReceiverOptions): Promise<Receiver> {
  const writer = new StoreWriter(opts.dir, { maxBytes: opts.storeMaxBytes, onPrune: opts.onPrune });
  writer.ensureDir();
  const server = createServer((req, res) => {
    handle(req, res, writer, opts).catch((error: unknown) => {
      opts.onError?.(`request failed: ${(error as Error).message}`);
      if (!res.headersSent) reply(res, 500, 'text/plain; charset=utf-8', Buffer.from('internal error\n'));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
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
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, writer: StoreWriter, opts: ReceiverOptions): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '') || '/';
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const isJson = contentType === 'application/json';
  const isProto = contentType === 'application/x-protobuf' || contentType === 'application/protobuf';

  if (path !== TRACES_PATH && !IGNORED_PATHS.has(path)) {
    return reply(res, 404, 'text/plain; charset=utf-8', Buffer.from(`not found: this receiver takes OTLP traces at POST ${TRACES_PATH}\n`));
  }
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return reply(res, 405, 'text/plain; charset=utf-8', Buffer.from(`use POST ${TRACES_PATH}\n`));
  }
  if (!isJson && !isProto) {
    req.resume();
    return reply(res, 415, 'text/plain; charset=utf-8', Buffer.from('use Content-Type application/x-protobuf or application/json\n'));
  }
  const fail = (status: number, message: string): void => {
    opts.onError?.(message);
    if (isProto) reply(res, status, 'application/x-protobuf', encodeProtoStatus(status === 413 ? 8 : 3, message));
    else reply(res, status, 'application/json', Buffer.from(JSON.stringify({ code: status === 413 ? 8 : 3, message })));
  };

  let body: Buffer;
  try {
    body = await readBody(req);
  } catch (error) {
    if (error instanceof HttpError) return fail(error.status, error.message);
    throw error;
  }
  if (IGNORED_PATHS.has(path)) {
    opts.onIgnored?.(path);
    return reply(res, 200, isProto ? 'application/x-protobuf' : 'application/json', isProto ? Buffer.alloc(0) : Buffer.from('{}'));
  }

  let result: DecodeResult;
  try {
    result = isProto ? decodeProtoRequest(body) : decodeJsonRequest(body);
  } catch (error) {
    if (error instanceof ProtoError || error instanceof OtlpJsonError) return fail(400, error.message);
    throw error;
  }
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
}

function reply(res: ServerResponse, status: number, contentType: string, body: Buffer): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': body.length });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
    req.resume();
    throw new HttpError(413, `the body is larger than ${MAX_BODY_BYTES} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `the body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const raw = Buffer.concat(chunks);
  const encoding = (req.headers['content-encoding'] ?? 'identity').toString().trim().toLowerCase();
  const limits = { maxOutputLength: MAX_BODY_BYTES };
  try {
    switch (encoding) {
      case '':
      case 'identity':
        return raw;
      case 'gzip':
      case 'x-gzip':
        return await gunzipAsync(raw, limits);
      case 'deflate':
        return await inflateAsync(raw, limits);
      case 'br':
        return await brotliAsync(raw, limits);
      default:
        throw new HttpError(415, `unsupported Content-Encoding '${encoding}': use gzip, deflate or none`);
    }
  } catch (error) {
    if (error instanceof HttpError) throw error;
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'ERR_BUFFER_TOO_LARGE' || /Cannot create a Buffer larger/.test(e.message)) throw new HttpError(413, `the decompressed body is larger than ${MAX_BODY_BYTES} bytes`);
    throw new HttpError(400, `the body is not valid ${encoding} (${e.message})`);
  }
}

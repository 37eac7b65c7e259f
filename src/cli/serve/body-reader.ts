import type { IncomingMessage } from 'node:http';
import { PassThrough, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

/**
 * Taking in request bodies with memory bounded whatever senders do: each body
 * is decompressed as it arrives and counted, so that a small compressed body
 * that inflates a thousandfold is stopped at the limit, not after; the bytes all
 * requests hold at once share one budget; and only so many requests are read at
 * a time. Over a per-request limit the answer is 413 (OTLP/HTTP: not retryable,
 * the sender drops the batch); over the shared budget or the request cap it is
 * 503 or 429 with Retry-After (retryable: the sender tries again later).
 */
export interface BodyLimits {
  /** Bytes on the wire per request (before decompression). */
  maxWireBytes: number;
  /** Bytes per request after decompression: what the decoders get. */
  maxBodyBytes: number;
  /** Decompressed bytes held by all requests being read or decoded at once. */
  maxInflightBytes: number;
  /** Requests whose bodies are read at once; more wait in line, unread. */
  maxConcurrentRequests: number;
  /** Requests waiting in that line; more get 429. */
  maxQueuedRequests: number;
}

/**
 * 20 MiB a request, compressed or not: what an OpenTelemetry Collector takes by
 * default (confighttp's max_request_body_size, which it applies to the
 * decompressed body too), so any sender a default Collector accepts is accepted
 * here; our own exporter splits batches above 4 MB, well inside it. 64 MiB held
 * at once is three bodies of the largest size or hundreds of ordinary batches
 * (tens of KB to a few MB), and keeps the receiver's memory (bodies, plus one
 * decode at a time, as decoding is synchronous) in the low hundreds of MB. 16
 * requests read at a time is more than the few apps a local receiver serves
 * send together (an SDK's batch processor exports one batch at a time) and
 * bounds the decompressors' state (up to 16 MiB each for a Brotli stream); a
 * burst beyond that (a test suite's workers all exiting at once) waits in a line
 * of 256 that costs a socket each, as nothing of theirs is read while they wait.
 */
export const DEFAULT_BODY_LIMITS: Readonly<BodyLimits> = Object.freeze({
  maxWireBytes: 20 * 1024 * 1024,
  maxBodyBytes: 20 * 1024 * 1024,
  maxInflightBytes: 64 * 1024 * 1024,
  maxConcurrentRequests: 16,
  maxQueuedRequests: 256,
});

/** Seconds a sender told to retry (429, 503) should wait: the local backlog clears in well under that. */
export const RETRY_AFTER_SECONDS = 1;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The state the limits are counted in, one per receiver. */
export class Intake {
  private active = 0;
  private held = 0;
  private readonly line: Array<() => void> = [];

  constructor(readonly limits: Readonly<BodyLimits>) {}

  /**
   * Takes a request slot, waiting in line for one when all are in use: 'full'
   * when the line is full too, 'gone' when the sender left while waiting.
   */
  async enter(req: IncomingMessage): Promise<'ok' | 'full' | 'gone'> {
    if (this.active < this.limits.maxConcurrentRequests) {
      this.active++;
      return 'ok';
    }
    if (this.line.length >= this.limits.maxQueuedRequests) return 'full';
    return new Promise((resolve) => {
      const take = (): void => {
        req.off('close', leftLine);
        resolve('ok');
      };
      const leftLine = (): void => {
        const i = this.line.indexOf(take);
        if (i >= 0) this.line.splice(i, 1);
        resolve('gone');
      };
      this.line.push(take);
      req.once('close', leftLine);
    });
  }

  /** Gives the slot to the next in line, if any. */
  leave(): void {
    const next = this.line.shift();
    if (next) next();
    else this.active--;
  }

  /** Decompressed bytes held by requests now. */
  get heldBytes(): number {
    return this.held;
  }

  reserve(bytes: number): boolean {
    if (this.held + bytes > this.limits.maxInflightBytes) return false;
    this.held += bytes;
    return true;
  }

  release(bytes: number): void {
    this.held -= bytes;
  }
}

export interface Body {
  bytes: Buffer;
  /** Gives its bytes back to the shared budget once the body has been decoded. */
  release(): void;
}

const MIB = 1024 * 1024;
const mib = (n: number): string => (n % MIB === 0 ? `${n / MIB} MiB` : `${n} bytes`);

/** The decompressor for a Content-Encoding (a pass-through for none); 415 for one not supported. */
function decoderFor(encoding: string): Transform {
  switch (encoding) {
    case '':
    case 'identity':
      return new PassThrough();
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      throw new HttpError(415, `unsupported Content-Encoding '${encoding}': use gzip, deflate or none`);
  }
}

export function contentEncoding(req: IncomingMessage): string {
  return (req.headers['content-encoding'] ?? 'identity').toString().trim().toLowerCase();
}

/**
 * Reads and decompresses the body of a request that holds an Intake slot. Throws
 * an HttpError to answer with; the request's remaining bytes are then discarded
 * (up to a body's worth, then the connection is closed).
 */
export async function readBody(req: IncomingMessage, intake: Intake): Promise<Body> {
  const { limits } = intake;
  if (req.destroyed) throw new HttpError(400, 'the request ended before its body did');
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxWireBytes) {
    discard(req, limits.maxWireBytes);
    throw new HttpError(413, `the body is larger than ${mib(limits.maxWireBytes)}`);
  }
  const encoding = contentEncoding(req);
  let decoder: Transform;
  try {
    decoder = decoderFor(encoding);
  } catch (error) {
    discard(req, limits.maxWireBytes);
    throw error;
  }

  let wire = 0;
  const onData = (chunk: Buffer): void => {
    wire += chunk.length;
    if (wire > limits.maxWireBytes) decoder.destroy(new HttpError(413, `the body is larger than ${mib(limits.maxWireBytes)}`));
  };
  // A sender that goes away mid-body ends the read, and with it the bytes it holds.
  const onClose = (): void => {
    if (!req.complete) decoder.destroy(new HttpError(400, 'the request ended before its body did'));
  };
  const onError = (error: Error): void => void decoder.destroy(error);
  req.on('data', onData);
  req.once('close', onClose);
  req.once('error', onError);
  req.pipe(decoder);

  const chunks: Buffer[] = [];
  let held = 0;
  try {
    for await (const chunk of decoder as AsyncIterable<Buffer>) {
      if (held + chunk.length > limits.maxBodyBytes) {
        throw new HttpError(413, encoding === 'identity' || encoding === '' ? `the body is larger than ${mib(limits.maxBodyBytes)}` : `the decompressed body is larger than ${mib(limits.maxBodyBytes)}`);
      }
      if (!intake.reserve(chunk.length)) {
        throw new HttpError(503, `busy: the requests being read hold ${mib(limits.maxInflightBytes)}; retry later`);
      }
      held += chunk.length;
      chunks.push(chunk);
    }
  } catch (error) {
    intake.release(held);
    req.unpipe(decoder);
    decoder.destroy();
    discard(req, limits.maxWireBytes);
    if (error instanceof HttpError) throw error;
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'ECONNRESET' || e.message === 'aborted') throw new HttpError(400, 'the request ended before its body did');
    throw new HttpError(400, `the body is not valid ${encoding} (${e.message})`);
  } finally {
    req.off('data', onData);
    req.off('close', onClose);
    req.off('error', onError);
  }
  let released = false;
  return {
    bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, held),
    release: () => {
      if (released) return;
      released = true;
      intake.release(held);
    },
  };
}

/**
 * Lets the rest of a body we will not read flow by, so that the answer reaches
 * the sender over a connection that stays usable, without holding it; a sender
 * that keeps going for more than `limit` further bytes has its connection closed.
 */
export function discard(req: IncomingMessage, limit: number): void {
  if (req.complete) return;
  let seen = 0;
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > limit) req.socket.destroy();
  });
  req.on('error', () => {});
  req.resume();
}

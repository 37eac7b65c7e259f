import type * as http from 'node:http';
import type * as https from 'node:https';
import type { TlsFiles } from '../config/types';

// Loaded on the first export, not at start-up: node:https pulls in TLS, which a script that never exports should not pay for.
const httpModule = (): typeof http => require('node:http') as typeof http;
const httpsModule = (): typeof https => require('node:https') as typeof https;

/**
 * One POST of one export body, and nothing else: no retries, no reporting.
 * Always resolves (never rejects, never throws), within `timeoutMs` however the
 * endpoint behaves: refusing, hanging, trickling, resetting.
 *
 * The socket keeps the process alive for at most `holdMs` while the answer
 * is awaited, then is unref'd: a script that ends while an export is in
 * flight gets that export's answer (a healthy endpoint answers in
 * milliseconds) instead of sending the batch again at exit, while a hanging
 * endpoint delays the end by `holdMs` at most. Node's 'beforeExit' only comes
 * later, never once more: the request was started while the loop was alive.
 */
export type SendOutcome =
  | ({ ok: true; status: number } & AnswerBody)
  | ({
      ok: false;
      /** HTTP status, when the endpoint answered. */
      status?: number;
      /** From a Retry-After header, in ms. */
      retryAfterMs?: number;
      /** A network or TLS error (its `code` says which), or our timeout. */
      error?: NodeJS.ErrnoException;
      timedOut?: boolean;
      /** A keep-alive socket the server had already closed: safe to retry at once. */
      staleSocket?: boolean;
      /** The connection broke after the answer had started. */
      midResponse?: boolean;
    } & AnswerBody);

/** The answer's body, read up to MAX_ANSWER_BYTES: partial-success counts and error messages are in it. */
export interface AnswerBody {
  contentType?: string;
  body?: Uint8Array;
}

/** An ExportTraceServiceResponse or a Status is small; anything past this is read and dropped. */
const MAX_ANSWER_BYTES = 64 * 1024;

/** Keep-alive agents, so a busy app does not open a connection per batch. */
export function createAgent(url: URL, tls: TlsFiles): http.Agent {
  // Idle sockets are closed before a typical server's keep-alive timeout (Node's is 5 s) can race a new request.
  const common = { keepAlive: true, keepAliveMsecs: 1000, maxSockets: 4, maxFreeSockets: 2, timeout: 4000 };
  return url.protocol === 'https:' ? new (httpsModule().Agent)({ ...common, ca: tls.ca, cert: tls.cert, key: tls.key }) : new (httpModule().Agent)(common);
}

export function postOnce(
  url: URL,
  body: Uint8Array,
  headers: Record<string, string | number>,
  agent: http.Agent | undefined,
  timeoutMs: number,
  hold: { ms: number; onExpired?: (startedAt: number) => void } = { ms: 0 },
): Promise<SendOutcome> {
  return new Promise<SendOutcome>((resolve) => {
    const startedAt = Date.now();
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let holdTimer: NodeJS.Timeout | undefined;
    let held: { unref(): unknown } | undefined;
    const release = (): void => {
      if (holdTimer) clearTimeout(holdTimer);
      held?.unref();
      held = undefined;
    };
    const finish = (outcome: SendOutcome): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      release();
      resolve(outcome);
    };
    let req: http.ClientRequest;
    try {
      const request = url.protocol === 'https:' ? httpsModule().request : httpModule().request;
      // The token (in `headers`) goes to this URL only; Node's client never follows redirects.
      req = request(url, { method: 'POST', headers: { ...headers, 'content-length': body.byteLength }, agent });
    } catch (error) {
      // Invalid header characters and the like: the configuration checks these, so this is a last guard.
      finish({ ok: false, error: error as NodeJS.ErrnoException });
      return;
    }
    timer = setTimeout(() => {
      const error = Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'CATALYST_TIMEOUT' });
      finish({ ok: false, timedOut: true, error });
      req.destroy(error);
    }, Math.max(1, timeoutMs));
    timer.unref();
    req.on('socket', (socket) => {
      if (settled || hold.ms <= 0) {
        socket.unref();
        return;
      }
      // A reused keep-alive socket was unref'd while idle; the agent refs it again on reuse, we bound that.
      socket.ref();
      held = socket;
      holdTimer ??= setTimeout(() => {
        release();
        hold.onExpired?.(startedAt);
      }, Math.max(1, hold.ms - (Date.now() - startedAt)));
      holdTimer.unref();
    });
    let responded = false;
    req.on('response', (res) => {
      responded = true;
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on('data', (chunk: Buffer) => {
        if (kept >= MAX_ANSWER_BYTES) return;
        chunks.push(chunk);
        kept += chunk.length;
      });
      res.on('error', (error) => finish({ ok: false, status, error, midResponse: true }));
      res.on('end', () => {
        const answer: AnswerBody = { contentType: res.headers['content-type'], body: kept > 0 ? Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES) : undefined };
        if (status >= 200 && status < 300) finish({ ok: true, status, ...answer });
        else finish({ ok: false, status, retryAfterMs: parseRetryAfter(res.headers['retry-after']), ...answer });
      });
      res.on('aborted', () => finish({ ok: false, status, midResponse: true, error: Object.assign(new Error('response aborted'), { code: 'ECONNRESET' }) }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      finish({ ok: false, error, staleSocket: !responded && req.reusedSocket && error.code === 'ECONNRESET', midResponse: responded });
    });
    req.end(body);
  });
}

/** Seconds, or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(raw)) return Number(raw) * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

import type { TlsFiles } from '../config/types';
import type { AnswerBody, SendOutcome } from './http-send';

/**
 * The synchronous export for the 'exit' event (process.exit, an uncaught
 * exception, an unhandled rejection), where no callback will ever run again.
 *
 * Node has no synchronous HTTP client. So the bodies are handed to a worker
 * thread that POSTs them with node:http(s), while this thread blocks in
 * Atomics.wait on a shared buffer the worker fills with the outcome, bounded by
 * what is left of the flush budget. When the wait ends the process exits and
 * takes the worker with it. A worker starts in ~50-120 ms (about half of a
 * `node -e` child) and shares the process's TLS setup (NODE_EXTRA_CA_CERTS,
 * --use-openssl-ca), so a private CA works here as on the normal path.
 *
 * Costs, honestly: this runs only on those exit paths and only when spans are
 * still pending; a script that ends normally has already sent everything
 * asynchronously and pays nothing here.
 */
export interface ExitJob {
  url: string;
  headers: Record<string, string>;
  tls: TlsFiles;
  bodies: Uint8Array[];
  timeoutMs: number;
}

export interface ExitResult {
  /** Bodies the endpoint accepted. */
  ok: number;
  elapsedMs: number;
  /** The first failure the sender saw, in the exporter's terms. */
  failure?: Extract<SendOutcome, { ok: false }>;
  /** Why nothing could be reported (cannot start the sender, or the budget ran out). */
  reason?: string;
  /** The budget ran out before the endpoint answered. */
  timedOut?: boolean;
  /** Accepted requests' answers that had a body (a partial_success, say), the first few. */
  answers?: AnswerBody[];
}

/** Shared buffer layout: [0] done flag, [1] byte length of the JSON result, then the JSON bytes. */
const RESULT_BYTES = 16384;

// Runs in a bare eval worker: node:http(s) only. Writes {ok, failure} as JSON into the shared buffer.
const SENDER = `
const { workerData } = require('node:worker_threads');
const job = workerData;
const ctrl = new Int32Array(job.shared, 0, 2);
const out = new Uint8Array(job.shared, 8);
const url = new URL(job.url);
const mod = require(url.protocol === 'https:' ? 'node:https' : 'node:http');
let left = job.bodies.length, ok = 0, failure;
const answers = [];
const finish = () => {
  const bytes = Buffer.from(JSON.stringify({ ok, failure, answers })).subarray(0, out.length);
  out.set(bytes);
  Atomics.store(ctrl, 1, bytes.length);
  Atomics.store(ctrl, 0, 1);
  Atomics.notify(ctrl, 0);
};
for (const body of job.bodies) {
  let settled = false;
  const settle = (f, answer) => {
    if (settled) return;
    settled = true;
    if (f) failure = failure || f;
    else { ok++; if (answer && answers.length < 8) answers.push(answer); }
    if (--left === 0) finish();
  };
  try {
    const req = mod.request(url, { method: 'POST', headers: { ...job.headers, 'content-length': body.byteLength }, ca: job.tls.ca, cert: job.tls.cert, key: job.tls.key, agent: false }, (res) => {
      // The first KB of the answer: enough for a partial_success or an error message.
      const parts = [];
      let kept = 0;
      res.on('data', (c) => { if (kept < 1024) { parts.push(c); kept += c.length; } });
      res.on('end', () => {
        const answer = kept > 0 ? { contentType: res.headers['content-type'], body: Buffer.concat(parts).subarray(0, 1024).toString('base64') } : undefined;
        settle(res.statusCode >= 200 && res.statusCode < 300 ? undefined : { status: res.statusCode, ...answer }, answer);
      });
      res.on('error', (e) => settle({ status: res.statusCode, code: e.code, message: e.message }));
    });
    req.on('error', (e) => settle({ code: e.code, message: e.message }));
    req.end(body);
  } catch (e) {
    settle({ code: e.code, message: e.message });
  }
}`;

export function sendAtExit(job: ExitJob): ExitResult {
  const started = Date.now();
  const shared = new SharedArrayBuffer(8 + RESULT_BYTES);
  const ctrl = new Int32Array(shared, 0, 2);
  try {
    const { Worker } = require('node:worker_threads') as typeof import('node:worker_threads');
    const worker = new Worker(SENDER, {
      eval: true,
      // No preload (--require/--import of this agent) and no tracing configuration in the sender.
      execArgv: [],
      env: {},
      workerData: { ...job, shared },
      stdout: true,
      stderr: true,
    });
    worker.unref();
    worker.on('error', () => undefined);
  } catch (error) {
    return { ok: 0, elapsedMs: Date.now() - started, reason: `cannot start the exit sender (${(error as Error).message})` };
  }
  const waited = Atomics.wait(ctrl, 0, 0, Math.max(1, job.timeoutMs));
  const elapsedMs = Date.now() - started;
  if (waited === 'timed-out' && Atomics.load(ctrl, 0) === 0) return { ok: 0, elapsedMs, timedOut: true, reason: `no answer within ${job.timeoutMs} ms` };
  type SentAnswer = { contentType?: string; body?: string };
  let parsed: { ok?: number; failure?: { status?: number; code?: string; message?: string } & SentAnswer; answers?: SentAnswer[] } | undefined;
  try {
    const length = Atomics.load(ctrl, 1);
    parsed = JSON.parse(Buffer.from(new Uint8Array(shared, 8, length)).toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (!parsed) return { ok: 0, elapsedMs, reason: 'no readable answer from the exit sender' };
  const f = parsed.failure;
  const answer = (a: SentAnswer | undefined): AnswerBody => ({ contentType: a?.contentType, body: a?.body ? Buffer.from(a.body, 'base64') : undefined });
  const failure: ExitResult['failure'] = f
    ? f.code || f.message
      ? { ok: false, status: f.status, error: Object.assign(new Error(f.message ?? f.code ?? 'error'), { code: f.code }) }
      : { ok: false, status: f.status, ...answer(f) }
    : undefined;
  return { ok: parsed.ok ?? 0, elapsedMs, failure, answers: parsed.answers?.map(answer) };
}

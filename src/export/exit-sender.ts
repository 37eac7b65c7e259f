import type { TlsFiles } from '../config/types';
import { parseRetryAfter, type AnswerBody, type SendOutcome } from './http-send';

/**
 * The synchronous export for the 'exit' event (a script's natural end,
 * process.exit, an uncaught exception, an unhandled rejection), where no
 * callback will ever run again.
 *
 * Node has no synchronous HTTP client. So the bodies are handed to a worker
 * thread that POSTs them with node:http(s), while this thread blocks in
 * Atomics.wait on a shared buffer the worker fills with each body's outcome,
 * until `deadline`. When the wait ends the process exits and takes the worker
 * with it. A worker starts in ~50-120 ms (about half of a `node -e` child) and
 * shares the process's TLS setup (NODE_EXTRA_CA_CERTS, --use-openssl-ca), so a
 * private CA works here as on the normal path.
 *
 * Why at 'exit' and not asynchronously at 'beforeExit': anything the agent
 * keeps running once the app's own work is done makes Node fire 'beforeExit'
 * again, so the app's listeners would run once more than untraced. Here the
 * loop is already over: the app sees exactly what it would have seen.
 */
export interface ExitJob {
  url: string;
  headers: Record<string, string>;
  tls: TlsFiles;
  bodies: Uint8Array[];
  /** Epoch ms: the wait ends then, answered or not. */
  deadline: number;
}

/**
 * What became of one body: accepted; refused (an answer that is not 2xx, or no
 * connection); broken (the answer started, then the connection broke: it may
 * have arrived); pending (no answer by the deadline).
 */
export type BodyState = 'ok' | 'refused' | 'broken' | 'pending';

export interface BodyResult {
  state: BodyState;
  /** Why it was not accepted (refused or broken), in the exporter's terms. */
  failure?: Extract<SendOutcome, { ok: false }>;
  /** An accepted body's answer, when it had one (a partial_success, say): its first KB. */
  answer?: AnswerBody;
}

export interface ExitResult {
  /** One per body, in order. */
  bodies: BodyResult[];
  elapsedMs: number;
  /** Why the sender could not run at all (then every body is 'pending'). */
  reason?: string;
}

const STATES: BodyState[] = ['pending', 'ok', 'refused', 'broken'];
/** Of an answer's body, what the worker hands back: enough for a partial_success or an error message. */
const ANSWER_BYTES = 1024;
/** Room for one body's outcome (its failure, or its answer), as JSON: the answer base64-encoded, and the rest. */
const SLOT_BYTES = 2048;

// Runs in a bare eval worker: node:http(s) only.
// Shared buffer: Int32 [0] done flag, [1] bodies settled; per body i, Int32 [2 + 2i] its state
// (index into STATES) and [3 + 2i] the byte length of its outcome JSON; then SLOT_BYTES per body.
const SENDER = `
const { workerData } = require('node:worker_threads');
const job = workerData;
const n = job.bodies.length;
const ctrl = new Int32Array(job.shared, 0, 2 + 2 * n);
const url = new URL(job.url);
const mod = require(url.protocol === 'https:' ? 'node:https' : 'node:http');
const settle = (i, state, outcome) => {
  if (Atomics.load(ctrl, 2 + 2 * i) !== 0) return;
  if (outcome) {
    const out = new Uint8Array(job.shared, 4 * (2 + 2 * n) + i * ${SLOT_BYTES}, ${SLOT_BYTES});
    const bytes = Buffer.from(JSON.stringify(outcome)).subarray(0, out.length);
    out.set(bytes);
    Atomics.store(ctrl, 3 + 2 * i, bytes.length);
  }
  Atomics.store(ctrl, 2 + 2 * i, state);
  if (Atomics.add(ctrl, 1, 1) + 1 === n) {
    Atomics.store(ctrl, 0, 1);
    Atomics.notify(ctrl, 0);
  }
};
job.bodies.forEach((body, i) => {
  let answered = false;
  try {
    const req = mod.request(url, { method: 'POST', headers: { ...job.headers, 'content-length': body.byteLength }, ca: job.tls.ca, cert: job.tls.cert, key: job.tls.key, agent: false }, (res) => {
      answered = true;
      const status = res.statusCode;
      const broken = (e) => settle(i, 3, { status, code: (e && e.code) || 'ECONNRESET', message: (e && e.message) || 'the answer was cut off', midResponse: true });
      const parts = [];
      let kept = 0;
      res.on('data', (c) => { if (kept < ${ANSWER_BYTES}) { parts.push(c); kept += c.length; } });
      res.on('end', () => {
        const answer = kept > 0 ? { contentType: res.headers['content-type'], body: Buffer.concat(parts).subarray(0, ${ANSWER_BYTES}).toString('base64') } : undefined;
        if (status >= 200 && status < 300) settle(i, 1, answer);
        else settle(i, 2, { status, retryAfter: res.headers['retry-after'], ...answer });
      });
      res.on('error', broken);
      res.on('aborted', broken);
      res.on('close', () => { if (!res.complete) broken(); });
    });
    req.on('error', (e) => answered ? settle(i, 3, { code: e.code, message: e.message, midResponse: true }) : settle(i, 2, { code: e.code, message: e.message }));
    req.end(body);
  } catch (e) {
    settle(i, 2, { code: e.code, message: e.message });
  }
});`;

export function sendAtExit(job: ExitJob): ExitResult {
  const started = Date.now();
  const n = job.bodies.length;
  const header = 4 * (2 + 2 * n);
  const shared = new SharedArrayBuffer(header + n * SLOT_BYTES);
  const ctrl = new Int32Array(shared, 0, 2 + 2 * n);
  try {
    const { Worker } = require('node:worker_threads') as typeof import('node:worker_threads');
    const worker = new Worker(SENDER, {
      eval: true,
      // No preload (--require/--import of this agent) and no tracing configuration in the sender.
      execArgv: [],
      env: {},
      workerData: { url: job.url, headers: job.headers, tls: job.tls, bodies: job.bodies, shared },
      stdout: true,
      stderr: true,
    });
    worker.unref();
    worker.on('error', () => undefined);
  } catch (error) {
    return { bodies: job.bodies.map(() => ({ state: 'pending' })), elapsedMs: Date.now() - started, reason: `cannot start the exit sender (${(error as Error).message})` };
  }
  // The deadline bounds the whole send: starting the worker is inside it, not added to it.
  Atomics.wait(ctrl, 0, 0, Math.max(1, job.deadline - Date.now()));
  const bodies = job.bodies.map((_, i): BodyResult => {
    const state = STATES[Atomics.load(ctrl, 2 + 2 * i)] ?? 'pending';
    if (state === 'pending') return { state };
    // The worker writes an outcome before the state that goes with it: a settled state's outcome is complete.
    const outcome = readOutcome(shared, header + i * SLOT_BYTES, Atomics.load(ctrl, 3 + 2 * i));
    if (state === 'ok') return outcome ? { state, answer: answerOf(outcome) } : { state };
    const failure = outcome && failureOf(outcome);
    return failure ? { state, failure } : { state };
  });
  return { bodies, elapsedMs: Date.now() - started };
}
interface SentOutcome {
  status?: number;
  code?: string;
  message?: string;
  retryAfter?: string;
  midResponse?: boolean;
  contentType?: string;
  /** base64 */
  body?: string;
}

function readOutcome(shared: SharedArrayBuffer, offset: number, length: number): SentOutcome | undefined {
  if (length <= 0) return undefined;
  try {
    return JSON.parse(Buffer.from(new Uint8Array(shared, offset, length)).toString('utf8')) as SentOutcome;
  } catch {
    return undefined;
  }
}

function answerOf(o: SentOutcome): AnswerBody {
  return { contentType: o.contentType, body: o.body ? Buffer.from(o.body, 'base64') : undefined };
}

function failureOf(f: SentOutcome): BodyResult['failure'] {
  const error = f.code || f.message ? Object.assign(new Error(f.message ?? f.code ?? 'error'), { code: f.code }) : undefined;
  return {
    ok: false,
    status: f.status,
    ...(error ? { error } : {}),
    ...(f.midResponse ? { midResponse: true } : {}),
    ...(f.retryAfter !== undefined ? { retryAfterMs: parseRetryAfter(f.retryAfter) } : {}),
    ...(f.body !== undefined ? answerOf(f) : {}),
  };
}

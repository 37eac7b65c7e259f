import type * as http from 'node:http';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { OtlpProtocol, TlsFiles } from '../config/types';
import { debug, reportInternalError, warnOnce } from '../diagnostics/report';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../version';
import { describeExportFault, describeRejectedSpans, safeEndpoint, withEndpointMessage, type FaultReport } from './export-faults';
import { createAgent, postOnce, type SendOutcome } from './http-send';
import { otlpEncoding, type OtlpEncoding } from './otlp-encoding';
import { sendAtExit } from './exit-sender';

export interface OtlpExporterOptions {
  /** The full traces URL. */
  url: string;
  /** Sent to `url` only (Authorization when a token is set). */
  headers: Record<string, string>;
  /** Upper bound on one batch: every attempt and every wait between attempts. */
  timeoutMs: number;
  compression: 'gzip' | 'none';
  /** http/protobuf or http/json, as the configuration decided. */
  protocol: OtlpProtocol;
  tls: TlsFiles;
  /** How long a request in flight may keep a finished script alive for its answer (see postOnce). */
  holdMs: number;
}

/**
 * What became of the spans handed to the exporter; each span is counted once,
 * in the first of these it ends in.
 */
export interface ExportStats {
  /** Spans the endpoint accepted (those sent at exit included). */
  exported: number;
  /** Spans that certainly did not arrive: the endpoint answered with an error, could not be reached, or was known to be failing at exit. */
  failed: number;
  /** Spans sent without an answer in time, or whose answer broke off: they may have arrived. */
  unconfirmed: number;
  /** Spans the exit path could not get confirmed before its deadline (too little time left, or no answer by then). */
  unconfirmedAtExit: number;
  /** Of `exported`, the spans the exit path sent synchronously. */
  sentAtExit: number;
  /** Spans in accepted batches that the endpoint said it did not keep (OTLP partial_success). */
  rejected: number;
}

/** Some spans and their serialized request body. */
interface ExitPart {
  spans: ReadableSpan[];
  body: Uint8Array;
}

function spanCount(parts: ExitPart[]): number {
  return parts.reduce((n, p) => n + p.spans.length, 0);
}

/** Accepted, certainly not delivered, or maybe delivered. */
type Settled = 'exported' | 'failed' | 'unconfirmed';

/** Retry-After values above this are capped: a broken header must not stop export for a day. */
const MAX_PAUSE_MS = 60_000;
const FIRST_BACKOFF_MS = 500;
/** Larger request bodies are split before sending: collectors commonly cap a request at 4-20 MB. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** An HTTP 413 for a body smaller than this is not worth splitting for. */
const MIN_SPLIT_BYTES = 256 * 1024;
const MAX_BACKOFF_MS = 4000;
/** A hold that ended this recently before the 'exit' event is taken to have delayed it. */
const HOLD_JUST_ENDED_MS = 50;
/** Less time than this left at exit is not worth starting the sender for (it alone takes ~50-120 ms to start). */
const MIN_EXIT_SEND_MS = 100;

/**
 * OTLP/HTTP JSON export, written for the faults an app meets in the field.
 * - A batch gets a bounded budget (`timeoutMs`) for all its attempts; retryable
 *   faults (429/502/503/504, network errors, timeouts) are retried with backoff
 *   inside it, others are not. Retry-After pauses every batch until it passes.
 * - One warning per kind of fault for the life of the process; recovery needs
 *   nothing: the next batch simply succeeds.
 * - Sockets are unref'd, so an export in flight never keeps a script alive.
 * - Bodies in flight are kept until they settle, so the exit path can send
 *   them synchronously if the process ends first.
 * The serializers (OTel's own, protobuf by default and JSON on request: otlp-encoding.ts) are loaded on the first export, not at start-up.
 */
export class OtlpHttpExporter implements SpanExporter {
  readonly stats: ExportStats = { exported: 0, failed: 0, unconfirmed: 0, unconfirmedAtExit: 0, sentAtExit: 0, rejected: 0 };
  private readonly url: URL;
  private readonly headers: Record<string, string>;
  private agent?: http.Agent;
  private readonly encoding: OtlpEncoding;
  /** Spans handed to export() and not yet confirmed or given up on: what the exit path must still send. */
  private readonly unconfirmed = new Set<ReadableSpan>();
  private readonly settling = new Set<Promise<void>>();
  /** Fault keys this exporter has warned about (the exit path folds a new one into its summary line instead). */
  private readonly warned = new Set<string>();
  private pausedUntil = 0;
  /** The answer that asked for the pause (a 429, or a 5xx with Retry-After): what a batch skipped for it reports. */
  private pauseCause?: Extract<SendOutcome, { ok: false }>;
  /** The last request that kept the process alive for its whole hold without an answer. */
  private lastHold?: { startedAt: number; expiredAt: number };
  /** The last batch failed (and none succeeded since): the exit path does not wait on a dead endpoint. */
  private failing = false;
  /** At exit there is no time for retries: one attempt per batch. */
  private exiting = false;
  private stopped = false;

  constructor(private readonly options: OtlpExporterOptions) {
    this.url = new URL(options.url);
    this.encoding = otlpEncoding(options.protocol);
    this.headers = {
      ...options.headers,
      'content-type': this.encoding.contentType,
      'user-agent': `${PACKAGE_NAME}/${PACKAGE_VERSION} node/${process.versions.node}`,
      ...(options.compression === 'gzip' ? { 'content-encoding': 'gzip' } : {}),
    };
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    if (this.stopped || spans.length === 0) {
      done({ code: this.stopped ? ExportResultCode.FAILED : ExportResultCode.SUCCESS });
      return;
    }
    for (const span of spans) this.unconfirmed.add(span);
    const settled = this.exportPart(spans, Date.now() + this.options.timeoutMs).then((error) => done(error ? { code: ExportResultCode.FAILED, error } : { code: ExportResultCode.SUCCESS }));
    this.settling.add(settled);
    void settled.finally(() => this.settling.delete(settled));
  }

  /**
   * Sends `spans` as one request, or as halves when the body is too large to
   * send in one (over MAX_BODY_BYTES, or refused with HTTP 413): one huge span
   * must not take 511 others down with it. Resolves with the error of the first
   * part that failed, if any; never rejects.
   */
  /** One batch, or a part of one: `deadline` is the whole batch's, shared by its parts, however it is split. */
  private async exportPart(spans: ReadableSpan[], deadline: number): Promise<Error | undefined> {
    let body: Uint8Array;
    try {
      body = this.serialize(spans);
    } catch (error) {
      reportInternalError('serializing spans', error);
      this.settle(spans, 'failed');
      return error as Error;
    }
    if (body.byteLength > MAX_BODY_BYTES && spans.length > 1) return this.exportInParts(spans, body.byteLength, deadline);
    const outcome = await this.deliver(body, deadline);
    if (outcome.ok) {
      if (this.failing) debug(`export to ${this.url.origin} recovered`);
      this.failing = false;
      this.settle(spans, 'exported', this.noteAnswer(outcome, spans.length));
      return undefined;
    }
    // Too large for this endpoint: smaller requests may pass. Not for small bodies: an endpoint that refuses those is misconfigured.
    if (outcome.status === 413 && spans.length > 1 && body.byteLength > MIN_SPLIT_BYTES) return this.exportInParts(spans, body.byteLength * 2, deadline);
    // Sent, and then no answer in time or a broken one: the endpoint may well have taken them.
    this.settle(spans, outcome.timedOut || outcome.midResponse ? 'unconfirmed' : 'failed');
    const fault = describeExportFault(outcome, this.options.url);
    // A batch the endpoint rejected (400, 413) says nothing about the next one; a down or refusing endpoint does.
    if (fault.retryable || outcome.status === undefined || [401, 403, 404, 415].includes(outcome.status)) this.failing = true;
    this.warn(this.inTheirWords(fault, outcome));
    debug(`export of ${spans.length} span(s) failed (${fault.key})`);
    return outcome.error ?? new Error(fault.key);
  }

  /**
   * Counts each span once, and only while it is still ours to count: spans the
   * exit path took over (see exportAtExit) are counted there.
   */
  private settle(spans: ReadableSpan[], as: Settled, rejected = 0): void {
    let n = 0;
    for (const span of spans) if (this.unconfirmed.delete(span)) n++;
    // Spans an accepted batch did not keep (partial_success) were counted as rejected by noteAnswer.
    this.stats[as] += n - Math.min(rejected, n);
  }

  /** A fault's sentence with the endpoint's own message (a google.rpc.Status, say), when its answer had one. */
  private inTheirWords(fault: FaultReport, answer: { status?: number; contentType?: string; body?: Uint8Array }): FaultReport {
    return { ...fault, message: withEndpointMessage(fault.message, this.encoding.readAnswer(answer).message) };
  }

  private warn(fault: FaultReport): void {
    this.warned.add(fault.key);
    warnOnce(`export:${fault.key}`, fault.message);
  }

  /** As many parts as the size calls for (each re-checked: span sizes are uneven), two requests at a time. */
  private async exportInParts(spans: ReadableSpan[], bytes: number, deadline: number): Promise<Error | undefined> {
    const parts = Math.min(spans.length, Math.max(2, Math.ceil(bytes / MAX_BODY_BYTES)));
    const size = Math.ceil(spans.length / parts);
    const chunks: ReadableSpan[][] = [];
    for (let i = 0; i < spans.length; i += size) chunks.push(spans.slice(i, i + size));
    let firstError: Error | undefined;
    const lane = async (): Promise<void> => {
      for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) firstError ??= await this.exportPart(chunk, deadline);
    };
    await Promise.all([lane(), lane()]);
    return firstError;
  }

  /**
   * How long this exporter may just have kept a finished script alive: a
   * request's hold that ran out unanswered right before the process exited
   * (the app's own work may have ended at any time during it). The exit path
   * takes it off its budget, so the whole delay stays inside that budget.
   */
  heldBeforeExit(now = Date.now()): number {
    const hold = this.lastHold;
    return hold && now - hold.expiredAt < HOLD_JUST_ENDED_MS ? hold.expiredAt - hold.startedAt : 0;
  }

  /** Called once the process starts to exit: one attempt per batch from now on. */
  beginExit(): void {
    this.exiting = true;
  }

  forceFlush(): Promise<void> {
    return Promise.all([...this.settling]).then(() => undefined);
  }

  shutdown(): Promise<void> {
    return this.forceFlush().then(() => {
      this.stopped = true;
      this.agent?.destroy();
    });
  }

  /**
   * The 'exit' event path (a script's natural end, process.exit, a crash, a
   * signal whose flush ran out of time): only synchronous code runs there.
   * Sends what is queued plus what was in flight, from a worker thread this
   * thread waits for (see exit-sender.ts), until `deadline`. Skipped when there
   * is too little time, or when the endpoint's last answer was a failure.
   * Every span is counted in `stats`. Returns a fault first seen here and not
   * yet reported, for the caller's exit line; nothing is printed here.
   */
  exportAtExit(spans: ReadableSpan[], deadline: number): FaultReport | undefined {
    const pending = [...this.unconfirmed, ...spans];
    // From here on these are counted below, not when an export still in flight settles.
    this.unconfirmed.clear();
    const count = pending.length;
    if (count === 0) return undefined;
    const paused = this.pausedUntil > Date.now();
    if (this.failing || paused) {
      // Reported when it started failing; not sent, so certainly not delivered.
      this.stats.failed += count;
      debug(`exit: ${count} span(s) not sent (${this.failing ? 'the endpoint is failing' : 'the endpoint asked to wait (Retry-After)'})`);
      return undefined;
    }
    if (deadline - Date.now() < MIN_EXIT_SEND_MS) {
      this.stats.unconfirmedAtExit += count;
      debug(`exit: ${count} span(s) not sent (the flush time is used up)`);
      return undefined;
    }
    let parts: ExitPart[];
    try {
      parts = this.exitParts(pending);
    } catch (error) {
      reportInternalError('serializing spans', error);
      this.stats.failed += count;
      return undefined;
    }
    let fault: FaultReport | undefined;
    // Parts refused as too large (HTTP 413) are halved and sent again, as during the run, while time is left.
    for (let round = 1; parts.length > 0; round++) {
      if (deadline - Date.now() < MIN_EXIT_SEND_MS) {
        this.stats.unconfirmedAtExit += spanCount(parts);
        break;
      }
      const result = sendAtExit({ url: this.options.url, headers: this.headers, tls: this.options.tls, bodies: parts.map((p) => p.body), deadline });
      debug(`exit: round ${round}, ${spanCount(parts)} span(s) in ${parts.length} request(s): ${result.bodies.map((b) => b.state).join(', ')} after ${result.elapsedMs} ms${result.reason ? ` (${result.reason})` : ''}`);
      const again: ExitPart[] = [];
      result.bodies.forEach(({ state, failure, answer }, i) => {
        const part = parts[i];
        const n = part.spans.length;
        if (state === 'ok') {
          const kept = n - (answer ? this.noteAnswer({ status: 200, ...answer }, n) : 0);
          this.stats.exported += kept;
          this.stats.sentAtExit += kept;
          return;
        }
        if (state === 'pending') {
          if (result.reason) this.stats.failed += n;
          else this.stats.unconfirmedAtExit += n;
          return;
        }
        if (failure?.status === 413 && n > 1 && part.body.byteLength > MIN_SPLIT_BYTES) {
          try {
            again.push(...this.exitParts(part.spans, Math.ceil(n / 2)));
            return;
          } catch (error) {
            reportInternalError('serializing spans', error);
          }
        }
        this.stats[state === 'broken' ? 'unconfirmed' : 'failed'] += n;
        fault ??= failure && this.inTheirWords(describeExportFault(failure, this.options.url), failure);
      });
      parts = again;
    }
    if (!fault || this.warned.has(fault.key)) return undefined;
    this.warned.add(fault.key);
    return fault;
  }

  /** Request bodies for the exit path: `perPart` spans each, halved again while a body is over MAX_BODY_BYTES. */
  private exitParts(spans: ReadableSpan[], perPart = spans.length): ExitPart[] {
    const parts: ExitPart[] = [];
    for (let i = 0; i < spans.length; i += perPart) {
      const chunk = spans.slice(i, i + perPart);
      const body = this.serialize(chunk);
      if (body.byteLength > MAX_BODY_BYTES && chunk.length > 1) parts.push(...this.exitParts(chunk, Math.ceil(chunk.length / 2)));
      else parts.push({ spans: chunk, body });
    }
    return parts;
  }

  private serialize(spans: ReadableSpan[]): Uint8Array {
    const body = this.encoding.serialize(spans);
    return this.options.compression === 'gzip' ? (require('node:zlib') as typeof import('node:zlib')).gzipSync(body) : body;
  }

  /**
   * An accepted batch's answer: spans the endpoint rejected (partial_success)
   * are counted and reported once, in its words. Returns how many it rejected.
   */
  private noteAnswer(answer: { status?: number; contentType?: string; body?: Uint8Array }, sent: number): number {
    const said = this.encoding.readAnswer(answer);
    const rejected = Math.min(said.rejectedSpans ?? 0, sent);
    if (rejected > 0) {
      this.stats.rejected += rejected;
      const fault = describeRejectedSpans(rejected, said.message, this.options.url);
      warnOnce(`export:${fault.key}`, fault.message);
      debug(`the endpoint rejected ${rejected} of ${sent} span(s)`);
    } else if (said.message) {
      // OTLP lets an endpoint warn while keeping everything: worth one line.
      warnOnce('export:partial-success-warning', `the OTLP endpoint ${safeEndpoint(this.options.url)} accepted the spans with a warning: ${JSON.stringify(said.message)}`);
    }
    return rejected;
  }


  private async deliver(body: Uint8Array, deadline: number): Promise<SendOutcome> {
    let last: SendOutcome | undefined;
    for (let attempt = 1; ; attempt++) {
      const pause = this.pausedUntil - Date.now();
      if (pause > 0) {
        // Honour Retry-After for every batch, not only the one that got it; wait if it fits the budget.
        if (this.exiting || Date.now() + pause >= deadline) return last ?? { ...(this.pauseCause ?? { ok: false, status: 429 }), retryAfterMs: pause };
        await sleep(pause);
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) return last ?? { ok: false, timedOut: true, error: Object.assign(new Error('export budget used up'), { code: 'CATALYST_TIMEOUT' }) };
      this.agent ??= createAgent(this.url, this.options.tls);
      last = await postOnce(this.url, body, this.headers, this.agent, remaining, { ms: this.options.holdMs, onExpired: (startedAt) => (this.lastHold = { startedAt, expiredAt: Date.now() }) });
      if (last.ok) return last;
      // A keep-alive socket the server closed meanwhile: the request never reached it. Once more, at once.
      if (last.staleSocket && attempt <= 2) continue;
      if (last.status === 429 || (last.retryAfterMs !== undefined && last.status !== undefined && last.status >= 500)) {
        if (last.retryAfterMs !== undefined) {
          this.pausedUntil = Date.now() + Math.min(last.retryAfterMs, MAX_PAUSE_MS);
          this.pauseCause = last;
        }
      }
      const fault = describeExportFault(last, this.options.url);
      if (!fault.retryable || this.exiting || this.stopped) return last;
      const wait = last.retryAfterMs !== undefined ? Math.min(last.retryAfterMs, MAX_PAUSE_MS) : backoff(attempt);
      if (Date.now() + wait >= deadline) return last;
      await sleep(wait);
    }
  }
}

function backoff(attempt: number): number {
  const base = Math.min(FIRST_BACKOFF_MS * 2 ** (attempt - 1), MAX_BACKOFF_MS);
  return base * (0.8 + Math.random() * 0.4);
}

/** An unref'd wait: a retry pending never keeps a finished script alive. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

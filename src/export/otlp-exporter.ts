import type * as http from 'node:http';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { OtlpProtocol, TlsFiles } from '../config/types';
import { debug, reportInternalError, warnOnce } from '../diagnostics/report';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../version';
import { describeExportFault, describeRejectedSpans, safeEndpoint, withEndpointMessage } from './export-faults';
import { createAgent, postOnce, type SendOutcome } from './http-send';
import { sendAtExit } from './exit-sender';
import { otlpEncoding, type OtlpEncoding } from './otlp-encoding';

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
}

export interface ExportStats {
  /** Spans the endpoint accepted. */
  exported: number;
  /** Spans in batches that failed for good (all attempts, or a fault not worth retrying). */
  failed: number;
  /** Spans the exit path could not send (no time left, or the endpoint known to be down). */
  lostAtExit: number;
  /** Spans the exit path sent synchronously. */
  sentAtExit: number;
  /** Spans in accepted batches that the endpoint said it did not keep (OTLP partial_success). */
  rejected: number;
}

/** Retry-After values above this are capped: a broken header must not stop export for a day. */
const MAX_PAUSE_MS = 60_000;
const FIRST_BACKOFF_MS = 500;
/** Larger request bodies are split before sending: collectors commonly cap a request at 4-20 MB. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** An HTTP 413 for a body smaller than this is not worth splitting for. */
const MIN_SPLIT_BYTES = 256 * 1024;
const MAX_BACKOFF_MS = 4000;

/**
 * OTLP/HTTP export (protobuf by default, JSON on request: otlp-encoding.ts), written for the faults an app meets in the field.
 * - A batch gets a bounded budget (`timeoutMs`) for all its attempts; retryable
 *   faults (429/502/503/504, network errors, timeouts) are retried with backoff
 *   inside it, others are not. Retry-After pauses every batch until it passes.
 * - One warning per kind of fault for the life of the process; recovery needs
 *   nothing: the next batch simply succeeds.
 * - Sockets are unref'd, so an export in flight never keeps a script alive.
 * - Bodies in flight are kept until they settle, so the exit path can send
 *   them synchronously if the process ends first.
 * The serializers (OTel's own) are loaded on the first export, not at start-up.
 */
export class OtlpHttpExporter implements SpanExporter {
  readonly stats: ExportStats = { exported: 0, failed: 0, lostAtExit: 0, sentAtExit: 0, rejected: 0 };
  private readonly url: URL;
  private readonly headers: Record<string, string>;
  private agent?: http.Agent;
  private readonly encoding: OtlpEncoding;
  /** Spans handed to export() and not yet confirmed or given up on: what the exit path must still send. */
  private readonly unconfirmed = new Set<ReadableSpan>();
  private readonly settling = new Set<Promise<void>>();
  private pausedUntil = 0;
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
    const settled = this.exportPart(spans).then((error) => done(error ? { code: ExportResultCode.FAILED, error } : { code: ExportResultCode.SUCCESS }));
    this.settling.add(settled);
    void settled.finally(() => this.settling.delete(settled));
  }

  /**
   * Sends `spans` as one request, or as halves when the body is too large to
   * send in one (over MAX_BODY_BYTES, or refused with HTTP 413): one huge span
   * must not take 511 others down with it. Resolves with the error of the first
   * part that failed, if any; never rejects.
   */
  private async exportPart(spans: ReadableSpan[]): Promise<Error | undefined> {
    let body: Uint8Array;
    try {
      body = this.serialize(spans);
    } catch (error) {
      reportInternalError('serializing spans', error);
      this.stats.failed += spans.length;
      return error as Error;
    }
    if (body.byteLength > MAX_BODY_BYTES && spans.length > 1) return this.exportInParts(spans, body.byteLength);
    const outcome = await this.deliver(body);
    // Settled either way: the exit path does not send these again.
    for (const span of spans) this.unconfirmed.delete(span);
    if (outcome.ok) {
      if (this.failing) debug(`export to ${this.url.origin} recovered`);
      this.failing = false;
      const rejected = this.noteAnswer(outcome, spans.length);
      this.stats.exported += spans.length - rejected;
      return undefined;
    }
    // Too large for this endpoint: smaller requests may pass. Not for small bodies: an endpoint that refuses those is misconfigured.
    if (outcome.status === 413 && spans.length > 1 && body.byteLength > MIN_SPLIT_BYTES) {
      for (const span of spans) this.unconfirmed.add(span);
      return this.exportInParts(spans, body.byteLength * 2);
    }
    this.stats.failed += spans.length;
    const fault = describeExportFault(outcome, this.options.url);
    // A batch the endpoint rejected (400, 413) says nothing about the next one; a down or refusing endpoint does.
    if (fault.retryable || outcome.status === undefined || [401, 403, 404, 415].includes(outcome.status)) this.failing = true;
    warnOnce(`export:${fault.key}`, withEndpointMessage(fault.message, this.encoding.readAnswer(outcome).message));
    debug(`export of ${spans.length} span(s) failed (${fault.key})`);
    return outcome.error ?? new Error(fault.key);
  }

  /** As many parts as the size calls for (each re-checked: span sizes are uneven), two requests at a time. */
  private async exportInParts(spans: ReadableSpan[], bytes: number): Promise<Error | undefined> {
    const parts = Math.min(spans.length, Math.max(2, Math.ceil(bytes / MAX_BODY_BYTES)));
    const size = Math.ceil(spans.length / parts);
    const chunks: ReadableSpan[][] = [];
    for (let i = 0; i < spans.length; i += size) chunks.push(spans.slice(i, i + size));
    let firstError: Error | undefined;
    const lane = async (): Promise<void> => {
      for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) firstError ??= await this.exportPart(chunk);
    };
    await Promise.all([lane(), lane()]);
    return firstError;
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
   * The 'exit' event path (process.exit, a crash, the end of a flush that ran
   * out of time): only synchronous code runs there. Sends what is queued plus
   * what was in flight, from a worker thread this thread waits for (see
   * exit-sender.ts), bounded by `budgetMs`.
   * Skipped, with the spans counted as lost, when there is too little time or
   * the endpoint's last answer was a failure.
   */
  exportAtExit(spans: ReadableSpan[], budgetMs: number, flushTimeoutMs: number): void {
    const pending = [...this.unconfirmed, ...spans];
    this.unconfirmed.clear();
    const count = pending.length;
    if (count === 0) return;
    const paused = this.pausedUntil > Date.now();
    if (this.failing || paused || budgetMs < 100) {
      this.stats.lostAtExit += count;
      debug(`exit: ${count} span(s) not sent (${this.failing ? 'the endpoint is failing' : paused ? 'the endpoint asked to wait (Retry-After)' : 'the flush time is used up'})`);
      // A failing endpoint was reported already; an endpoint that just never answered was not.
      if (!this.failing && !paused) {
        warnOnce('exit-unconfirmed', `the OTLP endpoint ${safeEndpoint(this.options.url)} did not confirm ${count} span(s) within ${flushTimeoutMs} ms (CATALYST_FLUSH_TIMEOUT_MS) as the process exited; they may be lost.`);
      }
      return;
    }
    const bodies: Uint8Array[] = [];
    try {
      // Parts of about MAX_BODY_BYTES, guessing 2 KB a span; the sender sends them side by side.
      const perPart = Math.max(1, Math.floor(MAX_BODY_BYTES / 2048));
      for (let i = 0; i < count; i += perPart) bodies.push(this.serialize(pending.slice(i, i + perPart)));
    } catch (error) {
      reportInternalError('serializing spans', error);
      this.stats.lostAtExit += count;
      return;
    }
    const result = sendAtExit({ url: this.options.url, headers: this.headers, tls: this.options.tls, bodies, timeoutMs: budgetMs });
    if (result.ok === bodies.length) {
      let rejected = 0;
      for (const answer of result.answers ?? []) rejected += this.noteAnswer({ status: 200, ...answer }, count - rejected);
      this.stats.sentAtExit += count - rejected;
      debug(`exit: ${count} span(s) sent synchronously in ${result.elapsedMs} ms`);
      return;
    }
    this.stats.lostAtExit += count;
    if (result.timedOut) {
      warnOnce('exit-unconfirmed', `the OTLP endpoint ${safeEndpoint(this.options.url)} did not confirm ${count} span(s) within ${flushTimeoutMs} ms (CATALYST_FLUSH_TIMEOUT_MS) as the process exited; they may be lost.`);
    } else if (result.failure) {
      const fault = describeExportFault(result.failure, this.options.url);
      warnOnce(`export:${fault.key}`, withEndpointMessage(fault.message, this.encoding.readAnswer(result.failure).message));
    } else {
      debug(`exit: sending ${count} span(s) failed (${result.reason ?? 'unknown'})`);
    }
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

  private async deliver(body: Uint8Array): Promise<SendOutcome> {
    const deadline = Date.now() + this.options.timeoutMs;
    let last: SendOutcome | undefined;
    for (let attempt = 1; ; attempt++) {
      const pause = this.pausedUntil - Date.now();
      if (pause > 0) {
        // Honour Retry-After for every batch, not only the one that got it; wait if it fits the budget.
        if (this.exiting || Date.now() + pause >= deadline) return last ?? { ok: false, status: 429, retryAfterMs: pause };
        await sleep(pause);
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) return last ?? { ok: false, timedOut: true, error: Object.assign(new Error('export budget used up'), { code: 'CATALYST_TIMEOUT' }) };
      this.agent ??= createAgent(this.url, this.options.tls);
      last = await postOnce(this.url, body, this.headers, this.agent, remaining);
      if (last.ok) return last;
      // A keep-alive socket the server closed meanwhile: the request never reached it. Once more, at once.
      if (last.staleSocket && attempt <= 2) continue;
      if (last.status === 429 || (last.retryAfterMs !== undefined && last.status !== undefined && last.status >= 500)) {
        if (last.retryAfterMs !== undefined) this.pausedUntil = Date.now() + Math.min(last.retryAfterMs, MAX_PAUSE_MS);
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

import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { StoreAppender } from '../store/store-appender';
import { toStoredSpan } from './span-record';
import { warnOnce, debug } from '../diagnostics/report';

/**
 * The embedded default: with no endpoint, spans are appended as JSON lines to
 * the local store (one file per process, rotated and pruned under the cap by
 * the store's own writer). Writes are synchronous on purpose: batches are
 * small, and the exit path (including process.exit) can only run synchronous
 * code, so one write path serves both.
 */
export class LocalStoreExporter implements SpanExporter {
  private readonly store: StoreAppender;
  private failed = false;

  constructor(
    private readonly dir: string,
    maxBytes: number,
  ) {
    this.store = new StoreAppender({
      dir,
      maxBytes,
      writer: 'agent',
      onPrune: (message) => warnOnce('store-prune', message),
      onNewFile: (file) => debug(`local store file ${file}`),
    });
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    done(this.write(spans) ? { code: ExportResultCode.SUCCESS } : { code: ExportResultCode.FAILED });
  }

  /** Also used by the exit path for spans still queued. */
  write(spans: ReadableSpan[]): boolean {
    if (this.failed || spans.length === 0) return !this.failed;
    try {
      let text = '';
      for (const span of spans) text += `${JSON.stringify(toStoredSpan(span))}\n`;
      this.store.append(text);
      return true;
    } catch (error) {
      this.failed = true;
      warnOnce('store-write', `cannot write the local trace store at ${this.dir} (${(error as Error).message}); spans are not kept. Set CATALYST_TRACES_DIR or CATALYST_OTLP_ENDPOINT.`);
      return false;
    }
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

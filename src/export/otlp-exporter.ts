import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { debug, warnOnce } from '../diagnostics/report';
import { describeExportFault } from './export-faults';

/**
 * The OTLP/HTTP exporter, loaded on the first export rather than at start-up:
 * the exporter and its transformer pull in the logs and metrics SDKs, which a
 * short script that makes no span should never pay for.
 */
export class LazyOtlpExporter implements SpanExporter {
  private inner?: SpanExporter;
  private failing = false;

  constructor(
    private readonly url: string,
    private readonly headers: Record<string, string>,
    private readonly timeoutMillis: number,
  ) {}

  private exporter(): SpanExporter {
    if (!this.inner) {
      const { OTLPTraceExporter } = require('./otlp-vendor') as typeof import('./otlp-vendor');
      this.inner = new OTLPTraceExporter({ url: this.url, headers: this.headers, timeoutMillis: this.timeoutMillis });
    }
    return this.inner;
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    let exporter: SpanExporter;
    try {
      exporter = this.exporter();
    } catch (error) {
      warnOnce('exporter-load', `cannot load the OTLP exporter (${(error as Error).message}); spans are dropped`);
      done({ code: ExportResultCode.FAILED, error: error as Error });
      return;
    }
    exporter.export(spans, (result) => {
      if (result.code === ExportResultCode.SUCCESS) {
        if (this.failing) debug('export recovered');
        this.failing = false;
      } else {
        this.failing = true;
        const fault = describeExportFault(result.error, this.url);
        warnOnce(`export:${fault.key}`, fault.message);
      }
      done(result);
    });
  }

  forceFlush(): Promise<void> {
    return this.inner?.forceFlush?.() ?? Promise.resolve();
  }

  shutdown(): Promise<void> {
    return this.inner?.shutdown() ?? Promise.resolve();
  }
}

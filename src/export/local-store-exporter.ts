import { appendFileSync, mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { STORE_FILE_SUFFIX } from '../store/format';
import { toStoredSpan } from './span-record';
import { warnOnce, debug } from '../diagnostics/report';

/**
 * The embedded default: with no endpoint, spans are appended as JSON lines to
 * one file per process in the local store. Writes are synchronous on purpose:
 * batches are small, and the exit path (including process.exit) can only run
 * synchronous code, so one write path serves both.
 */
export class LocalStoreExporter implements SpanExporter {
  private file?: string;
  private written = 0;
  private failed = false;

  constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    done(this.write(spans) ? { code: ExportResultCode.SUCCESS } : { code: ExportResultCode.FAILED });
  }

  /** Also used by the exit path for spans still queued. */
  write(spans: ReadableSpan[]): boolean {
    if (this.failed || spans.length === 0) return !this.failed;
    try {
      let text = '';
      for (const span of spans) text += `${JSON.stringify(toStoredSpan(span))}\n`;
      if (!this.file || this.written > this.maxBytes / 4) this.rotate();
      appendFileSync(this.file!, text);
      this.written += Buffer.byteLength(text);
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

  /** A new file, and the oldest files removed until the store fits its cap. */
  private rotate(): void {
    mkdirSync(this.dir, { recursive: true });
    const stamp = new Date().toISOString().replace(/:/g, '-');
    this.file = join(this.dir, `${stamp}-${process.pid}-${randomBytes(3).toString('hex')}${STORE_FILE_SUFFIX}`);
    this.written = 0;
    if (this.file) debug(`local store file ${this.file}`);
    this.prune();
  }

  private prune(): void {
    const files = readdirSync(this.dir)
      .filter((f) => f.endsWith(STORE_FILE_SUFFIX))
      .map((f) => {
        const path = join(this.dir, f);
        try {
          const st = statSync(path);
          return { path, size: st.size, mtime: st.mtimeMs };
        } catch {
          return undefined;
        }
      })
      .filter((f): f is { path: string; size: number; mtime: number } => f !== undefined)
      .sort((a, b) => a.mtime - b.mtime);
    let total = files.reduce((sum, f) => sum + f.size, 0);
    for (const f of files) {
      if (total <= this.maxBytes) break;
      try {
        unlinkSync(f.path);
        total -= f.size;
      } catch {
        // another process removed it first
      }
    }
  }
}

import { appendFileSync, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { STORE_FILE_SUFFIX, type StoredSpan } from '../../store/format';

/**
 * The receiver's side of the store: one new JSON-lines file per server process,
 * named like the preload's files, created on the first span, appended whole
 * lines at a time so that readers never see half a batch from a live server.
 */
export class StoreWriter {
  readonly file: string;
  private created = false;
  written = 0;

  constructor(readonly dir: string) {
    const stamp = new Date().toISOString().replace(/:/g, '-');
    this.file = join(dir, `${stamp}-${process.pid}-${randomBytes(3).toString('hex')}${STORE_FILE_SUFFIX}`);
  }

  /** Creates the folder now, so that a store that cannot be written fails at start, not at the first request. */
  ensureDir(): void {
    mkdirSync(this.dir, { recursive: true });
  }

  write(spans: StoredSpan[]): void {
    if (spans.length === 0) return;
    let text = '';
    for (const span of spans) text += `${JSON.stringify(span)}\n`;
    if (!this.created) {
      this.ensureDir();
      this.created = true;
    }
    appendFileSync(this.file, text);
    this.written += spans.length;
  }
}

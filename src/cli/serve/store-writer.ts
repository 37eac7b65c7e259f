import { DEFAULT_STORE_MAX_MB, type StoredSpan } from '../../store/format';
import { StoreAppender } from '../../store/store-appender';

export interface StoreWriterOptions {
  /** The store's cap in bytes (CATALYST_STORE_MAX_MB); the agent's default when absent. */
  maxBytes?: number;
  /** Told once, the first time old files are removed to keep the store under its cap. */
  onPrune?: (message: string) => void;
}

/**
 * The receiver's side of the store: the same writer as the agent's (names,
 * header, rotation, cap, pruning, modes), a new file per server run created on
 * the first span, whole lines appended per batch so that readers never see half
 * a batch from a live server.
 */
export class StoreWriter {
  private readonly store: StoreAppender;
  /** Spans written. */
  written = 0;

  constructor(
    readonly dir: string,
    opts: StoreWriterOptions = {},
  ) {
    this.store = new StoreAppender({ dir, maxBytes: opts.maxBytes ?? DEFAULT_STORE_MAX_MB * 1024 * 1024, writer: 'serve', onPrune: opts.onPrune });
  }

  /** The file being written (a new one when it reaches a quarter of the cap). */
  get file(): string {
    return this.store.file;
  }

  /** Creates the folder now, so that a store that cannot be written fails at start, not at the first request. */
  ensureDir(): void {
    this.store.ensureDir();
  }

  write(spans: StoredSpan[]): void {
    if (spans.length === 0) return;
    let text = '';
    for (const span of spans) text += `${JSON.stringify(span)}\n`;
    this.store.append(text);
    this.written += spans.length;
  }
}

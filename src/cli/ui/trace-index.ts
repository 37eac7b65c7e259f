import type { StoredSpan } from '../../store/format';
import { K } from '../keys';
import { spanKind, str } from '../span-fields';
import { CLOCK_SKEW_MS, listStoreFiles, newestFirst, newStats, scanSpans, statsNotes, type StoreFile } from '../store-reader';
import { TraceSummaries, type TraceSummary } from '../trace-summary';
import { lightSpan } from './light-span';

/**
 * The viewer's index of the store: every span cut down to what lists show
 * (light-span.ts), held per file and brought up to date on each request by
 * reading only what changed. Store files are only ever appended to, so a file
 * whose size or mtime moved is read on from where the last read stopped; a file
 * that shrank or was replaced is read again, and a removed one is dropped. The
 * summaries are worked out again only when something changed.
 *
 * The first index of a big store takes a while (parsing every line is most of
 * it), so it reads the newest files first, and a caller that can make do with
 * the newest traces asks `early()`: it is handed a snapshot of the files read so
 * far as soon as that is enough for it (see `loadingBefore`), while the rest is
 * still being read.
 */
interface FileEntry {
  size: number;
  mtimeMs: number;
  /** Where the whole lines read so far end. */
  end: number;
  /** Bytes after `end` that are not a whole line yet. */
  tail: number;
  spans: StoredSpan[];
  corrupt: number;
  unreadable?: string;
}

export interface TracePreview {
  input?: string;
  output?: string;
}

export interface IndexSnapshot {
  /** Changes whenever the store's content does: an ETag for answers built from it. */
  generation: number;
  summaries: TraceSummary[];
  /** The root's input and output (else the first agent's), cut short: a session's turns. */
  previews: Map<string, TracePreview>;
  /** Which files hold each trace's spans, so opening one reads only those. */
  traceFiles: Map<string, string[]>;
  spanCount: number;
  files: StoreFile[];
  /** What was skipped, one sentence each. */
  notes: string[];
  /**
   * Set while the first index is still being read, newest files first: the
   * files not read yet can hold spans only of traces that started before this
   * time (ms since the epoch), so the traces that started after it are all
   * listed, complete and in their place; older ones may be missing.
   */
  loadingBefore?: number;
}

/** A caller of `early()` waiting for enough of the store. */
interface Waiter {
  enough: (snap: IndexSnapshot) => boolean;
  resolve: (snap: IndexSnapshot) => void;
}

export class TraceIndex {
  private readonly entries = new Map<string, FileEntry>();
  private snapshot?: IndexSnapshot;
  private generation = 0;
  private pending?: Promise<IndexSnapshot>;
  private waiters: Waiter[] = [];
  /** While the first index is read: the last snapshot of the newest files, for early() callers. */
  private partial?: IndexSnapshot;

  constructor(readonly dir: string) {}

  /** The index, brought up to date; concurrent callers share one refresh. */
  current(): Promise<IndexSnapshot> {
    this.pending ??= this.refresh().finally(() => (this.pending = undefined));
    return this.pending;
  }

  /**
   * While the first index is being read: the first snapshot of the newest files
   * that `enough` accepts (it has `loadingBefore` set), or the whole index if none
   * does. Once the store has been read, the same as `current()`.
   */
  early(enough: (snap: IndexSnapshot) => boolean): Promise<IndexSnapshot> {
    const whole = this.current();
    if (this.snapshot) return whole;
    if (this.partial && enough(this.partial)) return Promise.resolve(this.partial);
    return new Promise<IndexSnapshot>((resolve, reject) => {
      const waiter: Waiter = { enough, resolve };
      this.waiters.push(waiter);
      whole.then(
        (snap) => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(snap);
        },
        reject,
      );
    });
  }

  private async refresh(): Promise<IndexSnapshot> {
    const files = await listStoreFiles(this.dir);
    let changed = this.snapshot === undefined;
    const present = new Set(files.map((f) => f.path));
    for (const path of [...this.entries.keys()]) {
      if (!present.has(path)) {
        this.entries.delete(path);
        changed = true;
      }
    }
    const cold = this.snapshot === undefined;
    // The first read goes newest first, handing out snapshots of what is read so far to
    // callers of early(); each is built only once the bytes read have doubled, so all of
    // them together cost no more than one more build of the whole.
    let readBytes = 0;
    let nextEarly = 0;
    const order = cold ? newestFirst(files) : files;
    for (let i = 0; i < order.length; i++) {
      const file = order[i]!;
      if (cold && i > 0) {
        if (readBytes >= nextEarly) {
          nextEarly = readBytes * 2;
          this.offerEarly(files, file);
        }
        // Let the server answer between files: a new connection takes one turn of the
        // event loop to be accepted and another for its request to be read.
        for (let turn = 0; turn < 2; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
      }
      readBytes += file.size;
      const old = this.entries.get(file.path);
      if (old && old.size === file.size && old.mtimeMs === file.mtimeMs) continue;
      changed = true;
      // Appended to since the last read: read on. Shrunk (replaced): read it all again.
      const entry: FileEntry = old && file.size >= old.end ? { ...old, spans: old.spans.slice() } : { size: 0, mtimeMs: 0, end: 0, tail: 0, spans: [], corrupt: 0 };
      entry.size = file.size;
      entry.mtimeMs = file.mtimeMs;
      entry.unreadable = undefined;
      const stats = newStats();
      await scanSpans(
        {
          files: [file],
          from: () => entry.end,
          wholeLines: true,
          onSpan: (span) => void entry.spans.push(lightSpan(span, { preview: span.parentSpanId === undefined || spanKind(span) === 'AGENT' })),
          onFileEnd: (_f, end, tail) => {
            entry.end = end;
            entry.tail = tail;
          },
        },
        stats,
      );
      entry.corrupt += stats.corrupt;
      if (stats.unreadable.length > 0) entry.unreadable = stats.unreadable[0]!.reason;
      this.entries.set(file.path, entry);
    }
    if (changed || !this.snapshot) this.snapshot = this.build(files);
    else this.snapshot.files = files;
    this.partial = undefined;
    return this.snapshot;
  }

  /** A snapshot of the files read so far, for the waiters it is enough for and for those who ask before the next. */
  private offerEarly(files: StoreFile[], nextUnread: StoreFile): void {
    const snap = this.build(files.filter((f) => this.entries.has(f.path)), false);
    // The next file unread is the newest of them; spans are written after they end.
    snap.loadingBefore = nextUnread.mtimeMs + CLOCK_SKEW_MS;
    snap.files = files;
    this.partial = snap;
    this.waiters = this.waiters.filter((w) => {
      if (!w.enough(snap)) return true;
      w.resolve(snap);
      return false;
    });
  }

  private build(files: StoreFile[], counted = true): IndexSnapshot {
    const summaries = new TraceSummaries();
    const previews = new Map<string, { preview: TracePreview; root: boolean; start: number }>();
    const traceFiles = new Map<string, string[]>();
    const stats = newStats();
    let spanCount = 0;
    const notes: string[] = [];
    for (const file of files) {
      const entry = this.entries.get(file.path);
      if (!entry) continue;
      if (entry.corrupt > 0) {
        stats.corrupt += entry.corrupt;
        stats.corruptFiles.add(file.path);
      }
      if (entry.unreadable) stats.unreadable.push({ file: file.path, reason: entry.unreadable });
      if (entry.tail > 0) notes.push(`the last ${entry.tail} byte${entry.tail === 1 ? '' : 's'} of ${file.name} are not a whole line (still being written, or cut off when a process was killed); not shown`);
      for (const span of entry.spans) {
        spanCount++;
        summaries.add(span);
        const holders = traceFiles.get(span.traceId);
        if (!holders) traceFiles.set(span.traceId, [file.path]);
        else if (holders[holders.length - 1] !== file.path && !holders.includes(file.path)) holders.push(file.path);
        const root = span.parentSpanId === undefined;
        if (!root && spanKind(span) !== 'AGENT') continue;
        const best = previews.get(span.traceId);
        if (best && (best.root && !root ? true : best.root === root && best.start <= span.startTime)) continue;
        previews.set(span.traceId, { root, start: span.startTime, preview: { input: str(span.attributes[K.INPUT_VALUE]), output: str(span.attributes[K.OUTPUT_VALUE]) } });
      }
    }
    const list = summaries.results().sort((a, b) => b.startTime - a.startTime || (a.traceId < b.traceId ? -1 : 1));
    return {
      // A partial snapshot takes no generation of its own: nothing built from it is kept.
      generation: counted ? ++this.generation : this.generation,
      summaries: list,
      previews: new Map([...previews].map(([id, p]) => [id, p.preview])),
      traceFiles,
      spanCount,
      files,
      notes: [...statsNotes(stats), ...notes],
    };
  }
}

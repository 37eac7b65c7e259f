import { closeSync, constants, lstatSync, mkdirSync, openSync, readdirSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { STORE_FILE_NAME, STORE_FILE_SUFFIX, STORE_HEADER_START, storeHeaderLine, type StoreHeader } from './format';

/** Only the user may list the folder we create, or read the files we write: they hold prompts and replies. */
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

export interface StoreAppenderOptions {
  dir: string;
  /** The store's cap (CATALYST_STORE_MAX_MB in bytes); a file is rotated at a quarter of it. */
  maxBytes: number;
  writer: StoreHeader['writer'];
  /** Told once, the first time this writer removes old files to keep the store under its cap. */
  onPrune?: (message: string) => void;
  /** Told each time a new file is created. */
  onNewFile?: (file: string) => void;
}

/**
 * The one writer of the local store, used by the agent's exporter and by
 * `serve`: it decides the file names, the header that marks a file as ours,
 * rotation, the cap, pruning and file modes.
 *
 * Everything is synchronous: the agent's exit path can only run synchronous
 * code, and one write path serves both. A file is created with O_EXCL (never
 * appending to a file someone else made, never following a link planted under
 * its name) and appended to without O_CREAT, so that a file removed by another
 * process's pruning is never recreated without its header: the next write goes
 * to a new file instead.
 *
 * Pruning removes the oldest files until the store fits its cap, and only files
 * it can prove are the store's: the exact name pattern and the header line.
 * Anything else in the folder (a project's `train.jsonl`, files of an older
 * version without a header) is neither removed nor counted against the cap.
 */
export class StoreAppender {
  private current: string;
  private created = false;
  private bytes = 0;
  private pruneReported = false;

  constructor(private readonly opts: StoreAppenderOptions) {
    this.current = this.newName();
  }

  get dir(): string {
    return this.opts.dir;
  }

  /** The file being written, or the one the next write creates. */
  get file(): string {
    return this.current;
  }

  /** Creates the folder (0700) when missing; a folder that already exists keeps its mode. */
  ensureDir(): void {
    mkdirSync(this.opts.dir, { recursive: true, mode: DIR_MODE });
  }

  /** Appends whole lines (`text` ends with a newline). Throws when the store cannot be written. */
  append(text: string): void {
    if (text === '') return;
    if (this.created && this.bytes > this.opts.maxBytes / 4) this.startNewFile();
    if (this.created && this.appendToCurrent(text)) return;
    this.create(text);
  }

  private newName(): string {
    const stamp = new Date().toISOString().replace(/:/g, '-');
    return join(this.opts.dir, `${stamp}-${process.pid}-${randomBytes(3).toString('hex')}${STORE_FILE_SUFFIX}`);
  }

  private startNewFile(): void {
    this.current = this.newName();
    this.created = false;
    this.bytes = 0;
  }

  /** False when the file is gone (removed by another writer's pruning, or by hand). */
  private appendToCurrent(text: string): boolean {
    let fd: number;
    try {
      fd = openSync(this.current, constants.O_WRONLY | constants.O_APPEND);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.startNewFile();
      return false;
    }
    try {
      writeAll(fd, text);
    } finally {
      closeSync(fd);
    }
    this.bytes += Buffer.byteLength(text);
    return true;
  }

  private create(text: string): void {
    this.ensureDir();
    const data = storeHeaderLine(this.opts.writer) + text;
    for (let attempt = 0; ; attempt++) {
      let fd: number;
      try {
        fd = openSync(this.current, 'wx', FILE_MODE);
      } catch (error) {
        // The same millisecond, pid and 24 random bits: a new name, a few times at most.
        if ((error as NodeJS.ErrnoException).code === 'EEXIST' && attempt < 3) {
          this.current = this.newName();
          continue;
        }
        throw error;
      }
      try {
        writeAll(fd, data);
      } finally {
        closeSync(fd);
      }
      break;
    }
    this.created = true;
    this.bytes = Buffer.byteLength(data);
    this.opts.onNewFile?.(this.current);
    this.prune();
  }

  /** The oldest of the store's own files removed until the store fits its cap; the current file is kept. */
  private prune(): void {
    const { dir, maxBytes } = this.opts;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    const files: Array<{ path: string; size: number; mtime: number }> = [];
    let total = 0;
    for (const name of names) {
      if (!STORE_FILE_NAME.test(name)) continue;
      const path = join(dir, name);
      try {
        const st = lstatSync(path);
        if (!st.isFile()) continue;
        files.push({ path, size: st.size, mtime: st.mtimeMs });
        total += st.size;
      } catch {
        // removed by another writer meanwhile
      }
    }
    if (total <= maxBytes) return;
    files.sort((a, b) => a.mtime - b.mtime);
    let removed = 0;
    let freed = 0;
    for (const f of files) {
      if (total <= maxBytes) break;
      if (f.path === this.current) continue;
      total -= f.size;
      // Named like ours but without the header: not provably ours, so neither removed nor counted.
      if (!hasStoreHeader(f.path)) continue;
      try {
        unlinkSync(f.path);
        removed++;
        freed += f.size;
      } catch {
        // another writer removed it first
      }
    }
    if (removed > 0 && !this.pruneReported) {
      this.pruneReported = true;
      const mb = (n: number): string => (n >= 104858 ? `${Number((n / 1048576).toFixed(1))} MB` : `${Math.ceil(n / 1024)} KB`);
      this.opts.onPrune?.(
        `the local trace store at ${dir} is over its cap of ${mb(maxBytes)} (CATALYST_STORE_MAX_MB): its oldest files are removed (${removed} now, ${mb(freed)}); only files the store wrote are ever removed`,
      );
    }
  }
}

function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

const HEADER_START = Buffer.from(STORE_HEADER_START, 'latin1');

/** Whether the file starts with the store's header line. */
function hasStoreHeader(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(HEADER_START.length);
    return readSync(fd, buf, 0, buf.length, 0) === buf.length && buf.equals(HEADER_START);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

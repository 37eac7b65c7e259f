/**
 * The local trace store's on-disk format, shared by the writer (the preload's
 * local exporter and `catalyst-tracing serve`) and the reader (the CLI).
 *
 * A store is a folder of JSON-lines files, one file per writing process (more
 * when a file reaches a quarter of the cap), named
 * `<ISO start time with ':' replaced by '-'>-<pid>-<6 hex digits>.jsonl`. The
 * first line of a file is a header (`StoreHeader`); every other line is one
 * finished span, a `StoredSpan`. Files written before the header existed start
 * with a span. Lines are appended whole; a process killed mid-write can leave a
 * last partial line, which readers skip and count.
 *
 * The folder may be shared with files that are not ours (CATALYST_TRACES_DIR
 * can name any folder): a file is the store's own only when it has both the
 * name and the header, and the writer never deletes any other file.
 */

export const STORE_FILE_SUFFIX = '.jsonl';

/** Exactly the names the writers give their files. */
export const STORE_FILE_NAME = /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z-\d+-[0-9a-f]{6}\.jsonl$/;

/** Where spans go when no endpoint is configured, unless CATALYST_TRACES_DIR says otherwise. */
export const DEFAULT_STORE_SUBDIR = ['.catalyst', 'traces'] as const;

/** CATALYST_STORE_MAX_MB: its default, and its upper bound (a typo of a few zeros is refused). */
export const DEFAULT_STORE_MAX_MB = 100;
export const MAX_STORE_MB = 1_000_000;

/** The first line of every file the store writes: what marks the file as the store's own. */
export interface StoreHeader {
  /** The format version. */
  catalystTraceStore: 1;
  /** Which writer made the file. */
  writer: 'agent' | 'serve';
}

/** Every header line starts with these bytes, and no span line does (spans start with `{"traceId"`). */
export const STORE_HEADER_START = '{"catalystTraceStore":';

export function storeHeaderLine(writer: StoreHeader['writer']): string {
  const header: StoreHeader = { catalystTraceStore: 1, writer };
  return `${JSON.stringify(header)}\n`;
}

export function isStoreHeader(line: string): boolean {
  return line.startsWith(STORE_HEADER_START);
}

export type StoredStatusCode = 'UNSET' | 'OK' | 'ERROR';

export type StoredAttributeValue = string | number | boolean | Array<string | number | boolean | null>;

export interface StoredEvent {
  name: string;
  /** Milliseconds since the epoch, fractional. */
  time: number;
  attributes?: Record<string, StoredAttributeValue>;
}

export interface StoredSpan {
  /** 32 lower-case hex characters. */
  traceId: string;
  /** 16 lower-case hex characters. */
  spanId: string;
  /** Absent on a root span. */
  parentSpanId?: string;
  name: string;
  /** OTel span kind name: INTERNAL, SERVER, CLIENT, PRODUCER, CONSUMER. */
  kind: string;
  /** Milliseconds since the epoch, fractional (microsecond precision). */
  startTime: number;
  endTime: number;
  status: { code: StoredStatusCode; message?: string };
  attributes: Record<string, StoredAttributeValue>;
  events?: StoredEvent[];
  /** Resource attributes, e.g. service.name. */
  resource: Record<string, StoredAttributeValue>;
  /** Instrumentation scope. */
  scope?: { name: string; version?: string };
}

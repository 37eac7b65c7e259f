/**
 * The local trace store's on-disk format, shared by the writer (the preload's
 * local exporter and `catalyst-tracing serve`) and the reader (the CLI).
 *
 * A store is a folder of JSON-lines files, one file per writing process, named
 * `<ISO start time with ':' replaced by '-'>-<pid>-<random>.jsonl`. Each line is
 * one finished span, a `StoredSpan`. Lines are appended whole; a process killed
 * mid-write can leave a last partial line, which readers skip and count.
 */

export const STORE_FILE_SUFFIX = '.jsonl';

/** Where spans go when no endpoint is configured, unless CATALYST_TRACES_DIR says otherwise. */
export const DEFAULT_STORE_SUBDIR = ['.catalyst', 'traces'] as const;

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

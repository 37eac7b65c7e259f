import type { StoredSpan } from '../store/format';
import { CliError, UsageError } from './io';
import { listStoreFiles, newestFirst, newStats, olderThan, scanMatching, scanStarts, type ReadStats, type StoreFile } from './store-reader';
import { shortId } from './text';

export interface LoadedTrace {
  traceId: string;
  /** Sorted by start time; a span stored twice appears once. */
  spans: StoredSpan[];
  stats: ReadStats;
}

/**
 * Finding one trace from what the user typed: a full id, a unique prefix of
 * one, or `last`. Only lines that contain the id (or prefix) are decoded and
 * parsed, so a lookup costs one read of the store, not one parse of it; `last`
 * first reads every line's trace id and start time off its head.
 */
export async function loadTrace(dir: string, ref: string): Promise<LoadedTrace> {
  const files = await listStoreFiles(dir);
  const stats = newStats();
  const wanted = ref.trim().toLowerCase();
  if (wanted === 'last' || wanted === 'latest') {
    const last = await lastTrace(files, stats);
    if (!last) throw new CliError(`no traces in ${dir}`);
    // All files: a trace still running may have spans in a file rotated out earlier (a byte search is cheap).
    return { traceId: last.id, spans: await collect(files, last.id, stats), stats };
  }
  if (!/^[0-9a-f]{1,32}$/.test(wanted)) {
    throw new UsageError(`invalid trace id '${ref}': give a hex trace id, a prefix of one, or 'last'`);
  }
  if (files.length === 0) throw new CliError(`no traces in ${dir}`);
  if (wanted.length === 32) {
    const spans = await collect(files, wanted, stats);
    if (spans.length === 0) throw new CliError(`no trace ${wanted} in ${dir}`);
    return { traceId: wanted, spans, stats };
  }
  // A prefix: collect spans while it names one trace; note every trace it names.
  const ids = new Set<string>();
  const spans: StoredSpan[] = [];
  await scanMatching(
    {
      files,
      needle: wanted,
      onSpan: (span) => {
        if (!span.traceId.toLowerCase().startsWith(wanted)) return;
        ids.add(span.traceId);
        if (ids.size === 1) spans.push(span);
      },
    },
    stats,
  );
  if (ids.size === 0) throw new CliError(`no trace starting with '${wanted}' in ${dir}`);
  if (ids.size > 1) {
    const some = [...ids].slice(0, 4).map((id) => shortId(id, Math.max(wanted.length + 4, 12)));
    throw new CliError(`trace prefix '${wanted}' is ambiguous: it matches ${ids.size} traces (${some.join(', ')}${ids.size > 4 ? ', …' : ''}); type more of the id`);
  }
  return { traceId: [...ids][0]!, spans: dedupeAndSort(spans), stats };
}

/**
 * The trace that started last: the largest earliest-span start time. Files are
 * read newest first, stopping once older files cannot hold a later start.
 */
async function lastTrace(files: StoreFile[], stats: ReadStats): Promise<{ id: string; start: number } | undefined> {
  const starts = new Map<string, number>();
  const ordered = newestFirst(files);
  let best: { id: string; start: number } | undefined;
  for (let i = 0; i < ordered.length; i++) {
    await scanStarts(
      [ordered[i]!],
      (traceId, startTime) => {
        const t = starts.get(traceId);
        if (t === undefined || startTime < t) starts.set(traceId, startTime);
      },
      stats,
    );
    best = undefined;
    for (const [id, start] of starts) if (!best || start > best.start) best = { id, start };
    if (best && olderThan(ordered[i + 1], best.start)) break;
  }
  return best;
}

/** The spans of one trace in `files`, deduplicated and in order. */
export async function collect(files: StoreFile[], traceId: string, stats: ReadStats): Promise<StoredSpan[]> {
  const spans: StoredSpan[] = [];
  // The second pass after `last` must not count corrupt lines twice.
  const scanStats = stats.files > 0 ? newStats() : stats;
  await scanMatching({ files, needle: traceId, onSpan: (span) => void (span.traceId === traceId && spans.push(span)) }, scanStats);
  return dedupeAndSort(spans);
}

/**
 * By start, and spans that share a start in the order the store holds them.
 * OpenTelemetry's SDK takes a start from `Date.now()`, so siblings run one
 * after another within a millisecond (a prompt template, a model, a parser)
 * share one start, and each end is that start plus the span's own duration:
 * ordered by end, a short step shows before the longer one it followed. The
 * store is written in the order spans end, which for such siblings is the
 * order they ran (the sort is stable).
 */
export function dedupeAndSort(spans: StoredSpan[]): StoredSpan[] {
  const byId = new Map<string, StoredSpan>();
  for (const span of spans) byId.set(span.spanId, span);
  return [...byId.values()].sort((a, b) => a.startTime - b.startTime);
}

/** One span of a loaded trace, by full id or unique prefix. */
export function findSpan(trace: LoadedTrace, ref: string): StoredSpan {
  const wanted = ref.trim().toLowerCase();
  if (!/^[0-9a-f]{1,16}$/.test(wanted)) throw new UsageError(`invalid span id '${ref}': give a hex span id or a prefix of one`);
  const hits = trace.spans.filter((s) => s.spanId.toLowerCase().startsWith(wanted));
  if (hits.length === 0) throw new CliError(`no span starting with '${wanted}' in trace ${trace.traceId}`);
  if (hits.length > 1) {
    throw new CliError(`span prefix '${wanted}' is ambiguous in trace ${shortId(trace.traceId)}: it matches ${hits.map((h) => h.spanId).slice(0, 4).join(', ')}${hits.length > 4 ? ', …' : ''}`);
  }
  return hits[0]!;
}

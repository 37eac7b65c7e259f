import type { StoredSpan } from '../../store/format';
import { parseChoice, parseLimit } from '../args';
import { kindPaint } from '../colors';
import { println, reportStats, type Ctx } from '../context';
import { UsageError } from '../io';
import { loadTrace } from '../resolve';
import { duration, isError, modelName, spanKind, tokens } from '../span-fields';
import { listStoreFiles, newestFirst, newStats, olderThan, scanSpans, type ReadStats } from '../store-reader';
import { renderTable } from '../table';
import { formatDuration, formatInt, formatShortTime, jsonForTerminal, shortId } from '../text';

const SORTS = ['start_time', 'duration', 'total_tokens'] as const;
type SortField = (typeof SORTS)[number];

/** `span list`: spans across the store (or one trace), filtered, sorted, the top N kept while streaming. */
export async function spanList(ctx: Ctx): Promise<number> {
  const v = ctx.values;
  const limit = parseLimit(v.limit, 50);
  const sort = parseChoice('--sort', v.sort, SORTS, 'start_time');
  const order = parseChoice('--order', v.order, ['asc', 'desc'] as const, 'desc');
  const kind = v.kind?.trim().toUpperCase();
  if (kind === '') throw new UsageError('--kind needs a value, e.g. LLM, TOOL or AGENT');
  const query = v.text?.toLowerCase();

  const matches = (span: StoredSpan): boolean => (kind === undefined || spanKind(span) === kind || span.kind === kind) && (query === undefined || textMatches(span, query));
  const top = new TopN<StoredSpan>(limit, comparator(sort, order));
  let matched = 0;
  let complete = true;
  let stats: ReadStats;
  if (v['trace-id'] !== undefined) {
    const trace = await loadTrace(ctx.dir, v['trace-id']);
    stats = trace.stats;
    for (const span of trace.spans) if (matches(span)) (matched++, top.push(span));
  } else {
    const newestWanted = sort === 'start_time' && order === 'desc';
    const files = newestWanted ? newestFirst(await listStoreFiles(ctx.dir)) : await listStoreFiles(ctx.dir);
    const prefilter = rawPrefilter(v.text);
    stats = newStats();
    for (let i = 0; i < files.length; i++) {
      await scanSpans({ files: [files[i]!], prefilter, onSpan: (span) => void (matches(span) && (matched++, top.push(span))) }, stats);
      // Newest first: once the top N all started after anything older files can hold, the rest cannot rank.
      const kept = top.items();
      if (newestWanted && kept.length >= limit && i + 1 < files.length && olderThan(files[i + 1], kept[kept.length - 1]!.startTime)) {
        complete = files.slice(i + 1).every((f) => f.size === 0);
        break;
      }
    }
  }
  const spans = top.items();

  if (v.json) println(ctx, jsonForTerminal(spans));
  else printTable(ctx, spans, { matched, complete, spansRead: stats.spans });
  // Notes come last, on stderr, so that they are seen and --json stays parseable.
  reportStats(ctx, stats);
  return 0;
}

function printTable(ctx: Ctx, spans: StoredSpan[], r: { matched: number; complete: boolean; spansRead: number }): void {
  const { matched, complete } = r;
  if (spans.length === 0) {
    println(ctx, r.spansRead === 0 ? `No spans in ${ctx.dir}.` : `No spans match (${formatInt(r.spansRead)} in ${ctx.dir}).`);
    return;
  }
  const { style } = ctx;
  const rows = spans.map((s) => {
    const t = tokens(s);
    return [
      shortId(s.traceId),
      shortId(s.spanId),
      spanKind(s),
      s.name || '(unnamed)',
      formatShortTime(s.startTime),
      formatDuration(duration(s)),
      modelName(s) ?? '',
      t.total !== undefined ? formatInt(t.total) : '',
      isError(s) ? 'error' : 'ok',
    ];
  });
  const lines = renderTable(
    [
      { header: 'TRACE', drop: 5, paint: () => style.dim },
      { header: 'SPAN', paint: () => style.bold },
      { header: 'KIND', paint: (c) => kindPaint(style, c) },
      { header: 'NAME', flex: true, min: 12 },
      { header: 'START', drop: 3 },
      { header: 'DURATION', align: 'right' },
      { header: 'MODEL', flex: true, min: 8, drop: 4, paint: () => style.dim },
      { header: 'TOKENS', align: 'right', drop: 2 },
      { header: 'STATUS', paint: (c) => (c === 'ok' ? style.green : style.red) },
    ],
    rows,
    ctx.tableWidth,
    style,
  );
  for (const l of lines) println(ctx, l);
  if (!complete) println(ctx, style.dim(`showing the ${formatInt(spans.length)} most recent spans; --limit N for more`));
  else if (matched > spans.length) println(ctx, style.dim(`showing ${formatInt(spans.length)} of ${formatInt(matched)} spans; --limit N for more`));
}

function sortKey(span: StoredSpan, field: SortField): number {
  switch (field) {
    case 'start_time':
      return span.startTime;
    case 'duration':
      return duration(span);
    case 'total_tokens':
      return tokens(span).total ?? -1;
  }
}

function comparator(field: SortField, order: 'asc' | 'desc'): (a: StoredSpan, b: StoredSpan) => number {
  const sign = order === 'asc' ? 1 : -1;
  return (a, b) => sign * (sortKey(a, field) - sortKey(b, field)) || sign * (a.startTime - b.startTime) || (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0);
}

/** Case-insensitive substring of the name, a string attribute value or the status message. */
export function textMatches(span: StoredSpan, query: string): boolean {
  if (span.name.toLowerCase().includes(query)) return true;
  if (span.status.message?.toLowerCase().includes(query)) return true;
  for (const key in span.attributes) {
    const v = span.attributes[key];
    if (typeof v === 'string') {
      if (v.toLowerCase().includes(query)) return true;
    } else if (Array.isArray(v)) {
      for (const x of v) if (typeof x === 'string' && x.toLowerCase().includes(query)) return true;
    }
  }
  return false;
}

/**
 * A cheap test on the raw JSON line: a value that contains the query contains it
 * verbatim in the line too, as long as the query holds nothing JSON escapes and
 * is ASCII (so that case folding agrees with toLowerCase).
 */
function rawPrefilter(text: string | undefined): ((line: string) => boolean) | undefined {
  if (text === undefined || text === '' || !/^[\x20-\x7e]+$/.test(text) || /["\\]/.test(text)) return undefined;
  const re = new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
  return (line) => re.test(line);
}

/** The best `limit` items seen so far under `cmp`, kept sorted. */
class TopN<T> {
  private readonly list: T[] = [];
  constructor(
    private readonly limit: number,
    private readonly cmp: (a: T, b: T) => number,
  ) {}

  push(item: T): void {
    const list = this.list;
    if (list.length >= this.limit && this.cmp(item, list[list.length - 1]!) >= 0) return;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cmp(list[mid]!, item) <= 0) lo = mid + 1;
      else hi = mid;
    }
    list.splice(lo, 0, item);
    if (list.length > this.limit) list.pop();
  }

  items(): T[] {
    return this.list;
  }
}

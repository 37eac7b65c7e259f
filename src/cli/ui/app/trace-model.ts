import type { StoredSpan } from '../../../store/format';
import { duration, errorMessage, isError, modelName, spanKind, tokens } from '../../span-fields';
import { treeRows } from '../../views/tree-model';

/**
 * One trace as the tree-and-waterfall view draws it: one row per span in tree
 * order, each with its place on the trace's time axis (as fractions of the
 * whole, so the view only scales them), and what the page must say it could
 * not place.
 */
export interface SpanRow {
  spanId: string;
  parentSpanId?: string;
  depth: number;
  name: string;
  kind: string;
  durationMs: number;
  model?: string;
  totalTokens?: number;
  error: boolean;
  errorMessage?: string;
  /** Its parent is not in the store: shown at the top level. */
  orphan: boolean;
  /** Start and width as fractions of the trace's span of time, 0..1. */
  offset: number;
  width: number;
}

export interface TraceModel {
  rows: SpanRow[];
  startTime: number;
  durationMs: number;
  /** Tick positions (fractions) and labels for the time axis. */
  ticks: Array<{ at: number; label: string }>;
  orphans: number;
}

export function traceModel(spans: StoredSpan[], formatMs: (ms: number) => string): TraceModel {
  const rows = treeRows(spans);
  let start = Infinity;
  let end = -Infinity;
  for (const s of spans) {
    if (s.startTime < start) start = s.startTime;
    if (s.endTime > end) end = s.endTime;
  }
  if (!Number.isFinite(start)) start = end = 0;
  const total = Math.max(end - start, 0);
  const scale = total > 0 ? total : 1;
  let orphans = 0;
  const out = rows.map(({ span, depth, orphan }): SpanRow => {
    if (orphan) orphans++;
    const t = tokens(span);
    const offset = Math.min(1, Math.max(0, (span.startTime - start) / scale));
    return {
      spanId: span.spanId,
      parentSpanId: span.parentSpanId,
      depth,
      name: span.name || '(unnamed)',
      kind: spanKind(span),
      durationMs: duration(span),
      model: modelName(span),
      totalTokens: t.total,
      error: isError(span),
      errorMessage: isError(span) ? errorMessage(span) : undefined,
      orphan,
      offset,
      width: Math.min(1 - offset, duration(span) / scale),
    };
  });
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((at) => ({ at, label: at === 0 ? '0' : formatMs(total * at) }));
  return { rows: out, startTime: start, durationMs: total, ticks, orphans };
}

/** The row after (+1) or before (-1) the selected one, for the arrow keys; the first row when none is selected. */
export function stepSelection(rows: readonly SpanRow[], selected: string | undefined, step: 1 | -1): string | undefined {
  if (rows.length === 0) return undefined;
  const i = rows.findIndex((r) => r.spanId === selected);
  if (i === -1) return rows[0]!.spanId;
  return rows[Math.min(rows.length - 1, Math.max(0, i + step))]!.spanId;
}

import { parseChoice, parseLimit, parseRange } from '../args';
import { kindPaint } from '../colors';
import { println, reportStats, type Ctx } from '../context';
import { CLOCK_SKEW_MS, listStoreFiles, newestFirst, newStats, olderThan, scanSpans, scanTraceIds } from '../store-reader';
import { renderTable } from '../table';
import { TraceSummaries, type TraceSummary } from '../trace-summary';
import { formatDuration, formatInt, formatShortTime, jsonForTerminal, shortId } from '../text';

/** `trace list`: one row per trace, newest first. */
export async function traceList(ctx: Ctx): Promise<number> {
  const v = ctx.values;
  const rangeMs = v.range !== undefined ? parseRange(v.range) : undefined;
  const limit = parseLimit(v.limit, 20);
  const status = v.status !== undefined ? parseChoice('--status', v.status, ['error', 'ok'] as const, 'error') : undefined;

  const files = newestFirst(await listStoreFiles(ctx.dir));
  const since = rangeMs !== undefined ? ctx.io.now() - rangeMs : undefined;
  // A file last written before the range began cannot hold a span of a trace that started inside it.
  const candidates = since !== undefined ? files.filter((f) => f.mtimeMs + CLOCK_SKEW_MS >= since) : files;
  const summaries = new TraceSummaries({ service: v.service, agent: v.agent, session: v.session });
  const stats = newStats();
  // With filters, a quick byte-level pass finds the traces that can match; only their spans are parsed.
  let traceIds: Set<string> | undefined;
  for (const needle of [status === 'error' ? JSON.stringify('ERROR') : undefined, quoted(v.service), quoted(v.agent), quoted(v.session)]) {
    if (needle === undefined) continue;
    const ids = await scanTraceIds(candidates, needle);
    traceIds = traceIds ? new Set([...traceIds].filter((id) => ids.has(id))) : ids;
  }
  const select = (): TraceSummary[] =>
    summaries
      .results()
      .filter((t) => (since === undefined || t.startTime >= since) && (status !== 'error' || t.errorCount > 0) && (status !== 'ok' || t.errorCount === 0))
      .sort((a, b) => b.startTime - a.startTime || (a.traceId < b.traceId ? -1 : 1));

  // Newest files first; stop once `limit` traces started after everything older files can hold:
  // a finished trace's spans all start after its root does, so they are all in files written
  // since, and no trace with a span in an older file ranks above them. (A trace whose root is
  // still running could have older spans further back; it is shown as far as it is known.)
  let traces: TraceSummary[] = [];
  let complete = true;
  let newest = -Infinity;
  for (let i = 0; i < candidates.length; i++) {
    await scanSpans({ files: [candidates[i]!], traceIds, onSpan: (span) => (summaries.add(span), span.startTime > newest && (newest = span.startTime)) }, stats);
    const next = candidates[i + 1];
    if (next === undefined || summaries.size < limit || !olderThan(next, newest)) continue;
    traces = select();
    if (traces.length >= limit && olderThan(next, traces[limit - 1]!.startTime)) {
      complete = candidates.slice(i + 1).every((f) => f.size === 0);
      break;
    }
  }
  traces = select();
  const matching = traces.length;
  traces = traces.slice(0, limit);

  if (v.json) println(ctx, jsonForTerminal(traces.map(toJson)));
  else printTable(ctx, { traces, matching, complete, spansRead: stats.spans, storeEmpty: files.length === 0, range: since !== undefined ? v.range : undefined });
  // Notes come last, on stderr, so that they are seen and --json stays parseable.
  reportStats(ctx, stats);
  return 0;
}

function printTable(ctx: Ctx, r: { traces: TraceSummary[]; matching: number; complete: boolean; spansRead: number; storeEmpty: boolean; range?: string }): void {
  const { traces, matching, complete } = r;
  if (r.spansRead === 0 && r.range === undefined) {
    println(ctx, `No traces in ${ctx.dir}${r.storeEmpty ? ' (the store is empty)' : ''}.`);
    return;
  }
  if (matching === 0) {
    println(ctx, r.range !== undefined && r.spansRead === 0 ? `No traces in the last ${r.range} in ${ctx.dir}.` : `No traces match (${formatInt(r.spansRead)} spans read in ${ctx.dir}).`);
    return;
  }
  const { style } = ctx;
  const rows = traces.map((t) => [
    shortId(t.traceId),
    formatShortTime(t.startTime),
    formatDuration(t.durationMs),
    t.rootName || '(unnamed)',
    t.agent ?? '',
    t.sessionId ?? '',
    formatInt(t.spanCount),
    formatInt(t.llmCalls),
    formatInt(t.totalTokens),
    t.errorCount > 0 ? `error (${t.errorCount})` : 'ok',
  ]);
  const lines = renderTable(
    [
      { header: 'TRACE', paint: () => style.bold },
      { header: 'START' },
      { header: 'DURATION', align: 'right' },
      { header: 'ROOT', flex: true, min: 12 },
      { header: 'AGENT', flex: true, min: 8, drop: 4, paint: () => kindPaint(style, 'AGENT') },
      { header: 'SESSION', flex: true, min: 8, drop: 5, paint: () => style.dim },
      { header: 'SPANS', align: 'right', drop: 7 },
      { header: 'LLM', align: 'right', drop: 6 },
      { header: 'TOKENS', align: 'right', drop: 3 },
      { header: 'STATUS', paint: (c) => (c === 'ok' ? style.green : style.red) },
    ],
    rows,
    ctx.tableWidth,
    style,
  );
  for (const l of lines) println(ctx, l);
  if (!complete) {
    println(ctx, style.dim(`showing the ${formatInt(traces.length)} most recent traces; --limit N for more`));
  } else if (matching > traces.length) {
    println(ctx, style.dim(`showing ${formatInt(traces.length)} of ${formatInt(matching)} traces; --limit N for more`));
  }
}

/**
 * A filter value as it appears in a stored line (a JSON string), when that is
 * certain: printable ASCII without quotes or backslashes, which JSON.stringify
 * writes verbatim. Otherwise no byte-level pre-selection is made for it.
 */
function quoted(value: string | undefined): string | undefined {
  if (value === undefined || !/^[\x20-\x7e]+$/.test(value) || /["\\]/.test(value)) return undefined;
  return JSON.stringify(value);
}

function toJson(t: TraceSummary): Record<string, unknown> {
  return {
    traceId: t.traceId,
    startTime: t.startTime,
    endTime: t.endTime,
    durationMs: t.durationMs,
    rootName: t.rootName,
    rootSpanId: t.rootSpanId,
    hasRoot: t.hasRoot,
    agent: t.agent ?? null,
    agentId: t.agentId ?? null,
    sessionId: t.sessionId ?? null,
    userId: t.userId ?? null,
    service: t.service ?? null,
    spanCount: t.spanCount,
    llmCalls: t.llmCalls,
    totalTokens: t.totalTokens,
    errorCount: t.errorCount,
    status: t.status,
    errorMessage: t.errorMessage ?? null,
  };
}

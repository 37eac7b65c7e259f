import type { StoredSpan } from '../../store/format';
import { parseRange } from '../args';
import { CliError } from '../io';
import { collect } from '../resolve';
import { newStats, statsNotes } from '../store-reader';
import { summarize } from '../trace-summary';
import { agentRows, facets, filterTraces, sessionRows, type TraceFilter } from './groups';
import { lightSpan } from './light-span';
import { searchTraceIds } from './search';
import type { IndexSnapshot, TraceIndex } from './trace-index';

/**
 * The viewer's JSON API over the store, read-only:
 *   GET /api/traces?range&service&agent&session&status&q&offset&limit   a page of traces, newest first
 *   GET /api/traces/<id>                                              one trace's spans, cut down (light-span.ts)
 *   GET /api/traces/<id>/spans/<spanId>                               one span as stored
 *   GET /api/sessions[?offset&limit], /api/sessions/<id>              sessions, and one session's traces in order
 *   GET /api/agents                                                   one row per agent
 */
export interface ApiAnswer {
  status: number;
  body: unknown;
  /** Answers built from the index alone carry its generation (an ETag). */
  generation?: number;
}

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const MAX_PAGE = 500;

export class Api {
  private searches = new Map<string, { generation: number; ids: Set<string> }>();
  private loaded?: { traceId: string; generation: number; spans: StoredSpan[]; notes: string[] };

  constructor(
    private readonly index: TraceIndex,
    private readonly now: () => number = Date.now,
  ) {}

  async handle(path: string, query: URLSearchParams): Promise<ApiAnswer> {
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    // parts[0] === 'api'
    const [, what, id, sub, subId] = parts;
    const list = what === 'traces' && id === undefined ? traceFilter(query, this.now()) : undefined;
    if (list && 'error' in list) return { status: 400, body: { error: list.error } };
    let snap: IndexSnapshot;
    try {
      // A page of the list can be answered from the newest files while the first index is still read.
      snap = list && list.text === undefined ? await this.index.early((s) => pageIsSettled(s, list.filter, page(query, 50))) : await this.index.current();
    } catch (error) {
      // No store yet (nothing has run) is a state to show, not a failure.
      if (error instanceof CliError) return { status: 200, body: { missingStore: error.message, traces: [], sessions: [], agents: [], total: 0, notes: [] } };
      throw error;
    }
    if (list) return this.traces(snap, list.filter, list.text, query);
    if (what === 'traces' && id !== undefined && sub === undefined) return this.trace(snap, id);
    if (what === 'traces' && id !== undefined && sub === 'spans' && subId !== undefined && parts.length === 5) return this.span(snap, id, subId);
    if (what === 'sessions' && id === undefined) return this.sessions(snap, query);
    if (what === 'sessions' && id !== undefined && parts.length === 3) return this.session(snap, id);
    if (what === 'agents' && parts.length === 2) return { status: 200, generation: snap.generation, body: { agents: agentRows(snap.summaries), notes: snap.notes } };
    return { status: 404, body: { error: `no such API path: ${path}` } };
  }

  private async traces(snap: IndexSnapshot, filter: TraceFilter, text: string | undefined, q: URLSearchParams): Promise<ApiAnswer> {
    if (text) filter = { ...filter, ids: await this.search(snap, text) };
    const all = filterTraces(snap.summaries, filter);
    const { offset, limit } = page(q, 50);
    const loading = snap.loadingBefore !== undefined;
    return {
      status: 200,
      generation: snap.generation,
      body: {
        total: all.length,
        offset,
        limit,
        traces: all.slice(offset, offset + limit),
        facets: facets(snap.summaries),
        storeTraces: snap.summaries.length,
        storeSpans: snap.spanCount,
        notes: snap.notes,
        // Older traces are still being read: `total` and the counts are so far, the page itself is final.
        ...(loading ? { loading: true } : {}),
      },
    };
  }

  private async search(snap: IndexSnapshot, text: string): Promise<Set<string>> {
    const hit = this.searches.get(text);
    if (hit && hit.generation === snap.generation) return hit.ids;
    const ids = await searchTraceIds(snap.files, text);
    if (this.searches.size > 20) this.searches.clear();
    this.searches.set(text, { generation: snap.generation, ids });
    return ids;
  }

  /** The trace's full spans, read from the files that hold it (one trace kept, for its spans to be opened one by one). */
  private async load(snap: IndexSnapshot, traceId: string): Promise<{ spans: StoredSpan[]; notes: string[] }> {
    if (this.loaded?.traceId === traceId && this.loaded.generation === snap.generation) return this.loaded;
    const holders = snap.traceFiles.get(traceId);
    const files = holders ? snap.files.filter((f) => holders.includes(f.path)) : snap.files;
    const stats = newStats();
    this.loaded = { traceId, generation: snap.generation, spans: await collect(files, traceId, stats), notes: statsNotes(stats) };
    return this.loaded;
  }

  private async trace(snap: IndexSnapshot, traceId: string): Promise<ApiAnswer> {
    if (!TRACE_ID.test(traceId)) return { status: 404, body: { error: `'${traceId}' is not a trace id (32 hex digits)` } };
    const { spans, notes } = await this.load(snap, traceId);
    if (spans.length === 0) return { status: 404, body: { error: `no trace ${traceId} in the store` } };
    return { status: 200, body: { traceId, summary: summarize(spans), spans: spans.map((s) => lightSpan(s)), notes } };
  }

  private async span(snap: IndexSnapshot, traceId: string, spanId: string): Promise<ApiAnswer> {
    if (!TRACE_ID.test(traceId) || !SPAN_ID.test(spanId)) return { status: 404, body: { error: 'not a trace id and span id' } };
    const { spans } = await this.load(snap, traceId);
    const span = spans.find((s) => s.spanId === spanId);
    if (!span) return { status: 404, body: { error: spans.length ? `no span ${spanId} in trace ${traceId}` : `no trace ${traceId} in the store` } };
    return { status: 200, body: { span } };
  }

  private sessions(snap: IndexSnapshot, q: URLSearchParams): ApiAnswer {
    const rows = sessionRows(snap.summaries);
    const { offset, limit } = page(q, 100);
    return { status: 200, generation: snap.generation, body: { total: rows.length, offset, limit, sessions: rows.slice(offset, offset + limit), notes: snap.notes } };
  }

  private session(snap: IndexSnapshot, sessionId: string): ApiAnswer {
    const traces = snap.summaries.filter((t) => t.sessionId === sessionId).sort((a, b) => a.startTime - b.startTime);
    if (traces.length === 0) return { status: 404, body: { error: `no session ${sessionId} in the store` } };
    const turns = traces.map((t) => ({ trace: t, ...snap.previews.get(t.traceId) }));
    return { status: 200, generation: snap.generation, body: { sessionId, turns, notes: snap.notes } };
  }
}

/** The list's filters from the query, and its search text; or why the range is not one. */
function traceFilter(q: URLSearchParams, now: number): { filter: TraceFilter; text?: string } | { error: string } {
  const filter: TraceFilter = {};
  const range = q.get('range');
  if (range) {
    try {
      filter.since = now - parseRange(range);
    } catch (error) {
      return { error: (error as Error).message };
    }
  }
  for (const key of ['service', 'agent', 'session'] as const) {
    const v = q.get(key);
    if (v) filter[key] = v;
  }
  const status = q.get('status');
  if (status === 'error' || status === 'ok') filter.status = status;
  return { filter, text: q.get('q')?.trim() || undefined };
}

/**
 * Whether a snapshot of the newest files answers this page as the whole store
 * would: every trace on it started after the files still unread were written
 * (so none of theirs can rank above it or belong to it), or the time range
 * begins after that.
 */
function pageIsSettled(snap: IndexSnapshot, filter: TraceFilter, { offset, limit }: { offset: number; limit: number }): boolean {
  const before = snap.loadingBefore;
  if (before === undefined) return true;
  if (filter.since !== undefined && filter.since > before) return true;
  const all = filterTraces(snap.summaries, filter);
  const last = all[offset + limit - 1];
  return last !== undefined && last.startTime > before;
}

function page(q: URLSearchParams, fallback: number): { offset: number; limit: number } {
  const offset = Math.max(0, Math.floor(Number(q.get('offset') ?? 0)) || 0);
  const limit = Math.min(MAX_PAGE, Math.max(1, Math.floor(Number(q.get('limit') ?? fallback)) || fallback));
  return { offset, limit };
}

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { StoredSpan } from '../../../store/format';
import type { TraceSummary } from '../../trace-summary';
import { formatDuration, formatInt, formatTime } from '../../text';
import { getJson, NotFound } from './api-client';
import { Notes, NotFoundView } from './components';
import { navigate } from './navigate';
import { traceHref, tracesHref, sessionHref } from './route';
import { SpanPanel } from './span-panel';
import { stepSelection, traceModel, type SpanRow } from './trace-model';
import { useFetch } from './use-fetch';

interface TraceAnswer {
  traceId: string;
  summary?: TraceSummary;
  spans: StoredSpan[];
  notes: string[];
}

const ROW_PX = 26;
const OVERSCAN = 10;

/** One trace: the span tree beside a waterfall on one time axis; a selected span's detail below or beside. */
export function TraceView({ traceId, spanId }: { traceId: string; spanId?: string }) {
  const { data, error, loading } = useFetch(traceId, () => getJson<TraceAnswer>(`/api/traces/${encodeURIComponent(traceId)}`));
  const model = useMemo(() => (data && data.traceId === traceId ? traceModel(data.spans, formatDuration) : undefined), [data, traceId]);
  const selected = spanId ?? model?.rows[0]?.spanId;

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (!model || e.altKey || e.ctrlKey || e.metaKey || isTyping(e.target)) return;
      if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
      e.preventDefault();
      const next = stepSelection(model.rows, selected, e.key === 'ArrowDown' ? 1 : -1);
      if (next) navigate(traceHref(traceId, next), true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [model, selected, traceId]);

  if (error instanceof NotFound) return <NotFoundView what="Trace" message={error.message} />;
  if (error) return <div class="error-box">Could not load the trace: {error.message}</div>;
  if (!data || !model || loading) return <div class="empty">Loading trace {traceId}…</div>;
  if (spanId && !model.rows.some((r) => r.spanId === spanId)) return <NotFoundView what="Span" message={`no span ${spanId} in trace ${traceId}`} />;

  const s = data.summary;
  const notes = [...data.notes];
  if (model.orphans > 0) notes.push(`${model.orphans} span${model.orphans === 1 ? "'s parent is" : "s' parents are"} not in the store (not exported, or not finished); shown at the top level, marked ⤒`);
  return (
    <section class="view trace-view">
      <div class="trace-head">
        <h2>{s?.rootName || '(unnamed)'}</h2>
        <div class="facts">
          {s ? (
            <>
              <span>{formatTime(s.startTime)}</span>
              <span>{formatDuration(s.durationMs)}</span>
              <span>{formatInt(s.spanCount)} spans</span>
              <span>{formatInt(s.llmCalls)} LLM calls</span>
              <span>{formatInt(s.totalTokens)} tokens</span>
              {s.errorCount > 0 ? <span class="status-error">{s.errorCount} error{s.errorCount === 1 ? '' : 's'}</span> : <span class="status-ok">ok</span>}
              {s.service ? <span>service {s.service}</span> : null}
              {s.agent ? <a href={tracesHref({ agent: s.agentId ?? s.agent })}>agent {s.agent}</a> : null}
              {s.sessionId ? <a href={sessionHref(s.sessionId)}>session {s.sessionId}</a> : null}
              {s.userId ? <span>user {s.userId}</span> : null}
            </>
          ) : null}
          <span class="dim mono">{traceId}</span>
        </div>
      </div>
      <Notes notes={notes} />
      <div class="trace-body">
        <SpanRows rows={model.rows} ticks={model.ticks} selected={selected} traceId={traceId} />
        {selected ? <SpanPanel traceId={traceId} spanId={selected} /> : null}
      </div>
    </section>
  );
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

/** The tree and the waterfall, one row per span; only the rows in view are in the page (a trace may have thousands). */
function SpanRows({ rows, ticks, selected, traceId }: { rows: SpanRow[]; ticks: Array<{ at: number; label: string }>; selected?: string; traceId: string }) {
  const box = useRef<HTMLDivElement>(null);
  const [scroll, setScroll] = useState(0);
  const [height, setHeight] = useState(600);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = (): void => setHeight(el.clientHeight || 600);
    measure();
    const ro = typeof ResizeObserver === 'function' ? new ResizeObserver(measure) : undefined;
    ro?.observe(el);
    return () => ro?.disconnect();
  }, []);
  // Keep the selected row in view when the arrow keys move it.
  useEffect(() => {
    const el = box.current;
    const i = rows.findIndex((r) => r.spanId === selected);
    if (!el || i === -1) return;
    const top = i * ROW_PX;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_PX > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_PX - el.clientHeight;
  }, [selected, rows]);
  const first = Math.max(0, Math.floor(scroll / ROW_PX) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scroll + height) / ROW_PX) + OVERSCAN);
  return (
    <div class="spans">
      <div class="axis">
        <div class="axis-label">span</div>
        <div class="axis-scale">
          {ticks.map((t) => (
            <span key={t.at} class="tick" style={{ left: `${t.at * 100}%` }}>
              {t.label}
            </span>
          ))}
        </div>
      </div>
      <div class="rows" ref={box} onScroll={(e) => setScroll((e.currentTarget as HTMLDivElement).scrollTop)} role="tree" aria-label="spans">
        <div style={{ height: `${rows.length * ROW_PX}px`, position: 'relative' }}>
          {rows.slice(first, last).map((r, k) => (
            <a
              key={r.spanId}
              href={traceHref(traceId, r.spanId)}
              role="treeitem"
              aria-selected={r.spanId === selected}
              class={`row${r.spanId === selected ? ' selected' : ''}${r.error ? ' row-error' : ''}`}
              style={{ top: `${(first + k) * ROW_PX}px` }}
              onClick={(e) => {
                e.preventDefault();
                navigate(traceHref(traceId, r.spanId), true);
              }}
            >
              <span class="label" style={{ paddingLeft: `${4 + Math.min(r.depth, 30) * 14}px` }}>
                {r.orphan ? <span title="its parent span is not in the store">⤒ </span> : null}
                <span class={`kind kind-${r.kind.toLowerCase().replace(/[^a-z]/g, '')}`}>{r.kind}</span> <span class="name">{r.name}</span>
                {r.error ? <span class="status-error"> ✗</span> : null}
                <span class="meta">
                  {r.model ? ` ${r.model}` : ''}
                  {r.totalTokens !== undefined ? ` · ${formatInt(r.totalTokens)} tok` : ''}
                </span>
              </span>
              <span class="bar-cell">
                <span class={`bar kind-bg-${r.kind.toLowerCase().replace(/[^a-z]/g, '')}${r.error ? ' bar-error' : ''}`} style={{ left: `${r.offset * 100}%`, width: `max(2px, ${r.width * 100}%)` }} />
                <span class="dur" style={{ left: `${(r.offset + r.width) * 100}%` }}>
                  {formatDuration(r.durationMs)}
                </span>
              </span>
            </a>
          ))}
        </div>
      </div>
    </div>
  );
}

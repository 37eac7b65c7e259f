import { useEffect, useRef, useState } from 'preact/hooks';
import type { TraceSummary } from '../../trace-summary';
import { formatDuration, formatInt, formatTime } from '../../text';
import { getJson } from './api-client';
import { Notes, Pager } from './components';
import { apiQuery, traceHref, tracesHref, type TraceQuery } from './route';
import { useFetch } from './use-fetch';

export interface TracesAnswer {
  total: number;
  offset: number;
  limit: number;
  traces: TraceSummary[];
  facets?: { services: string[]; agents: string[]; sessions: string[] };
  storeTraces?: number;
  notes: string[];
  /** The store is still being read, newest files first: this page is final, the total not yet. */
  loading?: boolean;
  missingStore?: string;
}

const PAGE = 50;
const POLL_MS = 2000;
/** While the store is still being read, the rest of the list is asked for sooner. */
const LOADING_POLL_MS = 300;
const RANGES = [
  ['', 'any time'],
  ['15m', 'last 15 min'],
  ['1h', 'last hour'],
  ['24h', 'last 24 h'],
  ['7d', 'last 7 days'],
] as const;

/** The trace list: newest first, filtered by the URL's query, polled so new traces appear. */
export function TracesView({ query }: { query: TraceQuery }) {
  const qs = apiQuery(query, PAGE);
  const { data, error } = useFetch(qs, () => getJson<TracesAnswer>(`/api/traces?${qs}`), (last) => (last?.loading ? LOADING_POLL_MS : POLL_MS));
  const set = (change: Partial<TraceQuery>): void => {
    location.hash = tracesHref({ ...query, ...change, offset: undefined });
  };
  const facets = data?.facets ?? { services: [], agents: [], sessions: [] };
  return (
    <section class="view">
      <div class="filters">
        <SearchBox value={query.q ?? ''} onSearch={(q) => set({ q: q || undefined })} />
        <Select label="time" value={query.range ?? ''} options={RANGES.map(([v, l]) => [v, l])} onChange={(v) => set({ range: v || undefined })} />
        <Select label="service" value={query.service ?? ''} options={[['', 'any service'], ...withCurrent(facets.services, query.service).map((s): [string, string] => [s, s])]} onChange={(v) => set({ service: v || undefined })} />
        <Select label="agent" value={query.agent ?? ''} options={[['', 'any agent'], ...withCurrent(facets.agents, query.agent).map((s): [string, string] => [s, s])]} onChange={(v) => set({ agent: v || undefined })} />
        <Select label="session" value={query.session ?? ''} options={[['', 'any session'], ...withCurrent(facets.sessions, query.session).map((s): [string, string] => [s, s])]} onChange={(v) => set({ session: v || undefined })} />
        <Select label="status" value={query.status ?? ''} options={[['', 'any status'], ['error', 'errors'], ['ok', 'ok']]} onChange={(v) => set({ status: v || undefined })} />
        <span class="live" title="new traces appear as they are stored">● live</span>
      </div>
      {error ? <div class="error-box">Could not load the traces: {error.message}</div> : null}
      {data?.missingStore ? <div class="empty">{data.missingStore}. Traces appear here once an app has run.</div> : null}
      <Notes notes={data?.notes ?? []} />
      {data?.loading ? (
        <div class="loading-note" role="status">
          Older traces are still loading ({formatInt(data.storeTraces ?? 0)} read so far); the list completes in a moment.
        </div>
      ) : null}
      {data && !data.missingStore ? (
        data.traces.length === 0 ? (
          <div class="empty">{data.storeTraces ? 'No traces match these filters.' : 'No traces in the store yet. Run an app under the preload; its traces appear here.'}</div>
        ) : (
          <>
            <div class="table-wrap">
              <table class="traces">
                <thead>
                  <tr>
                    <th>start</th>
                    <th>root</th>
                    <th class="c-agent">agent</th>
                    <th class="c-session">session</th>
                    <th class="c-user">user</th>
                    <th class="c-service">service</th>
                    <th class="num">duration</th>
                    <th class="num c-spans">spans</th>
                    <th class="num c-llm">LLM</th>
                    <th class="num">tokens</th>
                    <th>status</th>
                  </tr>
                </thead>
                <tbody>
                  {data.traces.map((t) => (
                    <tr key={t.traceId} class={t.errorCount > 0 ? 'row-error' : ''} onClick={() => (location.hash = traceHref(t.traceId))}>
                      <td class="nowrap">{formatTime(t.startTime)}</td>
                      <td>
                        <a href={traceHref(t.traceId)}>{t.rootName || '(unnamed)'}</a>
                      </td>
                      <td class="c-agent">{t.agent ?? ''}</td>
                      <td class="c-session">{t.sessionId ?? ''}</td>
                      <td class="c-user">{t.userId ?? ''}</td>
                      <td class="c-service">{t.service ?? ''}</td>
                      <td class="num">{formatDuration(t.durationMs)}</td>
                      <td class="num c-spans">{formatInt(t.spanCount)}</td>
                      <td class="num c-llm">{formatInt(t.llmCalls)}</td>
                      <td class="num">{formatInt(t.totalTokens)}</td>
                      <td>{t.errorCount > 0 ? <span class="status-error">error ({t.errorCount})</span> : <span class="status-ok">ok</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager offset={data.offset} limit={data.limit} total={data.total} more={data.loading} href={(offset) => tracesHref({ ...query, offset })} />
          </>
        )
      ) : null}
    </section>
  );
}

function withCurrent(values: string[], current: string | undefined): string[] {
  return current && !values.includes(current) ? [current, ...values] : values;
}

function Select({ label, value, options, onChange }: { label: string; value: string; options: ReadonlyArray<readonly [string, string]>; onChange: (v: string) => void }) {
  return (
    <label class="select">
      <span class="sr-only">{label}</span>
      <select aria-label={label} value={value} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Searches inputs and outputs; applied a moment after typing stops, or on Enter. */
function SearchBox({ value, onSearch }: { value: string; onSearch: (q: string) => void }) {
  const [text, setText] = useState(value);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => setText(value), [value]);
  const apply = (q: string): void => {
    if (timer.current) clearTimeout(timer.current);
    if (q.trim() !== value) onSearch(q.trim());
  };
  return (
    <input
      id="search"
      type="search"
      placeholder="search inputs and outputs  ( / )"
      aria-label="search inputs and outputs"
      value={text}
      onInput={(e) => {
        const q = (e.currentTarget as HTMLInputElement).value;
        setText(q);
        if (timer.current) clearTimeout(timer.current);
        timer.current = setTimeout(() => apply(q), 400);
      }}
      onKeyDown={(e) => e.key === 'Enter' && apply((e.currentTarget as HTMLInputElement).value)}
    />
  );
}

import type { TraceSummary } from '../../trace-summary';
import type { AgentRow, SessionRow } from '../groups';
import { formatDuration, formatInt, formatTime } from '../../text';
import { getJson, NotFound } from './api-client';
import { LongText, Notes, NotFoundView, Pager } from './components';
import { sessionHref, sessionsHref, traceHref, tracesHref } from './route';
import { useFetch } from './use-fetch';

const POLL_MS = 3000;

interface SessionsAnswer {
  total: number;
  offset: number;
  limit: number;
  sessions: SessionRow[];
  notes: string[];
  missingStore?: string;
}

/** Sessions (session.id), the most recently active first. */
export function SessionsView({ offset }: { offset: number }) {
  const { data, error } = useFetch(`s${offset}`, () => getJson<SessionsAnswer>(`/api/sessions?offset=${offset}&limit=100`), POLL_MS);
  return (
    <section class="view">
      <h2>Sessions</h2>
      {error ? <div class="error-box">Could not load the sessions: {error.message}</div> : null}
      {data?.missingStore ? <div class="empty">{data.missingStore}.</div> : null}
      <Notes notes={data?.notes ?? []} />
      {data && !data.missingStore && data.sessions.length === 0 ? <div class="empty">No traces carry a session.id yet.</div> : null}
      {data && data.sessions.length > 0 ? (
        <>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>session</th>
                  <th class="num">traces</th>
                  <th>first</th>
                  <th>last</th>
                  <th class="c-agent">agents</th>
                  <th class="c-user">users</th>
                  <th class="num">tokens</th>
                  <th class="num">errors</th>
                </tr>
              </thead>
              <tbody>
                {data.sessions.map((s) => (
                  <tr key={s.sessionId} onClick={() => (location.hash = sessionHref(s.sessionId))}>
                    <td>
                      <a href={sessionHref(s.sessionId)}>{s.sessionId}</a>
                    </td>
                    <td class="num">{formatInt(s.traces)}</td>
                    <td class="nowrap">{formatTime(s.firstStart)}</td>
                    <td class="nowrap">{formatTime(s.lastStart)}</td>
                    <td class="c-agent">{s.agents.join(', ')}</td>
                    <td class="c-user">{s.users.join(', ')}</td>
                    <td class="num">{formatInt(s.totalTokens)}</td>
                    <td class="num">{s.errors ? <span class="status-error">{s.errors}</span> : '0'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager offset={data.offset} limit={data.limit} total={data.total} href={sessionsHref} />
        </>
      ) : null}
    </section>
  );
}

interface SessionAnswer {
  sessionId: string;
  turns: Array<{ trace: TraceSummary; input?: string; output?: string }>;
  notes: string[];
}

/** One session as one conversation: each trace a turn, in time order. */
export function SessionView({ sessionId }: { sessionId: string }) {
  const { data, error } = useFetch(sessionId, () => getJson<SessionAnswer>(`/api/sessions/${encodeURIComponent(sessionId)}`), POLL_MS);
  if (error instanceof NotFound) return <NotFoundView what="Session" message={error.message} />;
  if (error) return <div class="error-box">Could not load the session: {error.message}</div>;
  if (!data) return <div class="empty">Loading session…</div>;
  return (
    <section class="view">
      <h2>Session {data.sessionId}</h2>
      <div class="facts">
        <span>{data.turns.length} traces</span>
        <a href={tracesHref({ session: data.sessionId })}>as a trace list</a>
      </div>
      <Notes notes={data.notes} />
      <div class="conversation">
        {data.turns.map(({ trace, input, output }) => (
          <div key={trace.traceId} class="turn">
            <div class="turn-head">
              <a href={traceHref(trace.traceId)}>{trace.rootName || '(unnamed)'}</a> <span class="dim">{formatTime(trace.startTime)} · {formatDuration(trace.durationMs)}</span>
              {trace.agent ? <span class="dim"> · {trace.agent}</span> : null}
              {trace.errorCount > 0 ? <span class="status-error"> · error</span> : null}
            </div>
            <div class="msg role-user">
              <div class="msg-role">input</div>
              {input === '__REDACTED__' ? <span class="hidden-value">hidden</span> : input !== undefined ? <LongText text={input} /> : <span class="dim">(none recorded)</span>}
            </div>
            <div class="msg role-assistant">
              <div class="msg-role">output</div>
              {output === '__REDACTED__' ? <span class="hidden-value">hidden</span> : output !== undefined ? <LongText text={output} /> : <span class="dim">(none recorded)</span>}
            </div>
          </div>
        ))}
      </div>
    </section>
  );
}

/** One row per agent; a row opens its runs (the trace list filtered to it). */
export function AgentsView() {
  const { data, error } = useFetch('agents', () => getJson<{ agents: AgentRow[]; notes: string[]; missingStore?: string }>('/api/agents'), POLL_MS);
  return (
    <section class="view">
      <h2>Agents</h2>
      {error ? <div class="error-box">Could not load the agents: {error.message}</div> : null}
      {data?.missingStore ? <div class="empty">{data.missingStore}.</div> : null}
      <Notes notes={data?.notes ?? []} />
      {data && !data.missingStore && data.agents.length === 0 ? <div class="empty">No traces name an agent (agent.id or agent.name) yet.</div> : null}
      {data && data.agents.length > 0 ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>agent</th>
                <th class="c-agentid">id</th>
                <th class="num">runs</th>
                <th class="num">error rate</th>
                <th class="num">tokens</th>
                <th class="num">p50</th>
                <th class="num">p95</th>
                <th>last seen</th>
              </tr>
            </thead>
            <tbody>
              {data.agents.map((a) => (
                <tr key={a.key} onClick={() => (location.hash = tracesHref({ agent: a.key }))}>
                  <td>
                    <a href={tracesHref({ agent: a.key })}>{a.name ?? a.key}</a>
                  </td>
                  <td class="c-agentid">{a.id ?? ''}</td>
                  <td class="num">{formatInt(a.runs)}</td>
                  <td class="num">{a.errors ? <span class="status-error">{(a.errorRate * 100).toFixed(a.errorRate < 0.1 ? 1 : 0)}%</span> : '0%'}</td>
                  <td class="num">{formatInt(a.totalTokens)}</td>
                  <td class="num">{formatDuration(a.p50Ms)}</td>
                  <td class="num">{formatDuration(a.p95Ms)}</td>
                  <td class="nowrap">{formatTime(a.lastSeen)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

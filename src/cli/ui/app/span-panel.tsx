import type { ComponentChildren } from 'preact';
import type { StoredSpan } from '../../../store/format';
import { formatDuration, formatInt, formatTime } from '../../text';
import { getJson, NotFound } from './api-client';
import { MessageView, ShownValue } from './components';
import { spanDetail, type Shown, type SpanDetail } from './span-model';
import { useFetch } from './use-fetch';

/** The selected span: conversation, input and output, parameters, tokens, attributes, events, exceptions. */
export function SpanPanel({ traceId, spanId }: { traceId: string; spanId: string }) {
  const { data, error } = useFetch(`${traceId}/${spanId}`, () => getJson<{ span: StoredSpan }>(`/api/traces/${traceId}/spans/${spanId}`));
  if (error instanceof NotFound) return <aside class="panel">Span {spanId} is not in the store.</aside>;
  if (error) return <aside class="panel error-box">Could not load span {spanId}: {error.message}</aside>;
  if (!data || data.span.spanId !== spanId) return <aside class="panel dim">Loading span…</aside>;
  return <Detail d={spanDetail(data.span)} />;
}

function Detail({ d }: { d: SpanDetail }) {
  const hasMessages = d.inputMessages.length > 0 || d.outputMessages.length > 0;
  return (
    <aside class="panel" aria-label="span detail">
      <h3>
        <span class={`kind kind-${d.kind.toLowerCase().replace(/[^a-z]/g, '')}`}>{d.kind}</span> {d.name}
      </h3>
      <div class="facts">
        <span>{formatDuration(d.durationMs)}</span>
        {d.model ? <span>{d.model}</span> : null}
        <span>{formatTime(d.startTime)}</span>
        {d.error ? <span class="status-error">{d.error}</span> : <span class={d.status === 'OK' ? 'status-ok' : 'dim'}>{d.status.toLowerCase()}</span>}
        <span class="dim mono">span {d.spanId}</span>
      </div>
      {d.exceptions.length > 0 ? (
        <Section title="Exceptions">
          {d.exceptions.map((x, i) => (
            <div key={i} class="exception">
              <div class="status-error">
                {x.type ?? 'Error'}
                {x.message ? `: ${x.message}` : ''}
              </div>
              {x.stacktrace ? <pre class="text">{x.stacktrace}</pre> : null}
            </div>
          ))}
        </Section>
      ) : null}
      {hasMessages ? (
        <Section title="Conversation">
          {d.inputMessages.map((m, i) => (
            <MessageView key={`i${i}`} message={m} />
          ))}
          {d.outputMessages.length > 0 ? <div class="turn-sep">output</div> : null}
          {d.outputMessages.map((m, i) => (
            <MessageView key={`o${i}`} message={m} />
          ))}
        </Section>
      ) : null}
      {d.input || !hasMessages ? (
        <Section title="Input">
          <ShownValue value={d.input} />
        </Section>
      ) : null}
      {d.output || !hasMessages ? (
        <Section title="Output">
          <ShownValue value={d.output} />
        </Section>
      ) : null}
      {d.documents.length > 0 ? (
        <Section title="Documents">
          {d.documents.map((doc, i) => (
            <div key={i} class="msg">
              <div class="msg-role">
                document {doc['document.id'] ?? i + 1}
                {doc['document.score'] ? <span class="dim"> · score {doc['document.score']}</span> : null}
              </div>
              <ShownValue value={doc['document.content'] === '__REDACTED__' ? { type: 'hidden' } : { type: 'text', text: doc['document.content'] ?? '' }} />
            </div>
          ))}
        </Section>
      ) : null}
      {d.invocationParameters ? (
        <Section title="Invocation parameters">
          <ShownValue value={d.invocationParameters} />
        </Section>
      ) : null}
      {d.tokens.length > 0 ? (
        <Section title="Tokens">
          <table class="kv">
            <tbody>
              {d.tokens.map((t) => (
                <tr key={t.key}>
                  <th>{t.label}</th>
                  <td class="num">{formatInt(t.value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      ) : null}
      <Section title={`Attributes (${d.attributes.length})`} folded={hasMessages}>
        <KeyValues rows={d.attributes} />
      </Section>
      {d.events.length > 0 ? (
        <Section title={`Events (${d.events.length})`}>
          {d.events.map((e, i) => (
            <div key={i} class="event">
              <div>
                <b>{e.name}</b> <span class="dim">{formatTime(e.time)}</span>
              </div>
              <KeyValues rows={e.attributes} />
            </div>
          ))}
        </Section>
      ) : null}
      <Section title="Resource" folded>
        <KeyValues rows={d.resource} />
      </Section>
    </aside>
  );
}

function Section({ title, children, folded }: { title: string; children: ComponentChildren; folded?: boolean }) {
  return (
    <details class="section" open={!folded}>
      <summary>{title}</summary>
      <div class="section-body">{children}</div>
    </details>
  );
}

function KeyValues({ rows }: { rows: Array<{ key: string; value: Shown }> }) {
  return (
    <table class="kv">
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <th>{r.key}</th>
            <td>
              <ShownValue value={r.value} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

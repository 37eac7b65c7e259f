import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { Message } from '../../views/messages';
import { formatInt } from '../../text';
import { messageText, type Shown } from './span-model';

/**
 * The pieces every view uses. Span content only ever reaches the page as text
 * children (Preact sets them as text nodes), never as markup, a URL or an
 * attribute that runs anything.
 */

/** Text longer than this is shown cut, with a button for the rest: a 1 MB prompt must not stall the page. */
export const SHOW_CHARS = 20_000;

export function Notes({ notes }: { notes: readonly string[] }) {
  if (notes.length === 0) return null;
  return (
    <div class="notes" role="status">
      {notes.map((n) => (
        <div key={n}>note: {n}</div>
      ))}
    </div>
  );
}

export function NotFoundView({ what, message }: { what: string; message?: string }) {
  return (
    <div class="not-found">
      <h2>{what} not found</h2>
      {message ? <p>{message}</p> : null}
      <p>
        <a href="#/traces">Back to the traces</a>
      </p>
    </div>
  );
}

export function Hidden() {
  return (
    <span class="hidden-value" title="hidden by the privacy settings when it was recorded (__REDACTED__)">
      hidden
    </span>
  );
}

export function LongText({ text, cut }: { text: string; cut?: number }) {
  const [all, setAll] = useState(false);
  const long = text.length > SHOW_CHARS && !all;
  return (
    <div class="text-block">
      <pre class="text">{long ? text.slice(0, SHOW_CHARS) : text}</pre>
      {long ? (
        <div class="cut-note">
          showing the first {formatInt(SHOW_CHARS)} of {formatInt(text.length)} characters{' '}
          <button type="button" onClick={() => setAll(true)}>
            show all
          </button>
        </div>
      ) : null}
      {cut ? <div class="cut-note">[truncated: {formatInt(cut)} more characters were not stored]</div> : null}
    </div>
  );
}

export function ShownValue({ value }: { value: Shown | undefined }) {
  if (!value) return <span class="dim">(none recorded)</span>;
  if (value.type === 'hidden') return <Hidden />;
  if (value.type === 'json') return <JsonTree value={value.value} />;
  return <LongText text={value.text} cut={value.cut} />;
}

/** Pretty-printed JSON whose objects and arrays fold (native <details>); big ones start folded below the top. */
export function JsonTree({ value }: { value: unknown }) {
  const size = approxSize(value, 200_000);
  if (size >= 200_000) return <LongText text={JSON.stringify(value, null, 2)} />;
  return (
    <div class="json">
      <JsonNode value={value} depth={0} openDepth={size > 20_000 ? 1 : 4} />
    </div>
  );
}

function JsonNode({ value, depth, label, openDepth }: { value: unknown; depth: number; label?: ComponentChildren; openDepth: number }) {
  if (value === null || typeof value !== 'object') {
    return (
      <div class="json-leaf">
        {label}
        <span class={`json-${value === null ? 'null' : typeof value}`}>{JSON.stringify(value) ?? String(value)}</span>
      </div>
    );
  }
  const entries: Array<[string, unknown]> = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value as Record<string, unknown>);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) {
    return (
      <div class="json-leaf">
        {label}
        {open}
        {close}
      </div>
    );
  }
  return (
    <details class="json-node" open={depth < openDepth}>
      <summary>
        {label}
        {open}
        <span class="dim"> {plural(entries.length, Array.isArray(value) ? 'item' : 'key')} </span>
      </summary>
      <div class="json-children">
        {entries.map(([k, v]) => (
          <JsonNode key={k} value={v} depth={depth + 1} openDepth={openDepth} label={<span class="json-key">{Array.isArray(value) ? `${k}: ` : `${JSON.stringify(k)}: `}</span>} />
        ))}
      </div>
      <div>{close}</div>
    </details>
  );
}

function approxSize(value: unknown, cap: number): number {
  try {
    const s = JSON.stringify(value);
    return s === undefined ? 0 : Math.min(cap, s.length);
  } catch {
    return cap;
  }
}

export function MessageView({ message }: { message: Message }) {
  const role = message.role ?? 'message';
  const text = messageText(message);
  return (
    <div class={`msg role-${/^[a-z]+$/.test(role) ? role : 'other'}`}>
      <div class="msg-role">
        {role}
        {message.name ? <span class="dim"> · {message.name}</span> : null}
        {message.toolCallId ? <span class="dim"> · result of {message.toolCallId}</span> : null}
      </div>
      {text ? <ShownValue value={text} /> : null}
      {message.contents
        .filter((p) => p.imageUrl)
        .map((p, i) => (
          <div key={i} class="dim">
            [image{p.imageUrl!.startsWith('data:') ? '' : `: ${p.imageUrl}`}]
          </div>
        ))}
      {[...message.toolCalls, ...(message.functionCall ? [message.functionCall] : [])].map((call, i) => (
        <div key={i} class="tool-call">
          <div>
            → tool call <b>{call.name ?? '(unnamed)'}</b>
            {call.id ? <span class="dim"> id {call.id}</span> : null}
          </div>
          {call.arguments !== undefined ? <ShownValue value={argumentsShown(call.arguments)} /> : null}
        </div>
      ))}
    </div>
  );
}

function argumentsShown(args: string): Shown {
  try {
    const v: unknown = JSON.parse(args);
    if (v !== null && typeof v === 'object') return { type: 'json', value: v };
  } catch {
    // shown as text
  }
  return args === '__REDACTED__' ? { type: 'hidden' } : { type: 'text', text: args };
}

/** `more`: the total is only what is known so far (the store is still being read). */
export function Pager({ offset, limit, total, more, href }: { offset: number; limit: number; total: number; more?: boolean; href: (offset: number) => string }) {
  if (total <= limit && offset === 0 && !more) return null;
  return (
    <div class="pager">
      {offset > 0 ? <a href={href(Math.max(0, offset - limit))}>← newer</a> : <span class="dim">← newer</span>}
      <span>
        {formatInt(Math.min(total, offset + 1))}–{formatInt(Math.min(total, offset + limit))} of {formatInt(total)}
        {more ? '+' : ''}
      </span>
      {offset + limit < total ? <a href={href(offset + limit)}>older →</a> : <span class="dim">older →</span>}
    </div>
  );
}

/** "1 key", "2 keys". */
function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

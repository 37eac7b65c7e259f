import type { StoredAttributeValue, StoredEvent, StoredSpan } from '../../../store/format';
import { K } from '../../keys';
import { isRedacted, splitTruncated } from '../../markers';
import { duration, errorMessage, isError, modelName, spanKind, str } from '../../span-fields';
import { readIndexed, readMessages, type Message } from '../../views/messages';

/**
 * One span as its detail panel shows it: the conversation (input and output
 * messages), or input.value / output.value; the invocation parameters; every
 * token count, cache and reasoning included; every attribute; events and
 * exceptions. Values are classified here (hidden, cut, JSON, text) so the view
 * only lays them out.
 */
export type Shown =
  | { type: 'hidden' }
  | { type: 'json'; value: unknown; cut?: number }
  | { type: 'text'; text: string; cut?: number };

export interface SpanDetail {
  spanId: string;
  traceId: string;
  parentSpanId?: string;
  name: string;
  kind: string;
  durationMs: number;
  startTime: number;
  model?: string;
  status: string;
  error?: string;
  inputMessages: Message[];
  outputMessages: Message[];
  input?: Shown;
  output?: Shown;
  documents: Array<Record<string, string>>;
  invocationParameters?: Shown;
  tokens: Array<{ key: string; label: string; value: number }>;
  attributes: Array<{ key: string; value: Shown }>;
  resource: Array<{ key: string; value: Shown }>;
  events: Array<{ name: string; time: number; attributes: Array<{ key: string; value: Shown }> }>;
  exceptions: Array<{ type?: string; message?: string; stacktrace?: string; time: number }>;
}

const TOKEN_PREFIX = 'llm.token_count.';
const TOKEN_LABELS: Record<string, string> = {
  prompt: 'input',
  completion: 'output',
  total: 'total',
  'prompt_details.cache_read': 'cache read',
  'prompt_details.cache_write': 'cache write',
  'prompt_details.cache_input': 'cache input',
  'prompt_details.audio': 'input audio',
  'completion_details.reasoning': 'reasoning',
  'completion_details.audio': 'output audio',
};
const TOKEN_ORDER = Object.keys(TOKEN_LABELS);

/** A stored value as the panel shows it: hidden by the privacy settings, cut at the length limit, JSON, or text. */
export function classify(value: StoredAttributeValue | undefined, mime?: string): Shown | undefined {
  if (value === undefined || value === null) return undefined;
  if (isRedacted(value)) return { type: 'hidden' };
  if (typeof value !== 'string') return { type: 'json', value };
  const cut = splitTruncated(value);
  const text = cut ? cut.text : value;
  const trimmed = text.trimStart();
  if (!cut && (mime === 'application/json' || trimmed.startsWith('{') || trimmed.startsWith('['))) {
    const parsed = parseJson(text);
    if (parsed !== undefined && typeof parsed === 'object' && parsed !== null) return { type: 'json', value: parsed };
  }
  return { type: 'text', text, cut: cut?.removed };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function list(attrs: Record<string, StoredAttributeValue> | undefined): Array<{ key: string; value: Shown }> {
  return Object.keys(attrs ?? {})
    .sort()
    .map((key) => ({ key, value: classify(attrs![key]) ?? { type: 'text', text: '' } }));
}

export function spanDetail(span: StoredSpan): SpanDetail {
  const a = span.attributes;
  const tokens = Object.keys(a)
    .filter((k) => k.startsWith(TOKEN_PREFIX) && typeof a[k] === 'number')
    .map((k) => {
      const key = k.slice(TOKEN_PREFIX.length);
      return { key, label: TOKEN_LABELS[key] ?? key.replace(/_details\./, ' ').replace(/_/g, ' '), value: a[k] as number };
    })
    .sort((x, y) => rank(x.key) - rank(y.key) || (x.key < y.key ? -1 : 1));
  const exceptions = (span.events ?? [])
    .filter((e) => e.name === 'exception')
    .map((e: StoredEvent) => ({ type: str(e.attributes?.['exception.type']), message: str(e.attributes?.['exception.message']), stacktrace: str(e.attributes?.['exception.stacktrace']), time: e.time }));
  return {
    spanId: span.spanId,
    traceId: span.traceId,
    parentSpanId: span.parentSpanId,
    name: span.name || '(unnamed)',
    kind: spanKind(span),
    durationMs: duration(span),
    startTime: span.startTime,
    model: modelName(span),
    status: span.status.code,
    error: isError(span) ? (errorMessage(span) ?? 'failed') : undefined,
    inputMessages: readMessages(a, K.INPUT_MESSAGES),
    outputMessages: readMessages(a, K.OUTPUT_MESSAGES),
    input: classify(a[K.INPUT_VALUE], str(a[K.INPUT_MIME_TYPE])),
    output: classify(a[K.OUTPUT_VALUE], str(a[K.OUTPUT_MIME_TYPE])),
    documents: readIndexed(a, K.RETRIEVAL_DOCUMENTS),
    invocationParameters: classify(a[K.INVOCATION_PARAMETERS], 'application/json'),
    tokens,
    attributes: list(a),
    resource: list(span.resource),
    events: (span.events ?? []).map((e) => ({ name: e.name, time: e.time, attributes: list(e.attributes) })),
    exceptions,
  };
}

function rank(key: string): number {
  const i = TOKEN_ORDER.indexOf(key);
  return i === -1 ? TOKEN_ORDER.length : i;
}

/** A message's text as the conversation shows it: hidden, cut, or as stored. */
export function messageText(m: Message): Shown | undefined {
  if (m.content !== undefined) return classify(m.content);
  const texts = m.contents.filter((p) => p.text !== undefined).map((p) => p.text!);
  if (texts.length === 0) return undefined;
  if (texts.every((t) => isRedacted(t))) return { type: 'hidden' };
  return classify(texts.join('\n\n'));
}

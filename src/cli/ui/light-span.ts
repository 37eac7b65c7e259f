import type { StoredAttributeValue, StoredSpan } from '../../store/format';
import { K } from '../keys';

/**
 * A span cut down to what lists, trees and summaries show: its ids, times,
 * status and the few short attributes they read (kind, model, tokens, agent,
 * session, user, tool). Inputs, outputs and messages stay in the store until a
 * span is opened, so an index of 50,000 spans or a trace of 5,000 holds little.
 */
const KEPT = new Set<string>([
  K.SPAN_KIND,
  K.AGENT_NAME,
  K.AGENT_ID,
  K.SESSION_ID,
  K.USER_ID,
  K.LLM_MODEL_NAME,
  K.LLM_RESPONSE_MODEL_NAME,
  K.LLM_REQUEST_MODEL_NAME,
  K.EMBEDDING_MODEL_NAME,
  K.RERANKER_MODEL_NAME,
  K.TOOL_NAME,
]);
const TOKEN_PREFIX = 'llm.token_count.';
/** Longer values are not kept (an id or name this long is not one a list shows whole). */
const MAX_KEPT_CHARS = 200;
/** How much of a root's or an agent's input and output a session's conversation shows. */
export const PREVIEW_CHARS = 2000;

export function lightSpan(span: StoredSpan, opts: { preview?: boolean } = {}): StoredSpan {
  const attributes: Record<string, StoredAttributeValue> = {};
  for (const key in span.attributes) {
    const value = span.attributes[key]!;
    if (!(KEPT.has(key) || key.startsWith(TOKEN_PREFIX))) continue;
    if (typeof value === 'string' && value.length > MAX_KEPT_CHARS) continue;
    attributes[key] = value;
  }
  if (opts.preview) {
    for (const key of [K.INPUT_VALUE, K.OUTPUT_VALUE]) {
      const value = span.attributes[key];
      if (typeof value === 'string') attributes[key] = value.length > PREVIEW_CHARS ? `${value.slice(0, PREVIEW_CHARS)}…` : value;
    }
  }
  const light: StoredSpan = {
    traceId: span.traceId,
    spanId: span.spanId,
    name: span.name.length > 500 ? `${span.name.slice(0, 500)}…` : span.name,
    kind: span.kind,
    startTime: span.startTime,
    endTime: span.endTime,
    status: span.status.message && span.status.message.length > 500 ? { code: span.status.code, message: `${span.status.message.slice(0, 500)}…` } : span.status,
    attributes,
    resource: typeof span.resource[K.SERVICE_NAME] === 'string' ? { [K.SERVICE_NAME]: span.resource[K.SERVICE_NAME]! } : {},
  };
  if (span.parentSpanId !== undefined) light.parentSpanId = span.parentSpanId;
  // The first exception's type and message name a failed span in lists (errorMessage reads them).
  const exception = span.status.code === 'ERROR' && !span.status.message ? span.events?.find((e) => e.name === 'exception') : undefined;
  if (exception) {
    const a = exception.attributes ?? {};
    light.events = [{ name: 'exception', time: exception.time, attributes: pick(a, ['exception.type', 'exception.message']) }];
  }
  return light;
}

function pick(a: Record<string, StoredAttributeValue>, keys: string[]): Record<string, StoredAttributeValue> {
  const out: Record<string, StoredAttributeValue> = {};
  for (const k of keys) {
    const v = a[k];
    if (v !== undefined) out[k] = typeof v === 'string' && v.length > 500 ? `${v.slice(0, 500)}…` : v;
  }
  return out;
}

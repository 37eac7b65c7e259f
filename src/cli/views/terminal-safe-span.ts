import type { StoredAttributeValue, StoredEvent, StoredSpan } from '../../store/format';
import { terminalSafe } from '../text';

/**
 * A span as the views print it: a copy in which every string (names, keys,
 * values, status, events, resource, scope) has had its control characters made
 * visible, line breaks kept (see terminalSafe). Each view takes its spans
 * through this first, so that nothing it prints from span data, whichever field
 * it reads, can drive the terminal; single-line fields are then laid out with
 * terminalSafe's one-line form.
 */
export function forTerminal(span: StoredSpan): StoredSpan {
  const safe = (text: string): string => terminalSafe(text, { multiline: true });
  return {
    ...span,
    traceId: safe(span.traceId),
    spanId: safe(span.spanId),
    ...(span.parentSpanId !== undefined ? { parentSpanId: safe(span.parentSpanId) } : {}),
    name: safe(span.name),
    kind: safe(span.kind),
    status: { ...span.status, ...(span.status.message !== undefined ? { message: safe(span.status.message) } : {}) },
    attributes: safeRecord(span.attributes, safe),
    resource: safeRecord(span.resource, safe),
    ...(span.events ? { events: span.events.map((e): StoredEvent => ({ ...e, name: safe(e.name), ...(e.attributes ? { attributes: safeRecord(e.attributes, safe) } : {}) })) } : {}),
    ...(span.scope ? { scope: { name: safe(span.scope.name), ...(span.scope.version !== undefined ? { version: safe(span.scope.version) } : {}) } } : {}),
  };
}

function safeRecord(record: Record<string, StoredAttributeValue>, safe: (text: string) => string): Record<string, StoredAttributeValue> {
  // fromEntries defines each key as its own property, a key named __proto__ too.
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [safe(key), typeof value === 'string' ? safe(value) : Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? safe(v) : v)) : value]));
}

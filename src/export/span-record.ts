import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { StoredAttributeValue, StoredSpan, StoredStatusCode } from '../store/format';

const KIND_NAMES = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS_NAMES: StoredStatusCode[] = ['UNSET', 'OK', 'ERROR'];

function hrToMs(t: [number, number]): number {
  return t[0] * 1e3 + t[1] / 1e6;
}

function plainAttributes(attrs: Record<string, unknown>): Record<string, StoredAttributeValue> {
  const out: Record<string, StoredAttributeValue> = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== undefined) out[k] = v as StoredAttributeValue;
  }
  return out;
}

/** A finished OTel span as one line of the local store. */
export function toStoredSpan(span: ReadableSpan): StoredSpan {
  const ctx = span.spanContext();
  const parent = span.parentSpanContext?.spanId;
  return {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    ...(parent ? { parentSpanId: parent } : {}),
    name: span.name,
    kind: KIND_NAMES[span.kind] ?? 'INTERNAL',
    startTime: hrToMs(span.startTime),
    endTime: hrToMs(span.endTime),
    status: {
      code: STATUS_NAMES[span.status.code] ?? 'UNSET',
      ...(span.status.message ? { message: span.status.message } : {}),
    },
    attributes: plainAttributes(span.attributes),
    ...(span.events.length
      ? {
          events: span.events.map((e) => ({
            name: e.name,
            time: hrToMs(e.time),
            ...(e.attributes ? { attributes: plainAttributes(e.attributes) } : {}),
          })),
        }
      : {}),
    resource: plainAttributes(span.resource.attributes),
    scope: { name: span.instrumentationScope.name, ...(span.instrumentationScope.version ? { version: span.instrumentationScope.version } : {}) },
  };
}

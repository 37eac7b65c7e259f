/** `@catalyst/tracing/semconv`: the attribute keys and span kinds, without the agent. */
export { Attr, SpanKindValues, MimeTypes, type SpanKindValue } from './attr';

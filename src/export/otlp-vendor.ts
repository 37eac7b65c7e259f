/**
 * OTel's OTLP JSON serializer, built into a file of its own (dist/vendor/otlp-http.js)
 * and required only on the first export, so start-up never parses it. The
 * transport is ours (http-send.ts): bounded, unref'd, and fault-aware.
 */
export { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';

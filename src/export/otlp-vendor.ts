/**
 * The OTLP/HTTP exporter, built into a file of its own (dist/vendor/otlp-http.js)
 * and required only on the first export, so start-up never parses it.
 */
export { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';

// The peer set-up we compare against: OpenInference's OpenAI and Anthropic
// instrumentations started by OpenTelemetry's NodeSDK, exporting OTLP/protobuf
// (the exporter OpenInference's docs pair them with) to
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT. The bench sets OTEL_METRICS_EXPORTER and
// OTEL_LOGS_EXPORTER to `none`, so the peer does the same job as our agent
// (traces only): its cheapest configuration.
'use strict';
const { trace } = require('@opentelemetry/api');
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { OpenAIInstrumentation } = require('@arizeai/openinference-instrumentation-openai');
const { AnthropicInstrumentation } = require('@arizeai/openinference-instrumentation-anthropic');

const sdk = new NodeSDK({
  traceExporter: new OTLPTraceExporter(),
  instrumentations: [new OpenAIInstrumentation(), new AnthropicInstrumentation()],
});
sdk.start();

// For the workload app: export what is queued (NodeSDK itself only flushes on shutdown()).
globalThis[Symbol.for('catalyst.bench.peer-flush')] = () => trace.getTracerProvider().getDelegate().forceFlush();

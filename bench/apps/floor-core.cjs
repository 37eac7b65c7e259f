// The floor for per-call cost (bench/instructions.mjs --variants floor): what
// OpenTelemetry's own span code costs for the attributes a traced plain chat
// completion carries (floor-attributes.json, taken from a real span of ours),
// with nothing of ours in the way: the async context manager, one span
// started, its attributes set from a ready-made object (no mapping, no JSON),
// the call run in its context, the span ended when the call settles, OTel's
// batch processor and its OTLP/protobuf exporter (BENCH_FLOOR_EXPORT=none:
// spans ended into a processor that drops them, the span code alone). No
// per-chunk work for streams. A tracer cannot cost less than this and record
// the same span. The faces (floor-register.cjs / .mjs) hand it the OpenAI
// class of the build the app loads.
'use strict';
const { context, trace } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const ATTRIBUTES = require('./floor-attributes.json');

/** Wraps `OpenAI.Chat.Completions.prototype.create` as the floor. */
function installFloor(OpenAI) {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const dropAll = { onStart() {}, onEnd() {}, forceFlush: () => Promise.resolve(), shutdown: () => Promise.resolve() };
  const processor = process.env.BENCH_FLOOR_EXPORT === 'none' ? dropAll : new BatchSpanProcessor(new OTLPTraceExporter());
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  const tracer = provider.getTracer('floor');

  const proto = OpenAI.Chat.Completions.prototype;
  const create = proto.create;
  proto.create = function floorCreate(...args) {
    const span = tracer.startSpan('OpenAI Chat Completions');
    span.setAttributes(ATTRIBUTES);
    const returned = context.with(trace.setSpan(context.active(), span), () => create.apply(this, args));
    returned.then(
      () => span.end(),
      () => span.end(),
    );
    return returned;
  };
  // For the workload app: export what is queued.
  globalThis[Symbol.for('catalyst.bench.peer-flush')] = () => provider.forceFlush();
}

module.exports = { installFloor };

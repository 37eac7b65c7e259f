// The floor for per-call cost (bench/per-call.mjs, outage.mjs, and
// instructions.mjs --variants floor): what OpenTelemetry's own span code costs
// for the attributes a traced chat completion carries (floor-attributes.json
// and floor-stream-attributes.json, taken from real spans of ours),
// with nothing of ours in the way: the async context manager, one span
// started, its attributes set from a ready-made object (no mapping, no JSON),
// the call run in its context, the span ended when the call settles (a
// stream's when its iterator says done: one `.then` per chunk, the least a
// wrapper can do to see the end), OTel's batch processor and its OTLP/protobuf
// exporter (BENCH_FLOOR_EXPORT=none: spans ended into a processor that drops
// them, the span code alone). A tracer cannot cost less than this and record
// the same span. The faces (floor-register.cjs / .mjs) hand it the OpenAI
// class of the build the app loads.
'use strict';
const { context, trace } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

/** The attributes of a real plain and a real 200-chunk streamed span of ours (bench/apps/floor-*attributes.json). */
const ATTRIBUTES_TEXT = {
  plain: readFileSync(join(__dirname, 'floor-attributes.json'), 'utf8'),
  stream: readFileSync(join(__dirname, 'floor-stream-attributes.json'), 'utf8'),
};
const ATTRIBUTES = { plain: JSON.parse(ATTRIBUTES_TEXT.plain), stream: JSON.parse(ATTRIBUTES_TEXT.stream) };
/**
 * A real call's attribute values are new strings each call, which the span
 * keeps alive while it waits for export. For memory (the outage run) the floor
 * does the same (BENCH_FLOOR_FRESH=1: each span gets its own copy); for CPU it
 * shares one object, so that no parsing of ours is counted as span code.
 */
const attributesOfCall = process.env.BENCH_FLOOR_FRESH === '1' ? (kind) => JSON.parse(ATTRIBUTES_TEXT[kind]) : (kind) => ATTRIBUTES[kind];

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
    const streamed = args[0]?.stream === true;
    span.setAttributes(attributesOfCall(streamed ? 'stream' : 'plain'));
    const returned = context.with(trace.setSpan(context.active(), span), () => create.apply(this, args));
    returned.then(
      (result) => (streamed ? endAtStreamEnd(result, span) : span.end()),
      () => span.end(),
    );
    return returned;
  };
  // For the workload app: export what is queued.
  globalThis[Symbol.for('catalyst.bench.peer-flush')] = () => provider.forceFlush();
}

/** Ends `span` when the stream's iterator is done or fails. */
function endAtStreamEnd(stream, span) {
  const iterate = stream[Symbol.asyncIterator];
  stream[Symbol.asyncIterator] = function floorIterator() {
    const iterator = iterate.call(this);
    const next = iterator.next;
    iterator.next = (...args) =>
      next.apply(iterator, args).then(
        (item) => {
          if (item.done) span.end();
          return item;
        },
        (error) => {
          span.end();
          throw error;
        },
      );
    return iterator;
  };
}

module.exports = { installFloor };

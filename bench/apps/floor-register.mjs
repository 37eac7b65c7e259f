// The floor for per-call cost, ES module face: `node --import ./floor-register.mjs app.mjs`.
// The same as floor-register.cjs, patching the ESM build of openai that an ESM app imports.
import { createRequire } from 'node:module';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import OpenAI from 'openai';

const ATTRIBUTES = createRequire(import.meta.url)('./floor-attributes.json');
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

globalThis[Symbol.for('catalyst.bench.peer-flush')] = () => provider.forceFlush();

// The export throughput app, run under our preload: creates copies of a typical
// LLM span (BENCH_SPAN_TEMPLATE, taken from a real traced call) as fast as one
// thread can, BENCH_PER_TICK per turn of the event loop so the exporter gets
// its turns, for BENCH_DURATION_MS; then flushes and reports how many spans were
// offered, how many the bounded queue dropped, and the times.
'use strict';
const { readFileSync } = require('node:fs');
const { performance } = require('node:perf_hooks');

// The pipeline is built on first need (state.startPipeline); the first span would do it, this does it up front.
const state = globalThis[Symbol.for('@catalyst/tracing.state')];
const pipeline = state?.pipeline ?? state?.startPipeline?.();
if (!pipeline) throw new Error('export-flood: run me under the @catalyst/tracing preload with an endpoint set');
const template = JSON.parse(readFileSync(process.env.BENCH_SPAN_TEMPLATE, 'utf8'));
const durationMs = Number(process.env.BENCH_DURATION_MS ?? 2000);
const perTick = Number(process.env.BENCH_PER_TICK ?? 32);
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

function makeSpan() {
  const span = pipeline.tracer.startSpan(template.name, { kind: template.kind, attributes: template.attributes });
  span.setStatus({ code: 1 });
  span.end();
}

async function main() {
  for (let i = 0; i < 1024; i++) makeSpan(); // warm-up, exported before the clock starts
  await pipeline.forceFlush();
  const dropped0 = pipeline.batch.dropped;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let offered = 0;
  while (performance.now() - t0 < durationMs) {
    for (let i = 0; i < perTick; i++) makeSpan();
    offered += perTick;
    await nextTurn();
  }
  const produceMs = performance.now() - t0;
  await pipeline.forceFlush();
  const totalMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const dropped = pipeline.batch.dropped - dropped0;
  process.stdout.write(`${JSON.stringify({ offered, dropped, exported: offered - dropped, produceMs, totalMs, cpuUs: cpu.user + cpu.system })}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

// 2. Per-call cost: CPU time (process.cpuUsage(), user + system, all threads)
// of a child that makes 1,000 plain and then 300 streamed (200-chunk) chat
// completions against the loopback fake provider, after 300 plain and 75
// streamed ones to warm up. Set-ups: untraced, ours, the peer (CJS only) and
// the floor (bench/apps/floor-core.cjs: OpenTelemetry's span code and its own
// export, same attributes, nothing of ours). The traced children export to the
// loopback OTLP collector and flush inside the measured window, so export cost
// counts. Added cost per call = (traced - untraced) / N, paired within a round;
// every set-up runs in every round, in rotated order, so each pair ran close
// together in time. Runs are long (a second or more of CPU each) so that a
// collection or a compile landing in one run and not its pair moves the
// per-call figure little.
// Budgets: at most 50 µs CPU per plain call, 100 µs per 200-chunk stream; where
// the floor itself costs more, at most 1.5 times what the floor adds.
import { join } from 'node:path';
import { APPS } from './lib/context.mjs';
import { alternate, runNode } from './lib/spawn.mjs';
import { pairedDiff, summarize } from './lib/stats.mjs';
import { FLOOR_FACTOR, floorRatioRow, verdict } from './lib/table.mjs';
import { LABELS, preloadArgs, tracingEnv } from './lib/variants.mjs';

/** The peer is measured on CJS only: on ESM its set-up loads but traces nothing (see apps/peer-register.mjs). */
const SETUPS = {
  'cjs:plain': ['cjs', 'plain'],
  'cjs:ours': ['cjs', 'ours'],
  'cjs:peer': ['cjs', 'peer'],
  'cjs:floor': ['cjs', 'floor'],
  'esm:plain': ['esm', 'plain'],
  'esm:ours': ['esm', 'ours'],
  'esm:floor': ['esm', 'floor'],
};
const APP = { cjs: 'workload.cjs', esm: 'workload.mjs' };
const BUDGET = { plain: 50, stream: 100 };

/** @param {import('./run.mjs').BenchContext} ctx */
export async function run(ctx) {
  const rounds = ctx.quick ? 1 : 9;
  const n = ctx.quick ? 30 : 1000;
  const streamN = ctx.quick ? 30 : 300;
  const warmup = ctx.quick ? 8 : 300;
  const chunks = 200;
  const results = await alternate(rounds, Object.keys(SETUPS), async (setup) => {
    const [format, variant] = SETUPS[setup];
    ctx.collector.reset();
    const { result } = await runNode({
      node: ctx.node,
      args: [...preloadArgs(variant, format, ctx.dist), join(APPS, APP[format])],
      env: {
        ...tracingEnv(ctx.collector.url),
        BENCH_TASK: 'cpu',
        BENCH_BASE_URL: ctx.provider.baseURL,
        BENCH_N: String(n),
        BENCH_STREAM_N: String(streamN),
        BENCH_WARMUP: String(warmup),
        BENCH_CHUNKS: String(chunks),
      },
    });
    // Every call of a traced run should have reached the collector (a check that the set-up really traces).
    const expected = warmup + warmup / 4 + n + streamN;
    if (variant !== 'plain') await ctx.collector.waitForSpans(expected, 3000).catch(() => undefined);
    return { plainUs: result.plain.cpuUs / n, streamUs: result.stream.cpuUs / streamN, spansPerCall: ctx.collector.spans.length / expected };
  });

  /** @type {import('./lib/table.mjs').Row[]} */
  const rows = [];
  const of = (setup, k) => results[setup].map((r) => r[k]);
  const KINDS = [['plain', 'plainUs', 'plain call'], ['stream', 'streamUs', '200-chunk stream']];
  for (const format of ['cjs', 'esm']) {
    /** What set-up `v` adds over untraced, per kind of call: computed once, used by its row and the floor ratio. */
    const addedOf = (v, key) => summarize(pairedDiff(of(`${format}:${v}`, key), of(`${format}:plain`, key)));
    const name = format.toUpperCase();
    const variants = Object.keys(SETUPS).filter((s) => s.startsWith(format)).map((s) => SETUPS[s][1]);
    for (const v of variants) {
      rows.push({ section: '2', measure: `Per call, ${name}: CPU per plain call`, variant: LABELS[v], unit: 'µs', ...summarize(of(`${format}:${v}`, 'plainUs')) });
      rows.push({ section: '2', measure: `Per call, ${name}: CPU per 200-chunk stream`, variant: LABELS[v], unit: 'µs', ...summarize(of(`${format}:${v}`, 'streamUs')) });
    }
    for (const v of variants.filter((x) => x !== 'plain')) {
      for (const [kind, key, label] of KINDS) {
        const added = addedOf(v, key);
        const row = { section: '2', measure: `Per call, ${name}: CPU added per ${label}`, variant: LABELS[v], unit: 'µs', ...added };
        if (v === 'ours') {
          row.budget = `<= ${BUDGET[kind]} µs`;
          row.verdict = verdict(added.median, BUDGET[kind], 'µs');
        }
        rows.push(row);
      }
      rows.push({ section: '2', measure: `Per call, ${name}: spans received per call (check)`, variant: LABELS[v], unit: 'x', ...summarize(of(`${format}:${v}`, 'spansPerCall')) });
    }
    for (const [, key, label] of KINDS) {
      const [ours, floor] = [addedOf('ours', key).median, addedOf('floor', key).median];
      rows.push(floorRatioRow({ section: '2', measure: `Per call, ${name}: CPU added per ${label}, ours over the floor's`, ours, floor, unit: 'µs', factor: FLOOR_FACTOR, runs: rounds }));
    }
  }
  return { rows, raw: { n, streamN, warmup, chunks, rounds, results } };
}

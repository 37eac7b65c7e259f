// 3. Streams: time to the first chunk and to the end of a 200-chunk streamed
// chat completion from the loopback fake provider, with and without tracing;
// each run's figure is the median of its streams. Budget: the first chunk
// delayed by at most 1 ms.
import { join } from 'node:path';
import { APPS } from './lib/context.mjs';
import { alternate, runNode } from './lib/spawn.mjs';
import { pairedDiff, summarize } from './lib/stats.mjs';
import { verdict } from './lib/table.mjs';
import { LABELS, preloadArgs, tracingEnv } from './lib/variants.mjs';

const VARIANTS = ['plain', 'ours', 'peer'];

/** @param {import('./run.mjs').BenchContext} ctx */
export async function run(ctx) {
  const rounds = ctx.quick ? 1 : 7;
  const n = ctx.quick ? 10 : 150;
  const results = await alternate(rounds, VARIANTS, async (variant) => {
    const { result } = await runNode({
      node: ctx.node,
      args: [...preloadArgs(variant, 'cjs', ctx.dist), join(APPS, 'workload.cjs')],
      env: { ...tracingEnv(ctx.collector.url), BENCH_TASK: 'streams', BENCH_BASE_URL: ctx.provider.baseURL, BENCH_N: String(n), BENCH_WARMUP: String(ctx.quick ? 4 : 50), BENCH_CHUNKS: '200' },
    });
    ctx.collector.reset();
    return result;
  });
  const of = (v, k) => results[v].map((r) => r[k]);
  /** @type {import('./lib/table.mjs').Row[]} */
  const rows = [];
  for (const v of VARIANTS) {
    rows.push({ section: '3', measure: 'Streams (CJS, 200 chunks): time to first chunk', variant: LABELS[v], unit: 'ms', ...summarize(of(v, 'firstChunkMs')) });
    rows.push({ section: '3', measure: 'Streams (CJS, 200 chunks): total stream time', variant: LABELS[v], unit: 'ms', ...summarize(of(v, 'totalMs')) });
  }
  for (const v of ['ours', 'peer']) {
    const first = summarize(pairedDiff(of(v, 'firstChunkMs'), of('plain', 'firstChunkMs')));
    const row = { section: '3', measure: 'Streams: first-chunk delay added', variant: LABELS[v], unit: 'ms', ...first };
    if (v === 'ours') {
      row.budget = '<= 1 ms';
      row.verdict = verdict(first.median, 1, 'ms');
    }
    rows.push(row);
    rows.push({ section: '3', measure: 'Streams: total stream time added', variant: LABELS[v], unit: 'ms', ...summarize(pairedDiff(of(v, 'totalMs'), of('plain', 'totalMs'))) });
  }
  return { rows, raw: { n, rounds, results } };
}

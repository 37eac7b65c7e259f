// The per-call method's runner, shared by per-call.mjs (the benchmark's
// section) and ab.mjs (A/B runs by hand): one warmed-up child per set-up, all
// alive at once, driven in blocks over IPC, one block of each set-up per
// round in rotated order; a few generations of children, each taking its
// share of the rounds. per-call.mjs explains why it is built this way.
import { join } from 'node:path';
import { startCollector } from '../../test/harness/collector.mjs';
import { APPS } from './context.mjs';
import { startWorker } from './spawn.mjs';
import { preloadArgs, tracingEnv } from './variants.mjs';

/** @typedef {'plain' | 'stream'} Kind */
/** @typedef {{ label: string, variant: import('./variants.mjs').Variant, dist: string }} Setup  a variant, and the build ours loads */

const APP = { cjs: 'workload.cjs', esm: 'workload.mjs' };

/**
 * A full run's plan: blocks of about 0.1-0.4 s of CPU, a warm-up of 3,000
 * plain and 750 streamed calls, 200-chunk streams, three generations of
 * children. Three, not one: a process keeps the JIT's choices of its warm-up
 * for life, and three children of the same build, measured in the same
 * rounds, read 67, 182 and 220 µs added per stream (Node 24, ESM app, 90
 * rounds), a spread wider than the stream budget that more rounds of one child
 * cannot shrink. Generations one after the other, not all children at once:
 * with all nine alive, each idle two rounds in three, Node 24's plain call
 * read 86 µs added where it had read 44-52, likely V8 collecting the idle
 * children (its memory reducer) on the cores the measured child runs on.
 */
export const FULL_PLAN = Object.freeze({ blockSize: Object.freeze({ plain: 1000, stream: 100 }), warmup: 3000, chunks: 200, children: 3 });

/**
 * For each of `children` generations: starts one warmed-up child per set-up,
 * runs its share of `rounds` rounds of a block of each kind, and ends the
 * children. Returns each set-up's CPU µs per call, block by block in round
 * order, and the spans its collectors received per call made (warm-ups
 * included), which should be 1 for a set-up that traces.
 * @param {{ node: string, format: 'cjs' | 'esm', setups: Setup[], kinds: Kind[], rounds: number,
 *   blockSize: Record<Kind, number>, warmup: number, chunks: number, children?: number }} plan
 * @returns {Promise<{ perCall: Record<string, Record<Kind, number[]>>, spansPerCall: Record<string, number> }>}
 */
export async function measureBlocks({ node, format, setups, kinds, rounds, blockSize, warmup, chunks, children = 1 }) {
  /** Spans received by each set-up's collectors, counted block by block (the decoded spans are let go). */
  const received = setups.map(() => 0);
  const calls = setups.map(() => children * (warmup + warmup / 4));
  const perCall = Object.fromEntries(setups.map((s) => [s.label, { plain: [], stream: [] }]));
  for (let c = 0; c < children; c++) {
    const workers = [];
    const collectors = [];
    try {
      // One at a time, so that warm-ups do not compete for the machine's cores.
      for (const s of setups) {
        const collector = await startCollector();
        collectors.push(collector);
        const worker = startWorker({
          node,
          args: [...preloadArgs(s.variant, format, s.dist), join(APPS, APP[format])],
          env: { ...tracingEnv(collector.url), BENCH_TASK: 'blocks', BENCH_FETCH: 'canned', BENCH_WARMUP: String(warmup), BENCH_CHUNKS: String(chunks) },
        });
        workers.push(worker);
        await worker.ready;
      }
      // This generation's share of the rounds; the order within a round keeps turning across generations.
      for (let r = Math.floor((c * rounds) / children); r < Math.floor(((c + 1) * rounds) / children); r++) {
        for (const kind of kinds) {
          for (let i = 0; i < setups.length; i++) {
            const at = (i + r) % setups.length;
            const count = blockSize[kind];
            const { cpuUs } = await workers[at].run({ kind, count });
            perCall[setups[at].label][kind].push(cpuUs / count);
            calls[at] += count;
            received[at] += collectors[at].spans.length;
            collectors[at].reset();
          }
        }
      }
      for (const w of workers) await w.close();
    } finally {
      for (const w of workers) w.kill();
      for (const col of collectors) await col.close();
    }
  }
  const spansPerCall = Object.fromEntries(setups.map((s, i) => [s.label, received[i] / calls[i]]));
  return { perCall, spansPerCall };
}

// The per-call method's runner, shared by per-call.mjs (the benchmark's
// section) and ab.mjs (A/B runs by hand): a few warmed-up children per
// set-up, all alive at once, driven in blocks over IPC, one block of each
// set-up per round in rotated order, the rounds taken in turn by each set-up's
// first, second, ... child. per-call.mjs explains why it is built this way.
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
 * plain and 750 streamed calls, 200-chunk streams, three children per set-up.
 * Three, not one: a process keeps the JIT's choices of its warm-up for life,
 * and three children of the same build, measured in the same rounds, read
 * 67, 182 and 220 µs added per stream (Node 24, ESM app, 90 rounds), a spread
 * wider than the stream budget that more rounds of one child cannot shrink.
 */
export const FULL_PLAN = Object.freeze({ blockSize: Object.freeze({ plain: 1000, stream: 100 }), warmup: 3000, chunks: 200, children: 3 });

/**
 * Starts `children` warmed-up children per set-up, runs `rounds` rounds of a
 * block of each kind (round r on each set-up's child r % children, so that
 * every set-up's children share the rounds alike), and ends the children.
 * Returns each set-up's CPU µs per call, block by block in round order, and
 * the spans its collectors received per call made (warm-ups included), which
 * should be 1 for a set-up that traces.
 * @param {{ node: string, format: 'cjs' | 'esm', setups: Setup[], kinds: Kind[], rounds: number,
 *   blockSize: Record<Kind, number>, warmup: number, chunks: number, children?: number }} plan
 * @returns {Promise<{ perCall: Record<string, Record<Kind, number[]>>, spansPerCall: Record<string, number> }>}
 */
export async function measureBlocks({ node, format, setups, kinds, rounds, blockSize, warmup, chunks, children = 1 }) {
  /** workers[c][i], collectors[c][i]: set-up i's child number c and the collector it exports to. */
  const workers = [];
  const collectors = [];
  /** Spans received by each set-up's collectors, counted block by block (the decoded spans are let go). */
  const received = setups.map(() => 0);
  const calls = setups.map(() => children * (warmup + warmup / 4));
  const perCall = Object.fromEntries(setups.map((s) => [s.label, { plain: [], stream: [] }]));
  try {
    // One at a time, so that warm-ups do not compete for the machine's cores; set-ups interleaved, so that a
    // stretch of the VM's slow state falls on several of them.
    for (let c = 0; c < children; c++) {
      workers.push([]);
      collectors.push([]);
      for (const s of setups) {
        const collector = await startCollector();
        collectors[c].push(collector);
        const worker = startWorker({
          node,
          args: [...preloadArgs(s.variant, format, s.dist), join(APPS, APP[format])],
          env: { ...tracingEnv(collector.url), BENCH_TASK: 'blocks', BENCH_FETCH: 'canned', BENCH_WARMUP: String(warmup), BENCH_CHUNKS: String(chunks) },
        });
        workers[c].push(worker);
        await worker.ready;
      }
    }
    for (let r = 0; r < rounds; r++) {
      // The child and the order within the round both turn, each at its own pace, so that no child keeps one place.
      const c = r % children;
      const turn = Math.floor(r / children);
      for (const kind of kinds) {
        for (let i = 0; i < setups.length; i++) {
          const at = (i + turn) % setups.length;
          const count = blockSize[kind];
          const { cpuUs } = await workers[c][at].run({ kind, count });
          perCall[setups[at].label][kind].push(cpuUs / count);
          calls[at] += count;
          received[at] += collectors[c][at].spans.length;
          collectors[c][at].reset();
        }
      }
    }
    for (const w of workers.flat()) await w.close();
  } finally {
    for (const w of workers.flat()) w.kill();
    for (const c of collectors.flat()) await c.close();
  }
  const spansPerCall = Object.fromEntries(setups.map((s, i) => [s.label, received[i] / calls[i]]));
  return { perCall, spansPerCall };
}

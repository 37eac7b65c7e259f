// 2. Per-call cost: CPU time (process.cpuUsage(), user + system, all threads)
// of a plain chat completion and of a streamed (200-chunk) one, under each
// set-up: untraced, ours, the peer (CJS only) and the floor
// (bench/apps/floor-core.cjs: OpenTelemetry's span code and its own export,
// same attributes, nothing of ours). The traced set-ups export to a loopback
// OTLP collector each and flush inside every measured block, so export cost
// counts.
//
// How, and why this way:
// - One child per set-up, all alive at once, each warmed up first (3,000
//   plain and 750 streamed calls), then driven in blocks (1,000 plain calls,
//   or 100 streams) over IPC: a round runs one block of each set-up, in
//   rotated order, 90 rounds per kind, 30 each by three generations of
//   children one after the other. Set-ups compared are measured seconds apart,
//   so the machine's drift (this 2-core VM's speed moves by a quarter over
//   minutes) falls on both sides of a difference. Added cost per call =
//   (traced - untraced) per call, paired within a round. A block (0.1-0.4 s)
//   holds its share of garbage collections; it stays under the span queue's
//   2,048 so nothing is dropped (the warm-up flushes every 500 calls too; the
//   spans-per-call row checks), and as its calls never wait on I/O, its spans
//   are exported at the block's flush.
// - 90 rounds, not 30: a 100-stream block moves by ±300 µs per stream between
//   rounds on this VM, so with 30 rounds the median of what a stream adds
//   moved by 40-60 µs between runs (Node 24), half the stream budget; the
//   median's spread shrinks with the square root of the rounds.
// - Three generations, not one: what a warm process costs depends on what
//   the JIT made of its warm-up, and stays so for its life. Three children of
//   the same build in the same rounds read 67, 182 and 220 µs added per
//   stream (Node 24, ESM app, 90 rounds): one child per set-up made a run's
//   stream figure a draw from that spread, wider than the budget.
// - Warm processes, the state a server spends its life in: after 300 calls V8
//   is still compiling and the heap still growing, on helper threads whose CPU
//   time counts (an untraced call measured 280-430 µs over the next 1,000
//   calls; after 3,000 it is 65-80 µs and steady; Node 20, five runs each).
// - The calls are answered in-process (BENCH_FETCH=canned: the SDK parses a
//   real Response, no socket is opened). A loopback HTTP round trip costs the
//   child 400-600 µs of CPU that moves by ±100 µs, the same for every set-up
//   and several times what tracing adds. The one thing of ours a canned answer
//   skips is the untraced-request watch's look at each request
//   (src/instrumentation/untraced-requests.ts: one function call and a suffix
//   compare).
// Budgets: at most 50 µs CPU per plain call, 100 µs per 200-chunk stream; where
// the floor itself costs more, at most 1.5 times what the floor adds.
import { FULL_PLAN, measureBlocks } from './lib/blocks.mjs';
import { pairedDiff, summarize } from './lib/stats.mjs';
import { FLOOR_FACTOR, floorRatioRow, verdict } from './lib/table.mjs';
import { LABELS } from './lib/variants.mjs';

/** The peer is measured on CJS only: on ESM its set-up loads but traces nothing (see apps/peer-register.mjs). */
const VARIANTS = { cjs: ['plain', 'ours', 'peer', 'floor'], esm: ['plain', 'ours', 'floor'] };
const BUDGET = { plain: 50, stream: 100 };
const KINDS = /** @type {const} */ ([
  ['plain', 'plain call'],
  ['stream', '200-chunk stream'],
]);

/** @param {import('./run.mjs').BenchContext} ctx */
export async function run(ctx) {
  const rounds = ctx.quick ? 2 : 90;
  const blockSize = ctx.quick ? { plain: 10, stream: 3 } : FULL_PLAN.blockSize;
  const warmup = ctx.quick ? 8 : FULL_PLAN.warmup;
  const chunks = FULL_PLAN.chunks;
  const children = ctx.quick ? 1 : FULL_PLAN.children;
  /** @type {import('./lib/table.mjs').Row[]} */
  const rows = [];
  /** @type {Record<string, unknown>} */
  const raw = { blockSize, warmup, chunks, rounds, children };
  const kinds = KINDS.map(([kind]) => kind);
  for (const format of /** @type {const} */ (['cjs', 'esm'])) {
    const variants = VARIANTS[format];
    const setups = variants.map((v) => ({ label: v, variant: v, dist: ctx.dist }));
    const { perCall, spansPerCall } = await measureBlocks({ node: ctx.node, format, setups, kinds, rounds, blockSize, warmup, chunks, children });
    raw[format] = perCall;
    const name = format.toUpperCase();
    const of = (v, kind) => perCall[v][kind];
    /** What set-up `v` adds over untraced per call of `kind`: computed once, read by its row and the floor ratio. */
    const added = Object.fromEntries(
      variants.map((v) => [v, Object.fromEntries(KINDS.map(([kind]) => [kind, summarize(pairedDiff(of(v, kind), of('plain', kind)))]))]),
    );
    for (const v of variants) {
      for (const [kind, label] of KINDS) {
        rows.push({ section: '2', measure: `Per call, ${name}: CPU per ${label}`, variant: LABELS[v], unit: 'µs', ...summarize(of(v, kind)) });
      }
    }
    for (const v of variants.filter((x) => x !== 'plain')) {
      for (const [kind, label] of KINDS) {
        const row = { section: '2', measure: `Per call, ${name}: CPU added per ${label}`, variant: LABELS[v], unit: 'µs', ...added[v][kind] };
        if (v === 'ours') {
          row.budget = `<= ${BUDGET[kind]} µs`;
          row.verdict = verdict(added[v][kind].median, BUDGET[kind], 'µs');
        }
        rows.push(row);
      }
      const check = spansPerCall[v];
      rows.push({ section: '2', measure: `Per call, ${name}: spans received per call (check)`, variant: LABELS[v], unit: 'x', median: check, min: check, max: check, runs: 1 });
    }
    for (const [kind, label] of KINDS) {
      // The gap itself, paired within each round: steadier than a ratio of two medians, whose denominator moves most.
      rows.push({ section: '2', measure: `Per call, ${name}: CPU ours adds over the floor per ${label} (paired)`, variant: 'ours - floor', unit: 'µs', ...summarize(pairedDiff(of('ours', kind), of('floor', kind))) });
      rows.push(
        floorRatioRow({
          section: '2',
          measure: `Per call, ${name}: CPU added per ${label}, ours over the floor's`,
          ours: added.ours[kind].median,
          floor: added.floor[kind].median,
          unit: 'µs',
          factor: FLOOR_FACTOR,
          runs: rounds,
        }),
      );
    }
  }
  return { rows, raw };
}

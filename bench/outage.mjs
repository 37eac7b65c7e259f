// 5. Outage: the tracing endpoint is down (a loopback port that refuses
// connections).
// a) Peak RSS of a CJS app making 20,000 plain chat completions, 8 at a time,
//    traced against the same run untraced. The provider answers in-process (a
//    canned fetch handed to the client, the fake provider's default fixture) so
//    the run takes seconds; the only network left is the exporter's. Peak RSS is
//    also read after a quarter of the calls: "flat" means the traced run's excess
//    over untraced does not grow with the number of calls. These children leave
//    with process.exit() once they have reported. They run with --expose-gc to
//    report, after the calls, the JS heap a full GC leaves: what tracing holds
//    on to, as opposed to heap the GC has not yet given back.
//    Budget: at most 30 MiB above the untraced run, and flat.
// b) How long an app of 600 calls (more than one export batch) takes to exit after its last line when
//    the endpoint is down, traced against untraced: nothing but the agent's
//    exporter should be left to wait for, and the agent bounds its exit flush.
import { join } from 'node:path';
import { APPS } from './lib/context.mjs';
import { closedPortUrl } from './lib/sink.mjs';
import { alternate, runNode } from './lib/spawn.mjs';
import { mib, pairedDiff, summarize } from './lib/stats.mjs';
import { FLOOR_FACTOR, floorRatioRow, verdict } from './lib/table.mjs';
import { LABELS, preloadArgs, tracingEnv } from './lib/variants.mjs';

const VARIANTS = ['plain', 'ours'];
/** The floor (OpenTelemetry's span code and its own batch export, same attributes) runs the memory rounds only. */
const MEMORY_VARIANTS = [...VARIANTS, 'floor'];

/** @param {import('./run.mjs').BenchContext} ctx */
export async function run(ctx) {
  const rounds = ctx.quick ? 1 : 7;
  const n = ctx.quick ? 1000 : 20000;
  const down = await closedPortUrl();
  const launch = (variant, env) =>
    runNode({
      node: ctx.node,
      args: ['--expose-gc', ...preloadArgs(variant, 'cjs', ctx.dist), join(APPS, 'workload.cjs')],
      // BENCH_FLOOR_FRESH: the floor's spans hold attribute strings of their own, as every real call's do.
      env: { ...tracingEnv(down), BENCH_TASK: 'outage', BENCH_FETCH: 'canned', BENCH_CONCURRENCY: '8', BENCH_FLOOR_FRESH: '1', ...env },
    });

  const memory = await alternate(rounds, MEMORY_VARIANTS, async (variant) => {
    const { result } = await launch(variant, { BENCH_N: String(n), BENCH_EXIT: '1' });
    return { peakMiB: mib(result.maxRssKiB), quarterMiB: mib(result.checkpoints[1].maxRssKiB), heapAfterGcMiB: mib(result.heapAfterGcKiB), dropped: result.dropped ?? 0 };
  });
  // More calls than one export batch (512 spans), so an export to the dead endpoint starts while the app runs.
  const exitCalls = 600;
  const exits = await alternate(rounds, VARIANTS, async (variant) => {
    const { wallMs, result } = await launch(variant, { BENCH_N: String(exitCalls) });
    return { exitMs: wallMs - result.uptimeMs };
  });

  const of = (v, k) => memory[v].map((r) => r[k]);
  /** @type {import('./lib/table.mjs').Row[]} */
  const rows = [];
  const label = `Outage (${n.toLocaleString('en-US')} calls, endpoint down)`;
  for (const v of MEMORY_VARIANTS) rows.push({ section: '5', measure: `${label}: peak RSS`, variant: LABELS[v], unit: 'MiB', ...summarize(of(v, 'peakMiB')) });
  const addedBy = (v) => summarize(pairedDiff(of(v, 'peakMiB'), of('plain', 'peakMiB')));
  const added = addedBy('ours');
  rows.push({ section: '5', measure: `${label}: peak RSS added`, variant: LABELS.ours, unit: 'MiB', ...added, budget: '<= 30 MiB', verdict: verdict(added.median, 30, 'MiB') });
  const floorAdded = addedBy('floor');
  rows.push({ section: '5', measure: `${label}: peak RSS added`, variant: LABELS.floor, unit: 'MiB', ...floorAdded });
  rows.push(floorRatioRow({ section: '5', measure: `${label}: peak RSS added, ours over the floor's`, ours: added.median, floor: floorAdded.median, unit: 'MiB', factor: FLOOR_FACTOR, runs: rounds }));
  // Flat: the excess at the end minus the excess after a quarter of the calls.
  const growthOf = (v) => summarize(pairedDiff(pairedDiff(of(v, 'peakMiB'), of('plain', 'peakMiB')), pairedDiff(of(v, 'quarterMiB'), of('plain', 'quarterMiB'))));
  const growthLabel = `${label}: growth of that excess from ${(n / 4).toLocaleString('en-US')} to ${n.toLocaleString('en-US')} calls`;
  const growth = growthOf('ours');
  rows.push({ section: '5', measure: growthLabel, variant: LABELS.ours, unit: 'MiB', ...growth, budget: 'flat (<= 5 MiB)', verdict: verdict(growth.median, 5, 'MiB') });
  rows.push({ section: '5', measure: growthLabel, variant: LABELS.floor, unit: 'MiB', ...growthOf('floor') });
  rows.push({ section: '5', measure: `${label}: JS heap still held after the calls and a full GC, added`, variant: LABELS.ours, unit: 'MiB', ...summarize(pairedDiff(of('ours', 'heapAfterGcMiB'), of('plain', 'heapAfterGcMiB'))) });
  rows.push({ section: '5', measure: `${label}: spans dropped by the bounded queue`, variant: LABELS.ours, unit: 'spans', ...summarize(of('ours', 'dropped')) });
  for (const v of VARIANTS) {
    rows.push({ section: '5', measure: `Outage: time from the app's last line to exit (${exitCalls} calls)`, variant: LABELS[v], unit: 'ms', ...summarize(exits[v].map((r) => r.exitMs)) });
  }
  return { rows, raw: { n, rounds, memory, exitCalls, exits } };
}

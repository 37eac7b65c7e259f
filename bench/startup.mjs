// 1. Start-up: wall time (hrtime around the spawned child) and peak RSS (the
// child's own maxRSS at exit) of an app that imports `openai` and
// `@anthropic-ai/sdk` and builds one client of each, ESM and CJS, and of an
// ESM app that imports only `openai`, under each set-up. Budgets: on Node >= 22 (in-thread hooks) at most +15% wall and
// +10 MiB over plain node; on Node 20 at most the off-thread loader's own cost
// plus 40 ms.
import { join } from 'node:path';
import { APPS } from './lib/context.mjs';
import { alternate, runNode } from './lib/spawn.mjs';
import { pairedDiff, summarize, mib } from './lib/stats.mjs';
import { verdict } from './lib/table.mjs';
import { LABELS, preloadArgs, tracingEnv } from './lib/variants.mjs';

const VARIANTS = ['plain', 'loader', 'ours', 'peer'];
// [module format, label, app]: the two-SDK apps, and the case the start-up budget names (an ESM app importing `openai`).
const APPS_BY_FORMAT = /** @type {const} */ ([
  ['esm', 'ESM app', 'startup.mjs'],
  ['cjs', 'CJS app', 'startup.cjs'],
  ['esm', 'ESM app, openai only', 'startup-openai.mjs'],
]);

/** @param {import('./run.mjs').BenchContext} ctx */
export async function run(ctx) {
  const rounds = ctx.quick ? 1 : 15;
  /** @type {import('./lib/table.mjs').Row[]} */
  const rows = [];
  const raw = {};
  for (const [format, name, file] of APPS_BY_FORMAT) {
    const launch = (/** @type {any} */ variant) =>
      runNode({
        node: ctx.node,
        args: [...preloadArgs(variant, format, ctx.dist), join(APPS, file)],
        env: tracingEnv(ctx.collector.url),
      }).then(({ wallMs, result }) => ({ wallMs, rssMiB: mib(result.maxRssKiB) }));
    // One discarded round warms the file cache and the binary (not worth it for a smoke run).
    if (!ctx.quick) await alternate(1, VARIANTS, launch);
    const results = await alternate(rounds, VARIANTS, launch);
    raw[file] = results;

    const wall = (v) => results[v].map((r) => r.wallMs);
    const rss = (v) => results[v].map((r) => r.rssMiB);
    for (const v of VARIANTS) {
      rows.push({ section: '1', measure: `Start-up, ${name}: wall`, variant: LABELS[v], unit: 'ms', ...summarize(wall(v)) });
      rows.push({ section: '1', measure: `Start-up, ${name}: peak RSS`, variant: LABELS[v], unit: 'MiB', ...summarize(rss(v)) });
    }
    // Added cost, paired round by round against plain node (and, on Node 20, against the bare loader).
    for (const v of ['loader', 'ours', 'peer']) {
      const addedWall = summarize(pairedDiff(wall(v), wall('plain')));
      const addedPct = summarize(wall(v).map((w, i) => (100 * (w - wall('plain')[i])) / wall('plain')[i]));
      const addedRss = summarize(pairedDiff(rss(v), rss('plain')));
      const row = (measure, unit, s) => ({ section: '1', measure: `Start-up, ${name}: ${measure}`, variant: LABELS[v], unit, ...s });
      const w = row('wall added over plain', 'ms', addedWall);
      const p = row('wall added over plain', '%', addedPct);
      const m = row('peak RSS added over plain', 'MiB', addedRss);
      if (v === 'ours' && ctx.syncHooks) {
        p.budget = '<= +15%';
        p.verdict = verdict(addedPct.median, 15, '%');
        m.budget = '<= +10 MiB';
        m.verdict = verdict(addedRss.median, 10, 'MiB');
      }
      rows.push(w, p, m);
    }
    if (!ctx.syncHooks) {
      const overLoader = summarize(pairedDiff(wall('ours'), wall('loader')));
      rows.push({
        section: '1',
        measure: `Start-up, ${name}: wall added over the bare off-thread loader`,
        variant: LABELS.ours,
        unit: 'ms',
        ...overLoader,
        budget: '<= loader + 40 ms',
        verdict: verdict(overLoader.median, 40, 'ms'),
      });
      rows.push({
        section: '1',
        measure: `Start-up, ${name}: peak RSS added over the bare off-thread loader`,
        variant: LABELS.ours,
        unit: 'MiB',
        ...summarize(pairedDiff(rss('ours'), rss('loader'))),
      });
    }
  }
  return { rows, raw };
}

// 1b. Start-up under Bun: the start-up apps of startup.mjs (both SDKs, ESM and
// CJS; and an ESM app importing only `openai`) run by the registry's Bun
// (scripts/fetch-bun.mjs), plain `bun app` against `bun --preload <register>
// app`: wall time and peak RSS, added costs paired round by round. No budget
// row: Bun's own start-up is a fraction of Node's, so the same milliseconds
// are a larger share of it; the figures are for docs/performance.md.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { APPS, ROOT } from './lib/context.mjs';
import { alternate, runNode } from './lib/spawn.mjs';
import { pairedDiff, summarize, mib } from './lib/stats.mjs';
import { tracingEnv } from './lib/variants.mjs';

const VARIANTS = ['plain', 'ours'];
const LABELS = { plain: 'plain bun', ours: '@catalyst/tracing preload (bun --preload)' };
const APPS_BY_FORMAT = /** @type {const} */ ([
  ['esm', 'ESM app', 'startup.mjs'],
  ['cjs', 'CJS app', 'startup.cjs'],
  ['esm', 'ESM app, openai only', 'startup-openai.mjs'],
]);

/** @param {import('./run.mjs').BenchContext} ctx */
export async function run(ctx) {
  const bun = process.env.CATALYST_TEST_BUN || execFileSync(process.execPath, [join(ROOT, 'scripts/fetch-bun.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop() || '';
  const version = execFileSync(bun, ['--version'], { encoding: 'utf8' }).trim();
  const rounds = ctx.quick ? 1 : 15;
  /** @type {import('./lib/table.mjs').Row[]} */
  const rows = [];
  const raw = { bun: version };
  for (const [format, name, file] of APPS_BY_FORMAT) {
    const register = format === 'esm' ? join(ctx.dist, 'esm', 'register.mjs') : join(ctx.dist, 'register.js');
    const launch = (/** @type {string} */ variant) =>
      runNode({
        node: bun,
        args: [...(variant === 'ours' ? ['--preload', register] : []), join(APPS, file)],
        env: tracingEnv(ctx.collector.url),
      }).then(({ wallMs, result }) => ({ wallMs, rssMiB: mib(result.maxRssKiB) }));
    if (!ctx.quick) await alternate(1, VARIANTS, launch);
    const results = await alternate(rounds, VARIANTS, launch);
    raw[file] = results;
    const wall = (/** @type {string} */ v) => results[v].map((r) => r.wallMs);
    const rss = (/** @type {string} */ v) => results[v].map((r) => r.rssMiB);
    const label = `Start-up under Bun ${version}, ${name}`;
    for (const v of VARIANTS) {
      rows.push({ section: '1b', measure: `${label}: wall`, variant: LABELS[v], unit: 'ms', ...summarize(wall(v)) });
      rows.push({ section: '1b', measure: `${label}: peak RSS`, variant: LABELS[v], unit: 'MiB', ...summarize(rss(v)) });
    }
    rows.push({ section: '1b', measure: `${label}: wall added over plain`, variant: LABELS.ours, unit: 'ms', ...summarize(pairedDiff(wall('ours'), wall('plain'))) });
    rows.push({ section: '1b', measure: `${label}: wall added over plain`, variant: LABELS.ours, unit: '%', ...summarize(wall('ours').map((w, i) => (100 * (w - wall('plain')[i])) / wall('plain')[i])) });
    rows.push({ section: '1b', measure: `${label}: peak RSS added over plain`, variant: LABELS.ours, unit: 'MiB', ...summarize(pairedDiff(rss('ours'), rss('plain'))) });
  }
  return { rows, raw };
}

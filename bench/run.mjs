// `npm run bench [-- --quick] [--node-version 24] [--dist DIR] [--only a,b]`
//
// Runs the five measurements (one file each beside this one) with the machine's
// Node or a fetched one, prints one Markdown table and writes it, with every
// run's raw figures, as JSON under bench/results/. Each figure is the median of
// its runs (min and max beside it); variants run alternately, round by round.
// The loopback fake provider and OTLP collector run in this process; the apps
// run as children on the Node being measured.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, release } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { startFakeProvider } from '../test/harness/fake-provider.mjs';
import { startCollector } from '../test/harness/collector.mjs';
import { BENCH_DIR, ROOT } from './lib/context.mjs';
import { nodeBinary } from './lib/spawn.mjs';
import { renderTable } from './lib/table.mjs';
import { cleanEnv } from '../test/harness/run-child.mjs';

const MEASUREMENTS = {
  startup: () => import('./startup.mjs'),
  'startup-bun': () => import('./startup-bun.mjs'),
  'per-call': () => import('./per-call.mjs'),
  streams: () => import('./streams.mjs'),
  export: () => import('./export.mjs'),
  outage: () => import('./outage.mjs'),
};

/**
 * @typedef {{
 *   node: string, nodeVersion: string, syncHooks: boolean, dist: string, quick: boolean,
 *   provider: Awaited<ReturnType<typeof startFakeProvider>>,
 *   collector: Awaited<ReturnType<typeof startCollector>>,
 * }} BenchContext
 */

const args = parseArgs(process.argv.slice(2));
const node = args.nodeVersion ? nodeBinary(args.nodeVersion) : process.execPath;
const dist = resolveDist(args.dist);
const probe = JSON.parse(
  execFileSync(node, ['--input-type=module', '-e', `
    const { supportsSyncHooks } = await import('import-in-the-middle/supports-sync-hooks.mjs');
    console.log(JSON.stringify({ version: process.version, syncHooks: supportsSyncHooks() }));`], { cwd: ROOT, encoding: 'utf8', env: cleanEnv() }),
);
const selected = args.only ?? Object.keys(MEASUREMENTS);

const meta = {
  date: new Date().toISOString(),
  node: probe.version,
  esmHooks: probe.syncHooks ? 'in-thread (module.registerHooks)' : 'off-thread (module.register)',
  runnerNode: process.version,
  quick: args.quick,
  cores: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  kernel: release(),
  dist: relative(ROOT, dist) || '.',
  // Other work on the machine skews every figure: the 1-minute load average before and after the run says how much there was.
  loadAverageBefore: Number(loadavg()[0].toFixed(2)),
  commit: git(['rev-parse', '--short', 'HEAD']) + (git(['status', '--porcelain', '--', 'src', 'hooks', 'register.ts']) ? ' (+ uncommitted changes)' : ''),
};
process.stderr.write(`bench: Node ${meta.node} (${meta.esmHooks}), ${meta.cores} cores, dist ${meta.dist}${args.quick ? ', quick' : ''}\n`);

const provider = await startFakeProvider({ recordRequests: false });
const collector = await startCollector();
/** @type {BenchContext} */
const ctx = { node, nodeVersion: probe.version, syncHooks: probe.syncHooks, dist, quick: args.quick, provider, collector };

const started = Date.now();
/** @type {import('./lib/table.mjs').Row[]} */
const rows = [];
/** @type {Record<string, unknown>} */
const raw = {};
const failures = [];
try {
  for (const name of selected) {
    const t0 = Date.now();
    process.stderr.write(`bench: ${name}...`);
    try {
      const { run } = await MEASUREMENTS[name]();
      const out = await run(ctx);
      rows.push(...out.rows);
      raw[name] = out.raw;
      process.stderr.write(` ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
    } catch (error) {
      failures.push(name);
      process.stderr.write(` FAILED\n${/** @type {Error} */ (error).stack}\n`);
    }
  }
} finally {
  await provider.close();
  await collector.close();
}
meta.elapsedSeconds = Math.round((Date.now() - started) / 1000);
meta.loadAverageAfter = Number(loadavg()[0].toFixed(2));

const table = renderTable(rows);
const major = probe.version.slice(1).split('.')[0];
const out = args.out ?? join(BENCH_DIR, 'results', args.quick ? `node${major}-quick.json.tmp` : `node${major}.json`);
mkdirSync(join(out, '..'), { recursive: true });
writeFileSync(out, `${JSON.stringify({ meta, table, rows, raw }, null, 2)}\n`);
process.stdout.write(`\nNode ${meta.node}, ${meta.cores} cores (${meta.cpu}), ${meta.date.slice(0, 10)}${args.quick ? ', QUICK (smoke) run' : ''}\n\n${table}\n\n`);
process.stderr.write(`bench: ${meta.elapsedSeconds} s; written to ${relative(process.cwd(), out)}\n`);
if (failures.length) {
  process.stderr.write(`bench: failed: ${failures.join(', ')}\n`);
  process.exitCode = 1;
}

/** @param {string[]} argv */
function parseArgs(argv) {
  /** @type {{ quick: boolean, nodeVersion?: string, dist?: string, only?: string[], out?: string }} */
  const parsed = { quick: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (!v) usage(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') parsed.quick = true;
    else if (a.startsWith('--node-version')) parsed.nodeVersion = value();
    else if (a.startsWith('--dist')) parsed.dist = value();
    else if (a.startsWith('--out')) parsed.out = resolve(value());
    else if (a.startsWith('--only')) {
      parsed.only = value().split(',');
      for (const m of parsed.only) if (!(m in MEASUREMENTS)) usage(`unknown measurement ${m}`);
    } else if (a === '--help' || a === '-h') usage();
    else usage(`unknown argument ${a}`);
  }
  return parsed;
}

/** @param {string} [problem] @returns {never} */
function usage(problem) {
  if (problem) process.stderr.write(`bench: ${problem}\n`);
  process.stderr.write(`usage: node bench/run.mjs [--quick] [--node-version 24] [--dist DIR] [--only ${Object.keys(MEASUREMENTS).join(',')}] [--out FILE]\n`);
  process.exit(problem ? 2 : 0);
}

/** `--dist DIR` as given (built with scripts/build.mjs --out DIR), or dist/, built if missing. */
function resolveDist(dir) {
  const path = dir ? (isAbsolute(dir) ? dir : resolve(dir)) : join(ROOT, 'dist');
  if (!existsSync(join(path, 'register.js'))) {
    if (dir) usage(`${dir} holds no register.js; build one with: node scripts/build.mjs --no-types --out ${relative(ROOT, path)}`);
    process.stderr.write('bench: no dist/ yet; running npm run build\n');
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  }
  return path;
}

/** @param {string[]} gitArgs */
function git(gitArgs) {
  try {
    return execFileSync('git', gitArgs, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

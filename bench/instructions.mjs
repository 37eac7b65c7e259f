// Per-call cost in machine instructions, for A/B runs on a machine too busy
// for CPU time to mean anything: the workload child (apps/workload.*, task
// `cpu`) runs under `valgrind --tool=callgrind`, whose instruction count does
// not depend on the machine's load. Each set-up runs twice, with N1 and N2
// measured calls after the same warm-up; (count(N2) - count(N1)) / (N2 - N1) is
// the instructions one call costs, start-up and warm-up cancelled out. Added
// per call = traced - untraced. Not part of `npm run bench` (valgrind slows
// node ~50x); run it by hand before and after a change. V8 runs single-threaded
// there (--single-threaded: no concurrent compiler or GC threads), so what those
// threads get done in a given wall time does not change the count.
//
//
//   node bench/instructions.mjs [--dist DIR] [--formats cjs,esm] [--kinds plain,stream] [--n 10,30] [--variants plain,ours]
//
// The calls are answered in-process (BENCH_FETCH=canned, one read per stream
// event) so socket timing does not change what is counted; export still goes
// to the loopback collector. Prints one line per format and kind, and the raw
// counts as JSON.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startFakeProvider } from '../test/harness/fake-provider.mjs';
import { startCollector } from '../test/harness/collector.mjs';
import { cleanEnv } from '../test/harness/run-child.mjs';
import { APPS, ROOT } from './lib/context.mjs';
import { preloadArgs, tracingEnv } from './lib/variants.mjs';

const { values: args } = parseArgs({
  options: {
    dist: { type: 'string', default: join(ROOT, 'dist') },
    node: { type: 'string', default: process.execPath },
    formats: { type: 'string', default: 'cjs' },
    kinds: { type: 'string', default: 'plain,stream' },
    variants: { type: 'string', default: 'plain,ours' },
    n: { type: 'string', default: '100,300' },
    warmup: { type: 'string', default: '300' },
    chunks: { type: 'string', default: '200' },
  },
});
const [n1, n2] = args.n.split(',').map(Number);
const APP = { cjs: 'workload.cjs', esm: 'workload.mjs' };

/** Total instructions callgrind counted in one child (all threads). */
function countInstructions(nodeArgs, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'valgrind',
      ['--tool=callgrind', '--callgrind-out-file=/dev/null', '--smc-check=all-non-file', args.node, '--single-threaded', ...nodeArgs],
      { env: { ...cleanEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stdout.resume();
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => {
      const m = /Collected : (\d+)/.exec(stderr);
      if (code !== 0 || !m) reject(new Error(`child exited ${code}\n${stderr.slice(-3000)}`));
      else resolve(Number(m[1]));
    });
  });
}

const provider = await startFakeProvider({ recordRequests: false });
const collector = await startCollector();
const raw = {};
try {
  for (const format of args.formats.split(',')) {
    for (const kind of args.kinds.split(',')) {
      const perCall = {};
      for (const variant of args.variants.split(',')) {
        const counts = [];
        for (const n of [n1, n2]) {
          collector.reset();
          counts.push(
            await countInstructions([...preloadArgs(variant, format, args.dist), join(APPS, APP[format])], {
              ...tracingEnv(collector.url),
              BENCH_TASK: 'cpu',
              BENCH_KINDS: kind,
              BENCH_BASE_URL: provider.baseURL,
              BENCH_N: String(n),
              BENCH_WARMUP: args.warmup,
              BENCH_FETCH: 'canned',
              BENCH_CHUNKS: args.chunks,
            }),
          );
        }
        perCall[variant] = (counts[1] - counts[0]) / (n2 - n1);
        raw[`${format}:${kind}:${variant}`] = counts;
      }
      const added = perCall.ours !== undefined && perCall.plain !== undefined ? `, added ${Math.round(perCall.ours - perCall.plain)}` : '';
      const each = Object.entries(perCall).map(([v, x]) => `${v} ${Math.round(x)}`).join(', ');
      console.log(`${format} ${kind}: instructions per call: ${each}${added}`);
    }
  }
  console.log(JSON.stringify(raw));
} finally {
  await provider.close();
  await collector.close();
}

// Paired CPU A/B of set-ups and builds, for one kind of call: the per-call
// method (bench/per-call.mjs: warmed-up children alive at once, blocks run in
// rotated order, CPU of each block) with any mix of set-ups, each from any
// build, and as many rounds as the question needs. Not part of `npm run
// bench`: run it by hand to tell whether a change moved a figure by less
// than the full run's spread, or to look at one kind of call alone.
//
//   node bench/ab.mjs [--node-version 24] [--format cjs|esm] [--kind plain|stream|plain,stream] [--rounds 60]
//                     [--children 3] label=variant[:dist] ...
//
// A set-up is a variant of lib/variants.mjs (plain, ours, peer, floor) and,
// for ours, the build to load (default dist/; build another with
// `node scripts/build.mjs --no-types --out .cache/dist-old`). The first
// set-up is the baseline: each line gives a set-up's median CPU per call and
// what it adds over the baseline, paired within each round; every pair of
// set-ups after it is compared the same way. `--kind plain,stream` runs a
// block of each kind per round, plain first, as the full run does (what one
// kind leaves behind, a collection owed, lands in the next), and prints each.
// `--children` is how many generations of children share the rounds (the
// full run's three by default; see FULL_PLAN): two set-ups of one build read
// as far apart as their children's JIT states are.
//
//   node bench/ab.mjs --node-version 24 --kind stream plain=plain old=ours:.cache/dist-old new=ours floor=floor
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FULL_PLAN, measureBlocks } from './lib/blocks.mjs';
import { ROOT } from './lib/context.mjs';
import { nodeBinary } from './lib/spawn.mjs';
import { pairedDiff, summarize } from './lib/stats.mjs';
import { LABELS } from './lib/variants.mjs';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'node-version': { type: 'string' },
    format: { type: 'string', default: 'cjs' },
    kind: { type: 'string', default: 'plain' },
    rounds: { type: 'string', default: '60' },
    children: { type: 'string', default: String(FULL_PLAN.children) },
  },
});
const VARIANTS = new Set(Object.keys(LABELS));
const format = /** @type {'cjs' | 'esm'} */ (args.format);
const kinds = /** @type {('plain' | 'stream')[]} */ (args.kind.split(','));
const rounds = Number(args.rounds);
const children = Number(args.children);
if (!['cjs', 'esm'].includes(format) || !kinds.every((k) => ['plain', 'stream'].includes(k)) || new Set(kinds).size !== kinds.length || !(rounds > 0) || !(Number.isInteger(children) && children > 0) || positionals.length < 2) {
  process.stderr.write('usage: node bench/ab.mjs [--node-version 24] [--format cjs|esm] [--kind plain|stream|plain,stream] [--rounds 60] [--children 3] label=variant[:dist] label=variant[:dist] ...\n');
  process.exit(2);
}
const setups = positionals.map((spec) => {
  const [label, rest = ''] = spec.split('=');
  const [variant, dist = 'dist'] = rest.split(':');
  if (!label || !VARIANTS.has(variant)) throw new Error(`bench/ab: "${spec}" is not label=variant[:dist] (variants: ${[...VARIANTS].join(', ')})`);
  return { label, variant: /** @type {import('./lib/variants.mjs').Variant} */ (variant), dist: isAbsolute(dist) ? dist : resolve(ROOT, dist) };
});
const node = args['node-version'] ? nodeBinary(args['node-version']) : process.execPath;

const { perCall: byKind } = await measureBlocks({ node, format, setups, kinds, rounds, ...FULL_PLAN, children });

const fmt = (/** @type {number} */ x) => x.toFixed(1).padStart(8);
const [base, ...others] = setups;
for (const kind of kinds) {
  const perCall = Object.fromEntries(setups.map((s) => [s.label, byKind[s.label][kind]]));
  console.log(`${format.toUpperCase()} app, CPU µs per ${kind === 'stream' ? '200-chunk stream' : 'plain call'}, ${rounds} rounds (median, then min..max of paired differences)`);
  console.log(`${base.label.padEnd(12)}${fmt(summarize(perCall[base.label]).median)}`);
  for (const s of others) {
    const d = summarize(pairedDiff(perCall[s.label], perCall[base.label]));
    console.log(`${s.label.padEnd(12)}${fmt(summarize(perCall[s.label]).median)}   adds ${fmt(d.median)} over ${base.label} (${d.min.toFixed(0)}..${d.max.toFixed(0)})`);
  }
  for (let i = 0; i < others.length; i++) {
    for (let j = i + 1; j < others.length; j++) {
      const [a, b] = [others[i], others[j]];
      const d = summarize(pairedDiff(perCall[b.label], perCall[a.label]));
      console.log(`${b.label} - ${a.label}: ${d.median.toFixed(1)} (${d.min.toFixed(0)}..${d.max.toFixed(0)})`);
    }
  }
}

// How fast `catalyst-tracing ui` answers over a big store: a store of N traces
// (5 spans each, as the CLI's timing test writes them: AGENT, two LLM calls with
// messages, a TOOL, a nested HTTP span) is generated in a temp folder, the built
// CLI's `ui` is spawned on it, and the list API is fetched. Prints figures; it
// is not a timed test.
//
//   node bench/ui-index.mjs [--traces 10000] [--files 20] [--rounds 3]
//
// cold first page   spawn to the first page of /api/traces (the index is cold)
// full index        spawn to the first answer that no longer says older traces are loading
// warm list         /api/traces again, first page and a page deep in the list
// filter            agent= and status=error
// search            q= free text (reads the store's inputs and outputs): a rare text, and one in every trace
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { summarize } from './lib/stats.mjs';
import { generateLargeStore } from '../test/cli/helpers/store-gen.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const traces = Number(arg('traces', '10000'));
const files = Number(arg('files', '20'));
const rounds = Number(arg('rounds', '3'));
const cli = join(process.env.CATALYST_TEST_DIST ?? join(root, 'dist'), 'cli.js');

const dir = mkdtempSync(join(tmpdir(), 'ui-index-bench-'));
const size = generateLargeStore(dir, { traces, files });
console.log(`store: ${size.traces} traces, ${size.spans} spans, ${(size.bytes / 1e6).toFixed(1)} MB in ${files} files; node ${process.version}`);

/** Spawns `ui` and resolves with its URL and the time it was spawned at. */
function startUi() {
  const t0 = performance.now();
  const child = spawn(process.execPath, [cli, 'ui', '--port', '0', '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((res, rej) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /viewer on (http:\/\/\S+\/)/.exec(out);
      if (m) res({ url: m[1], child, t0, listening: performance.now() - t0 });
    });
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => rej(new Error(`ui exited with ${code}:\n${out}`)));
  });
}

async function get(url) {
  const t = performance.now();
  const res = await fetch(url);
  const body = await res.json();
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${JSON.stringify(body)}`);
  return { ms: performance.now() - t, body };
}

const figures = { listening: [], cold: [], full: [], warm: [], deep: [], agent: [], error: [], search: [], searchAll: [], sessions: [] };
for (let r = 0; r < rounds; r++) {
  const ui = await startUi();
  try {
    figures.listening.push(ui.listening);
    const first = await get(`${ui.url}api/traces?limit=50`);
    figures.cold.push(performance.now() - ui.t0);
    if (first.body.traces.length !== 50) throw new Error(`first page had ${first.body.traces.length} traces`);
    // Until the whole store is indexed, answers say so (`loading`); the figure is when they stop.
    let body = first.body;
    while (body.loading) {
      await new Promise((r) => setTimeout(r, 20));
      body = (await get(`${ui.url}api/traces?limit=1`)).body;
    }
    figures.full.push(performance.now() - ui.t0);
    if (body.total !== traces) throw new Error(`the full list had ${body.total} traces, not ${traces}`);
    for (let i = 0; i < 5; i++) {
      figures.warm.push((await get(`${ui.url}api/traces?limit=50`)).ms);
      figures.deep.push((await get(`${ui.url}api/traces?limit=50&offset=${traces - 100}`)).ms);
      figures.agent.push((await get(`${ui.url}api/traces?limit=50&agent=support-bot`)).ms);
      figures.error.push((await get(`${ui.url}api/traces?limit=50&status=error`)).ms);
      figures.sessions.push((await get(`${ui.url}api/sessions`)).ms);
    }
    // Each search text once per round: the server keeps a search's answer until the store changes.
    figures.search.push((await get(`${ui.url}api/traces?limit=50&q=${encodeURIComponent(`request number ${r}17`)}`)).ms);
    // A word in every LLM span's messages: every such line is parsed.
    figures.searchAll.push((await get(`${ui.url}api/traces?limit=50&q=${['weather', 'traveller', 'river'][r % 3]}`)).ms);
  } finally {
    ui.child.kill();
  }
}
rmSync(dir, { recursive: true, force: true });

const rows = [
  ['spawn to listening', figures.listening],
  ['cold first page (spawn to answer)', figures.cold],
  ['whole store indexed (spawn)', figures.full],
  ['warm list, first page', figures.warm],
  ['warm list, page near the end', figures.deep],
  ['filter agent=', figures.agent],
  ['filter status=error', figures.error],
  ['sessions', figures.sessions],
  ['search q=, one trace matches (uncached)', figures.search],
  ['search q=, every trace matches (uncached)', figures.searchAll],
];
console.log('\n| | median ms | min | max | runs |\n|---|---:|---:|---:|---:|');
for (const [label, values] of rows) {
  const s = summarize(values);
  console.log(`| ${label} | ${s.median.toFixed(0)} | ${s.min.toFixed(0)} | ${s.max.toFixed(0)} | ${s.runs} |`);
}

// 4. Export: what one typical LLM span (a plain chat completion) costs on the
// wire, ours (OTLP/HTTP protobuf, uncompressed, as our exporter sends it by
// default, and OTLP/HTTP JSON, which it sends on request) against the peer
// (OTLP/protobuf), in a batch and alone; and how many spans per second
// our batch processor and exporter sustain, in each encoding, to a loopback endpoint that answers
// at once, with one thread producing spans as fast as it can.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APPS } from './lib/context.mjs';
import { startSink } from './lib/sink.mjs';
import { alternate, runNode } from './lib/spawn.mjs';
import { summarize } from './lib/stats.mjs';
import { LABELS, preloadArgs, tracingEnv } from './lib/variants.mjs';

/** @param {import('./run.mjs').BenchContext} ctx */
export async function run(ctx) {
  const rounds = ctx.quick ? 1 : 7;
  const batch = ctx.quick ? 20 : 200;
  /** @type {import('./lib/table.mjs').Row[]} */
  const rows = [];
  /** @type {any} */
  let template;

  /** Our exporter in its other encoding: same preload, OTEL_EXPORTER_OTLP_PROTOCOL=http/json. */
  const base = (/** @type {string} */ v) => (v === 'ours-json' ? 'ours' : v);
  const extraEnv = (/** @type {string} */ v) => (v === 'ours-json' ? { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' } : {});
  const label = (/** @type {string} */ v) => (v === 'ours-json' ? `${LABELS.ours} (http/json)` : LABELS[v]);
  // Bytes per span: N calls exported in batches, and one call alone (a request of one span).
  const sizes = await alternate(rounds, ['ours', 'ours-json', 'peer'], async (variant) => {
    const measure = async (n) => {
      ctx.collector.reset();
      await runNode({
        node: ctx.node,
        args: [...preloadArgs(base(variant), 'cjs', ctx.dist), join(APPS, 'workload.cjs')],
        env: { ...tracingEnv(ctx.collector.url), ...extraEnv(variant), BENCH_TASK: 'spans', BENCH_BASE_URL: ctx.provider.baseURL, BENCH_N: String(n) },
      });
      const spans = await ctx.collector.waitForSpans(n, 3000);
      if (variant === 'ours' && !template) template = spans[0];
      const bytes = ctx.collector.requests.reduce((sum, r) => sum + r.bytes, 0);
      return { bytesPerSpan: bytes / spans.length, requests: ctx.collector.requests.length, encoding: ctx.collector.requests[0]?.contentType };
    };
    return { batched: await measure(batch), alone: await measure(1) };
  });
  for (const v of ['ours', 'ours-json', 'peer']) {
    const encoding = sizes[v][0].batched.encoding;
    rows.push({ section: '4', measure: `Export: bytes per typical LLM span, ${batch} calls batched (${encoding})`, variant: label(v), unit: 'B', ...summarize(sizes[v].map((s) => s.batched.bytesPerSpan)) });
    rows.push({ section: '4', measure: `Export: bytes of a request holding one such span (${encoding})`, variant: label(v), unit: 'B', ...summarize(sizes[v].map((s) => s.alone.bytesPerSpan)) });
  }

  // Throughput: copies of the span above, produced flat out on the app's thread.
  const dir = mkdtempSync(join(tmpdir(), 'catalyst-bench-'));
  const templateFile = join(dir, 'span.json');
  writeFileSync(templateFile, JSON.stringify({ name: template.name, kind: Math.max(0, template.kind - 1), attributes: template.attributes }));
  const sink = await startSink();
  try {
    const flood = await alternate(rounds, ['ours', 'ours-json'], async (variant) => {
      sink.reset();
      const { result } = await runNode({
        node: ctx.node,
        args: [...preloadArgs('ours', 'cjs', ctx.dist), join(APPS, 'export-flood.cjs')],
        env: { ...tracingEnv(sink.url), ...extraEnv(variant), BENCH_SPAN_TEMPLATE: templateFile, BENCH_DURATION_MS: String(ctx.quick ? 300 : 2000) },
      });
      return {
        exportedPerSec: (result.exported / result.totalMs) * 1000,
        offeredPerSec: (result.offered / result.produceMs) * 1000,
        droppedPct: (100 * result.dropped) / result.offered,
        cpuUsPerSpan: result.cpuUs / result.offered,
        wireBytesPerSpan: sink.stats.bytes / (result.exported + 1024),
      };
    });
    const flat = 'Export, one thread making spans flat out';
    for (const v of ['ours', 'ours-json']) {
      const of = (k) => flood[v].map((r) => r[k]);
      rows.push({ section: '4', measure: `${flat}: spans exported per second (until flushed)`, variant: label(v), unit: 'spans/s', ...summarize(of('exportedPerSec')) });
      rows.push({ section: '4', measure: `${flat}: spans offered per second`, variant: label(v), unit: 'spans/s', ...summarize(of('offeredPerSec')) });
      rows.push({ section: '4', measure: `${flat}: share dropped by the bounded queue`, variant: label(v), unit: '%', ...summarize(of('droppedPct')) });
      rows.push({ section: '4', measure: `${flat}: CPU per span (start, attributes, end, batch, serialise, send)`, variant: label(v), unit: 'µs', ...summarize(of('cpuUsPerSpan')) });
      rows.push({ section: '4', measure: `${flat}: bytes on the wire per span`, variant: label(v), unit: 'B', ...summarize(of('wireBytesPerSpan')) });
    }
    return { rows, raw: { batch, rounds, sizes, flood, template } };
  } finally {
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// Endpoint faults: a script and a long-running server, each against
// an OTLP endpoint that is not listening, refusing connections, answering
// 400/401/403/404/413/429 (Retry-After)/500/503, hanging, resetting
// mid-response, or slow (5 s). The app's output and exit code never change, a
// script's exit is delayed by less than 2 s, a server keeps serving with flat
// memory, each kind of fault is reported once, and export resumes by itself.
//
// Set CATALYST_PRINT_MATRIX=1 to print the measured fault matrix (docs/reliability.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider } from '../harness/fake-provider.mjs';
import { startCollector } from '../harness/collector.mjs';
import {
  EXIT_DELAY_BOUND_MS,
  agentLines,
  appStderr,
  appStdout,
  buildDist,
  limit,
  runScript,
  startDrainableProxy,
  startServer,
  startSwitchableEndpoint,
  waitFor,
} from './helpers.mjs';

/** @type {string} */
let DIST;
/** @type {Awaited<ReturnType<typeof startFakeProvider>>} */
let provider;
/** @type {Awaited<ReturnType<typeof runScript>>} */
let baseline;
/** @type {Array<{ close(): Promise<unknown> }>} */
const toClose = [];
/** @type {Record<string, any>} */
const rows = {};

beforeAll(async () => {
  DIST = buildDist('faults');
  provider = await startFakeProvider({ recordRequests: false });
  baseline = await runScript(DIST, 'script.cjs', { preload: 'none', env: { FAKE_BASE_URL: provider.url } });
  expect(baseline.code).toBe(0);
});

afterAll(async () => {
  await Promise.all(toClose.map((c) => c.close().catch(() => undefined)));
  await provider?.close();
  if (process.env.CATALYST_PRINT_MATRIX) {
    const lines = ['| fault | script: exit delay (no agent: baseline) | script: spans lost | server: SIGTERM to exit | server: spans lost during the fault | warning printed |', '|---|---|---|---|---|---|'];
    for (const f of FAULTS) {
      const r = rows[f.name] ?? {};
      lines.push(`| ${f.name} | ${r.scriptDelay ?? '?'} ms (${r.baselineDelay ?? '?'} ms) | ${r.scriptLost ?? '?'} of ${r.scriptMade ?? '?'} | ${r.serverDelay ?? '?'} ms | ${r.serverLost ?? '?'} of ${r.serverMade ?? '?'} | ${r.warning ?? '?'} |`);
    }
    if (rows.memory) lines.push('', `memory: ${JSON.stringify(rows.memory)}`);
    process.stdout.write(`\n${lines.join('\n')}\n`);
  }
});

/**
 * Each fault, as a change to a switchable endpoint (the port stays the same,
 * so recovery needs no restart of the app) and to the collector behind it.
 * `key` matches the agent's warning for that kind of fault.
 * @typedef {Awaited<ReturnType<typeof startSwitchableEndpoint>>} Switch
 * @typedef {Awaited<ReturnType<typeof startCollector>>} Collector
 * @type {Array<{ name: string, key: RegExp, apply(sw: Switch, c: Collector): Promise<void>, slow?: boolean }>}
 */
const FAULTS = [
  { name: 'not listening (connection refused)', key: /nothing is listening/, apply: (sw) => sw.set('closed') },
  { name: 'refusing (accepts, then resets)', key: /connection was reset/, apply: (sw) => sw.set('refuse') },
  ...[400, 401, 403, 404, 413, 500, 503].map((status) => ({ name: `HTTP ${status}`, key: new RegExp(`HTTP ${status}`), apply: collectorDoes({ status }) })),
  { name: 'HTTP 429 with Retry-After: 1', key: /rate-limiting exports \(HTTP 429, retry after 1 s\)/, apply: collectorDoes({ status: 429, retryAfter: '1' }) },
  { name: 'hanging (never answers)', key: /did not (answer|confirm)/, apply: collectorDoes('hang') },
  { name: 'resetting mid-response', key: /in the middle of its answer/, apply: (sw) => sw.set('midreset') },
  // Not a failure while the export timeout (10 s by default) covers it; a script's exit cannot wait for it.
  { name: 'slow (answers after 5 s)', key: /did not confirm/, slow: true, apply: collectorDoes({ delayMs: 5000 }) },
];
const fault = (/** @type {string} */ name) => /** @type {(typeof FAULTS)[number]} */ (FAULTS.find((f) => f.name === name));

/** @param {any} behavior */
function collectorDoes(behavior) {
  return async (/** @type {Switch} */ sw, /** @type {Collector} */ c) => {
    await sw.set('forward');
    c.setBehavior(behavior);
  };
}

/** @param {Switch} sw @param {Collector} c */
async function recover(sw, c) {
  await sw.set('forward');
  c.setBehavior('ok');
}

/** A collector behind a switchable endpoint, both closed after the file. */
async function endpoint() {
  const c = await startCollector();
  const sw = await startSwitchableEndpoint(c.port);
  toClose.push(sw, c);
  return { c, sw };
}

/** The line counting, at exit, the spans lost or unconfirmed (only when there are any). */
const EXIT_COUNTS = /^\[catalyst-tracing\] at exit: /;

/** Two children at a time: the machine has two cores, and the exit delay is a timing. */
const two = limit(2);
const SCRIPT_SPANS = 4; // 3 calls and 1 stream

/**
 * A server goes through the faults of a group in turn, in one process: each
 * fault until its warning shows (the app keeps answering meanwhile), then
 * recovery, then proof that export resumed; at the end, SIGTERM.
 */
const SERVER_GROUPS = [
  { name: 'slow', faults: ['slow (answers after 5 s)'] },
  { name: 'retryable', faults: ['HTTP 429 with Retry-After: 1', 'HTTP 503', 'hanging (never answers)'] },
  { name: 'rejected', faults: ['HTTP 400', 'HTTP 401', 'HTTP 403', 'HTTP 404', 'HTTP 413', 'HTTP 500'] },
  { name: 'below HTTP', faults: ['not listening (connection refused)', 'refusing (accepts, then resets)', 'resetting mid-response'] },
];

describe.concurrent('endpoint faults', () => {
  // Registered first, with the slowest server group next, so the two long ones start at once.
  it('a long-running server against a dead endpoint: memory stays flat while calls continue, the queue is bounded, drops are counted', () => two(async () => {
    const collector = await startCollector();
    toClose.push(collector);
    collector.setBehavior('hang');
    // The app reaches the provider through a proxy it asks to drop idle connections before each heap reading.
    const proxy = await startDrainableProxy(provider.port);
    toClose.push(proxy);
    const server = await startServer(DIST, 'server.cjs', {
      nodeArgs: ['--expose-gc'],
      env: { FAKE_BASE_URL: proxy.url, POOL_CONTROL_URL: proxy.controlUrl, CATALYST_OTLP_ENDPOINT: collector.url, CATALYST_MAX_QUEUE_SIZE: '100' },
    });
    try {
      // Warm up (the SDK's and V8's own caches settle over the first thousand calls, traced or not)
      // until the queue is full, since the endpoint never answers; then measure.
      await drive(server, 'warm', forMs(WARMUP_MS), 4, PAD);
      await waitFor(async () => (await server.get('/stats')).body.tracing.droppedQueueFull > 0, 10_000, 'the queue to fill');
      const first = await settledStats(server);
      expect(first.tracing.queued).toBeLessThanOrEqual(100);
      await drive(server, 'more', forMs(3000), 4, PAD);
      const last = await settledStats(server);
      expect(last.tracing.queued).toBeLessThanOrEqual(100);
      const drops = last.tracing.droppedQueueFull - first.tracing.droppedQueueFull;
      expect(drops).toBeGreaterThan(100);
      // Hundreds of 4 KB spans later, the heap after GC has not grown with them.
      expect(last.objects, `heap objects ${first.objects} -> ${last.objects} after ${last.served - first.served} more calls, ${drops} more drops`).toBeLessThan(first.objects * 1.1);
      const lines = agentLines(server.stderr);
      expect(lines.filter((l) => /queue is full/.test(l))).toHaveLength(1);
      rows.memory = { first: first.objects, last: last.objects, calls: last.served - first.served, drops };
      const stopped = await server.stop('SIGTERM');
      expect(stopped.signal).toBe('SIGTERM');
      expect(stopped.delayMs).toBeLessThan(EXIT_DELAY_BOUND_MS);
    } finally {
      server.kill();
    }
  }));

  it.each(SERVER_GROUPS)('a long-running server, $name: keeps serving, warns once per kind, resumes export when the endpoint recovers, stops promptly on SIGTERM', (group) => two(() => serverGoesThrough(group)));

  it.each(FAULTS)('a short script, $name: same output and exit code, exit delayed < 2 s, one warning', (f) =>
    two(async () => {
      const { c, sw } = await endpoint();
      await f.apply(sw, c);
      const r = await runScript(DIST, 'script.cjs', { env: { FAKE_BASE_URL: provider.url, CATALYST_OTLP_ENDPOINT: sw.url } });
      expect(r.code, r.stderr).toBe(0);
      expect(appStdout(r.stdout)).toBe(appStdout(baseline.stdout));
      expect(appStderr(r.stderr)).toBe(appStderr(baseline.stderr));
      expect(r.exitDelayMs).toBeLessThan(EXIT_DELAY_BOUND_MS);
      // One line for the one kind of fault.
      expect(r.agent, r.stderr).toHaveLength(1);
      expect(r.agent[0]).toMatch(f.key);
      expect(r.agent[0]).not.toContain('reliability-secret');
      // A slow endpoint still takes the batch it was sent: count what arrives once it answers.
      if (f.slow) await waitFor(() => c.spans.length >= SCRIPT_SPANS, 8000, 'the slow endpoint to decode its batch');
      rows[f.name] = {
        ...rows[f.name],
        scriptDelay: Math.round(r.exitDelayMs),
        baselineDelay: Math.round(baseline.exitDelayMs),
        scriptMade: SCRIPT_SPANS,
        scriptLost: SCRIPT_SPANS - c.spans.length,
        warning: `\`${r.agent[0].replace('[catalyst-tracing] ', '').replace(/http:\/\/127\.0\.0\.1:\d+/, '<endpoint>')}\``,
      };
    }),
  );

});

/** Spans the collector holds whose first input message carries `[tag]`. @param {any[]} spans @param {string} tag */
const tagged = (spans, tag) => spans.filter((s) => String(s.attributes['llm.input_messages.0.message.content'] ?? '').startsWith(`[${tag}]`));

/**
 * Drives `/call` from `loops` sequential clients until `until()` says stop; every answer must be the app's.
 * @param {Awaited<ReturnType<typeof startServer>>} server @param {string} tag @param {() => boolean} until @param {number} loops @param {number} [pad]
 */
async function drive(server, tag, until, loops, pad = 0) {
  let made = 0;
  await Promise.all(
    Array.from({ length: loops }, async () => {
      while (!until()) {
        const r = await server.get(`/call?tag=${tag}&pad=${pad}`);
        expect(r.status).toBe(200);
        expect(r.body).toEqual({ text: 'The capital of France is Paris.' });
        made++;
      }
    }),
  );
  return made;
}
const forMs = (/** @type {number} */ ms) => {
  const end = Date.now() + ms;
  return () => Date.now() >= end;
};


/** @param {(typeof SERVER_GROUPS)[number]} group */
async function serverGoesThrough(group) {
  const { c, sw } = await endpoint();
  const slow = group.name === 'slow';
  // Batches every 200 ms and a 1 s export budget, so each fault shows (and clears) quickly.
  const server = await startServer(DIST, 'server.cjs', {
    env: { FAKE_BASE_URL: provider.url, CATALYST_OTLP_ENDPOINT: sw.url, OTEL_BSP_SCHEDULE_DELAY: '200', ...(slow ? {} : { OTEL_EXPORTER_OTLP_TIMEOUT: '1000' }) },
  });
  try {
    for (const [i, name] of group.faults.entries()) {
      const f = fault(name);
      await f.apply(sw, c);
      const seen = () => agentLines(server.stderr).some((l) => f.key.test(l));
      // Calls continue, answered as usual, until the agent reports the fault (a slow endpoint is no fault: 1.5 s of calls).
      const giveUp = forMs(10_000);
      const made = await drive(server, `during-${i}`, f.slow ? forMs(1500) : () => seen() || giveUp(), 1);
      if (!f.slow) expect(agentLines(server.stderr).filter((l) => f.key.test(l)), server.stderr).toHaveLength(1);
      await recover(sw, c);
      await drive(server, `after-${i}`, forMs(200), 1);
      await waitFor(() => tagged(c.spans, `after-${i}`).length > 0, 12_000, `export to resume after "${name}"`);
      rows[name] = { ...rows[name], serverMade: made, serverLost: made - tagged(c.spans, `during-${i}`).length };
    }
    const stopped = await server.stop('SIGTERM');
    // Exactly as without tracing: no handler of the app's, so the signal ends it.
    expect(stopped.signal).toBe('SIGTERM');
    expect(stopped.delayMs).toBeLessThan(EXIT_DELAY_BOUND_MS);
    for (const name of group.faults) rows[name] = { ...rows[name], serverDelay: stopped.delayMs };
    // One line per kind of fault, however many batches failed.
    const lines = agentLines(stopped.stderr);
    expect(new Set(lines).size).toBe(lines.length);
    const keys = group.faults.map((n) => fault(n).key);
    // ...and, at the end, the one line counting the spans lost to them.
    expect(lines.every((l) => keys.some((k) => k.test(l)) || /queue is full/.test(l) || EXIT_COUNTS.test(l)), stopped.stderr).toBe(true);
    if (!slow) expect(lines.filter((l) => EXIT_COUNTS.test(l)), stopped.stderr).toEqual([lines[lines.length - 1]]);
  } finally {
    server.kill();
  }
}

/** Each span of the memory test carries this many bytes of prompt: 1000 leaked spans would be 4 MB. */
const PAD = 4096;
const WARMUP_MS = 4000;

/**
 * The heap after GC, as the least of three readings: one reading can catch a
 * request's garbage still referenced; the least is what the process holds.
 * @param {Awaited<ReturnType<typeof startServer>>} server
 */
async function settledStats(server) {
  let best;
  for (let i = 0; i < 3; i++) {
    const s = (await server.get('/stats')).body;
    if (!best || s.objects < best.objects) best = s;
  }
  return best;
}


// The line at exit that counts lost spans: how many were dropped (queue full),
// failed (certainly not delivered), or not confirmed (sent, no answer in time:
// they may have arrived), each only when not zero, with the right numbers, in
// one line, and nothing at all when every span was accepted.
import { describe, expect, it } from 'vitest';
import { agentLines, appStdout, limit, runScript, startServer } from './helpers.mjs';
import { reliabilitySuite } from './suite.mjs';

const suite = reliabilitySuite('exit-counts');
const collector = () => suite.collector();

const two = limit(2);
const APP = 'before-exit.cjs';
const at = (/** @type {string} */ url) => `${url}/v1/traces`;
/** stdout without timings. */
const output = (/** @type {string} */ stdout) => appStdout(stdout).replace(/EXIT_WORK \d+/, 'EXIT_WORK');
const unique = (/** @type {any[]} */ spans) => new Set(spans.map((s) => s.spanId)).size;

describe.concurrent('the exit line', () => {
  it('dropped: a queue of 5 and 12 spans made at once: exactly 7 dropped, the other 5 delivered', () => two(async () => {
    const c = await collector();
    const r = await runScript(suite.dist, APP, { env: { FAKE_BASE_URL: suite.provider.url, CATALYST_OTLP_ENDPOINT: c.url, CATALYST_MAX_QUEUE_SIZE: '5', CALLS: '0', SYNC_SPANS: '12' } });
    expect(r.code).toBe(0);
    expect(agentLines(r.stderr)).toEqual([
      expect.stringMatching(/the span queue is full \(5, CATALYST_MAX_QUEUE_SIZE\)/),
      '[catalyst-tracing] at exit: 7 span(s) were dropped because the queue was full (CATALYST_MAX_QUEUE_SIZE=5, CATALYST_MAX_QUEUE_MB=64).',
    ]);
    expect(c.spans.map((s) => s.name)).toEqual(['sync-1-0', 'sync-1-1', 'sync-1-2', 'sync-1-3', 'sync-1-4']);
  }));

  it('failed, first seen at exit: the fault and the count in one line', () => two(async () => {
    const c = await collector();
    c.setBehavior({ status: 400 });
    const r = await runScript(suite.dist, 'script.cjs', { env: { FAKE_BASE_URL: suite.provider.url, CATALYST_OTLP_ENDPOINT: c.url } });
    expect(r.code).toBe(0);
    expect(agentLines(r.stderr)).toEqual([
      `[catalyst-tracing] the OTLP endpoint ${at(c.url)} rejected a batch (HTTP 400); those spans are dropped. Export continues. The endpoint said: "collector configured to answer 400" At exit: 4 span(s) failed to export.`,
    ]);
  }));

  it('failed during the run and at exit: the fault when it happens, the total at exit', () => two(async () => {
    const c = await collector();
    c.setBehavior({ status: 400 });
    // Batches leave every 50 ms while the app's rounds keep it running: some fail during the run, the rest at exit.
    const r = await runScript(suite.dist, APP, { env: { FAKE_BASE_URL: suite.provider.url, CATALYST_OTLP_ENDPOINT: c.url, OTEL_BSP_SCHEDULE_DELAY: '50', ROUNDS: '3', ROUND_DELAY_MS: '300' } });
    expect(r.code).toBe(0);
    expect(c.requests.length).toBeGreaterThan(1);
    expect(agentLines(r.stderr)).toEqual([
      expect.stringMatching(/rejected a batch \(HTTP 400\); those spans are dropped\. Export continues\. The endpoint said: "collector configured to answer 400"$/),
      '[catalyst-tracing] at exit: 5 span(s) failed to export.',
    ]);
  }));

  it('unconfirmed at exit: a hanging endpoint', () => two(async () => {
    const c = await collector();
    c.setBehavior('hang');
    const r = await runScript(suite.dist, 'script.cjs', { env: { FAKE_BASE_URL: suite.provider.url, CATALYST_OTLP_ENDPOINT: c.url } });
    expect(r.code).toBe(0);
    expect(agentLines(r.stderr)).toEqual([
      `[catalyst-tracing] at exit: the OTLP endpoint ${at(c.url)} did not confirm 4 span(s) within 1500 ms (CATALYST_FLUSH_TIMEOUT_MS) as the process exited; they may be lost.`,
    ]);
  }));

  it('an endpoint that answers after the export timeout: counted as unconfirmed (it took them all), not as failed', () => two(async () => {
    const c = await collector();
    c.setBehavior({ delayMs: 800 });
    // The first batch (the 3 calls and round 1's) leaves at 1 s, while round 1's 1.5 s keep the app running; no answer within 300 ms.
    const env = { FAKE_BASE_URL: suite.provider.url, CATALYST_OTLP_ENDPOINT: c.url, OTEL_EXPORTER_OTLP_TIMEOUT: '300', ROUNDS: '2', ROUND_DELAY_MS: '1500' };
    const r = await runScript(suite.dist, APP, { env });
    expect(r.code).toBe(0);
    expect(agentLines(r.stderr)).toEqual([
      expect.stringMatching(/did not answer in time/),
      '[catalyst-tracing] at exit: 4 span(s) got no answer within 300 ms (OTEL_EXPORTER_OTLP_TIMEOUT) or a broken one, and may have arrived.',
    ]);
    // They had arrived: the endpoint decodes a request before it waits to answer.
    await c.waitForSpans(4, 3000);
    expect(unique(c.spans)).toBe(4);
  }));

  it('a slow endpoint that accepts everything within the budget: nothing printed, every span delivered', () => two(async () => {
    const c = await collector();
    c.setBehavior({ delayMs: 400 });
    const env = { ROUNDS: '3', ROUND_DELAY_MS: '800' };
    const base = await runScript(suite.dist, APP, { preload: 'none', env: { FAKE_BASE_URL: suite.provider.url, ...env } });
    const r = await runScript(suite.dist, APP, { env: { FAKE_BASE_URL: suite.provider.url, CATALYST_OTLP_ENDPOINT: c.url, ...env } });
    expect([r.code, output(r.stdout), r.stderr]).toEqual([0, output(base.stdout), '']);
    // A batch in flight when the process exits is sent again at exit: at least once, so count distinct spans.
    expect(unique(c.spans)).toBe(5);
  }));

  it('a server stopped by SIGTERM after its queue overflowed: the drops counted on the way out', () => two(async () => {
    const c = await collector();
    c.setBehavior('hang');
    const server = await startServer(suite.dist, 'server.cjs', { env: { FAKE_BASE_URL: suite.provider.url, CATALYST_OTLP_ENDPOINT: c.url, CATALYST_MAX_QUEUE_SIZE: '2', OTEL_BSP_SCHEDULE_DELAY: '60000' } });
    try {
      // One batch of 2 leaves at once and hangs; the next 2 fill the queue; the last 3 are dropped.
      for (let i = 0; i < 7; i++) expect((await server.get(`/call?tag=q-${i}`)).status).toBe(200);
      const stats = (await server.get('/stats')).body.tracing;
      expect(stats).toMatchObject({ droppedQueueFull: 3, queued: 2 });
      const end = await server.stop('SIGTERM');
      expect(end.signal).toBe('SIGTERM');
      expect(agentLines(end.stderr)).toEqual([
        expect.stringMatching(/the span queue is full/),
        `[catalyst-tracing] at exit: 3 span(s) were dropped because the queue was full (CATALYST_MAX_QUEUE_SIZE=2, CATALYST_MAX_QUEUE_MB=64); and the OTLP endpoint ${at(c.url)} did not confirm 4 span(s) within 1500 ms (CATALYST_FLUSH_TIMEOUT_MS) as the process exited; they may be lost.`,
      ]);
    } finally {
      server.kill();
    }
  }));
});

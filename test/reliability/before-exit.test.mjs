// A script's normal end, seen from the app's own 'beforeExit' listeners: with
// tracing they run exactly as often, and as long, as without it (Node fires
// 'beforeExit' again whenever something still runs after it, so an agent that
// flushed asynchronously there made the app's listeners run twice, and one
// that cut its flush short with process.exit() cut the app's own work short).
// The spans the app makes in those rounds are exported too, and the agent's
// whole exit path stays inside CATALYST_FLUSH_TIMEOUT_MS.
import { describe, expect, it } from 'vitest';
import { EXIT_DELAY_BOUND_MS, agentLines, appStdout, limit, runScript } from './helpers.mjs';
import { reliabilitySuite } from './suite.mjs';

const suite = reliabilitySuite('before-exit');
const collector = () => suite.collector();

/** Two children at a time: the machine has two cores, and some of this is timing. */
const two = limit(2);
const APP = 'before-exit.cjs';
const FLUSH_MS = 1500;
/**
 * The agent aims its exit work at the budget less 50 ms; on a loaded 2-core
 * machine a blocked thread can wake a little late. The bound here is about
 * the budget being kept, not about the scheduler: a flush that ignored it
 * would take the endpoint's full timeout (10 s).
 */
const EXIT_WORK_BOUND_MS = FLUSH_MS + 250;
const content = (/** @type {any} */ s) => String(s.attributes['llm.input_messages.0.message.content'] ?? '');
const asked = (/** @type {string[]} */ tags) => tags.map((t) => `[${t}] Capital of France?`).sort();
/** What the app prints, but for the timings that differ on every run. */
const output = (/** @type {string} */ stdout) => appStdout(stdout).replace(/EXIT_WORK \d+/, 'EXIT_WORK');
const exitWork = (/** @type {string} */ stdout) => Number(/EXIT_WORK (\d+)/.exec(stdout)?.[1]);

/** @param {Record<string, string>} env */
function untraced(env) {
  return runScript(suite.dist, APP, { preload: 'none', env: { FAKE_BASE_URL: suite.provider.url, ...env } });
}

describe.concurrent("an app's own beforeExit listener", () => {
  it.each([
    ['--require', 'require'],
    ['--import', 'import'],
  ])('runs once, as untraced, and every span is delivered with nothing printed (%s)', (_label, preload) => two(async () => {
    const c = await collector();
    const base = await untraced({});
    expect(output(base.stdout)).toContain('beforeExit #1');
    expect(output(base.stdout)).not.toContain('beforeExit #2');
    const r = await runScript(suite.dist, APP, { preload: /** @type {any} */ (preload), env: { FAKE_BASE_URL: suite.provider.url, CATALYST_OTLP_ENDPOINT: c.url } });
    expect([r.code, output(r.stdout), r.stderr]).toEqual([base.code, output(base.stdout), '']);
    // Delivered before the process was gone: nothing left to wait for.
    expect(c.spans.map(content).sort()).toEqual(asked(['call-0', 'call-1', 'call-2']));
  }));

  it('three rounds of work of its own: all three run, and the spans made in them are delivered', () => two(async () => {
    const c = await collector();
    // Longer together than the flush budget: an agent whose budget started at the first round ran out of it.
    const env = { ROUNDS: '3', ROUND_DELAY_MS: '800' };
    const base = await untraced(env);
    expect(output(base.stdout)).toMatch(/round #2 done[^]*beforeExit #3/);
    const r = await runScript(suite.dist, APP, { env: { FAKE_BASE_URL: suite.provider.url, CATALYST_OTLP_ENDPOINT: c.url, ...env } });
    expect([r.code, output(r.stdout), r.stderr]).toEqual([base.code, output(base.stdout), '']);
    expect([...new Set(c.spans.map(content))].sort()).toEqual(asked(['call-0', 'call-1', 'call-2', 'round-1', 'round-2']));
  }));

  it('three rounds against a hanging endpoint: the app still finishes all three; the exit waits at most the budget', () => two(async () => {
    const c = await collector();
    c.setBehavior('hang');
    const env = { ROUNDS: '3', ROUND_DELAY_MS: '800', EXIT_CODE: '6' };
    const base = await untraced(env);
    const r = await runScript(suite.dist, APP, { env: { FAKE_BASE_URL: suite.provider.url, CATALYST_OTLP_ENDPOINT: c.url, ...env } });
    expect([r.code, output(r.stdout)]).toEqual([6, output(base.stdout)]);
    expect(agentLines(r.stderr)).toEqual([expect.stringMatching(/did not confirm 5 span\(s\) within 1500 ms/)]);
    expect(exitWork(r.stdout)).toBeLessThanOrEqual(EXIT_WORK_BOUND_MS);
    expect(r.exitDelayMs).toBeLessThan(EXIT_DELAY_BOUND_MS);
  }));

  it('a full batch of spans ended inside the listener does not make it run again', () => two(async () => {
    const c = await collector();
    const env = { SYNC_SPANS: '600' };
    const base = await untraced(env);
    const r = await runScript(suite.dist, APP, { env: { FAKE_BASE_URL: suite.provider.url, CATALYST_OTLP_ENDPOINT: c.url, ...env } });
    expect([r.code, output(r.stdout), r.stderr]).toEqual([base.code, output(base.stdout), '']);
    expect(c.spans.filter((s) => s.name.startsWith('sync-1-'))).toHaveLength(600);
  }));
});

describe.concurrent('the exit path against a hanging endpoint', () => {
  it.each([
    ['a natural end', {}],
    ['process.exit() in the last beforeExit', { EXIT_MODE: 'exit' }],
  ])('%s: the agent’s whole exit work, from when an untraced process would end to its last exit listener, fits CATALYST_FLUSH_TIMEOUT_MS', (_label, env) => two(async () => {
    const c = await collector();
    c.setBehavior('hang');
    const r = await runScript(suite.dist, APP, { env: { FAKE_BASE_URL: suite.provider.url, CATALYST_OTLP_ENDPOINT: c.url, ...env } });
    expect(r.code).toBe(0);
    expect(agentLines(r.stderr)).toEqual([expect.stringMatching(/did not confirm 3 span\(s\) within 1500 ms/)]);
    // The sender waited for the endpoint (the request reached it), then gave up inside the budget.
    expect(c.requests.length).toBeGreaterThan(0);
    expect(exitWork(r.stdout)).toBeGreaterThan(FLUSH_MS / 2);
    expect(exitWork(r.stdout)).toBeLessThanOrEqual(EXIT_WORK_BOUND_MS);
    expect(r.exitDelayMs).toBeLessThan(EXIT_DELAY_BOUND_MS);
  }));
});

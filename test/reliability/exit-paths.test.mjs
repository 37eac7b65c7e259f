// Process exit paths: however the process ends, the spans made
// before the end reach the endpoint (within a bounded delay), and the end
// itself looks exactly as it does without tracing: same exit code, same
// signal, same crash message, and an app's own signal handlers keep control.
import { describe, expect, it } from 'vitest';
import { EXIT_DELAY_BOUND_MS, agentLines, appStderr, appStdout, limit, runScript, startServer, waitFor } from './helpers.mjs';
import { reliabilitySuite } from './suite.mjs';

const suite = reliabilitySuite('exit');
const collector = () => suite.collector();

const isLlm = (/** @type {any} */ s) => s.attributes['openinference.span.kind'] === 'LLM';
const content = (/** @type {any} */ s) => String(s.attributes['llm.input_messages.0.message.content'] ?? '');
/** The error line of a crash report: `Error: boom`, `BadRequestError: 400 ...`, or Node's unhandled-rejection line. */
const crashLine = (/** @type {string} */ stderr) => appStderr(stderr).split('\n').find((l) => /^\w*Error\b|^\[\w+/.test(l));

/** Two children at a time: the machine has two cores, and exit delays are timings. */
const two = limit(2);

/**
 * Runs without the agent, once per distinct app and setting: what "exactly as
 * without tracing" is compared with.
 * @type {Map<string, Promise<any>>}
 */
const baselines = new Map();
/** @param {string} app @param {Record<string, string>} env */
function baseline(app, env) {
  const key = `${app} ${JSON.stringify(env)}`;
  if (!baselines.has(key)) baselines.set(key, runScript(suite.dist, app, { preload: 'none', env: { FAKE_BASE_URL: suite.provider.url, ...env } }));
  return /** @type {Promise<Awaited<ReturnType<typeof runScript>>>} */ (baselines.get(key));
}

/** The script's 3 calls and 1 stream. */
const MADE = ['[call-0]', '[call-1]', '[call-2]', '[stream]'];

describe.concurrent('a script', () => {
  it.each([
    ['--require', 'require'],
    ['--import', 'import'],
  ])('ending normally (%s): every span exported, same output', (_label, preload) => two(async () => {
    const c = await collector();
    const base = await baseline('script.cjs', {});
    const r = await runScript(suite.dist, 'script.cjs', { preload: /** @type {any} */ (preload), env: { FAKE_BASE_URL: suite.provider.url, CATALYST_OTLP_ENDPOINT: c.url } });
    expect([r.code, appStdout(r.stdout), r.stderr]).toEqual([base.code, appStdout(base.stdout), '']);
    await c.waitForSpans(4, 2000);
    expect(c.spans.map(content).sort()).toEqual(MADE.map((m) => `${m} Capital of France?`).sort());
    expect(r.exitDelayMs).toBeLessThan(EXIT_DELAY_BOUND_MS);
  }));

  it.each([
    ['process.exit(3)', { EXIT_MODE: 'exit', EXIT_CODE: '3' }],
    ['process.exitCode = 4', { EXIT_MODE: 'exit-code', EXIT_CODE: '4' }],
  ])('%s: the spans made before it reach the endpoint, the exit code is unchanged', (_label, env) => two(async () => {
    const c = await collector();
    // Without the agent: the same RESULT line as a normal end, and the app's exit code.
    const base = await baseline('script.cjs', {});
    const r = await runScript(suite.dist, 'script.cjs', { env: { FAKE_BASE_URL: suite.provider.url, CATALYST_OTLP_ENDPOINT: c.url, ...env } });
    expect([r.code, appStdout(r.stdout), r.stderr]).toEqual([Number(env.EXIT_CODE), appStdout(base.stdout), '']);
    await c.waitForSpans(4, 2000);
    expect(c.spans.map(content).sort()).toEqual(MADE.map((m) => `${m} Capital of France?`).sort());
    expect(r.exitDelayMs).toBeLessThan(EXIT_DELAY_BOUND_MS);
  }));

  it('process.exit() with a hanging endpoint: the exit waits at most the flush budget', () => two(async () => {
    const c = await collector();
    c.setBehavior('hang');
    const r = await runScript(suite.dist, 'script.cjs', { env: { FAKE_BASE_URL: suite.provider.url, CATALYST_OTLP_ENDPOINT: c.url, EXIT_MODE: 'exit', EXIT_CODE: '3' } });
    expect(r.code).toBe(3);
    expect(r.exitDelayMs).toBeLessThan(EXIT_DELAY_BOUND_MS);
    expect(agentLines(r.stderr)).toEqual([expect.stringMatching(/did not confirm 4 span\(s\) within 1500 ms/)]);
  }));

  it.each([
    ['an unhandled rejection', 'reject'],
    ['an uncaught exception', 'throw'],
  ])('%s: the crash looks the same; the spans before it, the failed call included, are exported', (_label, mode) => two(async () => {
    const c = await collector();
    const base = await baseline('script.cjs', { EXIT_MODE: mode });
    const r = await runScript(suite.dist, 'script.cjs', { env: { FAKE_BASE_URL: suite.provider.url, CATALYST_OTLP_ENDPOINT: c.url, EXIT_MODE: mode } });
    expect(base.code).toBe(1);
    expect(r.code).toBe(base.code);
    expect(r.signal).toBe(base.signal);
    expect(appStdout(r.stdout)).toBe(appStdout(base.stdout));
    expect(agentLines(r.stderr)).toEqual([]);
    expect(crashLine(r.stderr)).toBeDefined();
    expect(crashLine(r.stderr)).toBe(crashLine(base.stderr));
    await c.waitForSpans(5, 2000);
    const failed = c.spans.find((s) => content(s).startsWith('[failing]'));
    expect(failed?.status.code).toBe(2);
    expect(failed?.events.map((e) => e.name)).toContain('exception');
    expect(c.spans.filter(isLlm)).toHaveLength(5);
    expect(r.exitDelayMs).toBeLessThan(EXIT_DELAY_BOUND_MS);
  }));
});

/** @param {Awaited<ReturnType<typeof startServer>>} server @param {string} tag */
async function calls(server, tag, n = 3) {
  for (let i = 0; i < n; i++) expect((await server.get(`/call?tag=${tag}-${i}`)).body).toEqual({ text: 'The capital of France is Paris.' });
}

describe.concurrent('a server', () => {
  it.each(['SIGTERM', 'SIGINT'])('%s with no handler of the app: spans flushed, then the same signal ends it', (signal) => two(async () => {
    // Without the agent such a server is killed by the signal: no exit code, the signal, nothing printed.
    const c = await collector();
    const server = await startServer(suite.dist, 'server.cjs', { env: { FAKE_BASE_URL: suite.provider.url, CATALYST_OTLP_ENDPOINT: c.url } });
    await calls(server, 'sig');
    const end = await server.stop(/** @type {NodeJS.Signals} */ (signal));
    expect([end.code, end.signal]).toEqual([null, signal]);
    expect(end.delayMs).toBeLessThan(EXIT_DELAY_BOUND_MS);
    expect(end.stderr).toBe('');
    // Made just before the signal, still unsent (the batch delay is 1 s): all three arrive.
    await c.waitForSpans(3, 2000);
    expect(c.spans.map(content).sort()).toEqual(['[sig-0]', '[sig-1]', '[sig-2]'].map((t) => `${t} Capital of France?`));
  }));

  it.each([
    ['closes the server and ends by itself with exit code 0', 'graceful', '0'],
    ['closes the server and ends with exitCode 7', 'graceful', '7'],
    ['calls process.exit(5) at once', 'exit', '5'],
  ])("an app's own SIGTERM handler that %s keeps control; spans still exported", (_label, mode, code) => two(async () => {
    const env = { FAKE_BASE_URL: suite.provider.url, APP_SIGNAL: mode, APP_EXIT_CODE: code };
    const c = await collector();
    const server = await startServer(suite.dist, 'server.cjs', { env: { ...env, CATALYST_OTLP_ENDPOINT: c.url } });
    await calls(server, 'own');
    const end = await server.stop('SIGTERM');
    // Without the agent: the handler logs, and the process ends with the app's code, not by the signal.
    expect([end.code, end.signal]).toEqual([Number(code), null]);
    expect(appStdout(end.stdout).replace(/READY \d+\n/, '')).toBe('APP SIGTERM\n');
    expect(end.stderr).toBe('');
    expect(end.delayMs).toBeLessThan(EXIT_DELAY_BOUND_MS);
    await c.waitForSpans(3, 2000);
    expect(c.spans.map(content).sort()).toEqual(['[own-0]', '[own-1]', '[own-2]'].map((t) => `${t} Capital of France?`));
  }));

  it("an app's handler that ignores SIGTERM keeps the server running, and tracing with it", () => two(async () => {
    const c = await collector();
    const server = await startServer(suite.dist, 'server.cjs', { env: { FAKE_BASE_URL: suite.provider.url, CATALYST_OTLP_ENDPOINT: c.url, APP_SIGNAL: 'ignore' } });
    try {
      await calls(server, 'before', 1);
      server.child.kill('SIGTERM');
      await waitFor(() => server.stdout.includes('APP SIGTERM ignored'), 5000, 'the app handler');
      // Still serving, still traced, well after any flush budget.
      await new Promise((r) => setTimeout(r, 1800));
      await calls(server, 'after', 2);
      await c.waitForSpans(3, 4000);
      expect(c.spans.map(content).sort()).toEqual(['[after-0]', '[after-1]', '[before-0]'].map((t) => `${t} Capital of France?`));
    } finally {
      server.kill();
    }
  }));

  it('the same server without the agent ends the same ways (the control for the expectations above)', () => two(async () => {
    for (const [env, signal, expected] of /** @type {const} */ ([
      [{}, 'SIGINT', [null, 'SIGINT']],
      [{ APP_SIGNAL: 'graceful', APP_EXIT_CODE: '7' }, 'SIGTERM', [7, null]],
    ])) {
      const server = await startServer(suite.dist, 'server.cjs', { preload: 'none', env: { FAKE_BASE_URL: suite.provider.url, ...env } });
      await calls(server, 'base', 1);
      const end = await server.stop(signal);
      expect([end.code, end.signal]).toEqual(expected);
      expect(end.stderr).toBe('');
      if (env.APP_SIGNAL) expect(appStdout(end.stdout).replace(/READY \d+\n/, '')).toBe('APP SIGTERM\n');
    }
  }));
});

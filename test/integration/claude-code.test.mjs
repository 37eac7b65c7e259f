// The Claude Code CLI end to end: an app runs the real `claude` binary
// (test/fixtures-packages/claude, installed by scripts/install-test-fixtures.mjs)
// through child_process every way apps do, offline against a loopback fake of
// the Messages API; every assertion is on spans the collector received. The
// CLI package needs Node 22+: on Node 20 this skips unless CATALYST_TEST_NODE
// names a newer node; CI runs it in its Node 24 pass.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, spanTree } from '../harness/app-harness.mjs';
import { startCollector } from '../harness/collector.mjs';
import { runChild } from '../harness/run-child.mjs';
import { PLAIN_TEXT, startFakeClaudeApi } from '../harness/fake-claude-api.mjs';

const TOO_OLD = Number(process.versions.node.split('.')[0]) < 22 && !process.env.CATALYST_TEST_NODE;
const FIXTURE = join(ROOT, 'test/fixtures-packages/claude');
const APP = join(FIXTURE, 'apps/claude-cli.mjs');
const OK = 1;
const ERROR = 2;
/** text, json, stream-json, shell, CLAUDE_BIN, failing, explicit, execFileSync, execSync, spawnSync */
const RUNS = 10;

describe.skipIf(TOO_OLD)('Claude Code CLI under the preload', () => {
  /** @type {any} */ let api;
  /** @type {any} */ let collector;
  /** @type {string} */ let home;
  /** @type {any} */ let traced;
  /** @type {any} */ let baseline;
  const dist = process.env.CATALYST_TEST_DIST ?? join(ROOT, 'dist');

  /** @param {'import' | 'none'} preload @param {Record<string, string>} [extraEnv] @param {number} [spans] */
  async function run(preload, extraEnv = {}, spans = RUNS) {
    collector.reset();
    const result = await runChild({
      script: APP,
      preload,
      registerPath: preload === 'none' ? undefined : join(dist, 'esm/register.mjs'),
      cwd: home,
      timeoutMs: 90_000,
      env: {
        HOME: home,
        CLAUDE_BIN: join(home, 'cc-bin'),
        EXPLICIT: '1',
        ANTHROPIC_BASE_URL: api.url,
        ANTHROPIC_API_KEY: 'sk-ant-dummy-key',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_AUTOUPDATER: '1',
        CATALYST_OTLP_ENDPOINT: collector.url,
        CATALYST_DIST: dist,
        ...extraEnv,
      },
    });
    expect(result.code, result.stderr).toBe(0);
    if (preload !== 'none') await collector.waitForSpans(spans, 5000);
    else await new Promise((r) => setTimeout(r, 100));
    const line = result.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    expect(line, result.stdout + result.stderr).toBeDefined();
    return { out: JSON.parse(line.slice(7)), spans: collector.spans.slice(), stderr: result.stderr };
  }

  beforeAll(async () => {
    execFileSync(process.execPath, [join(ROOT, 'scripts/install-test-fixtures.mjs'), 'claude'], { stdio: 'inherit', env: { ...process.env, CATALYST_TEST_NODE: process.env.CATALYST_TEST_NODE ?? process.execPath } });
    api = await startFakeClaudeApi();
    collector = await startCollector();
    home = mkdtempSync(join(tmpdir(), 'catalyst-claude-cli-'));
    // A link to the binary under a name that is not `claude`: only $CLAUDE_BIN says what it is.
    symlinkSync(join(FIXTURE, 'node_modules/@anthropic-ai/claude-code/bin/claude.exe'), join(home, 'cc-bin'));
    baseline = await run('none');
    traced = await run('import');
  }, 300_000);
  afterAll(async () => {
    await api?.close();
    await collector?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  const agents = () => traced.spans.filter((/** @type {any} */ s) => s.name === 'claude-code.invocation');

  it('leaves what the app sees as without the agent: stdout, exit codes, promisified results, other commands', () => {
    expect(baseline.spans).toHaveLength(0);
    expect(traced.out).toEqual(baseline.out);
    expect(traced.out.text.stdout.trim()).toBe(PLAIN_TEXT);
    expect(traced.out.json).toEqual({ keys: ['stderr', 'stdout'], type: 'result' });
    expect(traced.out.fail).toEqual({ code: 1, isError: true });
    expect(traced.out.echo).toBe('not claude\n');
    expect(traced.out.execFileSync).toBe(PLAIN_TEXT);
    expect(traced.out.execSync).toBe(true);
    expect(traced.out.spawnSync).toEqual({ status: 0, stdout: `${PLAIN_TEXT}\n` });
  });

  it('one AGENT span per invocation, in every output format, with the prompt, the result text, session, usage and cost', () => {
    const tree = spanTree(traced.spans);
    expect(agents(), tree).toHaveLength(RUNS);
    expect(traced.spans, tree).toHaveLength(RUNS);
    const ok = agents().filter((/** @type {any} */ s) => s.status.code === OK);
    expect(ok, tree).toHaveLength(RUNS - 1);
    for (const s of agents()) {
      expect(s.attributes['openinference.span.kind']).toBe('AGENT');
      expect(s.attributes['llm.system']).toBe('anthropic');
    }
    const byPrompt = (/** @type {string} */ p) => agents().filter((/** @type {any} */ s) => s.attributes['input.value'] === p);
    expect(byPrompt('Say hello')).toHaveLength(8);
    for (const s of byPrompt('Say hello')) expect(s.attributes['output.value'], JSON.stringify(s.attributes)).toBe(PLAIN_TEXT);
    expect(byPrompt('Say hello from CLAUDE_BIN')).toHaveLength(1);
    // json and stream-json carry the result line: session, usage (input 21 + cache 4 + 2), cost, model.
    const withUsage = agents().filter((/** @type {any} */ s) => s.attributes['llm.token_count.prompt'] !== undefined && s.status.code === OK);
    expect(withUsage.length, tree).toBeGreaterThanOrEqual(3);
    for (const s of withUsage) {
      expect(s.attributes).toMatchObject({ 'llm.token_count.prompt': 27, 'llm.token_count.completion': 9, 'llm.token_count.total': 36, 'llm.token_count.prompt_details.cache_read': 4 });
      expect(s.attributes['session.id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(s.attributes['llm.cost.total']).toBeGreaterThan(0);
      expect(s.attributes['llm.model_name']).toEqual(expect.any(String));
    }
  });

  it('a failing run is ERROR with the exit code and the reason', () => {
    const failed = agents().filter((/** @type {any} */ s) => s.status.code === ERROR);
    expect(failed).toHaveLength(1);
    expect(failed[0].attributes['input.value']).toBe('Please FAIL now.');
    expect(failed[0].status.message).toMatch(/^claude exited with code 1: .*fake refuses/);
  });

  it('the documented explicit agentSpan around execFile stays the one AGENT span, and gets the output', () => {
    const explicit = agents().filter((/** @type {any} */ s) => s.attributes['agent.name'] === 'ClaudeCode' && !s.parentSpanId);
    expect(explicit.length).toBe(RUNS);
    const withChildren = agents().filter((/** @type {any} */ s) => traced.spans.some((/** @type {any} */ c) => c.parentSpanId === s.spanId));
    expect(withChildren).toHaveLength(0);
  });

  it("passes TRACEPARENT: with the CLI's own telemetry on, its spans join the invocation's trace under the AGENT span", async () => {
    const withTelemetry = await run('import', { CLI_OTLP: collector.url }, 3);
    expect(withTelemetry.out.telemetry).toBe(PLAIN_TEXT);
    const tree = spanTree(withTelemetry.spans);
    const agent = withTelemetry.spans.find((/** @type {any} */ s) => s.name === 'claude-code.invocation');
    expect(agent, tree).toBeDefined();
    const cli = withTelemetry.spans.filter((/** @type {any} */ s) => s !== agent);
    expect(cli.length, tree).toBeGreaterThanOrEqual(1);
    for (const s of cli) expect(s.traceId, tree).toBe(agent.traceId);
    expect(cli.some((/** @type {any} */ s) => s.parentSpanId === agent.spanId), tree).toBe(true);
  }, 120_000);
});

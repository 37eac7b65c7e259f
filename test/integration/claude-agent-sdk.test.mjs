// The Claude Agent SDK end to end: the real @anthropic-ai/claude-agent-sdk with
// its bundled Claude Code binary (test/fixtures-packages/claude, installed by
// scripts/install-test-fixtures.mjs), offline against a loopback fake of the
// Messages API, under the preload and with wrapClaudeAgentSdkQuery. The
// binary needs Node 22+: on Node 20 these tests skip unless CATALYST_TEST_NODE
// names a newer node; CI runs them in its Node 24 pass.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, spanTree } from '../harness/app-harness.mjs';
import { startCollector } from '../harness/collector.mjs';
import { runChild } from '../harness/run-child.mjs';
import { FINAL_TEXT, startFakeClaudeApi } from '../harness/fake-claude-api.mjs';

const TOO_OLD = Number(process.versions.node.split('.')[0]) < 22 && !process.env.CATALYST_TEST_NODE;
const APP = join(ROOT, 'test/fixtures-packages/claude/apps/agent-sdk.mjs');
const OK = 1;
const ERROR = 2;
const kind = (/** @type {any} */ s) => s.attributes['openinference.span.kind'];
const ordered = (/** @type {any[]} */ spans) => spans.slice().sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1));

describe.skipIf(TOO_OLD)('Claude Agent SDK', () => {
  /** @type {any} */ let api;
  /** @type {any} */ let collector;
  /** @type {string} */ let home;
  const dist = process.env.CATALYST_TEST_DIST ?? join(ROOT, 'dist');

  beforeAll(async () => {
    execFileSync(process.execPath, [join(ROOT, 'scripts/install-test-fixtures.mjs'), 'claude'], { stdio: 'inherit', env: { ...process.env, CATALYST_TEST_NODE: process.env.CATALYST_TEST_NODE ?? process.execPath } });
    api = await startFakeClaudeApi();
    collector = await startCollector();
    home = mkdtempSync(join(tmpdir(), 'catalyst-claude-'));
  }, 300_000);
  afterAll(async () => {
    await api?.close();
    await collector?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  /** @param {string} scenario @param {{ preload?: 'import' | 'require' | 'none', spans?: number, env?: Record<string, string>, app?: string }} [o] */
  async function run(scenario, { preload = 'import', spans = 0, env = {}, app = APP } = {}) {
    collector.reset();
    const result = await runChild({
      script: app,
      preload,
      registerPath: preload === 'none' ? undefined : join(dist, preload === 'require' ? 'register.js' : 'esm/register.mjs'),
      cwd: home,
      timeoutMs: 60_000,
      env: {
        SCENARIO: scenario,
        HOME: home,
        ANTHROPIC_BASE_URL: api.url,
        ANTHROPIC_API_KEY: 'sk-ant-dummy-key',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_AUTOUPDATER: '1',
        CATALYST_OTLP_ENDPOINT: collector.url,
        CATALYST_DIST: dist,
        ...env,
      },
    });
    expect(result.code, `${scenario} exited with ${result.code}\n${result.stderr}`).toBe(0);
    if (spans > 0) await collector.waitForSpans(spans, 5000);
    else await new Promise((r) => setTimeout(r, 100));
    const line = result.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    expect(line, result.stdout + result.stderr).toBeDefined();
    return { ...result, out: JSON.parse(line.slice(7)), spans: collector.spans.slice() };
  }

  it('traces a query loop with an MCP tool: AGENT, LLM per turn, TOOL per use, session and cost; the app sees the same messages', async () => {
    const baseline = await run('tool', { preload: 'none' });
    const traced = await run('tool', { spans: 4 });
    expect(baseline.spans).toHaveLength(0);
    expect(traced.out.tool.seen).toEqual(baseline.out.tool.seen);
    expect(traced.out.tool.result).toEqual({ subtype: 'success', is_error: false, result: FINAL_TEXT });
    expect(traced.out.tool.keys).toEqual(baseline.out.tool.keys);
    // The app's own hook still runs, once per tool use.
    expect(traced.out.hookCalls).toEqual(['PreToolUse mcp__weather__get_weather']);
    expect(traced.out.hookCalls).toEqual(baseline.out.hookCalls);

    const tree = spanTree(traced.spans);
    expect(traced.spans, tree).toHaveLength(4);
    const agent = traced.spans.find((s) => kind(s) === 'AGENT');
    expect(agent.name).toBe('ClaudeAgentSDK.query');
    expect(agent.parentSpanId ?? '').toBe('');
    const children = ordered(traced.spans.filter((s) => s.parentSpanId === agent.spanId));
    expect(children.map((s) => `${kind(s)} ${s.name}`), tree).toEqual(['LLM ClaudeAgentSDK.turn', 'TOOL mcp__weather__get_weather', 'LLM ClaudeAgentSDK.turn']);
    const sessionId = agent.attributes['session.id'];
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    for (const s of traced.spans) expect(s.attributes['session.id'], s.name).toBe(sessionId);
    expect(agent.attributes).toMatchObject({
      'input.value': 'What is the weather in Paris?',
      'output.value': FINAL_TEXT,
      'llm.system': 'anthropic',
      'llm.model_name': expect.any(String),
      // Two model calls of the fake's usage (input 21, cache read 4, cache write 2, output 9) each.
      'llm.token_count.prompt': 54,
      'llm.token_count.prompt_details.cache_read': 8,
      'llm.token_count.prompt_details.cache_write': 4,
      'llm.token_count.completion': 18,
      'llm.token_count.total': 72,
      'llm.cost.total': expect.any(Number),
    });
    expect(agent.attributes['llm.cost.total']).toBeGreaterThan(0);
    expect(agent.status.code).toBe(OK);

    const [first, tool, second] = children;
    expect(first.attributes).toMatchObject({
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.content': 'Let me check.',
      'llm.output_messages.0.message.tool_calls.0.tool_call.id': 'toolu_fake01',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'mcp__weather__get_weather',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': '{"city":"Paris"}',
      'llm.token_count.prompt': 27,
    });
    expect(second.attributes['llm.output_messages.0.message.content']).toBe(FINAL_TEXT);
    expect(tool.attributes).toMatchObject({
      'tool.name': 'mcp__weather__get_weather',
      'tool_call.id': 'toolu_fake01',
      'input.value': '{"city":"Paris"}',
      'output.value': '18 degrees in Paris',
    });
    expect(tool.status.code).toBe(OK);
    // In the order they happened, inside the loop.
    expect(BigInt(first.endTimeUnixNano) <= BigInt(tool.startTimeUnixNano)).toBe(true);
    expect(BigInt(tool.endTimeUnixNano) <= BigInt(second.endTimeUnixNano)).toBe(true);
  }, 120_000);

  it('marks a loop whose model call fails ERROR with the reason; the app sees the same messages', async () => {
    const baseline = await run('fail', { preload: 'none' });
    const traced = await run('fail', { spans: 1 });
    expect(traced.out.fail).toEqual(baseline.out.fail);
    expect(traced.out.fail.result?.is_error).toBe(true);
    const agents = traced.spans.filter((s) => kind(s) === 'AGENT');
    expect(agents, spanTree(traced.spans)).toHaveLength(1);
    expect(agents[0].status.code).toBe(ERROR);
    expect(agents[0].status.message).toContain('fake refuses');
    expect(agents[0].attributes['input.value']).toBe('Please FAIL now.');
  }, 120_000);

  it('wrapClaudeAgentSdkQuery inside agentSpan: a direct child of the caller span; under the preload one span, not two', async () => {
    const traced = await run('wrapped', { spans: 5 });
    expect(traced.out.sameFunction).toBe(true);
    const tree = spanTree(traced.spans);
    const agents = traced.spans.filter((s) => s.name === 'ClaudeAgentSDK.query');
    expect(agents, tree).toHaveLength(1);
    const outer = traced.spans.find((s) => s.name === 'outer');
    expect(agents[0].parentSpanId).toBe(outer.spanId);
    expect(agents[0].traceId).toBe(outer.traceId);
    expect(agents[0].attributes['user.id']).toBe('user-1');
    expect(traced.spans, tree).toHaveLength(5);
  }, 120_000);

  it('wrapClaudeAgentSdkQuery without the preload (setup() only) traces the loop', async () => {
    const traced = await run('explicit', { preload: 'none', spans: 5 });
    expect(traced.out.sameFunction).toBe(false);
    const tree = spanTree(traced.spans);
    const agents = traced.spans.filter((s) => s.name === 'ClaudeAgentSDK.query');
    expect(agents, tree).toHaveLength(1);
    const outer = traced.spans.find((s) => s.name === 'outer');
    expect(agents[0].parentSpanId).toBe(outer.spanId);
    expect(traced.out.wrapped.result.result).toBe(FINAL_TEXT);
  }, 120_000);

  it("passes TRACEPARENT to the binary: with its own telemetry on, its spans nest under the loop's AGENT span", async () => {
    const traced = await run('telemetry', { spans: 3, env: { CLI_OTLP: collector.url } });
    expect(traced.out.telemetry.result.result).toBe('Hello from the fake.');
    const tree = spanTree(traced.spans);
    const agent = traced.spans.find((s) => s.name === 'ClaudeAgentSDK.query');
    const cli = traced.spans.filter((s) => s.name.startsWith('claude_code.'));
    expect(cli.length, tree).toBeGreaterThanOrEqual(1);
    for (const s of cli) expect(s.traceId, tree).toBe(agent.traceId);
    expect(cli.some((s) => s.parentSpanId === agent.spanId), tree).toBe(true);
  }, 120_000);

  it('a CommonJS app that require()s the ESM-only SDK (require(esm)) is traced the same way', async () => {
    const traced = await run('cjs', { preload: 'require', spans: 2, app: join(ROOT, 'test/fixtures-packages/claude/apps/agent-sdk-cjs.cjs') });
    expect(traced.out.seen).toEqual(['system', 'assistant', 'result']);
    const tree = spanTree(traced.spans);
    expect(traced.spans.map((s) => `${kind(s)} ${s.name}`).sort(), tree).toEqual(['AGENT ClaudeAgentSDK.query', 'LLM ClaudeAgentSDK.turn']);
    const agent = traced.spans.find((s) => kind(s) === 'AGENT');
    expect(agent.status.code).toBe(OK);
    expect(agent.attributes['output.value']).toBe('Hello from the fake.');
  }, 120_000);

  it('a loop the app aborts is ERROR with the abort; the app sees the same messages and error', async () => {
    const baseline = await run('abort', { preload: 'none' });
    const traced = await run('abort', { spans: 1 });
    expect(traced.out.abort).toEqual(baseline.out.abort);
    expect(traced.out.abort.threw, JSON.stringify(traced.out)).toBeDefined();
    const agents = traced.spans.filter((s) => kind(s) === 'AGENT');
    expect(agents, spanTree(traced.spans)).toHaveLength(1);
    expect(agents[0].status.code, JSON.stringify({ out: traced.out, span: agents[0] })).toBe(ERROR);
    const exception = agents[0].events.find((e) => e.name === 'exception');
    // The SDK's AbortError is a minified class whose name is "Error": the message says what happened.
    expect(exception?.attributes['exception.message']).toMatch(/abort/i);
    expect(agents[0].status.message).toMatch(/abort/i);
  }, 120_000);
});

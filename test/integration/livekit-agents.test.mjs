// LiveKit Agents end to end: a text-only AgentSession (no room, no LiveKit
// server) with the OpenAI plugin against the loopback fake provider, one tool
// that answers and one that throws, run by spawned ESM and CJS apps from the
// fixture package test/fixtures-packages/livekit (installed by
// scripts/install-test-fixtures.mjs: ~290 MB with native binaries). Every
// assertion is on spans the collector received from a child, or that an app's
// own provider received. The package is tested on Node 22+: on Node 20 this
// skips unless CATALYST_TEST_NODE names a newer node; CI runs it in its Node 24 pass.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, spanTree, useAppHarness } from '../harness/app-harness.mjs';
import { cleanEnv } from '../harness/run-child.mjs';

const TOO_OLD = Number(process.versions.node.split('.')[0]) < 22 && !process.env.CATALYST_TEST_NODE;
const APP = '../../fixtures-packages/livekit/apps/livekit-agent.mjs';
const APP_CJS = '../../fixtures-packages/livekit/apps/livekit-agent.cjs';
const KEY = 'sk-livekit-test-secret-0123456789';
const TURN = [
  'agent_turn [CHAIN]',
  '  llm_node [LLM]',
  '    llm_request [LLM]',
  '      llm_request_run [LLM]',
  '  function_tool [TOOL]',
  '  function_tool [TOOL]',
  'agent_turn [CHAIN]',
  '  llm_node [LLM]',
  '    llm_request [LLM]',
  '      llm_request_run [LLM]',
  '  agent_speaking [CHAIN]',
];
const SESSION = [
  'agent_session [AGENT]',
  '  start_agent_activity [CHAIN]',
  '    on_enter [CHAIN]',
  ...TURN.map((l) => `  ${l}`),
  '  drain_agent_activity [CHAIN]',
  '    on_exit [CHAIN]',
  '  user_turn [CHAIN]',
  '    eou_detection [CHAIN]',
];
const TREE = SESSION.join('\n');
const SPANS = SESSION.length;
const ERROR = 2;

const { runApp } = useAppHarness({ name: 'livekit-agents' });

beforeAll(() => {
  if (TOO_OLD) return;
  execFileSync(process.execPath, [join(ROOT, 'scripts/install-test-fixtures.mjs'), 'livekit'], { cwd: ROOT, stdio: 'inherit' });
}, 300_000);

const named = (/** @type {any[]} */ spans, /** @type {string} */ name) => spans.filter((s) => s.name === name);

function assertSession(/** @type {any} */ r) {
  const { spans } = r;
  expect(spanTree(spans)).toBe(TREE);
  expect(r.line('RESULT')).toEqual({ events: ['function_call', 'function_call_output', 'function_call', 'function_call_output', 'message'] });
  // One trace, the session at its root.
  expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
  expect(JSON.stringify(spans)).not.toContain(KEY);
  // Converted: none of LiveKit's keys is left (lk.pii.* and gen_ai.*.messages would bypass the privacy switches).
  for (const s of spans) for (const k of Object.keys(s.attributes)) expect(k, s.name).not.toMatch(/^(lk|gen_ai|langfuse)\./);

  // The plugin's openai call is folded into LiveKit's request: two model calls, no OpenAI span.
  expect(r.requests).toHaveLength(2);
  expect(spans.filter((s) => s.name.startsWith('OpenAI'))).toEqual([]);
  const [first, second] = named(spans, 'llm_request');
  expect(first.attributes).toMatchObject({
    'llm.model_name': 'gpt-4o-mini',
    'llm.input_messages.0.message.role': 'system',
    'llm.input_messages.0.message.content': 'You are a concierge.',
    'llm.input_messages.1.message.content': 'Weather in Paris, and book Chez Nous?',
    'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'get_weather',
    'llm.output_messages.0.message.tool_calls.1.tool_call.function.name': 'book_table',
    'llm.tools.0.tool.json_schema': expect.stringContaining('get_weather'),
    'llm.token_count.prompt': 120,
    'llm.token_count.completion': 31,
    'llm.token_count.total': 151,
  });
  expect(second.attributes).toMatchObject({
    'llm.input_messages.3.message.role': 'tool',
    'llm.input_messages.3.message.content': 'sunny in Paris',
    'llm.output_messages.0.message.content': "It's sunny in Paris; the booking failed.",
    'llm.token_count.total': 199,
    'llm.token_count.prompt_details.cache_read': 64,
  });
  expect(JSON.parse(second.attributes.metadata)['gen_ai.response.time_to_first_chunk']).toBeGreaterThan(0);
  // Token counts on the request only, so a trace's total is not counted twice.
  const counted = spans.filter((s) => s.attributes['llm.token_count.total'] !== undefined);
  expect(counted.map((s) => s.name)).toEqual(['llm_request', 'llm_request']);

  const [weather, booking] = named(spans, 'function_tool');
  expect(weather.attributes).toMatchObject({ 'tool.name': 'get_weather', 'tool_call.id': 'call_Weather4fGh7kL2mN9pQ1r', 'input.value': '{"location":"Paris"}', 'output.value': '"sunny in Paris"' });
  expect(weather.status.code).not.toBe(ERROR);
  expect(booking.attributes).toMatchObject({ 'tool.name': 'book_table', 'tool_call.id': 'call_Explode8vWx2yZ5aB1cD4e', 'input.value': '{"restaurant":"Chez Nous"}', 'output.value': 'An internal error occurred' });
  expect(booking.status.code).toBe(ERROR);
  expect(named(spans, 'agent_turn')[0].attributes['input.value']).toBe('Weather in Paris, and book Chez Nous?');
  return spans;
}

describe.skipIf(TOO_OLD)('LiveKit Agents, through its own telemetry', () => {
  it('ESM under the preload: the session an AGENT span over its turns, LLM requests and tools', async () => {
    const r = await runApp(APP, { spans: SPANS, timeoutMs: 60_000 });
    const spans = assertSession(r);
    expect(named(spans, 'agent_session')[0].attributes['agent.name']).toBe('default_agent');
    expect(r.stderr).not.toMatch(/PII redaction|Unable to/);
  });

  it('CJS under the preload', async () => {
    assertSession(await runApp(APP_CJS, { spans: SPANS, timeoutMs: 60_000 }));
  });

  it('instrumentLiveKitAgents(agents) without the preload (ESM and CJS)', async () => {
    for (const app of [APP, APP_CJS]) {
      const r = await runApp(app, { preload: 'none', env: { EXPLICIT: '1' }, spans: SPANS, timeoutMs: 60_000 });
      expect(r.line('INSTALLED')).toBe(true);
      assertSession(r);
    }
  });

  it('a session started inside agentSpan carries its identity', async () => {
    const r = await runApp(APP, { env: { AGENT_SPAN: '1' }, spans: SPANS + 1, timeoutMs: 60_000 });
    expect(spanTree(r.spans)).toBe(['concierge [AGENT]', ...SESSION.map((l) => `  ${l}`)].join('\n'));
    for (const s of r.spans) expect(s.attributes, s.name).toMatchObject({ 'agent.name': 'concierge', 'agent.id': 'agent-7', 'session.id': 'sess-42' });
  });

  it('the privacy switches apply to LiveKit content, and so does LiveKit\'s own LIVEKIT_TELEMETRY_ALLOW_PII=false', async () => {
    for (const env of [{ OPENINFERENCE_HIDE_INPUTS: 'true', OPENINFERENCE_HIDE_OUTPUTS: 'true' }, { LIVEKIT_TELEMETRY_ALLOW_PII: 'false' }]) {
      const r = await runApp(APP, { env, spans: SPANS, timeoutMs: 60_000 });
      expect(spanTree(r.spans)).toBe(TREE);
      const text = JSON.stringify(r.spans);
      for (const content of ['Chez Nous', 'Paris', 'concierge', 'booking failed']) expect(text, JSON.stringify(env)).not.toContain(content);
      expect(named(r.spans, 'function_tool')[1].attributes['tool.name']).toBe('book_table');
    }
  });

  it('with the integration off, only the two bare OpenAI spans the plugin\'s client makes remain', async () => {
    const r = await runApp(APP, { env: { CATALYST_DISABLED_INSTRUMENTATIONS: 'livekit-agents' }, spans: 2, timeoutMs: 60_000 });
    expect(spanTree(r.spans)).toBe('OpenAI Chat Completions [LLM]\nOpenAI Chat Completions [LLM]');
  });

  it('installLiveKitAgentsInstrumentation(provider): the app\'s provider receives the converted spans', async () => {
    const r = await runApp('../../fixtures-packages/livekit/apps/livekit-own-provider.cjs', { preload: 'none', timeoutMs: 60_000 });
    const spans = r.line('SPANS');
    expect(spans.map((s) => `${s.name} [${s.kind}]`).sort()).toEqual(SESSION.map((l) => l.trim()).sort());
    const booking = spans.filter((s) => s.name === 'function_tool')[1];
    expect(booking.attributes).toMatchObject({ 'tool.name': 'book_table', 'output.value': 'An internal error occurred' });
    expect(booking.status).toBe(ERROR);
    for (const s of spans) for (const k of Object.keys(s.attributes)) expect(k, s.name).not.toMatch(/^(lk|gen_ai)\./);
    expect(r.spans).toEqual([]);
  });
});

describe('an app that does not use LiveKit loads nothing of it', () => {
  const store = mkdtempSync(join(tmpdir(), 'catalyst-livekit-'));
  afterAll(() => rmSync(store, { recursive: true, force: true }));

  it('under the preload, an openai app: no LiveKit patch or calls file, no @livekit module', () => {
    const dist = process.env.CATALYST_TEST_DIST ?? join(ROOT, '.cache/dist-test-livekit-agents');
    const script = `require('openai'); console.log(JSON.stringify(Object.keys(require.cache).filter((f) => /@livekit|livekit-agents/.test(f))))`;
    const out = execFileSync(process.env.CATALYST_TEST_NODE || process.execPath, ['--require', join(dist, 'register.js'), '-e', script], {
      cwd: ROOT,
      env: { ...cleanEnv(), CATALYST_TRACES_DIR: store },
      timeout: 30_000,
    });
    expect(JSON.parse(String(out).trim().split('\n').pop())).toEqual([]);
  });
});

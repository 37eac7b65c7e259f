// The OpenAI Agents SDK integration end to end: spawned ESM and CJS apps under
// the preload (and under setup() / the subpath helper) run real agents from
// @openai/agents against the fake provider, in Responses and Chat Completions
// modes; every assertion is on spans the collector received from a child.
// The SDK calls `openai`, which we also patch: each model call must give one
// LLM span, nested under its agent.
import { describe, expect, it } from 'vitest';
import { spanTree, useAppHarness } from '../harness/app-harness.mjs';

const KEY = 'sk-agents-integration-secret-0123456789';
const { runApp } = useAppHarness({ name: 'openai-agents' });

const kind = (/** @type {any} */ s) => s.attributes['openinference.span.kind'];
const byName = (/** @type {any[]} */ spans, /** @type {string} */ name) => spans.filter((s) => s.name === name);
const one = (/** @type {any[]} */ spans, /** @type {string} */ name) => {
  const found = byName(spans, name);
  expect(found.map((s) => s.name), `spans named ${name}`).toHaveLength(1);
  return found[0];
};
/** The spans of the tree rooted at `root` (root included). */
function subtree(/** @type {any[]} */ spans, /** @type {any} */ root) {
  const out = [root];
  for (let i = 0; i < out.length; i++) out.push(...spans.filter((s) => s.parentSpanId === out[i].spanId));
  return out;
}
const end = (/** @type {any} */ s) => BigInt(s.endTimeUnixNano);

/** The tree of every scenario, with the model-call span named `llm`. */
function expectedTree(/** @type {string} */ llm, { toolCalls = 1, streamToolCalls = 1 } = {}) {
  const tool = ['    get_weather [TOOL]', '      lookup-weather [RETRIEVER]'];
  return [
    'scenario-tool [CHAIN]',
    '  weather_agent [AGENT]',
    `    ${llm} [LLM]`,
    ...Array.from({ length: toolCalls }, () => tool).flat(),
    `    ${llm} [LLM]`,
    'support-bot [AGENT]',
    '  triage [AGENT]',
    `    ${llm} [LLM]`,
    '    handoff to weather_specialist [CHAIN]',
    '    weather_specialist [AGENT]',
    `      ${llm} [LLM]`,
    'scenario-guardrail [CHAIN]',
    '  guarded_agent [AGENT]',
    '    no_homework [CHAIN]',
    'scenario-stream [CHAIN]',
    '  weather_agent [AGENT]',
    `    ${llm} [LLM]`,
    ...Array.from({ length: streamToolCalls }, () => tool).flat(),
    `    ${llm} [LLM]`,
    'scenario-error [CHAIN]',
    '  weather_specialist [AGENT]',
    `    ${llm} [LLM]`,
  ].join('\n');
}
const lineCount = (/** @type {string} */ tree) => tree.split('\n').length;

/** What every mode shares: identity, handoff nesting, guardrail, error, no secret, one LLM span per model call. */
function assertCommon(/** @type {any} */ r, /** @type {string} */ llmName) {
  const { spans, requests } = r;
  expect(spans.filter((s) => kind(s) === 'LLM'), 'one LLM span per model call').toHaveLength(requests.length);
  expect(JSON.stringify(spans)).not.toContain(KEY);

  // A run outside any app span: the SDK trace is the root; its group id is the session of every span.
  const toolRoot = one(spans, 'scenario-tool');
  expect(toolRoot.attributes['openai_agents.trace_id']).toMatch(/^trace_/);
  expect(toolRoot.attributes['openai_agents.group_id']).toBe('conv-42');
  for (const s of subtree(spans, toolRoot)) expect(s.attributes['session.id'], s.name).toBe('conv-42');
  const toolSpan = subtree(spans, toolRoot).find((s) => s.name === 'get_weather');
  expect(toolSpan.attributes['tool.name']).toBe('get_weather');
  expect(JSON.parse(toolSpan.attributes['input.value'])).toEqual({ location: 'Paris, France', unit: 'celsius' });
  expect(toolSpan.attributes['output.value']).toBe('18 degrees celsius in Paris, France');
  for (const s of subtree(spans, toolRoot).filter((x) => kind(x) === 'LLM')) expect(s.attributes['agent.name']).toBe('weather_agent');

  // Inside an agentSpan: its session and user reach every SDK span; each LLM span names its own agent.
  const bot = one(spans, 'support-bot');
  for (const s of subtree(spans, bot)) {
    expect(s.attributes['session.id'], s.name).toBe('session-7');
    expect(s.attributes['user.id'], s.name).toBe('user-3');
  }
  const triage = one(spans, 'triage');
  const specialist = subtree(spans, triage).find((s) => s.name === 'weather_specialist');
  expect(specialist.parentSpanId, 'the handoff target nests under the agent that handed off').toBe(triage.spanId);
  expect(end(triage) >= end(specialist), 'the delegating agent covers its delegate').toBe(true);
  const [triageLlm, specialistLlm] = subtree(spans, triage).filter((s) => kind(s) === 'LLM');
  expect(triageLlm.attributes['agent.name']).toBe('triage');
  expect(specialistLlm.attributes['agent.name']).toBe('weather_specialist');
  expect(triageLlm.attributes['llm.output_messages.0.message.tool_calls.0.tool_call.function.name']).toBe('transfer_to_weather_specialist');
  const handoff = one(spans, 'handoff to weather_specialist');
  expect(handoff.attributes).toMatchObject({ 'openai_agents.handoff.from_agent': 'triage', 'openai_agents.handoff.to_agent': 'weather_specialist' });

  // The guardrail trips: recorded on its span; the agent and the run fail with the SDK's error.
  const guard = one(spans, 'no_homework');
  expect(guard.attributes['openai_agents.guardrail.triggered']).toBe(true);
  expect(guard.status.code).toBe(1);
  const guarded = one(spans, 'guarded_agent');
  expect(guarded.status).toMatchObject({ code: 2 });
  expect(guarded.status.message).toContain('Input guardrail triggered');
  expect(guarded.events.find((e) => e.name === 'exception')?.attributes['exception.type']).toBe('InputGuardrailTripwireTriggered');
  expect(one(spans, 'scenario-guardrail').status.code).toBe(2);

  // Streamed run: the streamed answer is assembled on the last LLM span.
  const streamLlms = subtree(spans, one(spans, 'scenario-stream')).filter((s) => kind(s) === 'LLM');
  expect(streamLlms.at(-1).attributes['llm.output_messages.0.message.content']).toBe('The capital of France is Paris.');

  // A model error: the LLM span, its agent and the run are marked; the app got the SDK's error.
  const errorTree = subtree(spans, one(spans, 'scenario-error'));
  for (const s of errorTree) expect(s.status.code, s.name).toBe(2);
  expect(errorTree.find((s) => s.name === llmName).events.some((e) => e.name === 'exception')).toBe(true);
  expect(r.line('RESULT').error).toEqual({ name: 'InternalServerError', status: 500, isApiError: true });
}

describe('OpenAI Agents SDK, Responses API (ESM app)', () => {
  const tree = expectedTree('OpenAI Responses');
  it('traces agents, tools, handoffs, guardrails, streams and errors; the openai patch makes the one LLM span per call', async () => {
    const r = await runApp('openai-agents-esm.mjs', { spans: lineCount(tree) });
    expect(spanTree(r.spans)).toBe(tree);
    assertCommon(r, 'OpenAI Responses');
    // The LLM spans are the openai patch's: the exact request (request model name, invocation parameters).
    for (const s of r.spans.filter((x) => kind(x) === 'LLM')) {
      expect(s.attributes['llm.request.model_name']).toBe('gpt-4o-mini');
      expect(s.attributes['openai_agents.span_type']).toBeUndefined();
    }
    // Same results as without tracing.
    const plain = await runApp('openai-agents-esm.mjs', { preload: 'none' });
    expect(r.line('RESULT')).toEqual(plain.line('RESULT'));
    expect(r.stderr).not.toContain('catalyst');
  });

  it('with the openai integration off, the SDK span data makes the same LLM spans', async () => {
    const r = await runApp('openai-agents-esm.mjs', { env: { CATALYST_DISABLED_INSTRUMENTATIONS: 'openai' }, spans: lineCount(tree) });
    expect(spanTree(r.spans)).toBe(tree);
    assertCommon(r, 'OpenAI Responses');
    const [toolCall, answer] = subtree(r.spans, one(r.spans, 'scenario-tool')).filter((s) => kind(s) === 'LLM');
    expect(toolCall.attributes).toMatchObject({
      'openai_agents.span_type': 'response',
      'llm.model_name': 'o4-mini-2025-04-16',
      'llm.input_messages.0.message.role': 'user',
      'llm.input_messages.0.message.content': 'Weather in Paris?',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'get_weather',
      'llm.token_count.total': 413,
    });
    expect(toolCall.attributes['llm.tools.0.tool.json_schema']).toContain('get_weather');
    expect(answer.attributes['llm.output_messages.0.message.content']).toBe('The capital of France is Paris.');
  });
});

describe('OpenAI Agents SDK, Chat Completions (CJS app)', () => {
  // chat-tool-call.sse asks for two tool calls.
  const tree = expectedTree('OpenAI Chat Completions', { streamToolCalls: 2 });
  it('traces the same scenarios through the CJS build and chat completions', async () => {
    const r = await runApp('openai-agents-cjs.cjs', { preload: 'require', env: { API_MODE: 'chat' }, spans: lineCount(tree) });
    expect(spanTree(r.spans)).toBe(tree);
    assertCommon(r, 'OpenAI Chat Completions');
    expect(r.spans.filter((s) => kind(s) === 'LLM').every((s) => s.attributes['llm.request.model_name'] === 'gpt-4o-mini')).toBe(true);
    const plain = await runApp('openai-agents-cjs.cjs', { preload: 'none', env: { API_MODE: 'chat' } });
    expect(r.line('RESULT')).toEqual(plain.line('RESULT'));
  });

  it('with the openai integration off, generation spans carry messages, completion and usage', async () => {
    const r = await runApp('openai-agents-cjs.cjs', { preload: 'require', env: { API_MODE: 'chat', CATALYST_DISABLED_INSTRUMENTATIONS: 'openai' }, spans: lineCount(tree) });
    expect(spanTree(r.spans)).toBe(tree);
    assertCommon(r, 'OpenAI Chat Completions');
    const [toolCall] = subtree(r.spans, one(r.spans, 'scenario-tool')).filter((s) => kind(s) === 'LLM');
    expect(toolCall.attributes).toMatchObject({
      'openai_agents.span_type': 'generation',
      'llm.request.model_name': 'gpt-4o-mini',
      'llm.input_messages.0.message.role': 'system',
      'llm.input_messages.1.message.content': 'Weather in Paris?',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'get_weather',
      'llm.token_count.prompt': 1187,
    });
  });
});

describe('OpenAI Agents SDK switches and set-ups', () => {
  const toolTree = ['scenario-tool [CHAIN]', '  weather_agent [AGENT]', '    OpenAI Responses [LLM]', '    get_weather [TOOL]', '      lookup-weather [RETRIEVER]', '    OpenAI Responses [LLM]'].join('\n');

  it('OPENAI_AGENTS_DONT_LOG_MODEL_DATA / _TOOL_DATA: the provider span gives way to one without content; tool data hidden', async () => {
    const r = await runApp('openai-agents-esm.mjs', {
      env: { SCENARIOS: 'tool', OPENAI_AGENTS_DONT_LOG_MODEL_DATA: '1', OPENAI_AGENTS_DONT_LOG_TOOL_DATA: 'true' },
      spans: lineCount(toolTree),
    });
    expect(spanTree(r.spans)).toBe(toolTree);
    const llms = r.spans.filter((s) => kind(s) === 'LLM');
    expect(llms).toHaveLength(r.requests.length);
    for (const s of llms) {
      expect(s.attributes['openai_agents.span_type']).toBe('response');
      expect(s.attributes['input.value']).toBe('__REDACTED__');
      expect(s.attributes['llm.token_count.total']).toBeGreaterThan(0);
      expect(Object.keys(s.attributes).some((k) => k.startsWith('llm.input_messages') || k.startsWith('llm.output_messages'))).toBe(false);
    }
    const tool = one(r.spans, 'get_weather');
    expect(tool.attributes['input.value']).toBe('__REDACTED__');
    expect(tool.attributes['output.value']).toBe('__REDACTED__');
    expect(JSON.stringify(r.spans)).not.toContain('Weather in Paris?');
  });

  it('OPENAI_AGENTS_DISABLE_TRACING turns the SDK tracing off: provider spans only; under NODE_ENV=test setTracingDisabled(false) turns it on', async () => {
    // NODE_ENV=test switches the SDK's tracing off by the same flag (config.tracing.disabled) as the variable.
    const r = await runApp('openai-agents-esm.mjs', { env: { SCENARIOS: 'tool', OPENAI_AGENTS_DISABLE_TRACING: '1' }, spans: 3 });
    expect(spanTree(r.spans)).toBe(['OpenAI Responses [LLM]', 'lookup-weather [RETRIEVER]', 'OpenAI Responses [LLM]'].join('\n'));
    const forced = await runApp('openai-agents-esm.mjs', { env: { SCENARIOS: 'tool', NODE_ENV: 'test', AGENTS_FORCE_TRACING: '1' }, spans: lineCount(toolTree) });
    expect(spanTree(forced.spans)).toBe(toolTree);
  });

  it("the SDK's default exporter failing offline (OPENAI_API_KEY set) disturbs neither the app nor our spans", async () => {
    /** Runs the tool scenario and returns it with how long the process took to exit once its work was done. */
    const timed = async (/** @type {Record<string, string>} */ env) => {
      const started = Date.now();
      const r = await runApp('openai-agents-esm.mjs', { env: { SCENARIOS: 'tool', OPENAI_API_KEY: KEY, ...env }, spans: lineCount(toolTree) });
      return { ...r, exitMs: started + r.durationMs - r.line('DONE') };
    };
    const r = await timed({});
    expect(spanTree(r.spans)).toBe(toolTree);
    expect(r.line('RESULT').tool).toEqual({ ok: 'The capital of France is Paris.' });
    // The SDK reports its own failure (no network here); nothing of ours complains, no key in a span.
    expect(r.stderr).toMatch(/Tracing/);
    expect(r.stderr).not.toContain('catalyst');
    expect(JSON.stringify(r.spans)).not.toContain(KEY);
    // Its exporter retries at exit (1 s, then 2 s; about 4 s here), under its own 5 s cleanup bound, and
    // our flush runs meanwhile. The bound below only catches a hang: how slow a failing DNS lookup is
    // depends on the machine, and that delay is the SDK's, traced or not.
    expect(r.exitMs).toBeLessThan(10_000);

    // Without the SDK's exporter (setTraceProcessors([]), as an app that exports only through us would do),
    // our processor stays registered, and the exit is prompt.
    const dropped = await timed({ DROP_SDK_EXPORT: '1' });
    expect(spanTree(dropped.spans)).toBe(toolTree);
    expect(dropped.stderr).not.toMatch(/Tracing/);
    expect(dropped.exitMs).toBeLessThan(2000);
    console.log(`exit after the work: ${Math.round(r.exitMs)} ms with the SDK exporter failing offline, ${Math.round(dropped.exitMs)} ms without it`);
  });

  it('setup({ modules: { openai, openaiAgents } }) without the preload', async () => {
    const r = await runApp('openai-agents-setup.mjs', { preload: 'none', env: { SCENARIOS: 'tool' }, spans: lineCount(toolTree) });
    expect(r.line('INSTALL')).toMatchObject({ openai: 'patched', 'openai-agents': 'patched' });
    expect(spanTree(r.spans)).toBe(toolTree);
  });

  it('instrumentOpenAIAgents from the subpath, given the CJS module', async () => {
    const r = await runApp('openai-agents-subpath.cjs', { preload: 'none', env: { SCENARIOS: 'tool' }, spans: lineCount(toolTree) - 1 });
    expect(r.line('INSTRUMENTED')).toBe(true);
    // openai is not patched here: the SDK's own span data makes the LLM spans; no manualSpan in this app.
    expect(spanTree(r.spans)).toBe(toolTree.replace('\n      lookup-weather [RETRIEVER]', ''));
    expect(r.spans.filter((s) => kind(s) === 'LLM').every((s) => s.attributes['openai_agents.span_type'] === 'response')).toBe(true);
  });
});

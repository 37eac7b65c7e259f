// pi-ai end to end: spawned ESM apps call the real @mariozechner/pi-ai against
// the fake provider through hand-built Model objects (openai-completions,
// openai-responses, anthropic-messages), under the preload, after setup(), and
// with instrumentPiAi(namespace). Every assertion is on spans the collector
// received.
import { beforeAll, describe, expect, it } from 'vitest';
import { spanTree, useAppHarness } from '../harness/app-harness.mjs';

const { runApp } = useAppHarness({ name: 'pi-ai' });

const KEY = 'sk-test-pi-ai-secret-0123456789';
const OK = 1;
const ERROR = 2;
/** The scenario's turns (pi-ai-scenario.mjs run()) and the agentSpan around the last. */
const SCENARIO_SPANS = 16;

/** The one span whose model is `id` (each turn of the scenario has its own model id). */
function turn(/** @type {any[]} */ spans, /** @type {string} */ id) {
  const found = spans.filter((s) => s.attributes['llm.model_name'] === id);
  expect(found.map((s) => s.name), `turns of ${id}\n${spanTree(spans)}`).toHaveLength(1);
  return found[0];
}

describe('pi-ai under the preload (ESM app)', () => {
  /** @type {Awaited<ReturnType<typeof runApp>>} */
  let traced;
  /** @type {Awaited<ReturnType<typeof runApp>>} */
  let baseline;

  beforeAll(async () => {
    baseline = await runApp('pi-ai-esm.mjs', { preload: 'none' });
    traced = await runApp('pi-ai-esm.mjs', { spans: SCENARIO_SPANS });
  }, 60_000);

  const attrs = (/** @type {string} */ id) => turn(traced.spans, id).attributes;

  it('leaves every result and stream event as without the agent', () => {
    expect(baseline.spans).toHaveLength(0);
    const result = traced.line('RESULT');
    expect(result).toEqual(baseline.line('RESULT'));
    expect(result.chat.content[0].text).toBe('The capital of France is Paris.');
    expect(result.chatStream.events).toContain('text_delta');
    expect(result.abort.result.stopReason).toBe('aborted');
    expect(result.failed.stopReason).toBe('error');
    expect(traced.stderr).toBe('');
  });

  it('makes each turn exactly one LLM span named after its provider: the bundled openai and anthropic SDK spans are folded in', () => {
    expect(traced.spans, spanTree(traced.spans)).toHaveLength(SCENARIO_SPANS);
    const names = traced.spans.map((s) => s.name).sort();
    expect(names).toEqual([
      ...Array(5).fill('pi-ai.anthropic.turn'),
      'pi-ai.faux-co.turn',
      ...Array(9).fill('pi-ai.openai.turn'),
      'pi-agent',
    ].sort());
    for (const s of traced.spans.filter((x) => x.name !== 'pi-agent')) expect(s.attributes['openinference.span.kind']).toBe('LLM');
    // One request per turn reached the provider (no retries), and every turn's span is a root or the agent's child.
    expect(traced.requests).toHaveLength(14);
  });

  it('records model, provider, api, parameters, prompt, output, tokens and pi-ai\'s cost of a plain openai-completions turn', () => {
    const span = turn(traced.spans, 'pi-chat');
    expect(span.name).toBe('pi-ai.openai.turn');
    expect(span.status.code).toBe(OK);
    const usage = traced.line('RESULT').chat.usage;
    expect(span.attributes).toMatchObject({
      'llm.model_name': 'pi-chat',
      'llm.provider': 'openai',
      'llm.system': 'openai',
      'pi_ai.api': 'openai-completions',
      'pi_ai.provider': 'openai',
      'llm.input_messages.0.message.role': 'system',
      'llm.input_messages.0.message.content': 'Be brief.',
      'llm.input_messages.1.message.role': 'user',
      'llm.input_messages.1.message.content': 'Capital of France?',
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.content': 'The capital of France is Paris.',
      'output.value': 'The capital of France is Paris.',
      'llm.finish_reason': 'stop',
      'llm.response.model_name': 'gpt-4o-mini-2024-07-18',
      'pi_ai.response_id': 'chatcmpl-CatStream3Jd8uPq0Lr5n',
      // pi-ai counts input without the cached tokens; the prompt is what the provider counted.
      'llm.token_count.prompt': usage.input + usage.cacheRead,
      'llm.token_count.prompt_details.cache_read': usage.cacheRead,
      'llm.token_count.completion': usage.output,
      'llm.token_count.total': usage.totalTokens,
      'llm.cost.total': usage.cost.total,
      'llm.cost.completion': usage.cost.output,
      'llm.cost.prompt_details.input': usage.cost.input,
      'llm.cost.prompt_details.cache_read': usage.cost.cacheRead,
    });
    expect(usage.input + usage.cacheRead).toBe(1342);
    expect(JSON.parse(span.attributes['llm.invocation_parameters'])).toEqual({ model: 'pi-chat', temperature: 0.2, maxTokens: 64, maxRetries: 0 });
    expect(JSON.parse(span.attributes['input.value']).systemPrompt).toBe('Be brief.');
  });

  it('traces openai-responses and anthropic-messages turns, plain and streamed, through complete, stream, streamSimple and completeSimple', () => {
    for (const [id, provider] of [['pi-responses', 'openai'], ['pi-anthropic', 'anthropic'], ['pi-chat-stream', 'openai'], ['pi-responses-stream', 'openai'], ['pi-anthropic-stream', 'anthropic']]) {
      const span = turn(traced.spans, id);
      expect(span.name, id).toBe(`pi-ai.${provider}.turn`);
      expect(span.status.code, id).toBe(OK);
      expect(span.attributes['llm.output_messages.0.message.content'], id).toBe('The capital of France is Paris.');
      expect(span.attributes['llm.system'], id).toBe(provider);
    }
    expect(attrs('pi-responses')['pi_ai.api']).toBe('openai-responses');
    expect(attrs('pi-anthropic')['pi_ai.api']).toBe('anthropic-messages');
    expect(JSON.parse(attrs('pi-anthropic-stream')['llm.invocation_parameters']).reasoning).toBe('low');
    // Anthropic prompt caching: input excludes cache reads and writes; the prompt count includes both.
    const simple = attrs('pi-simple');
    const usage = traced.line('RESULT').simple.usage;
    expect(simple).toMatchObject({
      'llm.token_count.prompt': usage.input + usage.cacheRead + usage.cacheWrite,
      'llm.token_count.prompt_details.cache_read': 1800,
      'llm.token_count.prompt_details.cache_write': 248,
      'llm.cost.total': usage.cost.total,
      'llm.cost.prompt_details.cache_write': usage.cost.cacheWrite,
    });
  });

  it('follows a tool round trip: tool calls out, tool results in as tool messages answering their calls', () => {
    const first = attrs('pi-tools');
    expect(first).toMatchObject({
      'llm.finish_reason': 'tool_calls',
      'pi_ai.stop_reason': 'toolUse',
      'llm.output_messages.0.message.tool_calls.0.tool_call.id': 'call_Paris4fGh7kL2mN9pQ1rS3tU',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'get_weather',
      'llm.output_messages.0.message.tool_calls.1.tool_call.id': 'call_Tokyo8vWx2yZ5aB1cD4eF6gH',
    });
    expect(JSON.parse(first['llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments'])).toEqual({ location: 'Paris, France', unit: 'celsius' });
    expect(JSON.parse(first['llm.tools.0.tool.json_schema'])).toMatchObject({ name: 'get_weather', parameters: { required: ['location'] } });
    const second = attrs('pi-tools-after');
    expect(second).toMatchObject({
      'llm.input_messages.2.message.role': 'assistant',
      'llm.input_messages.2.message.tool_calls.1.tool_call.function.name': 'get_weather',
      'llm.input_messages.3.message.role': 'tool',
      'llm.input_messages.3.message.tool_call_id': 'call_Paris4fGh7kL2mN9pQ1rS3tU',
      'llm.input_messages.3.message.name': 'get_weather',
      'llm.input_messages.3.message.content': '18C in Paris, France',
      'llm.input_messages.4.message.tool_call_id': 'call_Tokyo8vWx2yZ5aB1cD4eF6gH',
      'llm.output_messages.0.message.content': "It's 18°C in Paris and 24°C in Tokyo.",
      'llm.finish_reason': 'stop',
    });
  });

  it('ends an aborted turn and a failed turn (pi-ai returns them, it does not throw) as ERROR spans with the error message', () => {
    const aborted = turn(traced.spans, 'pi-abort');
    expect(aborted.status.code).toBe(ERROR);
    expect(aborted.attributes['pi_ai.stop_reason']).toBe('aborted');
    expect(aborted.events.find((e) => e.name === 'exception')?.attributes['exception.type']).toBe('AbortError');
    const failed = turn(traced.spans, 'pi-failed');
    expect(failed.status.code).toBe(ERROR);
    expect(failed.status.message).toContain("Invalid 'messages'");
    expect(failed.attributes['llm.finish_reason']).toBe('error');
    const echoed = turn(traced.spans, 'pi-key-echo');
    expect(echoed.status.code).toBe(ERROR);
    expect(traced.line('RESULT').keyEcho.errorMessage).toContain(KEY);
  });

  it('runs the app\'s getters and toJSON on messages and options exactly as often as without the agent', () => {
    const counts = traced.line('RESULT').accessors;
    expect(counts).toEqual(baseline.line('RESULT').accessors);
    expect(counts.content).toBeGreaterThan(0);
    const span = turn(traced.spans, 'pi-accessors');
    expect(span.status.code).toBe(OK);
    // What is plain data is still recorded; a value behind a getter is left out rather than read again.
    expect(span.attributes['llm.input_messages.0.message.content']).toBe('Be brief.');
    expect(span.attributes['llm.input_messages.1.message.role']).toBe('user');
  });

  it('keeps the API key out of every span, the echoed one included', () => {
    expect(JSON.stringify(traced.spans)).not.toContain(KEY);
  });

  it('traces a provider registered after pi-ai loaded (registerApiProvider), with its thinking kept in output.value', () => {
    const span = turn(traced.spans, 'pi-faux');
    expect(span.name).toBe('pi-ai.faux-co.turn');
    expect(span.status.code).toBe(OK);
    expect(span.attributes['llm.output_messages.0.message.content']).toBe('Paris.');
    expect(JSON.parse(span.attributes['output.value']).content).toEqual([{ type: 'thinking', thinking: 'The capital is Paris.' }, { type: 'text', text: 'Paris.' }]);
    expect(span.attributes['llm.input_messages.0.message.content']).toBe('Be brief.');
  });

  it('nests a turn inside agentSpan under it, with the agent\'s identity', () => {
    const agent = traced.spans.find((s) => s.name === 'pi-agent');
    const inner = turn(traced.spans, 'pi-in-agent');
    expect(inner.parentSpanId).toBe(agent.spanId);
    expect(inner.traceId).toBe(agent.traceId);
    expect(inner.attributes).toMatchObject({ 'agent.id': 'agent-7', 'agent.name': 'pi-agent', 'agent.role': 'planner', 'session.id': 'sess-1' });
  });
});

describe('pi-ai without the preload', () => {
  it('setup() then import: the hooks setup() installs tap pi-ai as it loads', async () => {
    const run = await runApp('pi-ai-setup.mjs', { preload: 'none', spans: 2 });
    expect(run.line('INSTALL')).toMatchObject({ name: 'pi-ai', status: 'patched', version: '0.73.1' });
    expect(run.spans.map((s) => s.name).sort()).toEqual(['pi-ai.anthropic.turn', 'pi-ai.openai.turn']);
    expect(turn(run.spans, 'setup-anthropic').attributes['llm.output_messages.0.message.content']).toBe('The capital of France is Paris.');
    expect(run.line('RESULT').streamed.result.stopReason).toBe('stop');
  }, 30_000);

  it('a CommonJS app that import()s pi-ai under --require is traced the same', async () => {
    const run = await runApp('pi-ai-cjs.cjs', { preload: 'require', spans: 2 });
    expect(run.spans.map((s) => s.name).sort(), spanTree(run.spans)).toEqual(['pi-ai.anthropic.turn', 'pi-ai.openai.turn']);
    expect(turn(run.spans, 'cjs-chat').attributes['llm.output_messages.0.message.content']).toBe('The capital of France is Paris.');
  }, 30_000);

  it('installPiAiInstrumentation(provider): spans go to the app\'s own tracer provider (OpenTelemetry\'s ESM hook)', async () => {
    const run = await runApp('pi-ai-own-provider.mjs', { preload: 'none' });
    expect(run.line('RESULT')).toEqual({ text: 'The capital of France is Paris.', spans: ['LLM pi-ai.anthropic.turn own-anthropic', 'LLM pi-ai.openai.turn own-chat'] });
    expect(run.spans).toHaveLength(0);
  }, 30_000);

  for (const mode of ['instrumentPiAi', 'modules']) {
    it(`pi-ai imported first, then ${mode === 'modules' ? 'setup({ modules })' : 'instrumentPiAi(namespace)'}: registered providers traced, a later one once instrumentPiAi runs again`, async () => {
      const run = await runApp('pi-ai-explicit.mjs', { preload: 'none', spans: 3, env: { PI_AI_EXPLICIT: mode } });
      expect(run.line('RESULT')).toMatchObject({ traced: true, again: true });
      expect(run.spans.map((s) => s.name).sort(), spanTree(run.spans)).toEqual(['pi-ai.anthropic.turn', 'pi-ai.faux-late.turn', 'pi-ai.openai.turn']);
      expect(turn(run.spans, 'late-faux').attributes['llm.output_messages.0.message.content']).toBe('Paris again.');
      expect(turn(run.spans, 'explicit-chat').status.code).toBe(OK);
    }, 30_000);
  }
});

describe('pi-agent-core under the preload (ESM app)', () => {
  /** @type {Awaited<ReturnType<typeof runApp>>} */
  let traced;
  /** @type {Awaited<ReturnType<typeof runApp>>} */
  let baseline;

  beforeAll(async () => {
    baseline = await runApp('pi-agent-esm.mjs', { preload: 'none' });
    traced = await runApp('pi-agent-esm.mjs', { spans: 7 });
  }, 60_000);

  it('leaves the runs, their events and messages as without the agent', () => {
    expect(baseline.spans).toHaveLength(0);
    expect(traced.line('RESULT')).toEqual(baseline.line('RESULT'));
    expect(traced.line('RESULT').events).toContain('tool_execution_end');
    expect(traced.stderr).toBe('');
  });

  it('makes a run one AGENT span with its model turns and tool executions beneath, in order', () => {
    expect(traced.spans, spanTree(traced.spans)).toHaveLength(7);
    const runs = traced.spans.filter((s) => s.name === 'pi-agent.run');
    expect(runs).toHaveLength(2);
    const run = runs.find((s) => s.attributes['input.value'] === 'Weather in Paris and Tokyo?');
    const children = traced.spans
      .filter((s) => s.parentSpanId === run.spanId)
      .sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1))
      .map((s) => `${s.attributes['openinference.span.kind']} ${s.name}`);
    expect(children).toEqual(['LLM pi-ai.openai.turn', 'TOOL get_weather', 'TOOL get_weather', 'LLM pi-ai.openai.turn']);
    expect(run.status.code).toBe(OK);
    expect(run.attributes).toMatchObject({
      'openinference.span.kind': 'AGENT',
      'session.id': 'pi-session-1',
      'input.value': 'Weather in Paris and Tokyo?',
      'output.value': "It's 18°C in Paris and 24°C in Tokyo.",
    });
  });

  it('records each tool execution with its call id, arguments and result; a thrown tool error is an ERROR TOOL span', () => {
    const tools = traced.spans.filter((s) => s.name === 'get_weather');
    const paris = tools.find((s) => s.attributes['tool_call.id'] === 'call_Paris4fGh7kL2mN9pQ1rS3tU');
    expect(paris.attributes).toMatchObject({ 'tool.name': 'get_weather', 'output.value': '18C in Paris, France' });
    expect(JSON.parse(paris.attributes['input.value'])).toEqual({ location: 'Paris, France', unit: 'celsius' });
    expect(paris.status.code).toBe(OK);
    const tokyo = tools.find((s) => s.attributes['tool_call.id'] === 'call_Tokyo8vWx2yZ5aB1cD4eF6gH');
    expect(tokyo.status).toMatchObject({ code: ERROR, message: 'weather service down for Tokyo' });
  });

  it('ends a run whose model turn failed as an ERROR AGENT span over the ERROR turn, and keeps the model config out of the parameters', () => {
    const failed = traced.spans.find((s) => s.name === 'pi-agent.run' && s.attributes['input.value'] === 'x');
    expect(failed.status.code).toBe(ERROR);
    expect(failed.status.message).toContain("Invalid 'messages'");
    const turnSpan = turn(traced.spans, 'pi-agent-failing');
    expect(turnSpan.parentSpanId).toBe(failed.spanId);
    expect(turnSpan.status.code).toBe(ERROR);
    for (const s of traced.spans.filter((x) => x.name === 'pi-ai.openai.turn')) {
      const params = JSON.parse(s.attributes['llm.invocation_parameters']);
      expect(params.model).toBe(s.attributes['llm.model_name']);
      expect(JSON.stringify(params)).not.toContain('127.0.0.1');
    }
    expect(JSON.stringify(traced.spans)).not.toContain(KEY);
  });
});

// The Vercel AI SDK integration end to end: spawned apps under the preload call
// the real `ai` 7 (mock models from ai/test, and @ai-sdk/openai-compatible
// against the fake provider); every assertion is on spans the collector
// received. `ai` 7 needs Node >= 22: on Node 20 these tests are skipped, and CI
// runs them in its Node 24 pass.
import { beforeAll, describe, expect, it } from 'vitest';
import { spanTree, useAppHarness } from '../harness/app-harness.mjs';

const TOO_OLD = Number(process.versions.node.split('.')[0]) < 22 && !process.env.CATALYST_TEST_NODE;

const { runApp } = useAppHarness({ name: 'ai-sdk' });

const kind = (/** @type {any} */ s) => s.attributes['openinference.span.kind'];
const ordered = (/** @type {any[]} */ spans) => spans.slice().sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1));

/** The one span named `name` (an operation span is `<operation> <functionId>`). */
function one(/** @type {any[]} */ spans, /** @type {string} */ name) {
  const found = spans.filter((s) => s.name === name);
  expect(found.map((s) => s.name), `spans named ${name}\n${spanTree(spans)}`).toHaveLength(1);
  return found[0];
}
const childrenOf = (/** @type {any[]} */ spans, /** @type {any} */ parent) => ordered(spans.filter((s) => s.parentSpanId === parent.spanId));
/** `KIND name` of each child, in start order. */
const shape = (/** @type {any[]} */ spans, /** @type {any} */ parent) => childrenOf(spans, parent).map((s) => `${kind(s)} ${s.name}`);
/** Operation, model-call and tool spans of the scenario (ai-sdk-scenario.mjs), plus the helpers' agentSpan and the direct openai call. */
const SCENARIO_SPANS = 80;
const OK = 1;
const ERROR = 2;

describe.skipIf(TOO_OLD)('ai 7 under the preload (ESM app)', () => {
  /** @type {Awaited<ReturnType<typeof runApp>>} */
  let traced;
  /** @type {Awaited<ReturnType<typeof runApp>>} */
  let baseline;

  beforeAll(async () => {
    baseline = await runApp('ai-sdk-esm.mjs', { preload: 'none' });
    traced = await runApp('ai-sdk-esm.mjs', { spans: SCENARIO_SPANS });
  }, 60_000);

  const span = (/** @type {string} */ name) => one(traced.spans, name);
  const attrs = (/** @type {string} */ name) => span(name).attributes;
  const llms = (/** @type {string} */ root) => childrenOf(traced.spans, span(root)).filter((s) => kind(s) === 'LLM');
  const text = (/** @type {any} */ s) => JSON.stringify(s);

  it('leaves every result, stream chunk and error as without the agent, and exits promptly', () => {
    expect(baseline.spans).toHaveLength(0);
    // Every span accounted for: the per-scenario assertions below name each of them.
    expect(traced.spans).toHaveLength(SCENARIO_SPANS);
    const result = traced.line('RESULT');
    expect(result).toEqual(baseline.line('RESULT'));
    expect(result.errorClass.ok).toBe(true);
    expect(result.error.error).toBe('APICallError');
    expect(result.providerError.error).toBe('APICallError');
    expect(result.stream.ok.text).toBe('Hello world');
    expect(result.providerStream.ok.parts.filter((p) => p.type === 'text-delta').map((p) => p.text).join('')).toBe('The capital of France is Paris.');
    expect(result.providerToolsStream.ok.text).toContain('Tokyo');
    expect(traced.durationMs).toBeLessThan(15_000);
    // Its provider requests go out inside traced model calls: never taken for untraced ones (docs/bundlers.md).
    expect(traced.stderr).not.toMatch(/was not traced/);
  });

  it('gives a multi-step tool loop one CHAIN span with an LLM span per model call and a TOOL span per execution', () => {
    const root = span('generateText mock-tools');
    expect(kind(root)).toBe('CHAIN');
    expect(shape(traced.spans, root)).toEqual(['LLM chat mock-tools-1', 'TOOL weather', 'LLM chat mock-tools-1']);
    expect(root.attributes['input.value']).toBe('Weather in Paris?');
    expect(root.attributes['output.value']).toBe('18 degrees in Paris.');
    expect(JSON.parse(root.attributes.metadata).functionId).toBe('mock-tools');
    expect(root.status.code).toBe(OK);

    const [first, second] = llms('generateText mock-tools');
    expect(first.attributes).toMatchObject({
      'llm.model_name': 'mock-tools-1',
      'llm.provider': 'mock',
      'llm.input_messages.0.message.role': 'user',
      'llm.input_messages.0.message.content': 'Weather in Paris?',
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.tool_calls.0.tool_call.id': 'call_1',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'weather',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': '{"location":"Paris"}',
      'llm.finish_reason': 'tool-calls',
      'llm.token_count.prompt': 12,
      'llm.token_count.completion': 6,
      'llm.token_count.total': 18,
      'llm.token_count.prompt_details.cache_read': 2,
      'llm.token_count.completion_details.reasoning': 1,
    });
    expect(JSON.parse(first.attributes['llm.tools.0.tool.json_schema'])).toMatchObject({ name: 'weather', description: 'Current weather for a city', inputSchema: { properties: { location: { type: 'string' } } } });
    // The second call sees the tool call and its result.
    expect(second.attributes).toMatchObject({
      'llm.input_messages.1.message.role': 'assistant',
      'llm.input_messages.1.message.tool_calls.0.tool_call.function.name': 'weather',
      'llm.input_messages.2.message.role': 'tool',
      'llm.input_messages.2.message.tool_call_id': 'call_1',
      'llm.input_messages.2.message.content': '{"location":"Paris","celsius":18}',
      'llm.output_messages.0.message.content': '18 degrees in Paris.',
      'llm.finish_reason': 'stop',
    });

    const tool = childrenOf(traced.spans, root).find((s) => kind(s) === 'TOOL');
    expect(tool.attributes).toMatchObject({
      'tool.name': 'weather',
      'tool_call.id': 'call_1',
      'tool.description': 'Current weather for a city',
      'input.value': '{"location":"Paris"}',
      'output.value': '{"location":"Paris","celsius":18}',
    });
    expect(JSON.parse(tool.attributes['tool.parameters']).properties.location.type).toBe('string');
  });

  it('maps the system prompt, multi-part messages and invocation parameters, keeping image data out of input.value', () => {
    const [llm] = llms('generateText mock-text');
    const a = llm.attributes;
    expect(a['llm.input_messages.0.message.role']).toBe('system');
    expect(a['llm.input_messages.0.message.content']).toBe('You are terse.');
    expect(a['llm.input_messages.1.message.contents.0.message_content.text']).toBe('Capital of France?');
    expect(a['llm.input_messages.1.message.contents.1.message_content.type']).toBe('image');
    expect(a['llm.input_messages.1.message.contents.1.message_content.image.image.url']).toBe(`data:image/png;base64,${traced.line('RESULT') && 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='}`);
    expect(JSON.parse(a['llm.invocation_parameters'])).toEqual({ model: 'mock-text-1', temperature: 0.2, maxOutputTokens: 64 });
    expect(a['input.value']).toContain('[base64 ');
    expect(a['input.value']).not.toContain('iVBORw0KGgo');
    expect(a['output.value']).toBe('Paris.');
  });

  it('ends a streamed call when the stream is consumed, with the assembled text and usage', () => {
    const root = span('streamText mock-stream');
    const [llm] = llms('streamText mock-stream');
    expect(llm.attributes).toMatchObject({ 'llm.output_messages.0.message.content': 'Hello world', 'output.value': 'Hello world', 'llm.response.model_name': 'mock-stream-2026', 'llm.token_count.prompt': 20, 'llm.token_count.completion': 3, 'llm.token_count.prompt_details.cache_read': 2 });
    expect(root.attributes['output.value']).toBe('Hello world');
    expect(BigInt(root.endTimeUnixNano) >= BigInt(llm.endTimeUnixNano)).toBe(true);
    expect(attrs('streamText mock-text-stream')['output.value']).toBe('ab');
  });

  it('marks an aborted stream cancelled (not failed) and ends its spans', () => {
    for (const name of ['streamText mock-abort', 'streamText prov-abort']) {
      const root = span(name);
      const [llm] = llms(name);
      expect(root.events.map((e) => e.name), name).toContain('cancelled');
      expect(llm.events.map((e) => e.name), name).toContain('cancelled');
      expect(root.status.code).not.toBe(ERROR);
    }
  });

  it('records a failed call as ERROR with the SDK error on the operation and the model call', () => {
    for (const name of ['generateText mock-error', 'generateText prov-error']) {
      const root = span(name);
      const [llm] = llms(name);
      expect(root.status.code, name).toBe(ERROR);
      expect(llm.status.code, name).toBe(ERROR);
      expect(root.events.find((e) => e.name === 'exception')?.attributes['exception.type']).toBe('AI_APICallError');
    }
    expect(span('generateText prov-error').status.message).toContain("Invalid 'messages'");
  });

  it('records a stream that fails mid-way as ERROR, though the app reads it to the end', () => {
    expect(traced.line('RESULT').streamError.ok).toEqual({ text: 'partial', errors: ['model stream broke'] });
    const root = span('streamText mock-stream-error');
    const [llm] = llms('streamText mock-stream-error');
    expect(root.status.code).toBe(ERROR);
    expect(llm.status.code).toBe(ERROR);
  });

  it('records a failing tool as an ERROR TOOL span while the call goes on', () => {
    const root = span('generateText mock-tool-error');
    const tool = childrenOf(traced.spans, root).find((s) => kind(s) === 'TOOL');
    expect(tool.status.code).toBe(ERROR);
    expect(tool.status.message).toBe('tool exploded');
    expect(root.status.code).toBe(OK);
  });

  it('records structured output: the schema as a request parameter and the object produced', () => {
    const [llm] = llms('generateText mock-output');
    const params = JSON.parse(llm.attributes['llm.invocation_parameters']);
    expect(params.responseFormat).toMatchObject({ type: 'json', schema: { properties: { name: { type: 'string' }, age: { type: 'number' } } } });
    expect(attrs('generateText mock-output')).toMatchObject({ 'output.value': '{"name":"Ann","age":31}', 'output.mime_type': 'application/json' });

    const [objectLlm] = llms('generateObject mock-object');
    expect(JSON.parse(objectLlm.attributes['llm.invocation_parameters']).responseFormat).toMatchObject({ type: 'json', name: 'City', schema: { properties: { city: { type: 'string' } } } });
    expect(objectLlm.attributes['llm.input_messages.0.message.contents.0.message_content.text'] ?? objectLlm.attributes['llm.input_messages.0.message.content']).toBe('A city.');
    expect(objectLlm.attributes['output.value']).toBe('{"city":"Paris"}');
    expect(attrs('generateObject mock-object')).toMatchObject({ 'input.value': 'A city.', 'output.value': '{"city":"Paris"}', 'output.mime_type': 'application/json' });
    expect(attrs('streamObject mock-stream-object')['output.value']).toBe('{"city":"Rome"}');
    expect(llms('streamObject mock-stream-object')).toHaveLength(1);
  });

  it('gives embed and embedMany an EMBEDDING span, and rerank a RERANKER span', () => {
    expect(attrs('embed mock-embed')).toMatchObject({ 'openinference.span.kind': 'EMBEDDING', 'embedding.model_name': 'mock-embed-1', 'embedding.embeddings.0.embedding.text': 'sunny day', 'llm.token_count.prompt': 3 });
    expect(attrs('embedMany mock-embed-many')).toMatchObject({ 'embedding.embeddings.0.embedding.text': 'a', 'embedding.embeddings.2.embedding.text': 'ccc', 'llm.token_count.total': 9 });
    expect(JSON.parse(attrs('embedMany mock-embed-many')['output.value'])).toEqual({ embeddings: 3, dimensions: 3 });
    expect(attrs('embed prov-embed')).toMatchObject({ 'embedding.model_name': 'text-embedding-3-small', 'llm.provider': 'fake' });
    expect(attrs('rerank mock-rerank')).toMatchObject({
      'openinference.span.kind': 'RERANKER',
      'reranker.model_name': 'mock-rerank-1',
      'reranker.query': 'sunny?',
      'reranker.top_k': 2,
      'reranker.input_documents.1.document.content': 'sunny',
      'reranker.output_documents.0.document.id': '1',
      'reranker.output_documents.0.document.score': 0.9,
      'reranker.output_documents.0.document.content': 'sunny',
    });
    for (const name of ['embed mock-embed', 'embedMany mock-embed-many', 'rerank mock-rerank']) expect(childrenOf(traced.spans, span(name))).toHaveLength(0);
  });

  it('gives ToolLoopAgent generate() and stream() an AGENT span whose identity reaches its children', () => {
    const agent = span('weather-agent');
    expect(agent.attributes).toMatchObject({ 'openinference.span.kind': 'AGENT', 'agent.name': 'weather-agent', 'agent.id': 'weather-agent' });
    expect(shape(traced.spans, agent)).toEqual(['LLM chat mock-agent-1', 'TOOL weather', 'LLM chat mock-agent-1']);
    for (const child of childrenOf(traced.spans, agent)) expect(child.attributes['agent.name']).toBe('weather-agent');
    expect(llms('weather-agent')[0].attributes['llm.input_messages.0.message.content']).toBe('You report the weather.');
    const streamed = span('stream-agent');
    expect(kind(streamed)).toBe('AGENT');
    expect(shape(traced.spans, streamed)).toEqual(['LLM chat mock-agent-stream-1']);
    expect(streamed.attributes['output.value']).toBe('Streaming agent');
  });

  it('nests a call made inside a tool under that TOOL span, and a call inside agentSpan under the AGENT span', () => {
    const tool = childrenOf(traced.spans, span('generateText mock-outer')).find((s) => kind(s) === 'TOOL');
    expect(shape(traced.spans, tool)).toEqual(['CHAIN generateText mock-inner']);
    expect(span('generateText mock-inner').traceId).toBe(tool.traceId);

    const outer = span('support-bot');
    expect(shape(traced.spans, outer)).toEqual(['CHAIN generateText mock-in-agent']);
    const [llm] = llms('generateText mock-in-agent');
    expect(llm.attributes).toMatchObject({ 'session.id': 'session-9', 'user.id': 'user-3', 'agent.name': 'support-bot' });
  });

  it('honours per-call opt-out: isEnabled false traces nothing, recordInputs false records no inputs', () => {
    expect(traced.spans.some((s) => s.name.includes('mock-optout'))).toBe(false);
    expect(text(traced.spans)).not.toContain('optout-secret');
    expect(text(traced.spans)).not.toContain('noinputs-secret');
    const root = span('generateText mock-noinputs');
    const [llm] = llms('generateText mock-noinputs');
    expect(root.attributes['input.value']).toBeUndefined();
    expect(Object.keys(llm.attributes).filter((k) => k.startsWith('llm.input_messages.') && k.endsWith('.content'))).toEqual([]);
    expect(llm.attributes['llm.output_messages.0.message.content']).toBe('visible answer');
  });

  it('traces a call given createAISdkTelemetrySettings() once, with its metadata', () => {
    const root = span('generateText mock-helper');
    expect(JSON.parse(root.attributes.metadata)).toEqual({ tenant: 'acme', functionId: 'mock-helper' });
    expect(llms('generateText mock-helper')).toHaveLength(1);
  });

  it('traces OpenAI-compatible and OpenAI providers: one LLM span per HTTP request, never the API key', () => {
    const modelRequests = traced.requests.filter((r) => r.path === '/v1/chat/completions' || r.path === '/v1/responses');
    // 8 OpenAI-compatible calls, @ai-sdk/openai chat and responses, the folded call and the direct openai call.
    expect(modelRequests).toHaveLength(12);
    const llmSpans = traced.spans.filter((s) => kind(s) === 'LLM' && String(s.attributes['llm.model_name']).startsWith('gpt-4o-mini'));
    expect(llmSpans).toHaveLength(12);
    expect(traced.requests.every((r) => r.path === '/v1/embeddings' || String(r.headers.authorization).includes('sk-test-ai-sdk-secret'))).toBe(true);
    expect(text(traced.spans)).not.toContain('sk-test-ai-sdk-secret');
    for (const name of ['generateText prov-openai-chat', 'generateText prov-openai-responses']) {
      expect(shape(traced.spans, span(name)), name).toEqual(['LLM chat gpt-4o-mini']);
      expect(llms(name)[0].attributes['llm.provider'], name).toBe('openai');
      expect(span(name).attributes['output.value'], name).toBeTruthy();
    }
  });

  it('folds the openai patch span of a model built on the openai package into the AI SDK LLM span', () => {
    const root = span('generateText prov-fold');
    expect(shape(traced.spans, root)).toEqual(['LLM chat gpt-4o-mini']);
    expect(childrenOf(traced.spans, llms('generateText prov-fold')[0])).toHaveLength(0);
    // The patch is active in this process: the direct call, outside the AI SDK, has its own span.
    const openaiSpans = traced.spans.filter((s) => s.name === 'OpenAI Chat Completions');
    expect(openaiSpans).toHaveLength(1);
    expect(openaiSpans[0].attributes['llm.input_messages.0.message.content']).toContain('[direct]');
  });

  it('records no outputs with recordOutputs false, accepts experimental_telemetry, and traces UI message streams', () => {
    const root = span('generateText mock-nooutputs');
    expect(root.attributes['input.value']).toBe('Visible question.');
    expect(root.attributes['output.value']).toBeUndefined();
    expect(llms('generateText mock-nooutputs')[0].attributes['output.value']).toBeUndefined();
    expect(text(traced.spans)).not.toContain('nooutputs-secret');
    expect(traced.line('RESULT').noOutputs.ok).toBe('nooutputs-secret');
    expect(llms('generateText mock-legacy')).toHaveLength(1);
    expect(attrs('streamText mock-ui')['output.value']).toBe('UI stream');
    expect(traced.line('RESULT').uiStream.ok.filter((c) => c.type === 'text-delta').map((c) => c.delta).join('')).toBe('UI stream');
  });

  it('gives the provider calls their attributes', () => {
    const [llm] = llms('generateText prov-text');
    expect(llm.attributes).toMatchObject({ 'llm.provider': 'fake', 'llm.model_name': 'gpt-4o-mini', 'llm.response.model_name': 'gpt-4o-mini-2024-07-18', 'llm.finish_reason': 'stop' });
    expect(llm.attributes['llm.token_count.prompt']).toBeGreaterThan(0);
    const [streamed] = llms('streamText prov-stream');
    expect(streamed.attributes).toMatchObject({ 'output.value': 'The capital of France is Paris.', 'llm.token_count.prompt': 1342, 'llm.token_count.completion': 7, 'llm.token_count.prompt_details.cache_read': 1152 });
    for (const name of ['generateText prov-tools', 'streamText prov-tools-stream']) {
      expect(shape(traced.spans, span(name)), name).toEqual(['LLM chat gpt-4o-mini', 'TOOL get_weather', 'TOOL get_weather', 'LLM chat gpt-4o-mini']);
      const tools = childrenOf(traced.spans, span(name)).filter((s) => kind(s) === 'TOOL');
      expect(tools.map((t) => JSON.parse(t.attributes['input.value']).location).sort()).toEqual(['Paris, France', 'Tokyo, Japan']);
    }
  });

});

describe.skipIf(TOO_OLD)('ai 7 in a CommonJS app, and without the preload', () => {
  it('traces a CJS-started process that loads ai with import()', async () => {
    const baseline = await runApp('ai-sdk-cjs.cjs', { preload: 'none' });
    const traced = await runApp('ai-sdk-cjs.cjs', { preload: 'require', spans: 4 });
    expect(traced.line('RESULT')).toEqual(baseline.line('RESULT'));
    expect(traced.line('RESULT').streamed).toBe('The capital of France is Paris.');
    expect(spanTree(traced.spans)).toBe(['generateText cjs-text [CHAIN]', '  chat gpt-4o-mini [LLM]', 'streamText cjs-stream [CHAIN]', '  chat gpt-4o-mini [LLM]'].join('\n'));
  });

  it('traces a CommonJS app that loads ai with require() (require(esm))', async () => {
    const traced = await runApp('ai-sdk-cjs.cjs', { preload: 'require', env: { AI_LOAD: 'require' }, spans: 4 });
    expect(traced.line('RESULT').streamed).toBe('The capital of France is Paris.');
    expect(spanTree(traced.spans)).toBe(['generateText cjs-text [CHAIN]', '  chat gpt-4o-mini [LLM]', 'streamText cjs-stream [CHAIN]', '  chat gpt-4o-mini [LLM]'].join('\n'));
  });

  it('leaves ai alone when the integration is disabled', async () => {
    const traced = await runApp('ai-sdk-cjs.cjs', { preload: 'require', env: { CATALYST_DISABLED_INSTRUMENTATIONS: 'ai' } });
    expect(traced.line('RESULT').streamed).toBe('The capital of France is Paris.');
    expect(traced.spans).toHaveLength(0);
  });

  it('traces the module handed to instrumentAISdk() (a bundled app)', async () => {
    const traced = await runApp('ai-sdk-cjs.cjs', { preload: 'none', env: { AI_SDK_MODE: 'subpath' }, spans: 4 });
    expect(traced.line('RESULT').traced).toBe(true);
    expect(traced.spans.filter((s) => kind(s) === 'LLM')).toHaveLength(2);
  });

  it('sends spans to the provider given to installAISdkInstrumentation(), registering once', async () => {
    const traced = await runApp('ai-sdk-own-provider.mjs', { preload: 'none' });
    expect(traced.line('RESULT')).toEqual({ text: 'mine', spans: ['LLM chat mock-own-1', 'CHAIN generateText own'], integrations: 1 });
  });

  it('stands down when another OpenTelemetry integration is registered, but traces a call given its own settings', async () => {
    const traced = await runApp('ai-sdk-otel.mjs', { spans: 2 });
    // Ours (registered by the preload when `ai` loaded) and theirs; theirs saw the global call only: per-call settings replace the global list.
    expect(traced.line('RESULT')).toEqual({ global: 'ok', helper: 'ok', theirEvents: 1, integrations: 2 });
    expect(spanTree(traced.spans)).toBe(['generateText otel-helper [CHAIN]', '  chat mock-otel-1 [LLM]'].join('\n'));
  });
});

import { describe, expect, it } from 'vitest';
import * as map from '../../src/integrations/ai-sdk/attributes';
import * as messages from '../../src/integrations/ai-sdk/messages';
import { applyPrivacy } from '../../src/trace/privacy';
import type { PrivacyConfig } from '../../src/config/types';

// Events shaped as `ai` 7.0 hands them to telemetry integrations (recorded from the real SDK).
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
const modelCallStart = {
  callId: 'call-1',
  provider: 'openai.chat',
  modelId: 'gpt-4o-mini',
  instructions: 'be nice',
  messages: [
    { role: 'user', content: [{ type: 'text', text: 'weather?' }, { type: 'file', data: PNG, mediaType: 'image/png' }, { type: 'file', data: 'JVBER', mediaType: 'application/pdf', filename: 'a.pdf' }] },
    { role: 'assistant', content: [{ type: 'reasoning', text: 'thinking' }, { type: 'text', text: 'let me check' }, { type: 'tool-call', toolCallId: 'c1', toolName: 'weather', input: { city: 'Paris' } }] },
    { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'weather', output: { type: 'json', value: { city: 'Paris', temp: 20 } } }] },
  ],
  tools: [{ type: 'function', name: 'weather', description: 'get weather', inputSchema: { type: 'object', properties: { city: { type: 'string' } } } }],
  maxOutputTokens: 50,
  temperature: 0.3,
  aiVersion: '7.0.173',
};
const modelCallEnd = {
  callId: 'call-1',
  provider: 'openai.chat',
  modelId: 'gpt-4o-mini-2024-07-18',
  finishReason: 'tool-calls',
  usage: { inputTokens: 10, inputTokenDetails: { noCacheTokens: 8, cacheReadTokens: 2 }, outputTokens: 5, outputTokenDetails: { textTokens: 3, reasoningTokens: 2 }, totalTokens: 15 },
  content: [{ type: 'text', text: 'Checking.' }, { type: 'tool-call', toolCallId: 'c2', toolName: 'weather', input: { city: 'Rome' } }],
  responseId: 'resp-1',
};

describe('AI SDK provider names', () => {
  it('maps provider ids to OpenInference providers', () => {
    expect(map.providerName('openai.chat')).toBe('openai');
    expect(map.providerName('openai.responses')).toBe('openai');
    expect(map.providerName('anthropic.messages')).toBe('anthropic');
    expect(map.providerName('azure-openai.chat')).toBe('azure');
    expect(map.providerName('amazon-bedrock')).toBe('aws');
    expect(map.providerName('google.generative-ai')).toBe('google');
    expect(map.systemName('google.vertex.chat')).toBe('vertexai');
    expect(map.providerName('mistral.chat')).toBe('mistralai');
    expect(map.providerName('fake.chat')).toBe('fake');
    expect(map.systemName('fake.chat')).toBeUndefined();
    expect(map.systemName('azure-openai.chat')).toBe('openai');
    expect(map.systemName('anthropic.messages')).toBe('anthropic');
    expect(map.providerName(undefined)).toBeUndefined();
  });
});

describe('AI SDK model call mapping', () => {
  it('writes model, parameters, call settings, offered tools and input messages', () => {
    const a = map.modelCallStartAttributes(modelCallStart, { toolChoice: 'auto', responseFormat: { type: 'json', schema: { type: 'object' } } });
    expect(a).toMatchObject({
      'openinference.span.kind': 'LLM',
      'llm.provider': 'openai',
      'llm.system': 'openai',
      'llm.model_name': 'gpt-4o-mini',
      'llm.request.model_name': 'gpt-4o-mini',
      'llm.input_messages.0.message.role': 'system',
      'llm.input_messages.0.message.content': 'be nice',
      'llm.input_messages.1.message.role': 'user',
      'llm.input_messages.1.message.contents.0.message_content.text': 'weather?',
      'llm.input_messages.1.message.contents.1.message_content.type': 'image',
      'llm.input_messages.1.message.contents.1.message_content.image.image.url': `data:image/png;base64,${PNG}`,
      'llm.input_messages.1.message.contents.2.message_content.text': '[file application/pdf a.pdf]',
      'llm.input_messages.2.message.role': 'assistant',
      // Reasoning is left out; one text part is `content`.
      'llm.input_messages.2.message.content': 'let me check',
      'llm.input_messages.2.message.tool_calls.0.tool_call.id': 'c1',
      'llm.input_messages.2.message.tool_calls.0.tool_call.function.arguments': '{"city":"Paris"}',
      'llm.input_messages.3.message.role': 'tool',
      'llm.input_messages.3.message.tool_call_id': 'c1',
      'llm.input_messages.3.message.content': '{"city":"Paris","temp":20}',
    });
    expect(JSON.parse(a['llm.invocation_parameters'] as string)).toEqual({ model: 'gpt-4o-mini', maxOutputTokens: 50, temperature: 0.3, toolChoice: 'auto', responseFormat: { type: 'json', schema: { type: 'object' } } });
    expect(JSON.parse(a['llm.tools.0.tool.json_schema'] as string)).toEqual(modelCallStart.tools[0]);
    expect(a['input.value']).toContain('[base64 ');
    expect(a['input.value']).not.toContain(PNG);
  });

  it('writes the reply, finish reason and usage with cache and reasoning tokens', () => {
    const a = map.modelCallEndAttributes(modelCallEnd);
    expect(a).toMatchObject({
      'llm.response.model_name': 'gpt-4o-mini-2024-07-18',
      'llm.finish_reason': 'tool-calls',
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.content': 'Checking.',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'weather',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': '{"city":"Rome"}',
      'llm.token_count.prompt': 10,
      'llm.token_count.completion': 5,
      'llm.token_count.total': 15,
      'llm.token_count.prompt_details.cache_read': 2,
      'llm.token_count.completion_details.reasoning': 2,
      'output.mime_type': 'application/json',
    });
    const text = map.modelCallEndAttributes({ content: [{ type: 'text', text: 'Hi' }], finishReason: 'stop' });
    expect(text).toMatchObject({ 'output.value': 'Hi', 'output.mime_type': 'text/plain' });
  });

  it('reads an object step (provider prompt with inline system message, objectText)', () => {
    const start = map.modelCallStartAttributes({ provider: 'mock', modelId: 'm', promptMessages: [{ role: 'system', content: 'sys' }, { role: 'user', content: [{ type: 'text', text: 'x' }] }] });
    expect(start).toMatchObject({ 'llm.input_messages.0.message.content': 'sys', 'llm.input_messages.1.message.content': 'x' });
    const end = map.modelCallEndAttributes({ objectText: '{"a":1}', finishReason: 'stop', usage: { inputTokens: 3, outputTokens: 2, totalTokens: 5 } });
    expect(end).toMatchObject({ 'output.value': '{"a":1}', 'output.mime_type': 'application/json', 'llm.output_messages.0.message.content': '{"a":1}', 'llm.token_count.total': 5 });
  });

  it('turns image parts (URL, base64, bytes) into image URLs', () => {
    const m = messages.toMessages([{ role: 'user', content: [{ type: 'image', image: new URL('https://x/y.png') }, { type: 'image', image: PNG, mediaType: 'image/png' }, { type: 'file', data: new Uint8Array([1, 2]), mediaType: 'image' }] }]);
    expect(m[0]!.contents).toEqual([
      { type: 'image', url: 'https://x/y.png' },
      { type: 'image', url: `data:image/png;base64,${PNG}` },
      { type: 'image', url: 'data:image/*;base64,AQI=' },
    ]);
  });

  it('reads tool results of every output type', () => {
    expect(messages.toolOutputText({ type: 'text', value: 'plain' })).toBe('plain');
    expect(messages.toolOutputText({ type: 'error-json', value: { e: 1 } })).toBe('{"e":1}');
    expect(messages.toolOutputText({ type: 'execution-denied', reason: 'no' })).toBe('[denied: no]');
  });

  it('reads call settings from an operation start: toolChoice, generateObject schema', () => {
    expect(map.callSettingsOf({ toolChoice: 'required', schema: { type: 'object' }, schemaName: 'City', providerOptions: {} })).toEqual({ toolChoice: 'required', responseFormat: { type: 'json', schema: { type: 'object' }, name: 'City', description: undefined } });
  });
});

describe('AI SDK operation mapping', () => {
  it('names operation spans after the operation and functionId, or the agent', () => {
    expect(map.operationSpanName('ai.generateText', 'bot')).toBe('generateText bot');
    expect(map.operationSpanName('ai.streamText', undefined)).toBe('streamText');
    expect(map.operationSpanName('ai.generateText', 'bot', 'weather-agent')).toBe('weather-agent');
    expect(map.operationKind('ai.embedMany', false)).toBe('embedding');
    expect(map.operationKind('ai.rerank', false)).toBe('reranker');
    expect(map.operationKind('ai.streamText', true)).toBe('agent');
    expect(map.isAgentCall({ headers: { 'user-agent': 'ai/7.0.173 ai-sdk-agent/tool-loop' } })).toBe(true);
    expect(map.isAgentCall({ headers: { 'user-agent': 'ai/7.0.173' } })).toBe(false);
  });

  it('writes the prompt as text when it is one user message, else as JSON, and metadata', () => {
    const plain = map.operationStartAttributes({ messages: [{ role: 'user', content: 'Hi' }], functionId: 'f', runtimeContext: { requestId: 'r1' } }, { kind: 'chain', metadata: { tenant: 't' } });
    expect(plain).toMatchObject({ 'openinference.span.kind': 'CHAIN', 'input.value': 'Hi', 'input.mime_type': 'text/plain' });
    expect(JSON.parse(plain.metadata as string)).toEqual({ requestId: 'r1', tenant: 't', functionId: 'f' });
    const json = map.operationStartAttributes({ instructions: 'sys', messages: [{ role: 'user', content: 'Hi' }] }, { kind: 'agent', agentName: 'a', agentId: 'a' });
    expect(json).toMatchObject({ 'openinference.span.kind': 'AGENT', 'agent.name': 'a', 'agent.id': 'a', 'input.mime_type': 'application/json' });
    // recordInputs: false leaves the SDK's events without messages: nothing is written.
    expect(map.operationStartAttributes({ messages: [] }, { kind: 'chain' })['input.value']).toBeUndefined();
  });

  it('writes embedding and rerank operations', () => {
    const e = map.operationStartAttributes({ operationId: 'ai.embedMany', provider: 'openai.embedding', modelId: 'text-embedding-3-small', value: ['a', 'b'] }, { kind: 'embedding' });
    expect(e).toMatchObject({ 'openinference.span.kind': 'EMBEDDING', 'embedding.model_name': 'text-embedding-3-small', 'embedding.embeddings.1.embedding.text': 'b', 'llm.provider': 'openai' });
    expect(map.operationEndAttributes({ embedding: [[1, 2], [3, 4]], usage: { tokens: 4 } }, 'embedding', false)).toMatchObject({ 'llm.token_count.prompt': 4, 'output.value': '{"embeddings":2,"dimensions":2}' });
    const r = map.operationStartAttributes({ operationId: 'ai.rerank', modelId: 'rr', query: 'q', documents: ['x', { id: 1 }], topN: 1 }, { kind: 'reranker' });
    expect(r).toMatchObject({ 'reranker.query': 'q', 'reranker.top_k': 1, 'reranker.input_documents.1.document.content': '{"id":1}' });
    expect(map.operationEndAttributes({ ranking: [{ originalIndex: 1, score: 0.5, document: { id: 1 } }] }, 'reranker', false)).toMatchObject({ 'reranker.output_documents.0.document.id': '1', 'reranker.output_documents.0.document.score': 0.5 });
  });

  it('writes structured output as JSON and the object of generateObject', () => {
    expect(map.operationEndAttributes({ text: '{"a":1}' }, 'chain', true)).toMatchObject({ 'output.value': '{"a":1}', 'output.mime_type': 'application/json' });
    expect(map.operationEndAttributes({ text: 'plain' }, 'chain', false)).toMatchObject({ 'output.mime_type': 'text/plain' });
    expect(map.operationEndAttributes({ object: { a: 1 } }, 'chain', true)).toMatchObject({ 'output.value': '{"a":1}' });
  });

  it('writes tool spans: name, call id, definition, arguments and result', () => {
    const defs = map.toolDefinitions(modelCallStart.tools);
    const start = map.toolStartAttributes({ toolCallId: 'c1', toolName: 'weather', input: { city: 'Paris' } }, defs.get('weather'));
    expect(start).toMatchObject({ 'openinference.span.kind': 'TOOL', 'tool.name': 'weather', 'tool_call.id': 'c1', 'tool.description': 'get weather', 'input.value': '{"city":"Paris"}' });
    expect(map.toolEndAttributes({ type: 'tool-result', output: 'done' })).toEqual({ 'output.value': 'done', 'output.mime_type': 'text/plain' });
    expect(map.toolEndAttributes({ type: 'tool-error', error: new Error('x') })).toEqual({});
  });
});

describe('AI SDK attributes under CATALYST_REDACT_CONTENT', () => {
  it('leaves no prompt, document, tool or reply content visible; structure stays', () => {
    const privacy = { redactContent: true, maxAttributeLength: 65536, base64ImageMaxLength: 32000 } as PrivacyConfig;
    const all = {
      ...map.modelCallStartAttributes(modelCallStart),
      ...map.modelCallEndAttributes(modelCallEnd),
      ...map.operationStartAttributes({ operationId: 'ai.rerank', query: 'secret query', documents: ['secret doc'] }, { kind: 'reranker' }),
      ...map.operationEndAttributes({ ranking: [{ originalIndex: 0, score: 1, document: 'secret doc' }] }, 'reranker', false),
      ...map.operationStartAttributes({ value: ['secret text'] }, { kind: 'embedding' }),
      ...map.toolStartAttributes({ toolCallId: 'c', toolName: 'w', input: { secret: 'arg' } }),
    };
    const written = Object.fromEntries(Object.entries(all).map(([k, v]) => [k, applyPrivacy(k, v as string, privacy)]));
    const visible = JSON.stringify(written);
    for (const secret of ['secret', 'weather?', 'let me check', 'Checking.', 'Paris', PNG]) expect(visible).not.toContain(secret);
    expect(written['llm.input_messages.1.message.role']).toBe('user');
    expect(written['llm.token_count.total']).toBe(15);
    expect(written['reranker.output_documents.0.document.score']).toBe(1);
  });
});

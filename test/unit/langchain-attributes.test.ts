import { describe, expect, it } from 'vitest';
import { AIMessage, HumanMessage, SystemMessage, ToolMessage, ChatMessage } from '@langchain/core/messages';
import { Document } from '@langchain/core/documents';
import * as map from '../../src/integrations/langchain/attributes';
import { simplify, toMessage } from '../../src/integrations/langchain/messages';

const serialized = (v: unknown) => JSON.parse(JSON.stringify(v));

describe('LangChain messages to the common shape', () => {
  it('maps every message type to its role, live or serialized', () => {
    const messages = [new SystemMessage('Be terse.'), new HumanMessage('Hi'), new AIMessage('Hello'), new ToolMessage({ content: '18C', tool_call_id: 'call_1', name: 'get_weather' }), new ChatMessage('x', 'critic')];
    const roles = ['system', 'user', 'assistant', 'tool', 'critic'];
    expect(messages.map((m) => toMessage(m)?.role)).toEqual(roles);
    expect(messages.map((m) => toMessage(serialized(m))?.role)).toEqual(roles);
    expect(toMessage(serialized(messages[3]))).toEqual({ role: 'tool', content: '18C', name: 'get_weather', toolCallId: 'call_1' });
  });

  it('keeps tool calls with their arguments as JSON text', () => {
    const ai = new AIMessage({ content: '', tool_calls: [{ id: 'call_1', name: 'get_weather', args: { city: 'Paris' } }] });
    expect(toMessage(ai)).toEqual({ role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }] });
    expect(toMessage(serialized(ai))?.toolCalls).toEqual([{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }]);
  });

  it('reads multi-part content: text joined when it is all text, parts kept when there is an image', () => {
    expect(toMessage(new HumanMessage({ content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }))?.content).toBe('ab');
    expect(toMessage(new HumanMessage({ content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'https://x/cat.png' } }] }))?.contents).toEqual([
      { type: 'text', text: 'What is this?' },
      { type: 'image', url: 'https://x/cat.png' },
    ]);
  });

  it('simplifies values for input.value: messages, documents, cycles', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(simplify({ messages: [new HumanMessage('Hi')], doc: new Document({ pageContent: 'p', metadata: { s: 1 } }), cyclic })).toEqual({
      messages: [{ role: 'user', content: 'Hi' }],
      doc: { id: undefined, content: 'p', metadata: { s: 1 } },
      cyclic: { a: 1, self: '[circular]' },
    });
  });
});

describe('LLM runs', () => {
  const start = {
    serialized: { lc: 1, type: 'constructor', id: ['langchain', 'chat_models', 'openai', 'ChatOpenAI'], kwargs: { model: 'gpt-4o-mini' } },
    messages: [new SystemMessage('Be terse.'), new HumanMessage('Weather in Paris?')],
    extraParams: {
      invocation_params: {
        model: 'gpt-4o-mini',
        temperature: 0.2,
        tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
      },
    },
    metadata: { ls_provider: 'openai', ls_model_name: 'gpt-4o-mini' },
  };

  it('writes model, provider, parameters without the tools, offered tools and input messages', () => {
    const a = map.llmStartAttributes(start);
    expect(a).toMatchObject({
      'llm.model_name': 'gpt-4o-mini',
      'llm.provider': 'openai',
      'llm.system': 'openai',
      'llm.invocation_parameters': { model: 'gpt-4o-mini', temperature: 0.2 },
      'llm.input_messages.0.message.role': 'system',
      'llm.input_messages.0.message.content': 'Be terse.',
      'llm.input_messages.1.message.role': 'user',
      'llm.input_messages.1.message.content': 'Weather in Paris?',
      'input.mime_type': 'application/json',
    });
    expect(a['llm.tools.0.tool.json_schema']).toEqual(start.extraParams.invocation_params.tools[0]);
    expect(JSON.parse(String(a['input.value']))).toEqual({ messages: [{ role: 'system', content: 'Be terse.' }, { role: 'user', content: 'Weather in Paris?' }] });
  });

  it('maps an unknown provider to nothing rather than guessing', () => {
    const a = map.llmStartAttributes({ ...start, metadata: { ls_provider: 'ScriptedChatModel' } });
    expect(a['llm.provider']).toBeUndefined();
    expect(a['llm.system']).toBeUndefined();
  });

  it('writes text prompts of a text LLM as llm.prompts', () => {
    const a = map.llmStartAttributes({ serialized: undefined, prompts: ['Say hi'] });
    expect(a['llm.prompts']).toEqual(['Say hi']);
    expect(a['input.value']).toBe('Say hi');
  });

  it('writes output messages, tool calls, finish reason, response model and usage with cache and reasoning details', () => {
    const message = new AIMessage({
      content: '',
      tool_calls: [{ id: 'call_1', name: 'get_weather', args: { city: 'Paris' } }],
      response_metadata: { model_name: 'gpt-4o-mini-2024-07-18', finish_reason: 'tool_calls' },
      usage_metadata: { input_tokens: 1187, output_tokens: 52, total_tokens: 1239, input_token_details: { cache_read: 1024, cache_creation: 12 }, output_token_details: { reasoning: 30 } },
    });
    for (const m of [message, serialized(message)]) {
      const a = map.llmEndAttributes({ generations: [[{ text: '', message: m }]] });
      expect(a).toMatchObject({
        'llm.output_messages.0.message.role': 'assistant',
        'llm.output_messages.0.message.tool_calls.0.tool_call.id': 'call_1',
        'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'get_weather',
        'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': '{"city":"Paris"}',
        'llm.finish_reason': 'tool_calls',
        'llm.model_name': 'gpt-4o-mini-2024-07-18',
        'llm.response.model_name': 'gpt-4o-mini-2024-07-18',
        'llm.token_count.prompt': 1187,
        'llm.token_count.completion': 52,
        'llm.token_count.total': 1239,
        'llm.token_count.prompt_details.cache_read': 1024,
        'llm.token_count.prompt_details.cache_write': 12,
        'llm.token_count.completion_details.reasoning': 30,
        'output.mime_type': 'application/json',
      });
      expect(JSON.parse(String(a['output.value'])).tool_calls[0].name).toBe('get_weather');
    }
  });

  it('falls back to llmOutput.tokenUsage, infers a missing total, and writes plain text output', () => {
    const a = map.llmEndAttributes({ generations: [[{ text: 'Hi there', generationInfo: { finish_reason: 'stop' } }]], llmOutput: { tokenUsage: { promptTokens: 5, completionTokens: 2 } } });
    expect(a).toMatchObject({
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.content': 'Hi there',
      'output.value': 'Hi there',
      'output.mime_type': 'text/plain',
      'llm.finish_reason': 'stop',
      'llm.token_count.prompt': 5,
      'llm.token_count.completion': 2,
      'llm.token_count.total': 7,
    });
    expect(map.llmUsage({ usage_metadata: { input_tokens: 3, output_tokens: 4 } }, undefined)).toEqual({ prompt: 3, completion: 4, total: 7 });
  });

  it('never throws on shapes it does not know', () => {
    expect(map.llmEndAttributes(undefined)).toEqual({});
    expect(map.llmEndAttributes({ generations: 'nope' })).toEqual({});
    expect(map.llmStartAttributes({ serialized: undefined, messages: [null, 42, 'x'] })).toMatchObject({ 'input.value': '{"messages":[]}' });
  });
});

describe('chains, tools and retrievers', () => {
  it('unwraps LangChain’s { input } / { output } envelopes and writes JSON for the rest', () => {
    expect(map.chainStartAttributes({ input: 'hi' }, undefined, 'x')).toEqual({ 'input.value': 'hi', 'input.mime_type': 'text/plain' });
    expect(map.chainEndAttributes({ output: { a: 1 } })).toEqual({ 'output.value': '{"a":1}', 'output.mime_type': 'application/json' });
    expect(map.chainEndAttributes({ messages: [new AIMessage('ok')] })).toEqual({ 'output.value': '{"messages":[{"role":"assistant","content":"ok"}]}', 'output.mime_type': 'application/json' });
  });

  it('writes LangGraph metadata on the node’s own run only', () => {
    const metadata = { langgraph_node: 'plan', langgraph_step: 1, langgraph_triggers: ['branch:to:plan'], langgraph_path: ['__pregel_pull', 'plan'], checkpoint_ns: 'plan:1' };
    expect(map.langgraphAttributes(metadata, 'plan')).toEqual({
      langgraph_node: 'plan',
      langgraph_step: 1,
      langgraph_triggers: ['branch:to:plan'],
      langgraph_path: ['__pregel_pull', 'plan'],
      'graph.node.id': 'plan',
      'graph.node.name': 'plan',
    });
    expect(map.langgraphAttributes(metadata, 'ChatOpenAI')).toEqual({});
  });

  it('tells agents from chains', () => {
    const graph = { id: ['langgraph', 'pregel', 'CompiledStateGraph'] };
    expect(map.chainKind(graph, {}, 'LangGraph', false)).toBe('CHAIN');
    expect(map.chainKind(graph, {}, 'LangGraph', true)).toBe('AGENT');
    expect(map.chainKind(graph, { ls_integration: 'langchain_create_agent' }, 'agent', false)).toBe('AGENT');
    // A subgraph inside createAgent's graph inherits the metadata; it is a node, not the agent.
    expect(map.chainKind(graph, { ls_integration: 'langchain_create_agent', langgraph_node: 'x' }, 'x', false)).toBe('CHAIN');
    expect(map.chainKind({ id: ['langchain', 'agents', 'AgentExecutor'] }, {}, undefined, false)).toBe('AGENT');
    expect(map.chainKind({ id: ['langchain_core', 'runnables', 'RunnableSequence'] }, {}, undefined, false)).toBe('CHAIN');
  });

  it('maps a tool run: name, description, call id, JSON arguments, a ToolMessage result', () => {
    const tool = { lc: 1, type: 'not_implemented', id: ['langchain', 'tools', 'DynamicStructuredTool'], kwargs: { description: 'Weather' } };
    expect(map.toolStartAttributes(tool, '{"city":"Paris"}', 'get_weather', 'call_1')).toEqual({
      'tool.name': 'get_weather',
      'tool.description': 'Weather',
      'tool_call.id': 'call_1',
      'input.value': '{"city":"Paris"}',
      'input.mime_type': 'application/json',
    });
    expect(map.toolStartAttributes(undefined, 'plain words', undefined, undefined)).toMatchObject({ 'tool.name': 'tool', 'input.value': 'plain words', 'input.mime_type': 'text/plain' });
    const result = new ToolMessage({ content: '18C', tool_call_id: 'call_1' });
    for (const r of [result, serialized(result)]) expect(map.toolEndAttributes(r)).toEqual({ 'output.value': '18C', 'output.mime_type': 'text/plain', 'tool_call.id': 'call_1' });
    expect(map.toolEndAttributes({ forecast: 'sunny' })).toEqual({ 'output.value': '{"forecast":"sunny"}', 'output.mime_type': 'application/json' });
  });

  it('maps retrieved documents: id, content, score, metadata', () => {
    const docs = [
      new Document({ pageContent: 'Paris is the capital.', metadata: { source: 'a.md', relevance_score: 0.9 }, id: 'd1' }),
      serialized(new Document({ pageContent: 'France is in Europe.', metadata: { id: 7 } })),
      { pageContent: 'bare' },
    ];
    expect(map.retrieverEndAttributes(docs)).toEqual({
      'retrieval.documents.0.document.id': 'd1',
      'retrieval.documents.0.document.content': 'Paris is the capital.',
      'retrieval.documents.0.document.score': 0.9,
      'retrieval.documents.0.document.metadata': { source: 'a.md', relevance_score: 0.9 },
      'retrieval.documents.1.document.id': '7',
      'retrieval.documents.1.document.content': 'France is in Europe.',
      'retrieval.documents.1.document.metadata': { id: 7 },
      'retrieval.documents.2.document.content': 'bare',
    });
    expect(map.retrieverEndAttributes('nope')).toEqual({});
  });
});

describe('input and output values', () => {
  it('go through the project encoder: a BigInt or a Buffer inside is described, never "[object Object]"', () => {
    expect(map.ioAttributes('input', { n: 10n, b: Buffer.from('hi'), q: 'x' })).toEqual({ 'input.value': '{"n":"10","b":"[Buffer 2 bytes]","q":"x"}', 'input.mime_type': 'application/json' });
    expect(map.ioAttributes('output', 'Paris')).toEqual({ 'output.value': 'Paris', 'output.mime_type': 'text/plain' });
  });
});

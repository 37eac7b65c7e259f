import { describe, expect, it } from 'vitest';
import { addToTotals, emptyTotals, eveSpanAttributes, roleOf } from '../../src/integrations/eve/attributes';

// Shapes as Eve 0.80 writes them on its spans (scope eve.agent), and the AI SDK's
// own keys a model span may carry instead.
const CHAT = {
  'agent.run.id': 'wrun_A',
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai.responses',
  'gen_ai.request.model': 'gpt-5',
  'gen_ai.request.temperature': 0.2,
  'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Be brief.' }]),
  'gen_ai.input.messages': JSON.stringify([
    { role: 'user', parts: [{ type: 'text', content: 'Weather?' }] },
    { role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'get_weather', arguments: { city: 'Paris' } }] },
    { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: { sunny: true } }] },
  ]),
  'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'reasoning', content: 'hmm' }, { type: 'text', content: 'Sunny.' }] }]),
  'gen_ai.usage.input_tokens': 100,
  'gen_ai.usage.output_tokens': 20,
  'gen_ai.usage.cache_read.input_tokens': 64,
  'gen_ai.usage.cache_creation.input_tokens': 8,
  'ai.usage.outputTokenDetails.reasoningTokens': 5,
};
const ALL = { inputs: true, outputs: true };

describe('Eve span attributes', () => {
  it('roles from the operation, the span name as a fallback', () => {
    expect(roleOf('invoke_agent a', {})).toBe('agent');
    expect(roleOf('x', { 'gen_ai.operation.name': 'chat' })).toBe('llm');
    expect(roleOf('execute_tool t', {})).toBe('tool');
    expect(roleOf('agent.step', { 'gen_ai.operation.name': 'workflow' })).toBe('chain');
  });

  it('a model span: messages (tool call and result), tokens with cache and reasoning, provider, parameters', () => {
    const out = eveSpanAttributes('chat gpt-5', CHAT, { content: ALL });
    expect(out).toMatchObject({
      'openinference.span.kind': 'LLM',
      'session.id': 'wrun_A',
      'llm.provider': 'openai',
      'llm.model_name': 'gpt-5',
      'llm.invocation_parameters': { temperature: 0.2 },
      'llm.input_messages.0.message.role': 'system',
      'llm.input_messages.0.message.content': 'Be brief.',
      'llm.input_messages.2.message.tool_calls.0.tool_call.function.arguments': '{"city":"Paris"}',
      'llm.input_messages.3.message.role': 'tool',
      'llm.input_messages.3.message.tool_call_id': 'c1',
      'llm.input_messages.3.message.content': '{"sunny":true}',
      'llm.output_messages.0.message.content': 'Sunny.',
      'llm.token_count.prompt': 100,
      'llm.token_count.completion': 20,
      'llm.token_count.total': 120,
      'llm.token_count.prompt_details.cache_read': 64,
      'llm.token_count.prompt_details.cache_write': 8,
      'llm.token_count.completion_details.reasoning': 5,
    });
  });

  it('recordInputs / recordOutputs false: no content on that side, structure kept', () => {
    const out = eveSpanAttributes('chat gpt-5', CHAT, { content: { inputs: false, outputs: false } });
    expect(Object.keys(out).filter((k) => k.startsWith('llm.input_messages') || k.startsWith('llm.output_messages') || k === 'output.value')).toEqual([]);
    expect(out['llm.token_count.prompt']).toBe(100);
    const tool = eveSpanAttributes('execute_tool t', { 'gen_ai.tool.name': 't', 'gen_ai.tool.call.arguments': '{}', 'gen_ai.tool.call.result': 'done' }, { content: { inputs: false, outputs: true } });
    expect(tool['input.value']).toBeUndefined();
    expect(tool).toMatchObject({ 'tool.name': 't', 'output.value': 'done', 'output.mime_type': 'text/plain' });
  });

  it("the AI SDK's own keys where no GenAI message list is present", () => {
    const out = eveSpanAttributes('chat m', { 'gen_ai.operation.name': 'chat', 'ai.model.id': 'm', 'ai.usage.inputTokens': 3, 'ai.usage.outputTokens': 2, 'ai.response.text': 'hi', 'ai.response.toolCalls': JSON.stringify([{ toolCallId: 'k', toolName: 'f', input: { a: 1 } }]) }, { content: ALL });
    expect(out).toMatchObject({
      'llm.model_name': 'm',
      'llm.token_count.total': 5,
      'llm.output_messages.0.message.content': 'hi',
      'llm.output_messages.0.message.tool_calls.0.tool_call.id': 'k',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': '{"a":1}',
    });
  });

  it('the AGENT span: turn metadata, totals, user metadata on top', () => {
    const totals = emptyTotals();
    addToTotals(totals, 'llm', CHAT);
    addToTotals(totals, 'llm', CHAT);
    addToTotals(totals, 'tool', {});
    const out = eveSpanAttributes('invoke_agent a', { 'gen_ai.agent.name': 'a', 'agent.turn.id': 'turn_1', 'agent.parent_run.id': 'wrun_P', 'gen_ai.conversation.id': 'wrun_R' }, { content: ALL, sessionId: 'wrun_S', totals, metadata: { team: 'x' }, functionId: 'f' });
    expect(out['session.id']).toBe('wrun_S');
    expect(out.metadata).toMatchObject({
      'eve.turn.id': 'turn_1',
      'eve.parent.session.id': 'wrun_P',
      'eve.root.session.id': 'wrun_R',
      '$eve.model': 'gpt-5',
      '$eve.input_tokens': 200,
      '$eve.cache_read_tokens': 128,
      '$eve.cache_write_tokens': 16,
      '$eve.reasoning_tokens': 10,
      '$eve.model_calls': 2,
      '$eve.tool_count': 1,
      functionId: 'f',
      team: 'x',
    });
  });
});

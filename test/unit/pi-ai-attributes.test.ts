import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as map from '../../src/integrations/pi-ai/attributes';
import { contextMessages } from '../../src/integrations/pi-ai/messages';

// pi-ai 0.73 turns recorded against the fake provider (fixtures/pi-ai): the Model, Context and
// AssistantMessages exactly as pi-ai hands them to a provider and returns them.
const fixture = (name: string) => JSON.parse(readFileSync(join(__dirname, '../../fixtures/pi-ai', `${name}.json`), 'utf8'));
const tools = fixture('tool-round-trip');
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

describe('pi-ai turn start attributes', () => {
  it('names the span after the provider, and maps model, provider, system and api', () => {
    expect(map.turnSpanName(tools.model)).toBe('pi-ai.openai.turn');
    expect(map.turnSpanName({})).toBe('pi-ai.unknown.turn');
    const out = map.turnStartAttributes(tools.model, { messages: [] }, undefined);
    expect(out).toMatchObject({
      'openinference.span.kind': 'LLM',
      'llm.model_name': 'gpt-4o-mini',
      'llm.provider': 'openai',
      'llm.system': 'openai',
      'pi_ai.api': 'openai-completions',
      'pi_ai.provider': 'openai',
    });
  });

  it('flattens the system prompt, user, assistant tool calls and tool results (as tool messages answering their calls), and the offered tools', () => {
    const out = map.turnStartAttributes(tools.model, tools.context, {});
    expect(out).toMatchObject({
      'llm.input_messages.0.message.role': 'system',
      'llm.input_messages.0.message.content': 'Use tools.',
      'llm.input_messages.1.message.role': 'user',
      'llm.input_messages.1.message.content': 'Weather in Paris and Tokyo?',
      'llm.input_messages.2.message.role': 'assistant',
      'llm.input_messages.2.message.tool_calls.0.tool_call.id': 'call_Paris4fGh7kL2mN9pQ1rS3tU',
      'llm.input_messages.2.message.tool_calls.0.tool_call.function.name': 'get_weather',
      'llm.input_messages.2.message.tool_calls.0.tool_call.function.arguments': '{"location":"Paris, France","unit":"celsius"}',
      'llm.input_messages.3.message.role': 'tool',
      'llm.input_messages.3.message.tool_call_id': 'call_Paris4fGh7kL2mN9pQ1rS3tU',
      'llm.input_messages.3.message.name': 'get_weather',
      'llm.input_messages.3.message.content': '18C in Paris, France',
      'llm.input_messages.4.message.role': 'tool',
      'input.mime_type': 'application/json',
    });
    expect(JSON.parse(out['llm.tools.0.tool.json_schema'] as string)).toEqual({ name: 'get_weather', description: 'Weather of a place', parameters: tools.context.tools[0].parameters });
    expect(JSON.parse(out['input.value'] as string).messages).toHaveLength(4);
  });

  it('keeps images as data URLs and leaves thinking out of input messages', () => {
    const messages = contextMessages({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image', data: PNG, mimeType: 'image/png' }] },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'hmm' }, { type: 'text', text: 'A pixel.' }] },
      ],
    });
    expect(messages).toEqual([
      { role: 'user', contents: [{ type: 'text', text: 'What is this?' }, { type: 'image', url: `data:image/png;base64,${PNG}` }] },
      { role: 'assistant', content: 'A pixel.' },
    ]);
  });

  it('puts every option but credentials, callbacks, signal, headers and metadata in the invocation parameters', () => {
    const options = {
      apiKey: 'sk-secret', signal: new AbortController().signal, headers: { authorization: 'Bearer x' }, onPayload: () => undefined, metadata: { user_id: 'u1' },
      model: { id: 'other', baseUrl: 'https://user:pass@gateway.example/v1' },
      temperature: 0.2, maxTokens: 64, reasoning: 'high', thinkingBudgets: { high: 4096 }, toolChoice: 'auto', cacheRetention: 'long',
    };
    const out = map.turnStartAttributes(tools.model, tools.context, options);
    expect(JSON.parse(out['llm.invocation_parameters'] as string)).toEqual({
      model: 'gpt-4o-mini', temperature: 0.2, maxTokens: 64, reasoning: 'high', thinkingBudgets: { high: 4096 }, toolChoice: 'auto', cacheRetention: 'long',
    });
  });

  it('names the provider and system the way OpenInference does', () => {
    expect(map.providerName('amazon-bedrock')).toBe('aws');
    expect(map.providerName('google-vertex')).toBe('google');
    expect(map.providerName('mistral')).toBe('mistralai');
    expect(map.providerName('openrouter')).toBe('openrouter');
    expect(map.systemName('openrouter', 'openai-completions')).toBe('openai');
    expect(map.systemName('google-vertex', 'google-vertex')).toBe('vertexai');
    expect(map.systemName('github-copilot', 'anthropic-messages')).toBe('anthropic');
    expect(map.systemName('google', 'google-generative-ai')).toBeUndefined();
  });
});

describe('pi-ai turn end attributes', () => {
  it('maps tool calls out, finish reason, response model and id', () => {
    const out = map.turnEndAttributes(tools.first);
    expect(out).toMatchObject({
      'llm.finish_reason': 'tool_calls',
      'pi_ai.stop_reason': 'toolUse',
      'llm.response.model_name': 'gpt-4o-mini-2024-07-18',
      'pi_ai.response_id': 'chatcmpl-CatToolStream6Gh8jK0lZx',
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.tool_calls.1.tool_call.id': 'call_Tokyo8vWx2yZ5aB1cD4eF6gH',
      'llm.output_messages.0.message.tool_calls.1.tool_call.function.arguments': '{"location":"Tokyo, Japan","unit":"celsius"}',
      'output.mime_type': 'application/json',
    });
    expect(JSON.parse(out['output.value'] as string).content[0]).toMatchObject({ type: 'toolCall', name: 'get_weather' });
  });

  it('counts the prompt as the provider does (pi-ai leaves cached tokens out of input) and writes pi-ai\'s cost', () => {
    const openai = map.turnEndAttributes(tools.second);
    const u = tools.second.usage;
    expect(openai).toMatchObject({
      'llm.token_count.prompt': u.input + u.cacheRead,
      'llm.token_count.completion': u.output,
      'llm.token_count.total': u.totalTokens,
      'llm.token_count.prompt_details.cache_read': u.cacheRead,
      'llm.cost.total': u.cost.total,
      'llm.cost.completion': u.cost.output,
      'llm.cost.prompt_details.input': u.cost.input,
      'llm.cost.prompt': u.cost.input + u.cost.cacheRead + u.cost.cacheWrite,
      'output.value': tools.second.content[0].text,
      'output.mime_type': 'text/plain',
      'llm.finish_reason': 'stop',
    });
    const anthropic = fixture('anthropic-cache').message;
    expect(map.turnEndAttributes(anthropic)).toMatchObject({
      'llm.token_count.prompt': anthropic.usage.input + 1800 + 248,
      'llm.token_count.prompt_details.cache_read': 1800,
      'llm.token_count.prompt_details.cache_write': 248,
      'llm.cost.prompt_details.cache_write': anthropic.usage.cost.cacheWrite,
    });
  });

  it('keeps thinking in output.value only (it has no OpenInference message part), signatures left out', () => {
    const out = map.turnEndAttributes({
      role: 'assistant', stopReason: 'stop', model: 'm',
      content: [{ type: 'thinking', thinking: 'Paris, surely.', thinkingSignature: 'sig'.repeat(100) }, { type: 'text', text: 'Paris.', textSignature: 'x' }],
    });
    expect(out['llm.output_messages.0.message.content']).toBe('Paris.');
    expect(JSON.parse(out['output.value'] as string)).toEqual({ content: [{ type: 'thinking', thinking: 'Paris, surely.' }, { type: 'text', text: 'Paris.' }] });
    expect(Object.keys(out).some((k) => k.includes('thinking'))).toBe(false);
  });

  it('tells a failed or aborted turn (returned, not thrown) from a finished one', () => {
    const failed = fixture('failed').message;
    expect(map.turnFailure(failed)).toEqual({ reason: 'error', message: failed.errorMessage });
    expect(map.turnEndAttributes(failed)).toMatchObject({ 'llm.finish_reason': 'error', 'pi_ai.stop_reason': 'error' });
    expect(map.turnFailure({ stopReason: 'aborted' })).toEqual({ reason: 'aborted', message: 'the turn was aborted' });
    expect(map.turnFailure(tools.second)).toBeUndefined();
    expect(map.turnFailure(undefined)).toBeUndefined();
  });

  it('never throws on shapes it does not know', () => {
    for (const v of [undefined, null, 3, 'x', [], { content: 'text' }, { usage: { cost: 'free' } }]) {
      expect(() => map.turnEndAttributes(v)).not.toThrow();
      expect(() => map.turnStartAttributes(v, v, v)).not.toThrow();
    }
  });
});

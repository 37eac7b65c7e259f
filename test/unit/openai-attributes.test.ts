import { describe, expect, it } from 'vitest';
import * as map from '../../src/integrations/openai/attributes';
import { chatCompletionAccumulator, responsesAccumulator } from '../../src/integrations/openai/stream';

describe('OpenAI chat mapping', () => {
  const body = {
    model: 'gpt-4o-mini',
    temperature: 0.2,
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'What is in this image?' }, { type: 'image_url', image_url: { url: 'https://x/cat.png' } }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"cat"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'a cat' },
    ],
    tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
  };

  it('flattens messages, content parts, tool calls and tool results', () => {
    const a = map.chatRequestAttributes(body);
    expect(a['openinference.span.kind']).toBe('LLM');
    expect(a['llm.system']).toBe('openai');
    expect(a['llm.provider']).toBe('openai');
    expect(a['llm.model_name']).toBe('gpt-4o-mini');
    expect(JSON.parse(a['llm.invocation_parameters'] as string)).toEqual({ model: 'gpt-4o-mini', temperature: 0.2 });
    expect(a['llm.input_messages.0.message.role']).toBe('system');
    expect(a['llm.input_messages.0.message.content']).toBe('Be brief.');
    expect(a['llm.input_messages.1.message.contents.0.message_content.type']).toBe('text');
    expect(a['llm.input_messages.1.message.contents.0.message_content.text']).toBe('What is in this image?');
    expect(a['llm.input_messages.1.message.contents.1.message_content.image.image.url']).toBe('https://x/cat.png');
    expect(a['llm.input_messages.2.message.tool_calls.0.tool_call.id']).toBe('call_1');
    expect(a['llm.input_messages.2.message.tool_calls.0.tool_call.function.name']).toBe('lookup');
    expect(a['llm.input_messages.2.message.tool_calls.0.tool_call.function.arguments']).toBe('{"q":"cat"}');
    expect(a['llm.input_messages.3.message.role']).toBe('tool');
    expect(a['llm.input_messages.3.message.tool_call_id']).toBe('call_1');
    expect(JSON.parse(a['llm.tools.0.tool.json_schema'] as string).function.name).toBe('lookup');
    expect(a['input.mime_type']).toBe('application/json');
    expect(JSON.parse(a['input.value'] as string)).toEqual(body);
  });

  it('tells Azure from OpenAI by base URL', () => {
    expect(map.providerFromBaseURL('https://my.openai.azure.com/openai')).toBe('azure');
    expect(map.providerFromBaseURL('https://api.openai.com/v1')).toBe('openai');
    // The AzureOpenAI client is Azure whatever its endpoint (a gateway, a custom domain).
    class AzureOpenAI {
      baseURL = 'https://llm-gateway.example.com/openai';
    }
    expect(map.providerOfClient(new AzureOpenAI())).toBe('azure');
    expect(map.providerOfClient({ baseURL: 'https://gw.example.com/openai', apiVersion: '2024-10-21' })).toBe('azure');
    expect(map.providerOfClient({ baseURL: 'https://my.openai.azure.com/openai' })).toBe('azure');
    expect(map.providerOfClient({ baseURL: 'https://api.openai.com/v1' })).toBe('openai');
    expect(map.providerOfClient(undefined)).toBe('openai');
  });

  it('maps the response: model, output message, finish reason, tokens with details', () => {
    const a = map.chatResponseAttributes({
      id: 'x',
      model: 'gpt-4o-mini-2024-07-18',
      choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] } }],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 4 }, completion_tokens_details: { reasoning_tokens: 2 } },
    });
    expect(a['llm.model_name']).toBe('gpt-4o-mini-2024-07-18');
    expect(a['llm.output_messages.0.message.role']).toBe('assistant');
    expect(a['llm.output_messages.0.message.tool_calls.0.tool_call.function.name']).toBe('f');
    expect(a['llm.finish_reason']).toBe('tool_calls');
    expect(a['llm.token_count.prompt']).toBe(10);
    expect(a['llm.token_count.completion']).toBe(5);
    expect(a['llm.token_count.total']).toBe(15);
    expect(a['llm.token_count.prompt_details.cache_read']).toBe(4);
    expect(a['llm.token_count.completion_details.reasoning']).toBe(2);
  });

  it('survives unexpected shapes without throwing', () => {
    expect(() => map.chatRequestAttributes(undefined)).not.toThrow();
    expect(() => map.chatRequestAttributes({ messages: 'nope', tools: 5 })).not.toThrow();
    expect(() => map.chatResponseAttributes({ choices: [null, 3, { message: 7 }] })).not.toThrow();
    expect(map.chatResponseAttributes(null)).toEqual({});
  });
});

describe('chat stream accumulator', () => {
  it('assembles content, streamed tool-call arguments and usage without touching the chunks', () => {
    const acc = chatCompletionAccumulator();
    const chunks = [
      { id: 's', model: 'm-1', choices: [{ index: 0, delta: { role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'c0', type: 'function', function: { name: 'get', arguments: '' } }] } }] },
      { id: 's', model: 'm-1', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"a"' } }] } }] },
      { id: 's', model: 'm-1', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: ':1}' } }, { index: 1, id: 'c1', function: { name: 'put', arguments: '{}' } }] } }] },
      { id: 's', model: 'm-1', choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
      { id: 's', model: 'm-1', choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } },
    ];
    const before = JSON.stringify(chunks);
    for (const c of chunks) acc.add(c);
    expect(JSON.stringify(chunks)).toBe(before);
    const a = map.chatResponseAttributes(acc.result());
    expect(a['llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments']).toBe('{"a":1}');
    expect(a['llm.output_messages.0.message.tool_calls.1.tool_call.function.name']).toBe('put');
    expect(a['llm.finish_reason']).toBe('tool_calls');
    expect(a['llm.token_count.total']).toBe(7);
  });

  it('gives nothing for an empty stream', () => {
    expect(chatCompletionAccumulator().result()).toBeUndefined();
  });
});

describe('Responses mapping', () => {
  it('maps instructions, input items, function calls and outputs', () => {
    const a = map.responsesRequestAttributes({
      model: 'gpt-4.1',
      instructions: 'Be helpful',
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'weather?' }] },
        { type: 'function_call', call_id: 'fc1', name: 'weather', arguments: '{"city":"Oslo"}' },
        { type: 'function_call_output', call_id: 'fc1', output: '5C' },
      ],
      tools: [{ type: 'function', name: 'weather', parameters: {} }],
    });
    expect(a['llm.input_messages.0.message.role']).toBe('system');
    expect(a['llm.input_messages.1.message.content']).toBe('weather?');
    expect(a['llm.input_messages.2.message.tool_calls.0.tool_call.id']).toBe('fc1');
    expect(a['llm.input_messages.3.message.role']).toBe('tool');
    expect(a['llm.input_messages.3.message.tool_call_id']).toBe('fc1');
    expect(a['llm.tools.0.tool.json_schema']).toContain('weather');

    const r = map.responsesResponseAttributes({
      model: 'gpt-4.1-2025',
      status: 'completed',
      output: [
        { type: 'reasoning', id: 'r' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'It is 5C.' }] },
        { type: 'function_call', call_id: 'fc2', name: 'x', arguments: '{}' },
      ],
      usage: { input_tokens: 20, output_tokens: 8, total_tokens: 28, input_tokens_details: { cached_tokens: 6 }, output_tokens_details: { reasoning_tokens: 3 } },
    });
    expect(r['llm.output_messages.0.message.content']).toBe('It is 5C.');
    expect(r['llm.output_messages.0.message.tool_calls.0.tool_call.id']).toBe('fc2');
    expect(r['llm.token_count.prompt']).toBe(20);
    expect(r['llm.token_count.prompt_details.cache_read']).toBe(6);
    expect(r['llm.token_count.completion_details.reasoning']).toBe(3);
  });

  it('assembles a stream that stopped before response.completed', () => {
    const acc = responsesAccumulator();
    acc.add({ type: 'response.created', response: { id: 'r', model: 'gpt-4.1' } });
    acc.add({ type: 'response.output_text.delta', delta: 'Hel' });
    acc.add({ type: 'response.output_text.delta', delta: 'lo' });
    const r = map.responsesResponseAttributes(acc.result());
    expect(r['llm.output_messages.0.message.content']).toBe('Hello');
    expect(r['llm.model_name']).toBe('gpt-4.1');
  });
});

describe('embeddings and legacy completions', () => {
  it('records embedding texts and model', () => {
    const a = map.embeddingsRequestAttributes({ model: 'text-embedding-3-small', input: ['a', 'b'] });
    expect(a['openinference.span.kind']).toBe('EMBEDDING');
    expect(a['embedding.model_name']).toBe('text-embedding-3-small');
    expect(a['embedding.embeddings.0.embedding.text']).toBe('a');
    expect(a['embedding.embeddings.1.embedding.text']).toBe('b');
  });

  it('records prompts and completion text', () => {
    const a = map.completionsRequestAttributes({ model: 'gpt-3.5-turbo-instruct', prompt: 'Say hi' });
    expect(a['llm.prompts']).toEqual(['Say hi']);
    expect(a['input.value']).toBe('Say hi');
    const r = map.completionsResponseAttributes({ model: 'gpt-3.5-turbo-instruct', choices: [{ text: 'hi', finish_reason: 'stop' }], usage: { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 } });
    expect(r['output.value']).toBe('hi');
    expect(r['llm.token_count.total']).toBe(3);
  });
});

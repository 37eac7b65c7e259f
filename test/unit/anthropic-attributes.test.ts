import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as map from '../../src/integrations/anthropic/attributes';
import { messageStreamAccumulator, sseDecoder } from '../../src/integrations/anthropic/stream';

const FIXTURES = join(__dirname, '../../fixtures/anthropic');
const json = (name: string) => JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')).body;
/** The events of an .sse fixture, decoded as the SDK decodes them (pings dropped). */
function sseEvents(name: string): Record<string, any>[] {
  const events: Record<string, any>[] = [];
  const d = sseDecoder((event, data) => {
    if (event && event !== 'ping' && data) events.push(JSON.parse(data));
  });
  d.push(readFileSync(join(FIXTURES, `${name}.sse`), 'utf8'));
  d.end();
  return events;
}
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

describe('Anthropic request mapping', () => {
  const body = {
    model: 'claude-sonnet-4-6',
    max_tokens: 256,
    temperature: 0.2,
    system: [{ type: 'text', text: 'You are terse.' }, { type: 'text', text: 'Answer in one sentence.', cache_control: { type: 'ephemeral' } }],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'Weather here?' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { location: 'Paris' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '18C' }, { type: 'text', text: 'And tomorrow?' }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: 'a' }, { type: 'image', source: { type: 'url', url: 'https://x/y.png' } }] }] },
    ],
    tools: [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { location: { type: 'string' } } } }],
    tool_choice: { type: 'auto' },
  };

  it('writes kind, system, model, parameters and offered tools', () => {
    const a = map.messagesRequestAttributes(body);
    expect(a['openinference.span.kind']).toBe('LLM');
    expect(a['llm.system']).toBe('anthropic');
    expect(a['llm.provider']).toBe('anthropic');
    expect(a['llm.model_name']).toBe('claude-sonnet-4-6');
    expect(a['llm.request.model_name']).toBe('claude-sonnet-4-6');
    expect(JSON.parse(a['llm.invocation_parameters'] as string)).toEqual({ model: 'claude-sonnet-4-6', max_tokens: 256, temperature: 0.2, tool_choice: { type: 'auto' } });
    expect(JSON.parse(a['llm.tools.0.tool.json_schema'] as string)).toEqual(body.tools[0]);
    expect(a['input.mime_type']).toBe('application/json');
  });

  it('puts the system prompt (text blocks) first, then content blocks, tool calls and tool results', () => {
    const a = map.messagesRequestAttributes(body);
    expect(a['llm.input_messages.0.message.role']).toBe('system');
    expect(a['llm.input_messages.0.message.contents.0.message_content.text']).toBe('You are terse.');
    expect(a['llm.input_messages.0.message.contents.1.message_content.text']).toBe('Answer in one sentence.');
    expect(a['llm.input_messages.1.message.role']).toBe('user');
    expect(a['llm.input_messages.1.message.contents.0.message_content.type']).toBe('text');
    expect(a['llm.input_messages.1.message.contents.1.message_content.type']).toBe('image');
    expect(a['llm.input_messages.1.message.contents.1.message_content.image.image.url']).toBe(`data:image/png;base64,${PNG}`);
    expect(a['llm.input_messages.2.message.role']).toBe('assistant');
    expect(a['llm.input_messages.2.message.content']).toBe('Checking.');
    expect(a['llm.input_messages.2.message.tool_calls.0.tool_call.id']).toBe('toolu_1');
    expect(a['llm.input_messages.2.message.tool_calls.0.tool_call.function.name']).toBe('get_weather');
    expect(a['llm.input_messages.2.message.tool_calls.0.tool_call.function.arguments']).toBe('{"location":"Paris"}');
    // tool_result blocks are tool-role messages; the user's text after them stays a user message.
    expect(a['llm.input_messages.3.message.role']).toBe('tool');
    expect(a['llm.input_messages.3.message.tool_call_id']).toBe('toolu_1');
    expect(a['llm.input_messages.3.message.content']).toBe('18C');
    expect(a['llm.input_messages.4.message.role']).toBe('user');
    expect(a['llm.input_messages.4.message.content']).toBe('And tomorrow?');
    expect(a['llm.input_messages.5.message.role']).toBe('tool');
    expect(a['llm.input_messages.5.message.tool_call_id']).toBe('toolu_2');
    expect(a['llm.input_messages.5.message.contents.1.message_content.image.image.url']).toBe('https://x/y.png');
    expect(a['llm.input_messages.6.message.role']).toBeUndefined();
  });

  it('takes a plain string system prompt and string content', () => {
    const a = map.messagesRequestAttributes({ model: 'm', system: 'Be brief.', messages: [{ role: 'user', content: 'hi' }] });
    expect(a['llm.input_messages.0.message.content']).toBe('Be brief.');
    expect(a['llm.input_messages.1.message.content']).toBe('hi');
  });

  it('keeps base64 image data out of input.value (the image is a content part, under the image privacy rule)', () => {
    const a = map.messagesRequestAttributes(body);
    const input = a['input.value'] as string;
    expect(input).not.toContain(PNG);
    expect(JSON.parse(input).messages[0].content[1].source).toEqual({ type: 'base64', media_type: 'image/png', data: `[base64 ${PNG.length} chars]` });
    expect(JSON.parse(input).system).toEqual(body.system);
    // The caller's object is never touched.
    expect(body.messages[0]!.content[1]).toMatchObject({ source: { data: PNG } });
  });

  it('tells Bedrock and Vertex from the Anthropic API by base URL', () => {
    expect(map.providerFromBaseURL('https://api.anthropic.com')).toBe('anthropic');
    expect(map.providerFromBaseURL('https://bedrock-runtime.us-east-1.amazonaws.com')).toBe('aws');
    expect(map.providerFromBaseURL('https://us-east5-aiplatform.googleapis.com/v1')).toBe('google');
  });

  it('survives unexpected shapes without throwing', () => {
    expect(() => map.messagesRequestAttributes(undefined)).not.toThrow();
    expect(() => map.messagesRequestAttributes({ messages: 'nope', system: 5, tools: {} })).not.toThrow();
    expect(() => map.messagesRequestAttributes({ messages: [null, 3, { content: [null, { type: 'image' }] }] })).not.toThrow();
    expect(map.messageResponseAttributes(null)).toEqual({});
    expect(() => map.messageResponseAttributes({ content: [null, 7, { type: 'tool_use' }] })).not.toThrow();
  });
});

describe('Anthropic response mapping', () => {
  it('maps a text message: model, output, stop reason, tokens', () => {
    const a = map.messageResponseAttributes(json('messages-basic'));
    expect(a['llm.model_name']).toBe('claude-sonnet-4-6');
    expect(a['llm.output_messages.0.message.role']).toBe('assistant');
    expect(a['llm.output_messages.0.message.content']).toBe('The capital of France is Paris.');
    expect(a['llm.finish_reason']).toBe('end_turn');
    expect(a['llm.token_count.prompt']).toBe(21);
    expect(a['llm.token_count.completion']).toBe(10);
    expect(a['llm.token_count.total']).toBe(31);
    expect(JSON.parse(a['output.value'] as string).id).toBe('msg_01CatBasic7Qk2mZr9Xw1vAb');
  });

  it('maps tool_use blocks as tool calls beside the text', () => {
    const a = map.messageResponseAttributes(json('messages-tool-use'));
    expect(a['llm.output_messages.0.message.content']).toBe("I'll check the weather in Paris.");
    expect(a['llm.output_messages.0.message.tool_calls.0.tool_call.id']).toBe('toolu_01CatWeather8Tq3Vb6Nn2Ye');
    expect(a['llm.output_messages.0.message.tool_calls.0.tool_call.function.name']).toBe('get_weather');
    expect(JSON.parse(a['llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments'] as string)).toEqual({ location: 'Paris, France', unit: 'celsius' });
    expect(a['llm.finish_reason']).toBe('tool_use');
  });

  it('counts prompt tokens as input + cache read + cache creation', () => {
    const a = map.messageResponseAttributes(json('messages-cache'));
    expect(a['llm.token_count.prompt']).toBe(14 + 1800 + 248);
    expect(a['llm.token_count.prompt_details.cache_read']).toBe(1800);
    expect(a['llm.token_count.prompt_details.cache_write']).toBe(248);
    expect(a['llm.token_count.completion']).toBe(9);
    expect(a['llm.token_count.total']).toBe(14 + 1800 + 248 + 9);
  });

  it('reports thinking tokens as reasoning and leaves thinking text out of the output message', () => {
    const a = map.messageResponseAttributes({
      role: 'assistant',
      content: [{ type: 'thinking', thinking: 'hmm', signature: 's' }, { type: 'text', text: 'Done.' }],
      usage: { input_tokens: 5, output_tokens: 40, output_tokens_details: { thinking_tokens: 30 } },
    });
    expect(a['llm.output_messages.0.message.content']).toBe('Done.');
    expect(a['llm.token_count.completion_details.reasoning']).toBe(30);
  });
});

describe('Anthropic stream accumulator', () => {
  for (const name of ['messages-basic', 'messages-tool-use', 'messages-cache', 'messages-after-tool']) {
    it(`assembles ${name}.sse into the attributes of ${name}.json`, () => {
      const events = sseEvents(name);
      const before = JSON.stringify(events);
      const acc = messageStreamAccumulator();
      for (const e of events) acc.add(e);
      expect(JSON.stringify(events)).toBe(before); // the app's events are never written to
      expect(acc.complete()).toBe(true);
      const streamed = map.messageResponseAttributes(acc.result());
      const whole = map.messageResponseAttributes(json(name));
      for (const key of Object.keys(whole)) if (key !== 'output.value') expect([key, streamed[key]]).toEqual([key, whole[key]]);
    });
  }

  it('keeps the partial arguments text of a stream cut short, and the error payload', () => {
    const acc = messageStreamAccumulator();
    acc.add({ type: 'message_start', message: { id: 'm', model: 'x', role: 'assistant', content: [], usage: { input_tokens: 3, output_tokens: 1 } } });
    acc.add({ type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 't', name: 'f', input: {} } });
    acc.add({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"a":' } });
    acc.add({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    expect(acc.complete()).toBe(false);
    expect(acc.error()).toEqual({ type: 'overloaded_error', message: 'Overloaded' });
    const a = map.messageResponseAttributes(acc.result());
    expect(a['llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments']).toBe('{"a":');
    expect(a['llm.token_count.prompt']).toBe(3);
  });

  it('gives nothing for an empty stream and ignores junk', () => {
    const acc = messageStreamAccumulator();
    acc.add(null as never);
    acc.add({ type: 'content_block_delta', index: 9, delta: { type: 'text_delta', text: 'x' } });
    expect(acc.result()).toBeUndefined();
  });
});

describe('server-sent events decoder', () => {
  it('splits events across arbitrary chunk boundaries and line endings', () => {
    const got: Array<[string | null, string]> = [];
    const d = sseDecoder((e, data) => got.push([e, data]));
    const text = 'event: a\r\ndata: {"x":1}\r\n\r\n: comment\nevent: b\ndata: line1\ndata: line2\n\nevent: c\ndata:{}';
    for (const ch of text) d.push(ch);
    d.end();
    expect(got).toEqual([
      ['a', '{"x":1}'],
      ['b', 'line1\nline2'],
      ['c', '{}'],
    ]);
  });
});

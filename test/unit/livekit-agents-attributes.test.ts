import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLiveKitKey, liveKitSpanAttributes, spanKindOf } from '../../src/integrations/livekit-agents/attributes';
import { genAiMessages, systemMessage } from '../../src/integrations/livekit-agents/messages';

// What LiveKit Agents 1.9 writes on its spans in a text-only session with one
// good and one failing tool (captured from the real package into the fixture),
// mapped to OpenInference.
type Attrs = Record<string, unknown>;
const SPANS = JSON.parse(readFileSync(join(__dirname, '../../fixtures/livekit/session-spans.json'), 'utf8')) as Record<string, Attrs[]>;
const span = (name: string, i = 0): Attrs => SPANS[name]![i]!;
const metadata = (out: Attrs): Attrs => out.metadata as Attrs;

describe('spanKindOf', () => {
  it.each([
    ['agent_session', 'AGENT'],
    ['llm_node', 'LLM'],
    ['llm_request', 'LLM'],
    ['llm_request_run', 'LLM'],
    ['function_tool', 'TOOL'],
    ['agent_turn', 'CHAIN'],
    ['user_turn', 'CHAIN'],
    ['tts_node', 'CHAIN'],
    ['on_enter', 'CHAIN'],
  ])('%s is %s', (name, kind) => expect(spanKindOf(name)).toBe(kind));
});

describe('liveKitSpanAttributes', () => {
  it('the model request: model, messages in and out (system first), tools offered, token counts', () => {
    const { attributes: out, error } = liveKitSpanAttributes('llm_request', span('llm_request', 1));
    expect(error).toBeUndefined();
    expect(out).toMatchObject({
      'openinference.span.kind': 'LLM',
      'llm.model_name': 'gpt-4o-mini',
      'llm.input_messages.0.message.role': 'system',
      'llm.input_messages.0.message.content': 'You are a concierge.',
      'llm.input_messages.1.message.role': 'user',
      'llm.input_messages.1.message.content': 'Weather in Paris, and book Chez Nous?',
      'llm.input_messages.2.message.role': 'assistant',
      'llm.input_messages.2.message.tool_calls.0.tool_call.id': 'call_Weather4fGh7kL2mN9pQ1r',
      'llm.input_messages.2.message.tool_calls.0.tool_call.function.name': 'get_weather',
      'llm.input_messages.2.message.tool_calls.0.tool_call.function.arguments': '{"location":"Paris"}',
      'llm.input_messages.2.message.tool_calls.1.tool_call.function.name': 'book_table',
      'llm.input_messages.3.message.role': 'tool',
      'llm.input_messages.3.message.content': 'sunny in Paris',
      'llm.input_messages.3.message.tool_call_id': 'call_Weather4fGh7kL2mN9pQ1r',
      'llm.input_messages.4.message.content': 'An internal error occurred',
      'llm.input_messages.4.message.tool_call_id': 'call_Explode8vWx2yZ5aB1cD4e',
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.content': "It's sunny in Paris; the booking failed.",
      'output.value': "It's sunny in Paris; the booking failed.",
      'output.mime_type': 'text/plain',
      'input.mime_type': 'application/json',
      'llm.tools.0.tool.json_schema': '{"type":"function","name":"get_weather","description":"Weather for a city"}',
      'llm.tools.1.tool.json_schema': '{"type":"function","name":"book_table","description":"Book a table"}',
      'llm.token_count.prompt': 190,
      'llm.token_count.completion': 9,
      'llm.token_count.total': 199,
      'llm.token_count.prompt_details.cache_read': 64,
    });
    // A provider named by its API host is no provider name: kept in metadata. Time to first token is kept.
    expect(out['llm.provider']).toBeUndefined();
    expect(metadata(out)).toMatchObject({ 'gen_ai.provider.name': 'api.openai.com', 'gen_ai.response.time_to_first_chunk': expect.any(Number), 'gen_ai.response.id': 'chatcmpl-CatLiveKitAnswer3Jd8' });
  });

  it('the tool-call answer: the calls as output messages, output.value the JSON', () => {
    const { attributes: out } = liveKitSpanAttributes('llm_request', span('llm_request', 0));
    expect(out).toMatchObject({
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'get_weather',
      'llm.output_messages.0.message.tool_calls.1.tool_call.id': 'call_Explode8vWx2yZ5aB1cD4e',
      'llm.output_messages.0.message.tool_calls.1.tool_call.function.arguments': '{"restaurant":"Chez Nous"}',
      'output.mime_type': 'application/json',
      'llm.token_count.total': 151,
    });
    expect(out['llm.output_messages.0.message.content']).toBeUndefined();
  });

  it('a tool: name, call id, arguments in, result out', () => {
    const { attributes: out, error } = liveKitSpanAttributes('function_tool', span('function_tool', 0));
    expect(error).toBeUndefined();
    expect(out).toMatchObject({
      'openinference.span.kind': 'TOOL',
      'tool.name': 'get_weather',
      'tool_call.id': 'call_Weather4fGh7kL2mN9pQ1r',
      'tool.description': 'Weather for a city',
      'input.value': '{"location":"Paris"}',
      'input.mime_type': 'application/json',
      'output.value': '"sunny in Paris"',
      'agent.name': 'default_agent',
    });
  });

  it('a failing tool: what the model was told as output, and an error', () => {
    const { attributes: out, error } = liveKitSpanAttributes('function_tool', span('function_tool', 1));
    expect(error).toBe('tool_error');
    expect(out).toMatchObject({ 'tool.name': 'book_table', 'output.value': 'An internal error occurred', 'output.mime_type': 'text/plain' });
  });

  it('the session is the agent, named after LiveKit agent; turns carry the words in and out', () => {
    expect(liveKitSpanAttributes('agent_session', span('agent_session')).attributes).toMatchObject({ 'openinference.span.kind': 'AGENT', 'agent.name': 'default_agent' });
    expect(liveKitSpanAttributes('agent_turn', span('agent_turn', 0)).attributes).toMatchObject({ 'openinference.span.kind': 'CHAIN', 'input.value': 'Weather in Paris, and book Chez Nous?' });
    expect(liveKitSpanAttributes('agent_turn', span('agent_turn', 1)).attributes).toMatchObject({ 'output.value': "It's sunny in Paris; the booking failed." });
  });

  it('no content in metadata: LiveKit PII keys and GenAI content keys only reach content keys', () => {
    for (const [name, list] of Object.entries(SPANS)) {
      for (const attrs of list) {
        const out = liveKitSpanAttributes(name, attrs).attributes;
        const meta = out.metadata === undefined ? {} : metadata(out);
        for (const key of Object.keys(meta)) expect(key, name).not.toMatch(/(^|\.)pii(\.|$)|input\.messages|output\.messages|system_instructions|tool\.call\.(arguments|result)|tool\.definitions/);
        for (const key of Object.keys(out)) expect(isLiveKitKey(key), `${name}: ${key}`).toBe(false);
      }
    }
  });
});

describe('GenAI messages', () => {
  it('parts: text joined, tool calls with their JSON arguments, one tool message per response', () => {
    expect(genAiMessages(JSON.stringify([
      { role: 'user', parts: [{ type: 'text', content: 'a' }, { type: 'text', content: 'b' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'f', arguments: { x: 1 } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: 'r1' }, { type: 'tool_call_response', id: 'c2', response: { ok: true } }] },
    ]))).toEqual([
      { role: 'user', content: 'ab' },
      { role: 'assistant', toolCalls: [{ id: 'c1', name: 'f', arguments: '{"x":1}' }] },
      { role: 'tool', content: 'r1', toolCallId: 'c1' },
      { role: 'tool', content: '{"ok":true}', toolCallId: 'c2' },
    ]);
  });

  it('anything else is no messages', () => {
    expect(genAiMessages('not json')).toBeUndefined();
    expect(genAiMessages('{"role":"user"}')).toBeUndefined();
    expect(systemMessage('[]')).toBeUndefined();
    expect(systemMessage('[{"type":"text","content":"be brief"}]')).toEqual({ role: 'system', content: 'be brief' });
  });
});

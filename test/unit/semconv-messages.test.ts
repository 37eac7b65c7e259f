import { describe, expect, it } from 'vitest';
import { flattenMessages, type Message } from '../../src/semconv/messages';

describe('flattenMessages', () => {
  it('writes each message, its parts and its tool calls under their own indexes', () => {
    const out: Record<string, unknown> = {};
    flattenMessages(
      'output',
      [
        { role: 'user', contents: [{ type: 'text', text: 'look' }, { type: 'image', url: 'https://x/y.png' }] },
        { role: 'assistant', content: 'calling', toolCalls: [{ id: 'c1', name: 'a', arguments: '{}' }, { name: 'b' }] },
        { role: 'tool', toolCallId: 'c1', name: 'a', content: '42' },
      ],
      out,
    );
    expect(out).toEqual({
      'llm.output_messages.0.message.role': 'user',
      'llm.output_messages.0.message.contents.0.message_content.type': 'text',
      'llm.output_messages.0.message.contents.0.message_content.text': 'look',
      'llm.output_messages.0.message.contents.1.message_content.type': 'image',
      'llm.output_messages.0.message.contents.1.message_content.image.image.url': 'https://x/y.png',
      'llm.output_messages.1.message.role': 'assistant',
      'llm.output_messages.1.message.content': 'calling',
      'llm.output_messages.1.message.tool_calls.0.tool_call.id': 'c1',
      'llm.output_messages.1.message.tool_calls.0.tool_call.function.name': 'a',
      'llm.output_messages.1.message.tool_calls.0.tool_call.function.arguments': '{}',
      'llm.output_messages.1.message.tool_calls.1.tool_call.function.name': 'b',
      'llm.output_messages.2.message.role': 'tool',
      'llm.output_messages.2.message.content': '42',
      'llm.output_messages.2.message.name': 'a',
      'llm.output_messages.2.message.tool_call_id': 'c1',
    });
  });

  it('skips a missing message, part or call and keeps the others at their indexes', () => {
    const sparse = [{ role: 'system', content: 's' }, undefined, { role: 'user', contents: [undefined, { type: 'text', text: 't' }] }] as unknown as Message[];
    const out: Record<string, unknown> = {};
    flattenMessages('input', sparse, out);
    expect(out).toEqual({
      'llm.input_messages.0.message.role': 'system',
      'llm.input_messages.0.message.content': 's',
      'llm.input_messages.2.message.role': 'user',
      'llm.input_messages.2.message.contents.1.message_content.type': 'text',
      'llm.input_messages.2.message.contents.1.message_content.text': 't',
    });
  });
});

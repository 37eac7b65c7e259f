import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ElevenLabsAttr,
  agentIdOf,
  authMode,
  clientToolCall,
  disconnectAttributes,
  disconnectError,
  incomingTurn,
  outgoingTurn,
  sessionStartAttributes,
  toolResult,
  toolResultAttributes,
  toolStartAttributes,
  transcriptAttributes,
  type TranscriptEntry,
} from '../../src/integrations/elevenlabs/attributes';

/** The socket messages the loopback fake sends and the client answers with (test/harness/fake-elevenlabs.mjs). */
const F = JSON.parse(readFileSync(join(__dirname, '../../fixtures/elevenlabs/conversation.json'), 'utf8'));

describe('ElevenLabs session options', () => {
  it('names the auth mode without recording the credential', () => {
    expect(authMode({ agentId: 'agent_1' })).toBe('public');
    expect(authMode({ agentId: 'agent_1', authorization: 'secret-bearer' })).toBe('authorization');
    expect(authMode({ signedUrl: 'wss://api.elevenlabs.io/v1/convai/conversation?agent_id=agent_2&conversation_signature=SIG' })).toBe('signed_url');
    expect(authMode({ conversationToken: 'tok' })).toBe('token');
    expect(authMode({ orchestrator: { url: 'wss://self-hosted' } })).toBe('orchestrator');
    expect(authMode({})).toBeUndefined();
    expect(authMode(undefined)).toBeUndefined();
  });

  it('reads the agent id from the options, or only the agent_id parameter of a signed URL', () => {
    expect(agentIdOf({ agentId: 'agent_1' })).toBe('agent_1');
    expect(agentIdOf({ signedUrl: 'wss://api.elevenlabs.io/v1/convai/conversation?agent_id=agent_2&conversation_signature=SIG' })).toBe('agent_2');
    expect(agentIdOf({ signedUrl: 'not a url' })).toBeUndefined();
    expect(agentIdOf({ conversationToken: 'tok' })).toBeUndefined();
  });

  it('writes kind, ids, modes and the user; never a signed URL, token or authorization', () => {
    const secretful = {
      signedUrl: 'wss://x.test/v1/convai/conversation?agent_id=agent_2&conversation_signature=SIG',
      authorization: 'BEARER',
      conversationToken: 'TOKEN',
      textOnly: true,
      connectionType: 'websocket',
      userId: 'user-42',
    };
    const a = sessionStartAttributes(secretful);
    expect(a).toEqual({
      'openinference.span.kind': 'AGENT',
      'llm.system': 'elevenlabs',
      [ElevenLabsAttr.AGENT_ID]: 'agent_2',
      [ElevenLabsAttr.AUTH_MODE]: 'signed_url',
      [ElevenLabsAttr.TEXT_ONLY]: true,
      [ElevenLabsAttr.CONNECTION_TYPE]: 'websocket',
      'user.id': 'user-42',
    });
    expect(JSON.stringify(a)).not.toMatch(/SIG|BEARER|TOKEN/);
    expect(sessionStartAttributes({ agentId: 'a', textOnly: undefined })[ElevenLabsAttr.TEXT_ONLY]).toBeUndefined();
  });
});

describe('ElevenLabs transcript', () => {
  it('turns the conversation events into turns; other events are not turns', () => {
    expect(incomingTurn(F.greeting)).toEqual({ role: 'assistant', text: 'Hi! Ask me about the weather.', source: 'agent_response' });
    expect(incomingTurn(F.correction)).toEqual({ role: 'assistant', text: 'It is sunny in Paris.', source: 'agent_response_correction' });
    expect(incomingTurn(F.user_transcript)).toEqual({ role: 'user', text: 'Thanks, bye.', source: 'user_transcript' });
    expect(outgoingTurn(F.user_message)).toEqual({ role: 'user', text: 'What is the weather in Paris?', source: 'user_message' });
    expect(outgoingTurn({ type: 'multimodal_message', text: { type: 'user_message', text: 'see file' }, file: { type: 'file_input', file_id: 'f' } })).toEqual({
      role: 'user',
      text: 'see file',
      source: 'user_message',
    });
    for (const e of [F.ping, F.interruption, F.weather_call, F.conversation_initiation_metadata, { type: 'agent_response' }, null, 'x']) expect(incomingTurn(e)).toBeUndefined();
    for (const m of [F.weather_result, { type: 'pong', event_id: 1 }, { type: 'user_message' }]) expect(outgoingTurn(m)).toBeUndefined();
  });

  it('writes user turns as input messages, agent turns as output messages, and the interleaved conversation as output.value', () => {
    const turns = [F.greeting, F.user_message, F.answer, F.correction, F.user_transcript, F.goodbye].map((e) => incomingTurn(e) ?? outgoingTurn(e)) as TranscriptEntry[];
    expect(transcriptAttributes(turns)).toEqual({
      'llm.input_messages.0.message.role': 'user',
      'llm.input_messages.0.message.content': 'What is the weather in Paris?',
      'llm.input_messages.1.message.role': 'user',
      'llm.input_messages.1.message.content': 'Thanks, bye.',
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.content': 'Hi! Ask me about the weather.',
      'llm.output_messages.1.message.role': 'assistant',
      'llm.output_messages.1.message.content': 'It is rainy in Paris.',
      'llm.output_messages.2.message.role': 'assistant',
      'llm.output_messages.2.message.content': 'It is sunny in Paris.',
      'llm.output_messages.2.message.name': 'correction',
      'llm.output_messages.3.message.role': 'assistant',
      'llm.output_messages.3.message.content': 'Goodbye!',
      'input.value': 'What is the weather in Paris?',
      'input.mime_type': 'text/plain',
      'output.value':
        'assistant: Hi! Ask me about the weather.\nuser: What is the weather in Paris?\nassistant: It is rainy in Paris.\nassistant (correction): It is sunny in Paris.\nuser: Thanks, bye.\nassistant: Goodbye!',
      'output.mime_type': 'text/plain',
    });
    expect(transcriptAttributes([])).toEqual({});
  });
});

describe('ElevenLabs client tools', () => {
  it('reads the call, and writes name, id and parameters as JSON input', () => {
    const call = clientToolCall(F.weather_call)!;
    expect(call).toEqual({ name: 'get_weather', id: 'tc_weather', parameters: { city: 'Paris' } });
    expect(toolStartAttributes(call)).toEqual({
      'openinference.span.kind': 'TOOL',
      'tool.name': 'get_weather',
      'tool_call.id': 'tc_weather',
      'input.value': '{"city":"Paris"}',
      'input.mime_type': 'application/json',
    });
    expect(clientToolCall({ type: 'client_tool_call', client_tool_call: {} })).toBeUndefined();
    expect(clientToolCall(F.ping)).toBeUndefined();
  });

  it('reads the result the SDK sent: JSON or text, and whether it is an error', () => {
    const ok = toolResult(F.weather_result)!;
    expect(ok).toEqual({ id: 'tc_weather', result: '{"city":"Paris","forecast":"sunny"}', isError: false });
    expect(toolResultAttributes(ok)).toEqual({ 'output.value': '{"city":"Paris","forecast":"sunny"}', 'output.mime_type': 'application/json' });
    const failed = toolResult(F.book_result)!;
    expect(failed.isError).toBe(true);
    expect(toolResultAttributes(failed)).toEqual({ 'output.value': 'Client tool execution failed: no table free', 'output.mime_type': 'text/plain' });
    expect(toolResultAttributes({ result: '{not json' })['output.mime_type']).toBe('text/plain');
    expect(toolResult(F.user_message)).toBeUndefined();
  });
});

describe('ElevenLabs disconnect', () => {
  it('records the reason, message and close code; only reason "error" is an error', () => {
    expect(disconnectAttributes(F.disconnect_dropped)).toEqual({
      [ElevenLabsAttr.DISCONNECT_REASON]: 'error',
      [ElevenLabsAttr.DISCONNECT_MESSAGE]: 'Internal server error',
      [ElevenLabsAttr.DISCONNECT_CLOSE_CODE]: 1011,
    });
    expect(disconnectError(F.disconnect_dropped)).toBe('Internal server error');
    const byAgent = { reason: 'agent', context: { type: 'close', code: 1000 }, closeCode: 1000 };
    expect(disconnectAttributes(byAgent)).toEqual({ [ElevenLabsAttr.DISCONNECT_REASON]: 'agent', [ElevenLabsAttr.DISCONNECT_MESSAGE]: undefined, [ElevenLabsAttr.DISCONNECT_CLOSE_CODE]: 1000 });
    expect(disconnectError(byAgent)).toBeUndefined();
    expect(disconnectError({ reason: 'user' })).toBeUndefined();
    expect(disconnectError({ reason: 'error' })).toBe('The conversation ended with an error.');
    expect(disconnectAttributes(undefined)).toEqual({});
  });
});

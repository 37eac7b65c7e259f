import { Attr, MimeTypes, SpanKindValues } from '../../semconv/attr';
import { flattenMessages, type Message } from '../../semconv/messages';
import { safeJson } from '../../trace/encode';
import { isObj, str, type Attrs } from '../shape';

/**
 * ElevenLabs Agents (`@elevenlabs/client`) session options, socket events and
 * disconnect details -> OpenInference attributes. Pure functions of the SDK's
 * plain values (the options object the SDK built, parsed socket messages): no
 * spans, no I/O, unit-tested.
 */

/** Keys this integration adds beside OpenInference's: the platform's own ids and the session's shape. */
export const ElevenLabsAttr = {
  AGENT_ID: 'elevenlabs.agent_id',
  CONVERSATION_ID: 'elevenlabs.conversation_id',
  AUTH_MODE: 'elevenlabs.auth_mode',
  TEXT_ONLY: 'elevenlabs.text_only',
  CONNECTION_TYPE: 'elevenlabs.connection_type',
  DISCONNECT_REASON: 'elevenlabs.disconnect.reason',
  DISCONNECT_MESSAGE: 'elevenlabs.disconnect.message',
  DISCONNECT_CLOSE_CODE: 'elevenlabs.disconnect.close_code',
  INTERRUPTIONS: 'elevenlabs.interruptions',
  TRANSCRIPT_DROPPED: 'elevenlabs.transcript.dropped',
} as const;

export const SESSION_SPAN_NAME = 'ElevenLabs Conversation';

/**
 * How the session authenticates: a public agent id, a signed URL, a WebRTC
 * conversation token, an agent id with a bearer `authorization`, or a
 * self-hosted orchestrator. Only the mode is recorded, never the credential.
 */
export type AuthMode = 'public' | 'signed_url' | 'token' | 'authorization' | 'orchestrator';

export function authMode(options: unknown): AuthMode | undefined {
  if (!isObj(options)) return undefined;
  if (options.orchestrator) return 'orchestrator';
  if (str(options.signedUrl)) return 'signed_url';
  if (str(options.conversationToken)) return 'token';
  if (str(options.agentId)) return str(options.authorization) ? 'authorization' : 'public';
  return undefined;
}

/**
 * The agent id: given directly, or the `agent_id` query parameter of a signed
 * URL (only that parameter is read: the URL's signature never leaves it).
 */
export function agentIdOf(options: unknown): string | undefined {
  if (!isObj(options)) return undefined;
  if (str(options.agentId)) return options.agentId;
  const signed = str(options.signedUrl);
  if (!signed) return undefined;
  try {
    return new URL(signed).searchParams.get('agent_id') ?? undefined;
  } catch {
    return undefined;
  }
}

/** Written when the session starts, from the options object the SDK built from the app's (its getFullOptions()). */
export function sessionStartAttributes(options: unknown): Attrs {
  if (!isObj(options)) return {};
  return {
    [Attr.SPAN_KIND]: SpanKindValues.AGENT,
    [Attr.LLM_SYSTEM]: 'elevenlabs',
    [ElevenLabsAttr.AGENT_ID]: agentIdOf(options),
    [ElevenLabsAttr.AUTH_MODE]: authMode(options),
    [ElevenLabsAttr.TEXT_ONLY]: typeof options.textOnly === 'boolean' ? options.textOnly : undefined,
    [ElevenLabsAttr.CONNECTION_TYPE]: str(options.connectionType),
    [Attr.USER_ID]: str(options.userId),
  };
}

/** One turn of the conversation, in the order the SDK handled it. */
export interface TranscriptEntry {
  role: 'user' | 'assistant';
  text: string;
  /** How the turn arrived: an agent response, a correction of one, a user's spoken transcript or a typed message. */
  source: 'agent_response' | 'agent_response_correction' | 'user_transcript' | 'user_message';
}

/** A socket event the SDK received, as a transcript entry (undefined for events that are not a turn). */
export function incomingTurn(event: unknown): TranscriptEntry | undefined {
  if (!isObj(event)) return undefined;
  switch (event.type) {
    case 'agent_response': {
      const text = isObj(event.agent_response_event) ? str(event.agent_response_event.agent_response) : undefined;
      return text === undefined ? undefined : { role: 'assistant', text, source: 'agent_response' };
    }
    case 'agent_response_correction': {
      const text = isObj(event.agent_response_correction_event) ? str(event.agent_response_correction_event.corrected_agent_response) : undefined;
      return text === undefined ? undefined : { role: 'assistant', text, source: 'agent_response_correction' };
    }
    case 'user_transcript': {
      const text = isObj(event.user_transcription_event) ? str(event.user_transcription_event.user_transcript) : undefined;
      return text === undefined ? undefined : { role: 'user', text, source: 'user_transcript' };
    }
    default:
      return undefined;
  }
}

/** A message the SDK sent, as a transcript entry: the user's typed text (plain or with files). */
export function outgoingTurn(message: unknown): TranscriptEntry | undefined {
  if (!isObj(message)) return undefined;
  if (message.type === 'user_message' && str(message.text) !== undefined) return { role: 'user', text: message.text, source: 'user_message' };
  if (message.type === 'multimodal_message' && isObj(message.text) && str(message.text.text) !== undefined) return { role: 'user', text: message.text.text, source: 'user_message' };
  return undefined;
}

/**
 * The transcript on the session span: the user's turns as input messages and
 * the agent's as output messages, each list in order (a correction is an
 * assistant message named `correction`), and the whole conversation
 * interleaved in order as `output.value`, one `role: text` line per turn.
 */
export function transcriptAttributes(entries: readonly TranscriptEntry[]): Attrs {
  const out: Attrs = {};
  if (!entries.length) return out;
  const message = (e: TranscriptEntry): Message => (e.source === 'agent_response_correction' ? { role: e.role, content: e.text, name: 'correction' } : { role: e.role, content: e.text });
  flattenMessages('input', entries.filter((e) => e.role === 'user').map(message), out);
  flattenMessages('output', entries.filter((e) => e.role === 'assistant').map(message), out);
  const firstUser = entries.find((e) => e.role === 'user');
  if (firstUser) {
    out[Attr.INPUT_VALUE] = firstUser.text;
    out[Attr.INPUT_MIME_TYPE] = MimeTypes.TEXT;
  }
  out[Attr.OUTPUT_VALUE] = entries.map((e) => `${e.source === 'agent_response_correction' ? 'assistant (correction)' : e.role}: ${e.text}`).join('\n');
  out[Attr.OUTPUT_MIME_TYPE] = MimeTypes.TEXT;
  return out;
}

/** The SDK's DisconnectionDetails: why the session ended (`user`, `agent` or `error`) and the socket's close code. */
export function disconnectAttributes(details: unknown): Attrs {
  if (!isObj(details)) return {};
  const context = isObj(details.context) ? details.context : undefined;
  const code = typeof details.closeCode === 'number' ? details.closeCode : typeof context?.code === 'number' ? context.code : undefined;
  return {
    [ElevenLabsAttr.DISCONNECT_REASON]: str(details.reason),
    [ElevenLabsAttr.DISCONNECT_MESSAGE]: str(details.message) ?? str(details.closeReason) ?? (isObj(context) ? str(context.reason) : undefined),
    [ElevenLabsAttr.DISCONNECT_CLOSE_CODE]: code,
  };
}

/** An ended session is an error when the SDK says so (`reason: "error"`): the socket closed abnormally, the server ended it. */
export function disconnectError(details: unknown): string | undefined {
  if (!isObj(details) || details.reason !== 'error') return undefined;
  return str(details.message) ?? 'The conversation ended with an error.';
}

/** The `client_tool_call` the server sent: name, id and parameters. */
export interface ClientToolCall {
  name: string;
  id?: string;
  parameters?: unknown;
}

export function clientToolCall(event: unknown): ClientToolCall | undefined {
  const call = isObj(event) && isObj(event.client_tool_call) ? event.client_tool_call : undefined;
  const name = call ? str(call.tool_name) : undefined;
  if (!call || name === undefined) return undefined;
  return { name, id: str(call.tool_call_id), parameters: call.parameters };
}

export function toolStartAttributes(call: ClientToolCall): Attrs {
  const out: Attrs = { [Attr.SPAN_KIND]: SpanKindValues.TOOL, [Attr.TOOL_NAME]: call.name, [Attr.TOOL_CALL_ID]: call.id };
  // Parameters arrive as parsed JSON: plain data, so encoding them runs nothing of the app's.
  if (call.parameters !== undefined) {
    out[Attr.INPUT_VALUE] = safeJson(call.parameters);
    out[Attr.INPUT_MIME_TYPE] = MimeTypes.JSON;
  }
  return out;
}

/** The SDK's `client_tool_result` message: the result string it sent (already formatted from the tool's return) and whether it is an error. */
export function toolResult(message: unknown): { id: string; result?: string; isError: boolean } | undefined {
  if (!isObj(message) || message.type !== 'client_tool_result' || str(message.tool_call_id) === undefined) return undefined;
  return { id: message.tool_call_id, result: str(message.result), isError: message.is_error === true };
}

export function toolResultAttributes(result: { result?: string }): Attrs {
  if (result.result === undefined) return {};
  const text = result.result.trim();
  let json = false;
  if (text.startsWith('{') || text.startsWith('[')) {
    try {
      JSON.parse(text);
      json = true;
    } catch {
      json = false;
    }
  }
  return { [Attr.OUTPUT_VALUE]: result.result, [Attr.OUTPUT_MIME_TYPE]: json ? MimeTypes.JSON : MimeTypes.TEXT };
}

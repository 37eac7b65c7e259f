import type { Message, ToolCall } from '../../semconv/messages';
import { isObj, str, type Obj } from '../shape';

/**
 * LiveKit writes messages in OpenTelemetry's GenAI shape
 * (`gen_ai.input.messages`, `gen_ai.output.messages`,
 * `gen_ai.system_instructions`): JSON text of `{ role, parts }`, each part a
 * `text`, a `tool_call` (`id`, `name`, `arguments` as an object) or a
 * `tool_call_response` (`id`, `response`). This turns them into the one
 * message shape every integration flattens.
 */
export function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function textOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function toolCallOf(part: Obj): ToolCall {
  return { id: str(part.id), name: str(part.name), arguments: textOf(part.arguments) };
}

function messageOf(raw: Obj): Message[] {
  const role = str(raw.role) ?? 'user';
  const parts: Obj[] = Array.isArray(raw.parts) ? raw.parts.filter(isObj) : [];
  // A tool message answers one call per part: one OpenInference message each, naming its call.
  const responses = parts.filter((p) => p.type === 'tool_call_response');
  if (responses.length > 0) return responses.map((p) => ({ role, content: textOf(p.response), toolCallId: str(p.id) }));
  const text = parts.filter((p) => p.type === 'text').map((p) => textOf(p.content) ?? '');
  const calls = parts.filter((p) => p.type === 'tool_call').map(toolCallOf);
  const message: Message = { role };
  if (text.length > 0) message.content = text.join('');
  if (calls.length > 0) message.toolCalls = calls;
  return [message];
}

/** The messages of a `gen_ai.*.messages` attribute; undefined when it is not that shape. */
export function genAiMessages(text: unknown): Message[] | undefined {
  const parsed = parseJson(text);
  if (!Array.isArray(parsed)) return undefined;
  return parsed.filter(isObj).flatMap(messageOf);
}

/** `gen_ai.system_instructions` as one system message. */
export function systemMessage(text: unknown): Message | undefined {
  const parsed = parseJson(text);
  if (!Array.isArray(parsed)) return undefined;
  const content = parsed
    .filter(isObj)
    .map((p) => textOf(p.content))
    .filter((c): c is string => c !== undefined)
    .join('\n');
  return content ? { role: 'system', content } : undefined;
}

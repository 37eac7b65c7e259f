import { safeJson } from '../../trace/encode';
import type { ContentPart, Message, ToolCall } from '../../semconv/messages';
import { isObj, str, type Obj } from '../shape';

/**
 * pi-ai messages -> the one message shape every integration flattens
 * (semconv/messages.ts). pi-ai's `Context` holds a system prompt and
 * `user`, `assistant` and `toolResult` messages; content is an array of
 * `text`, `image` (base64 `data` + `mimeType`), `thinking` and `toolCall`
 * parts. Pure.
 */

function partToContent(part: unknown): ContentPart | undefined {
  if (!isObj(part)) return undefined;
  if (part.type === 'text' && typeof part.text === 'string') return { type: 'text', text: part.text };
  if (part.type === 'image' && typeof part.data === 'string') return { type: 'image', url: `data:${str(part.mimeType) ?? 'image/*'};base64,${part.data}` };
  return undefined;
}

/** Message text as `content` when it is one text part (or a string), else as `contents` parts. */
function withContent(msg: Message, content: unknown): Message {
  if (typeof content === 'string') {
    msg.content = content;
    return msg;
  }
  const parts = Array.isArray(content) ? content.map(partToContent).filter((p): p is ContentPart => p !== undefined) : [];
  if (parts.length === 1 && parts[0]!.type === 'text') msg.content = parts[0]!.text;
  else if (parts.length > 0) msg.contents = parts;
  return msg;
}

/** A tool call's arguments as JSON text: pi-ai holds them parsed. */
function toolCallOf(part: Obj): ToolCall {
  return { id: str(part.id), name: str(part.name), arguments: typeof part.arguments === 'string' ? part.arguments : safeJson(part.arguments ?? {}) };
}

/** An assistant message: its text (thinking left out), and its tool calls. */
export function assistantMessage(message: Obj): Message {
  const content = Array.isArray(message.content) ? message.content : [];
  const msg = withContent({ role: 'assistant' }, content.filter((p: unknown) => isObj(p) && p.type === 'text'));
  const calls = content.filter((p: unknown): p is Obj => isObj(p) && p.type === 'toolCall').map(toolCallOf);
  if (calls.length) msg.toolCalls = calls;
  return msg;
}

/** The system prompt and every message of a pi-ai `Context`, in order; a `toolResult` is a `tool` message answering its call. */
export function contextMessages(ctx: unknown): Message[] {
  if (!isObj(ctx)) return [];
  const out: Message[] = [];
  if (typeof ctx.systemPrompt === 'string' && ctx.systemPrompt !== '') out.push({ role: 'system', content: ctx.systemPrompt });
  const messages: unknown[] = Array.isArray(ctx.messages) ? ctx.messages : [];
  for (const m of messages) {
    if (!isObj(m)) continue;
    if (m.role === 'user') out.push(withContent({ role: 'user' }, m.content));
    else if (m.role === 'assistant') out.push(assistantMessage(m));
    else if (m.role === 'toolResult') {
      const msg = withContent({ role: 'tool', toolCallId: str(m.toolCallId), name: str(m.toolName) }, m.content);
      if (msg.toolCallId === undefined) delete msg.toolCallId;
      if (msg.name === undefined) delete msg.name;
      out.push(msg);
    }
  }
  return out;
}

/** The thinking text of an assistant message, joined; undefined when it has none. */
export function thinkingText(message: Obj): string | undefined {
  const content = Array.isArray(message.content) ? message.content : [];
  const parts = content.filter((p: unknown): p is Obj => isObj(p) && p.type === 'thinking' && typeof p.thinking === 'string' && p.thinking !== '');
  return parts.length ? parts.map((p) => p.thinking as string).join('\n') : undefined;
}

/** The text parts of an assistant message, joined. */
export function assistantText(message: Obj): string {
  const content = Array.isArray(message.content) ? message.content : [];
  return content.filter((p: unknown): p is Obj => isObj(p) && p.type === 'text' && typeof p.text === 'string').map((p) => p.text as string).join('');
}

import type { ContentPart, Message, ToolCall } from '../../semconv/messages';
import { isObj, str, type Obj } from '../shape';
import { safeJson } from '../../trace/encode';

/**
 * LangChain's own objects (BaseMessage, Document, ToolMessage), read by shape
 * and never by class: a run may come from the ESM or the CJS build, or from a
 * second copy of @langchain/core, and LangChain hands serialized forms
 * (`{ lc: 1, type: 'constructor', id, kwargs }`) to some callbacks.
 */

/** The message's own fields, whether it is a live BaseMessage or its serialized form. */
function fieldsOf(m: Obj): Obj {
  if (m.lc === 1 && m.type === 'constructor' && isObj(m.kwargs)) return m.kwargs;
  return m;
}

/** LangChain's message type (`human`, `ai`, ...) from a live or serialized message. */
function messageType(m: Obj): string | undefined {
  if (typeof m._getType === 'function') {
    try {
      return str(m._getType());
    } catch {
      return undefined;
    }
  }
  if (typeof m.type === 'string' && m.lc !== 1) return m.type;
  if (m.lc === 1 && Array.isArray(m.id)) {
    const cls = String(m.id[m.id.length - 1] ?? '');
    return CLASS_TYPES[cls.replace(/Chunk$/, '')];
  }
  return undefined;
}

const CLASS_TYPES: Record<string, string> = {
  HumanMessage: 'human',
  AIMessage: 'ai',
  SystemMessage: 'system',
  ToolMessage: 'tool',
  FunctionMessage: 'function',
  ChatMessage: 'generic',
};

const ROLES: Record<string, string> = { human: 'user', ai: 'assistant', system: 'system', tool: 'tool', function: 'function', developer: 'developer', remove: 'remove' };

/** True for anything that looks like a LangChain message, live or serialized. */
export function isMessageLike(v: unknown): boolean {
  if (!isObj(v)) return false;
  if (typeof v._getType === 'function' && 'content' in v) return true;
  return v.lc === 1 && v.type === 'constructor' && Array.isArray(v.id) && v.id.includes('messages') && isObj(v.kwargs);
}

/** The text of a content value: a string, or the text parts of a multi-part content joined. */
export function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const texts = content.map((p) => (typeof p === 'string' ? p : isObj(p) && p.type === 'text' ? str(p.text) : undefined)).filter((t): t is string => t !== undefined);
  return texts.length ? texts.join('') : undefined;
}

function contentParts(content: unknown): ContentPart[] | undefined {
  if (!Array.isArray(content)) return undefined;
  const parts: ContentPart[] = [];
  for (const p of content) {
    if (typeof p === 'string') parts.push({ type: 'text', text: p });
    else if (isObj(p) && p.type === 'text' && typeof p.text === 'string') parts.push({ type: 'text', text: p.text });
    else if (isObj(p) && p.type === 'image_url') {
      const url = typeof p.image_url === 'string' ? p.image_url : str(p.image_url?.url);
      if (url) parts.push({ type: 'image', url });
    } else if (isObj(p) && p.type === 'image' && (typeof p.url === 'string' || typeof p.data === 'string')) {
      // LangChain's standard content block: a URL, or base64 data with a MIME type.
      parts.push({ type: 'image', url: p.url ?? `data:${p.mimeType ?? p.mime_type ?? 'image/png'};base64,${p.data}` });
    }
  }
  return parts;
}

function toolCallsOf(f: Obj): ToolCall[] | undefined {
  const calls = Array.isArray(f.tool_calls) && f.tool_calls.length ? f.tool_calls : undefined;
  if (calls) {
    return calls.filter(isObj).map((c) => ({
      id: str(c.id),
      name: str(c.name),
      arguments: typeof c.args === 'string' ? c.args : c.args === undefined ? undefined : safeJson(c.args),
    }));
  }
  // Older providers left the raw OpenAI shape in additional_kwargs only.
  const raw = f.additional_kwargs?.tool_calls;
  if (Array.isArray(raw) && raw.length) {
    return raw.filter(isObj).map((c) => ({ id: str(c.id), name: str(c.function?.name), arguments: str(c.function?.arguments) }));
  }
  return undefined;
}

/** One LangChain message in the shape every integration flattens. */
export function toMessage(m: unknown): Message | undefined {
  if (!isObj(m)) return undefined;
  if (!isMessageLike(m)) {
    // An OpenAI-style `{ role, content }` object, as LangGraph state often holds before coercion.
    if (typeof m.role === 'string') return { role: m.role, content: contentText(m.content) ?? (m.content === undefined ? undefined : safeJson(m.content)) };
    return undefined;
  }
  const f = fieldsOf(m);
  const type = messageType(m);
  const role = type === 'generic' ? str(f.role) ?? 'user' : ROLES[type ?? ''] ?? type ?? 'unknown';
  const message: Message = { role };
  const parts = contentParts(f.content);
  if (typeof f.content === 'string') message.content = f.content;
  else if (parts && parts.length && parts.every((p) => p.type === 'text')) message.content = parts.map((p) => (p as { text: string }).text).join('');
  else if (parts && parts.length) message.contents = parts;
  if (typeof f.name === 'string' && f.name) message.name = f.name;
  if (typeof f.tool_call_id === 'string') message.toolCallId = f.tool_call_id;
  const calls = toolCallsOf(f);
  if (calls) message.toolCalls = calls;
  return message;
}

export function toMessages(list: unknown): Message[] {
  if (!Array.isArray(list)) return [];
  return list.map(toMessage).filter((m): m is Message => m !== undefined);
}

/** A document (live or serialized) as `{ id, content, metadata, score }`. */
export interface DocumentView {
  id?: string;
  content?: string;
  metadata?: Obj;
  score?: number;
}

export function isDocumentLike(v: unknown): v is Obj {
  return isObj(v) && (typeof v.pageContent === 'string' || (v.lc === 1 && isObj(v.kwargs) && typeof v.kwargs.page_content === 'string'));
}

export function toDocument(d: unknown): DocumentView | undefined {
  if (!isObj(d)) return undefined;
  const f = d.lc === 1 && isObj(d.kwargs) ? d.kwargs : d;
  const content = str(f.pageContent) ?? str(f.page_content);
  const metadata = isObj(f.metadata) ? f.metadata : undefined;
  // Vector stores report a similarity under different names; the first number found is the score.
  const scoreKey = metadata && ['score', 'relevance_score', '_score', 'similarity', '_distance'].find((k) => typeof metadata[k] === 'number' && Number.isFinite(metadata[k]));
  return {
    id: str(f.id) ?? (typeof metadata?.id === 'string' || typeof metadata?.id === 'number' ? String(metadata.id) : undefined),
    content,
    metadata: metadata && Object.keys(metadata).length ? metadata : undefined,
    score: scoreKey ? (metadata![scoreKey] as number) : undefined,
  };
}

/**
 * A JSON-friendly view of a run's inputs or outputs: messages become
 * `{ role, content, tool_calls }`, documents `{ id, content, metadata }`, so
 * `input.value` shows what was said rather than LangChain's serialization
 * envelope. Depth and breadth are bounded; cycles are cut.
 */
export function simplify(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[…]';
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  try {
    if (isMessageLike(value)) {
      const m = toMessage(value)!;
      const out: Obj = { role: m.role };
      if (m.content !== undefined) out.content = m.content;
      if (m.contents) out.content = m.contents;
      if (m.name) out.name = m.name;
      if (m.toolCallId) out.tool_call_id = m.toolCallId;
      if (m.toolCalls) out.tool_calls = m.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments }));
      return out;
    }
    if (isDocumentLike(value)) {
      const d = toDocument(value)!;
      return { id: d.id, content: d.content, metadata: d.metadata };
    }
    if (Array.isArray(value)) return value.slice(0, 200).map((v) => simplify(v, depth + 1, seen));
    if (value instanceof Date || ArrayBuffer.isView(value) || value instanceof Map || value instanceof Set) return value;
    // A prompt value (ChatPromptValue / StringPromptValue) says what it holds through its messages or text.
    const obj = value as Obj;
    if (Array.isArray(obj.messages) && typeof obj.toChatMessages === 'function') return simplify(obj.messages, depth + 1, seen);
    if (typeof obj.value === 'string' && typeof obj.toChatMessages === 'function') return obj.value;
    const out: Obj = {};
    let n = 0;
    for (const key of Object.keys(obj)) {
      if (++n > 200) break;
      const v = obj[key];
      if (typeof v === 'function') continue;
      out[key] = simplify(v, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

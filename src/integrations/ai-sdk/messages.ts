import { safeJson } from '../../trace/encode';
import type { ContentPart, Message, ToolCall } from '../../semconv/messages';
import { isObj, str, type Obj } from '../shape';

/**
 * AI SDK messages -> the one message shape every integration flattens
 * (semconv/messages.ts): the `ModelMessage`s of the telemetry events, the
 * provider prompt of object steps, and a model call's content parts. Pure.
 */

/** A part's binary payload as a URL: URLs and `data:` URLs as they are, base64 text and bytes as `data:` URLs. */
function dataUrl(data: unknown, mediaType: string | undefined): string | undefined {
  if (data instanceof URL) return data.href;
  if (typeof data === 'string') {
    if (/^(https?:|data:|file:)/i.test(data)) return data;
    return `data:${mediaType ?? 'application/octet-stream'};base64,${data}`;
  }
  if (data instanceof Uint8Array) return `data:${mediaType ?? 'application/octet-stream'};base64,${Buffer.from(data).toString('base64')}`;
  if (data instanceof ArrayBuffer) return `data:${mediaType ?? 'application/octet-stream'};base64,${Buffer.from(data).toString('base64')}`;
  return undefined;
}

/** `image/png`, or `image` alone (AI SDK 7 file parts may name only the top-level type). */
const isImageType = (mediaType: string | undefined): boolean => !!mediaType && /^image(\/|$)/i.test(mediaType);

function partToContent(part: Obj): ContentPart | undefined {
  switch (part.type) {
    case 'text':
      return typeof part.text === 'string' ? { type: 'text', text: part.text } : undefined;
    case 'image': {
      const mediaType = str(part.mediaType) ?? str(part.mimeType);
      const url = dataUrl(part.image, mediaType && mediaType.includes('/') ? mediaType : 'image/*');
      return url ? { type: 'image', url } : undefined;
    }
    case 'file': {
      const mediaType = str(part.mediaType) ?? str(part.mimeType);
      if (isImageType(mediaType)) {
        const url = dataUrl(part.data, mediaType!.includes('/') ? mediaType : 'image/*');
        return url ? { type: 'image', url } : undefined;
      }
      // Non-image files (PDF, audio...) have no OpenInference content type: name them, never inline them.
      return { type: 'text', text: `[file ${mediaType ?? 'unknown'}${str(part.filename) ? ` ${part.filename}` : ''}]` };
    }
    default:
      return undefined;
  }
}

function toolCallOf(part: Obj): ToolCall {
  return { id: str(part.toolCallId), name: str(part.toolName), arguments: jsonText(part.input ?? part.args) };
}

/** A JSON value as text; a string is assumed to be JSON text already (tool-call input as the model produced it). */
export function jsonText(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : safeJson(value);
}

/** The text of a tool result's output (`{ type: 'text' | 'json' | 'error-text' | 'content' ..., value }`). */
export function toolOutputText(output: unknown): string | undefined {
  if (!isObj(output) || !('type' in output)) return jsonText(output);
  const value = output.value;
  if (typeof value === 'string') return value;
  if (output.type === 'execution-denied') return `[denied${str(output.reason) ? `: ${output.reason}` : ''}]`;
  return jsonText(value);
}

/** Message text as `content` when it is one text part, else as `contents` parts. */
function withContent(msg: Message, parts: ContentPart[]): Message {
  if (parts.length === 1 && parts[0]!.type === 'text') msg.content = parts[0]!.text;
  else if (parts.length > 0) msg.contents = parts;
  return msg;
}

/**
 * AI SDK model messages (the `ModelMessage` shape of the start events, and the
 * provider prompt of object steps) as OpenInference messages. Tool results
 * become tool-role messages of their own, one per result; reasoning is left out.
 */
export function toMessages(messages: unknown): Message[] {
  if (!Array.isArray(messages)) return [];
  const out: Message[] = [];
  for (const m of messages) {
    if (!isObj(m)) continue;
    const role = str(m.role) ?? 'unknown';
    if (typeof m.content === 'string') {
      out.push({ role, content: m.content });
      continue;
    }
    if (!Array.isArray(m.content)) {
      out.push({ role });
      continue;
    }
    const parts: ContentPart[] = [];
    const calls: ToolCall[] = [];
    const results: Message[] = [];
    for (const part of m.content) {
      if (!isObj(part)) continue;
      if (part.type === 'tool-call') calls.push(toolCallOf(part));
      else if (part.type === 'tool-result') results.push({ role: 'tool', toolCallId: str(part.toolCallId), name: str(part.toolName), content: toolOutputText(part.output ?? part.result) });
      else {
        const content = partToContent(part);
        if (content) parts.push(content);
      }
    }
    if (role === 'tool') {
      out.push(...results);
      continue;
    }
    const msg = withContent({ role }, parts);
    if (calls.length) msg.toolCalls = calls;
    if (parts.length || calls.length || !results.length) out.push(msg);
    out.push(...results);
  }
  return out;
}

/** `instructions` (a string, a system message, or a list of them) as system messages. */
export function instructionMessages(instructions: unknown): Message[] {
  if (instructions === undefined || instructions === null) return [];
  if (typeof instructions === 'string') return instructions === '' ? [] : [{ role: 'system', content: instructions }];
  const list = Array.isArray(instructions) ? instructions : [instructions];
  return toMessages(list.map((i) => (typeof i === 'string' ? { role: 'system', content: i } : i)));
}

/** The reply of a model call (its content parts) as one assistant message. */
export function outputMessage(content: unknown, fallbackText?: string): Message | undefined {
  const parts: ContentPart[] = [];
  const calls: ToolCall[] = [];
  if (Array.isArray(content)) {
    for (const part of content) {
      if (!isObj(part)) continue;
      if (part.type === 'tool-call') calls.push(toolCallOf(part));
      else if (part.type === 'text' || part.type === 'file') {
        const c = partToContent(part);
        if (c) parts.push(c);
      }
    }
  }
  if (!parts.length && !calls.length && typeof fallbackText === 'string' && fallbackText !== '') parts.push({ type: 'text', text: fallbackText });
  if (!parts.length && !calls.length) return undefined;
  const msg = withContent({ role: 'assistant' }, parts);
  if (calls.length) msg.toolCalls = calls;
  return msg;
}

/** Messages with inline binary data shortened, for `input.value`: the image itself is a message content part, under the image privacy rule. */
export function withoutInlineData(messages: unknown): unknown {
  if (!Array.isArray(messages)) return messages;
  return messages.map((m) => {
    if (!isObj(m) || !Array.isArray(m.content)) return m;
    return {
      ...m,
      content: m.content.map((part: unknown) => {
        if (!isObj(part)) return part;
        const key = part.type === 'image' ? 'image' : part.type === 'file' ? 'data' : undefined;
        if (!key) return part;
        const data = part[key];
        if (typeof data === 'string' && !/^(https?:|file:)/i.test(data)) return { ...part, [key]: `[base64 ${data.length} chars]` };
        if (data instanceof Uint8Array || data instanceof ArrayBuffer) return { ...part, [key]: `[${data.byteLength} bytes]` };
        return part;
      }),
    };
  });
}

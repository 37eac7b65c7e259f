import { Attr } from './attr';

/**
 * Every provider's messages are first normalised to this one shape, then
 * flattened to OpenInference keys here, so all integrations write messages the
 * same way and a fix to the flattening lands everywhere at once.
 */
export type ContentPart = { type: 'text'; text: string } | { type: 'image'; url: string };

export interface ToolCall {
  id?: string;
  name?: string;
  /** The JSON text of the arguments, as the model produced it. */
  arguments?: string;
}

export interface Message {
  role: string;
  /** Plain text content. */
  content?: string;
  /** Multi-part content, when the message has more than plain text. */
  contents?: ContentPart[];
  name?: string;
  /** For tool-result messages: the call they answer. */
  toolCallId?: string;
  toolCalls?: ToolCall[];
}

export function flattenMessages(side: 'input' | 'output', messages: readonly Message[], out: Record<string, unknown>): void {
  // Loops, not forEach callbacks: this runs on every traced call, and each callback closing over the
  // message's index made V8 allocate a context and a function per message.
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (!m) continue; // a hole (forEach skipped those) or undefined: nothing to write
    out[Attr.message(side, i, 'role')] = m.role;
    if (m.content !== undefined) out[Attr.message(side, i, 'content')] = m.content;
    if (m.name !== undefined) out[Attr.message(side, i, 'name')] = m.name;
    if (m.toolCallId !== undefined) out[Attr.message(side, i, 'tool_call_id')] = m.toolCallId;
    const parts = m.contents;
    for (let k = 0; parts && k < parts.length; k++) {
      const part = parts[k];
      if (!part) continue;
      out[Attr.messageContent(side, i, k, 'type')] = part.type;
      if (part.type === 'text') out[Attr.messageContent(side, i, k, 'text')] = part.text;
      else out[Attr.messageContent(side, i, k, 'image_url')] = part.url;
    }
    const calls = m.toolCalls;
    for (let j = 0; calls && j < calls.length; j++) {
      const call = calls[j];
      if (!call) continue;
      if (call.id !== undefined) out[Attr.toolCall(side, i, j, 'id')] = call.id;
      if (call.name !== undefined) out[Attr.toolCall(side, i, j, 'name')] = call.name;
      if (call.arguments !== undefined) out[Attr.toolCall(side, i, j, 'arguments')] = call.arguments;
    }
  }
}

/** Offered tools, each as its JSON schema text. */
export function flattenTools(tools: readonly unknown[] | undefined, out: Record<string, unknown>): void {
  tools?.forEach((tool, i) => {
    out[Attr.toolSchema(i)] = tool;
  });
}

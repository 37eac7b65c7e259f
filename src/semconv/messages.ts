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
  messages.forEach((m, i) => {
    out[Attr.message(side, i, 'role')] = m.role;
    if (m.content !== undefined) out[Attr.message(side, i, 'content')] = m.content;
    if (m.name !== undefined) out[Attr.message(side, i, 'name')] = m.name;
    if (m.toolCallId !== undefined) out[Attr.message(side, i, 'tool_call_id')] = m.toolCallId;
    m.contents?.forEach((part, k) => {
      out[Attr.messageContent(side, i, k, 'type')] = part.type;
      if (part.type === 'text') out[Attr.messageContent(side, i, k, 'text')] = part.text;
      else out[Attr.messageContent(side, i, k, 'image_url')] = part.url;
    });
    m.toolCalls?.forEach((call, j) => {
      if (call.id !== undefined) out[Attr.toolCall(side, i, j, 'id')] = call.id;
      if (call.name !== undefined) out[Attr.toolCall(side, i, j, 'name')] = call.name;
      if (call.arguments !== undefined) out[Attr.toolCall(side, i, j, 'arguments')] = call.arguments;
    });
  });
}

/** Offered tools, each as its JSON schema text. */
export function flattenTools(tools: readonly unknown[] | undefined, out: Record<string, unknown>): void {
  tools?.forEach((tool, i) => {
    out[Attr.toolSchema(i)] = tool;
  });
}

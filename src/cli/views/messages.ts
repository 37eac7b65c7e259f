import type { StoredAttributeValue } from '../../store/format';
import { K } from '../keys';

/**
 * OpenInference's flattened messages (`llm.input_messages.{i}.message.role`, ...)
 * put back together as objects, in index order.
 */
export interface ToolCall {
  id?: string;
  name?: string;
  arguments?: string;
}

export interface ContentPart {
  type?: string;
  text?: string;
  imageUrl?: string;
}

export interface Message {
  role?: string;
  content?: string;
  name?: string;
  toolCallId?: string;
  toolCalls: ToolCall[];
  contents: ContentPart[];
  functionCall?: ToolCall;
}

const INDEXED = /^(\d+)\.(.+)$/;

function text(v: StoredAttributeValue): string {
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

function at<T>(list: T[], i: number, make: () => T): T {
  while (list.length <= i) list.push(make());
  return list[i]!;
}

/** The messages stored under `prefix` (K.INPUT_MESSAGES or K.OUTPUT_MESSAGES). */
export function readMessages(attributes: Record<string, StoredAttributeValue>, prefix: string): Message[] {
  const byIndex = new Map<number, Message>();
  const lead = `${prefix}.`;
  for (const key in attributes) {
    if (!key.startsWith(lead)) continue;
    const m = INDEXED.exec(key.slice(lead.length));
    if (!m) continue;
    const i = Number(m[1]);
    const path = m[2]!;
    const value = attributes[key]!;
    let msg = byIndex.get(i);
    if (!msg) byIndex.set(i, (msg = { toolCalls: [], contents: [] }));
    if (path === K.MESSAGE_ROLE) msg.role = text(value);
    else if (path === K.MESSAGE_CONTENT) msg.content = text(value);
    else if (path === K.MESSAGE_NAME) msg.name = text(value);
    else if (path === K.MESSAGE_TOOL_CALL_ID) msg.toolCallId = text(value);
    else if (path === K.MESSAGE_FUNCTION_CALL_NAME) (msg.functionCall ??= {}).name = text(value);
    else if (path === K.MESSAGE_FUNCTION_CALL_ARGUMENTS) (msg.functionCall ??= {}).arguments = text(value);
    else if (path.startsWith(`${K.MESSAGE_TOOL_CALLS}.`)) {
      const t = INDEXED.exec(path.slice(K.MESSAGE_TOOL_CALLS.length + 1));
      if (!t) continue;
      const call = at<ToolCall>(msg.toolCalls, Number(t[1]), () => ({}));
      if (t[2] === K.TOOL_CALL_ID) call.id = text(value);
      else if (t[2] === K.TOOL_CALL_FUNCTION_NAME) call.name = text(value);
      else if (t[2] === K.TOOL_CALL_FUNCTION_ARGUMENTS) call.arguments = text(value);
    } else if (path.startsWith(`${K.MESSAGE_CONTENTS}.`)) {
      const c = INDEXED.exec(path.slice(K.MESSAGE_CONTENTS.length + 1));
      if (!c) continue;
      const part = at<ContentPart>(msg.contents, Number(c[1]), () => ({}));
      if (c[2] === K.CONTENT_TYPE) part.type = text(value);
      else if (c[2] === K.CONTENT_TEXT) part.text = text(value);
      else if (c[2] === `${K.CONTENT_IMAGE}.${K.IMAGE_URL}`) part.imageUrl = text(value);
    }
  }
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, msg]) => ({ ...msg, toolCalls: msg.toolCalls.filter((c) => c.id || c.name || c.arguments), contents: msg.contents.filter((p) => p.type || p.text || p.imageUrl) }));
}

/** `retrieval.documents.{i}.document.{id,content,score}` and the like, as ordered records of their leaf keys. */
export function readIndexed(attributes: Record<string, StoredAttributeValue>, prefix: string): Array<Record<string, string>> {
  const lead = `${prefix}.`;
  const byIndex = new Map<number, Record<string, string>>();
  for (const key in attributes) {
    if (!key.startsWith(lead)) continue;
    const m = INDEXED.exec(key.slice(lead.length));
    if (!m) continue;
    const i = Number(m[1]);
    let rec = byIndex.get(i);
    if (!rec) byIndex.set(i, (rec = {}));
    rec[m[2]!] = text(attributes[key]!);
  }
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
}

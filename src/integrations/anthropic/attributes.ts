import { Attr, MimeTypes, SpanKindValues } from '../../semconv/attr';
import { isObj, str, type Attrs, type Obj } from '../shape';
import { flattenMessages, flattenTools, type ContentPart, type Message, type ToolCall } from '../../semconv/messages';
import { normalizeUsage, usageAttributes } from '../../semconv/usage';
import { safeJson } from '../../trace/encode';

/**
 * Anthropic Messages request/response -> OpenInference attributes. Pure
 * functions of the SDK's plain objects (stable and beta shapes alike): no spans,
 * no I/O, unit-tested on the fixtures.
 *
 * Token rule: Anthropic's `input_tokens` excludes cached tokens, so
 * `llm.token_count.prompt` = input + cache read + cache creation tokens (every
 * token the model read), `prompt_details.cache_read` / `cache_write` carry the
 * two cache counts, and the total is prompt + completion (semconv/usage.ts).
 */

/** `llm.provider` from the client's base URL; `llm.system` is always `anthropic`. */
export function providerFromBaseURL(baseURL: unknown): string {
  const url = str(baseURL) ?? '';
  if (/bedrock/i.test(url)) return 'aws';
  if (/aiplatform\.googleapis\.com|vertex/i.test(url)) return 'google';
  if (/\.azure\.com/i.test(url)) return 'azure';
  return 'anthropic';
}

/** An image block's source as a URL: `data:` for base64, the URL itself, or `file:<id>` for the Files API. */
export function imageSourceUrl(source: unknown): string | undefined {
  if (!isObj(source)) return undefined;
  if (source.type === 'base64' && typeof source.data === 'string') return `data:${str(source.media_type) ?? 'image/*'};base64,${source.data}`;
  if (source.type === 'url' && typeof source.url === 'string') return source.url;
  if (source.type === 'file' && typeof source.file_id === 'string') return `file:${source.file_id}`;
  return undefined;
}

/** One text part is plain `content`; anything else is `contents`. */
function partsToFields(parts: ContentPart[]): Pick<Message, 'content' | 'contents'> {
  if (parts.length === 0) return {};
  if (parts.length === 1 && parts[0]!.type === 'text') return { content: parts[0].text };
  return { contents: parts };
}

/** `input` of a tool_use block as the JSON text of its arguments (a string is an unparsed, partial stream). */
function toolArguments(input: unknown): string {
  if (typeof input === 'string') return input;
  return safeJson(input ?? {});
}

const TOOL_USE_TYPES = new Set(['tool_use', 'server_tool_use', 'mcp_tool_use']);

function contentPart(block: Obj): ContentPart | undefined {
  switch (block.type) {
    case 'text':
      return typeof block.text === 'string' ? { type: 'text', text: block.text } : undefined;
    case 'image': {
      const url = imageSourceUrl(block.source);
      return url === undefined ? undefined : { type: 'image', url };
    }
    case 'document':
      // A plain-text document is text the model reads; PDFs and files are not copied into the span.
      return isObj(block.source) && block.source.type === 'text' && typeof block.source.data === 'string' ? { type: 'text', text: block.source.data } : undefined;
    default:
      return undefined;
  }
}

function toolCall(block: Obj): ToolCall {
  return { id: str(block.id), name: str(block.name), arguments: toolArguments(block.input) };
}

function toolResultMessage(block: Obj): Message {
  const msg: Message = { role: 'tool' };
  if (str(block.tool_use_id)) msg.toolCallId = block.tool_use_id;
  if (typeof block.content === 'string') msg.content = block.content;
  else if (Array.isArray(block.content)) Object.assign(msg, partsToFields(block.content.filter(isObj).map(contentPart).filter((p): p is ContentPart => !!p)));
  return msg;
}

/**
 * One Anthropic message param as normalised messages: `tool_result` blocks
 * become tool-role messages (first, as the API requires them first), the rest
 * of the blocks one message of the original role, with `tool_use` blocks as its
 * tool calls.
 */
export function messageParamToMessages(m: Obj): Message[] {
  const role = str(m.role) ?? 'user';
  if (typeof m.content === 'string') return [{ role, content: m.content }];
  if (!Array.isArray(m.content)) return [{ role }];
  const out: Message[] = [];
  const parts: ContentPart[] = [];
  const calls: ToolCall[] = [];
  for (const block of m.content) {
    if (!isObj(block)) continue;
    if (block.type === 'tool_result' || block.type === 'mcp_tool_result') out.push(toolResultMessage(block));
    else if (TOOL_USE_TYPES.has(block.type)) calls.push(toolCall(block));
    else {
      const part = contentPart(block);
      if (part) parts.push(part);
    }
  }
  if (parts.length || calls.length || out.length === 0) {
    const msg: Message = { role, ...partsToFields(parts) };
    if (calls.length) msg.toolCalls = calls;
    out.push(msg);
  }
  return out;
}

/** The `system` param (a string or text blocks) as the first input message. */
export function systemMessage(system: unknown): Message | undefined {
  if (typeof system === 'string') return { role: 'system', content: system };
  if (!Array.isArray(system)) return undefined;
  const parts = system.filter(isObj).map(contentPart).filter((p): p is ContentPart => !!p);
  return parts.length ? { role: 'system', ...partsToFields(parts) } : undefined;
}

/** The request body with base64 image data shortened: the image itself is a message content part, hidden or kept by the image privacy rule. */
export function bodyForInputValue(body: Obj): Obj {
  const isBase64 = (block: unknown): block is Obj =>
    isObj(block) && (block.type === 'image' || block.type === 'document') && isObj(block.source) && block.source.type === 'base64' && typeof block.source.data === 'string';
  const hasBase64 = (block: unknown): boolean => isBase64(block) || (isObj(block) && block.type === 'tool_result' && Array.isArray(block.content) && block.content.some(isBase64));
  if (!Array.isArray(body.messages) || !body.messages.some((m: unknown) => isObj(m) && Array.isArray(m.content) && m.content.some(hasBase64))) return body;
  const shorten = (block: unknown): unknown => {
    if (isBase64(block)) return { ...block, source: { ...block.source, data: `[base64 ${block.source.data.length} chars]` } };
    if (isObj(block) && block.type === 'tool_result' && Array.isArray(block.content)) return { ...block, content: block.content.map(shorten) };
    return block;
  };
  return {
    ...body,
    messages: body.messages.map((m: unknown) => (isObj(m) && Array.isArray(m.content) ? { ...m, content: m.content.map(shorten) } : m)),
  };
}

const NOT_PARAMETERS = ['messages', 'system', 'tools'];

export function messagesRequestAttributes(body: unknown, provider = 'anthropic'): Attrs {
  const out: Attrs = { [Attr.SPAN_KIND]: SpanKindValues.LLM, [Attr.LLM_SYSTEM]: 'anthropic', [Attr.LLM_PROVIDER]: provider };
  if (!isObj(body)) return out;
  if (str(body.model)) {
    out[Attr.LLM_MODEL_NAME] = body.model;
    out[Attr.LLM_REQUEST_MODEL_NAME] = body.model;
  }
  const params: Obj = {};
  for (const k of Object.keys(body)) if (!NOT_PARAMETERS.includes(k)) params[k] = body[k];
  out[Attr.LLM_INVOCATION_PARAMETERS] = safeJson(params);
  const messages: Message[] = [];
  const system = systemMessage(body.system);
  if (system) messages.push(system);
  if (Array.isArray(body.messages)) for (const m of body.messages) if (isObj(m)) messages.push(...messageParamToMessages(m));
  flattenMessages('input', messages, out);
  flattenTools(Array.isArray(body.tools) ? body.tools.map((t: unknown) => safeJson(t)) : undefined, out);
  out[Attr.INPUT_VALUE] = safeJson(bodyForInputValue(body));
  out[Attr.INPUT_MIME_TYPE] = MimeTypes.JSON;
  return out;
}

/** The assistant turn of a Message: its text blocks and its tool calls, thinking left out. */
export function outputMessage(message: Obj): Message {
  const parts: ContentPart[] = [];
  const calls: ToolCall[] = [];
  for (const block of Array.isArray(message.content) ? message.content : []) {
    if (!isObj(block)) continue;
    if (TOOL_USE_TYPES.has(block.type)) calls.push(toolCall(block));
    else if (block.type === 'text' && typeof block.text === 'string') parts.push({ type: 'text', text: block.text });
  }
  const msg: Message = { role: str(message.role) ?? 'assistant', ...partsToFields(parts) };
  if (calls.length) msg.toolCalls = calls;
  return msg;
}

export function messageResponseAttributes(message: unknown): Attrs {
  const out: Attrs = {};
  if (!isObj(message)) return out;
  if (str(message.model)) {
    out[Attr.LLM_MODEL_NAME] = message.model;
    out[Attr.LLM_RESPONSE_MODEL_NAME] = message.model;
  }
  flattenMessages('output', [outputMessage(message)], out);
  if (str(message.stop_reason)) out[Attr.LLM_FINISH_REASON] = message.stop_reason;
  const usage = normalizeUsage(message.usage);
  // Extended thinking reports its share of the output tokens here (beta usage shape).
  const thinking = message.usage?.output_tokens_details?.thinking_tokens;
  if (typeof thinking === 'number' && Number.isFinite(thinking)) usage.reasoning = thinking;
  usageAttributes(usage, out);
  out[Attr.OUTPUT_VALUE] = safeJson(message);
  out[Attr.OUTPUT_MIME_TYPE] = MimeTypes.JSON;
  return out;
}

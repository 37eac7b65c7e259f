import { Attr, MimeTypes, SpanKindValues } from '../../semconv/attr';
import { isObj, str, type Attrs, type Obj } from '../shape';
import { flattenMessages, flattenTools, type ContentPart, type Message, type ToolCall } from '../../semconv/messages';
import { normalizeUsage, usageAttributes } from '../../semconv/usage';
import { safeJson } from '../../trace/encode';

/**
 * OpenAI request/response -> OpenInference attributes. Pure functions of the
 * SDK's plain objects: no spans, no I/O, unit-tested on the fixtures.
 */

/**
 * `azure` for the SDK's AzureOpenAI client, whatever its endpoint (a custom
 * domain or a gateway in front of Azure), or for an Azure host; else `openai`.
 */
export function providerOfClient(client: unknown): string {
  const c = isObj(client) ? client : undefined;
  if (c && (c.constructor?.name === 'AzureOpenAI' || typeof c.apiVersion === 'string')) return 'azure';
  return providerFromBaseURL(c?.baseURL);
}

/** The `llm.provider` from a base URL: an Azure host, else `openai`. */
export function providerFromBaseURL(baseURL: unknown): string {
  const url = str(baseURL) ?? '';
  if (/\.openai\.azure\.com|\.azure\.com/i.test(url)) return 'azure';
  return 'openai';
}

function common(kind: string, provider: string): Attrs {
  return { [Attr.SPAN_KIND]: kind, [Attr.LLM_SYSTEM]: 'openai', [Attr.LLM_PROVIDER]: provider };
}

function invocationParameters(body: Obj, omit: readonly string[]): string {
  const params: Obj = {};
  for (const k of Object.keys(body)) if (!omit.includes(k)) params[k] = body[k];
  return safeJson(params);
}

function inputValue(body: unknown, out: Attrs): void {
  out[Attr.INPUT_VALUE] = safeJson(body);
  out[Attr.INPUT_MIME_TYPE] = MimeTypes.JSON;
}

function outputJson(value: unknown, out: Attrs): void {
  out[Attr.OUTPUT_VALUE] = safeJson(value);
  out[Attr.OUTPUT_MIME_TYPE] = MimeTypes.JSON;
}

// ---- Chat Completions -------------------------------------------------------

function chatContent(content: unknown): Pick<Message, 'content' | 'contents'> {
  if (typeof content === 'string') return { content };
  if (!Array.isArray(content)) return {};
  const parts: ContentPart[] = [];
  for (const part of content) {
    if (!isObj(part)) continue;
    if (part.type === 'text' && typeof part.text === 'string') parts.push({ type: 'text', text: part.text });
    else if (part.type === 'image_url' && isObj(part.image_url)) parts.push({ type: 'image', url: String(part.image_url.url ?? '') });
    else if (part.type === 'refusal' && typeof part.refusal === 'string') parts.push({ type: 'text', text: part.refusal });
  }
  return { contents: parts };
}

function chatToolCalls(calls: unknown): ToolCall[] | undefined {
  if (!Array.isArray(calls)) return undefined;
  return calls.filter(isObj).map((c) => ({
    id: str(c.id),
    name: str(c.function?.name) ?? str(c.custom?.name),
    arguments: str(c.function?.arguments) ?? str(c.custom?.input),
  }));
}

export function chatMessage(m: Obj): Message {
  const msg: Message = { role: str(m.role) ?? 'unknown', ...chatContent(m.content) };
  if (m.content == null && typeof m.refusal === 'string') msg.content = m.refusal;
  if (str(m.name)) msg.name = m.name;
  if (str(m.tool_call_id)) msg.toolCallId = m.tool_call_id;
  const calls = chatToolCalls(m.tool_calls);
  if (calls?.length) msg.toolCalls = calls;
  else if (isObj(m.function_call)) msg.toolCalls = [{ name: str(m.function_call.name), arguments: str(m.function_call.arguments) }];
  return msg;
}

/** The objects of a messages list as normalised messages (anything else in it is skipped). */
function chatMessages(list: readonly unknown[]): Message[] {
  const messages: Message[] = [];
  for (const m of list) if (isObj(m)) messages.push(chatMessage(m));
  return messages;
}

export function chatRequestAttributes(body: unknown, provider = 'openai'): Attrs {
  const out = common(SpanKindValues.LLM, provider);
  if (!isObj(body)) return out;
  if (str(body.model)) {
    out[Attr.LLM_MODEL_NAME] = body.model;
    out[Attr.LLM_REQUEST_MODEL_NAME] = body.model;
  }
  out[Attr.LLM_INVOCATION_PARAMETERS] = invocationParameters(body, ['messages', 'tools', 'functions']);
  if (Array.isArray(body.messages)) flattenMessages('input', chatMessages(body.messages), out);
  flattenTools((body.tools ?? body.functions)?.map?.((t: unknown) => safeJson(t)), out);
  inputValue(body, out);
  return out;
}

export function chatResponseAttributes(completion: unknown): Attrs {
  const out: Attrs = {};
  if (!isObj(completion)) return out;
  if (str(completion.model)) {
    out[Attr.LLM_MODEL_NAME] = completion.model;
    out[Attr.LLM_RESPONSE_MODEL_NAME] = completion.model;
  }
  // One loop over the choices (this runs on every call): their messages, and the first finish reason given.
  const messages: Message[] = [];
  let finish: string | undefined;
  if (Array.isArray(completion.choices)) {
    for (const c of completion.choices) {
      if (!isObj(c)) continue;
      messages.push(chatMessage(isObj(c.message) ? c.message : { role: 'assistant' }));
      if (finish === undefined && typeof c.finish_reason === 'string') finish = c.finish_reason;
    }
  }
  flattenMessages('output', messages, out);
  if (finish !== undefined) out[Attr.LLM_FINISH_REASON] = finish;
  usageAttributes(normalizeUsage(completion.usage), out);
  outputJson(completion, out);
  return out;
}

// ---- Responses ----------------------------------------------------------------

function responsesContent(content: unknown): Pick<Message, 'content' | 'contents'> {
  if (typeof content === 'string') return { content };
  if (!Array.isArray(content)) return {};
  const parts: ContentPart[] = [];
  for (const part of content) {
    if (!isObj(part)) continue;
    if ((part.type === 'input_text' || part.type === 'output_text' || part.type === 'text') && typeof part.text === 'string') {
      parts.push({ type: 'text', text: part.text });
    } else if (part.type === 'refusal' && typeof part.refusal === 'string') {
      parts.push({ type: 'text', text: part.refusal });
    } else if (part.type === 'input_image') {
      parts.push({ type: 'image', url: String(part.image_url ?? part.file_id ?? '') });
    }
  }
  if (parts.length === 1 && parts[0]!.type === 'text') return { content: parts[0].text };
  return { contents: parts };
}

/** Responses API input items (and output items) as chat-shaped messages. */
export function responsesItemsToMessages(items: unknown, defaultRole: string): Message[] {
  if (typeof items === 'string') return [{ role: defaultRole, content: items }];
  if (!Array.isArray(items)) return [];
  const messages: Message[] = [];
  for (const item of items) {
    if (!isObj(item)) continue;
    const type = item.type ?? (item.role ? 'message' : undefined);
    if (type === 'message') {
      messages.push({ role: str(item.role) ?? defaultRole, ...responsesContent(item.content) });
    } else if (type === 'function_call' || type === 'custom_tool_call') {
      const call: ToolCall = { id: str(item.call_id) ?? str(item.id), name: str(item.name), arguments: str(item.arguments) ?? str(item.input) };
      const last = messages[messages.length - 1];
      // Consecutive calls belong to one assistant turn, as in chat completions.
      if (last && last.role === 'assistant' && last.toolCalls && last.content === undefined) last.toolCalls.push(call);
      else messages.push({ role: 'assistant', toolCalls: [call] });
    } else if (type === 'function_call_output' || type === 'custom_tool_call_output') {
      messages.push({ role: 'tool', toolCallId: str(item.call_id), content: typeof item.output === 'string' ? item.output : safeJson(item.output) });
    }
  }
  return messages;
}

export function responsesRequestAttributes(body: unknown, provider = 'openai'): Attrs {
  const out = common(SpanKindValues.LLM, provider);
  if (!isObj(body)) return out;
  if (str(body.model)) {
    out[Attr.LLM_MODEL_NAME] = body.model;
    out[Attr.LLM_REQUEST_MODEL_NAME] = body.model;
  }
  out[Attr.LLM_INVOCATION_PARAMETERS] = invocationParameters(body, ['input', 'instructions', 'tools']);
  const messages: Message[] = [];
  if (str(body.instructions)) messages.push({ role: 'system', content: body.instructions });
  messages.push(...responsesItemsToMessages(body.input, 'user'));
  flattenMessages('input', messages, out);
  flattenTools(Array.isArray(body.tools) ? body.tools.map((t: unknown) => safeJson(t)) : undefined, out);
  inputValue(body, out);
  return out;
}

export function responsesResponseAttributes(response: unknown): Attrs {
  const out: Attrs = {};
  if (!isObj(response)) return out;
  if (str(response.model)) {
    out[Attr.LLM_MODEL_NAME] = response.model;
    out[Attr.LLM_RESPONSE_MODEL_NAME] = response.model;
  }
  const messages = responsesItemsToMessages(response.output, 'assistant');
  // One assistant turn: text and tool calls of the same response belong together.
  const merged: Message = { role: 'assistant' };
  for (const m of messages) {
    if (m.content !== undefined) merged.content = (merged.content ?? '') + m.content;
    if (m.contents) merged.contents = [...(merged.contents ?? []), ...m.contents];
    if (m.toolCalls) merged.toolCalls = [...(merged.toolCalls ?? []), ...m.toolCalls];
  }
  if (messages.length) flattenMessages('output', [merged], out);
  const status = str(response.incomplete_details?.reason) ?? str(response.status);
  if (status) out[Attr.LLM_FINISH_REASON] = status;
  usageAttributes(normalizeUsage(response.usage), out);
  outputJson(response, out);
  return out;
}

// ---- Embeddings ---------------------------------------------------------------

export function embeddingsRequestAttributes(body: unknown, provider = 'openai'): Attrs {
  const out = common(SpanKindValues.EMBEDDING, provider);
  if (!isObj(body)) return out;
  if (str(body.model)) out[Attr.EMBEDDING_MODEL_NAME] = body.model;
  out[Attr.LLM_INVOCATION_PARAMETERS] = invocationParameters(body, ['input']);
  const inputs = typeof body.input === 'string' ? [body.input] : Array.isArray(body.input) ? body.input : [];
  inputs.forEach((text: unknown, i: number) => {
    // Token-id inputs (number arrays) have no text to show.
    if (typeof text === 'string') out[Attr.embeddingText(i)] = text;
  });
  inputValue(body, out);
  return out;
}

export function embeddingsResponseAttributes(response: unknown): Attrs {
  const out: Attrs = {};
  if (!isObj(response)) return out;
  if (str(response.model)) out[Attr.EMBEDDING_MODEL_NAME] = response.model;
  usageAttributes(normalizeUsage(response.usage), out);
  // The vectors themselves are large and rarely useful in a trace: say how many and how long.
  const data = Array.isArray(response.data) ? response.data : [];
  out[Attr.OUTPUT_VALUE] = safeJson({ embeddings: data.length, dimensions: Array.isArray(data[0]?.embedding) ? data[0].embedding.length : undefined });
  out[Attr.OUTPUT_MIME_TYPE] = MimeTypes.JSON;
  return out;
}

// ---- Legacy completions ---------------------------------------------------------

export function completionsRequestAttributes(body: unknown, provider = 'openai'): Attrs {
  const out = common(SpanKindValues.LLM, provider);
  if (!isObj(body)) return out;
  if (str(body.model)) {
    out[Attr.LLM_MODEL_NAME] = body.model;
    out[Attr.LLM_REQUEST_MODEL_NAME] = body.model;
  }
  out[Attr.LLM_INVOCATION_PARAMETERS] = invocationParameters(body, ['prompt']);
  const prompts = typeof body.prompt === 'string' ? [body.prompt] : Array.isArray(body.prompt) ? body.prompt.filter((p: unknown) => typeof p === 'string') : [];
  if (prompts.length) out[Attr.LLM_PROMPTS] = prompts;
  if (typeof body.prompt === 'string') {
    out[Attr.INPUT_VALUE] = body.prompt;
    out[Attr.INPUT_MIME_TYPE] = MimeTypes.TEXT;
  } else inputValue(body, out);
  return out;
}

export function completionsResponseAttributes(response: unknown): Attrs {
  const out: Attrs = {};
  if (!isObj(response)) return out;
  if (str(response.model)) {
    out[Attr.LLM_MODEL_NAME] = response.model;
    out[Attr.LLM_RESPONSE_MODEL_NAME] = response.model;
  }
  const choices = Array.isArray(response.choices) ? response.choices.filter(isObj) : [];
  if (choices.length) {
    flattenMessages('output', choices.map((c: Obj) => ({ role: 'assistant', content: str(c.text) ?? '' })), out);
    out[Attr.OUTPUT_VALUE] = str(choices[0].text) ?? '';
    out[Attr.OUTPUT_MIME_TYPE] = MimeTypes.TEXT;
    if (str(choices[0].finish_reason)) out[Attr.LLM_FINISH_REASON] = choices[0].finish_reason;
  }
  usageAttributes(normalizeUsage(response.usage), out);
  return out;
}

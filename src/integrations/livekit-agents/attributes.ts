import { Attr, MimeTypes, SpanKindValues, type SpanKindValue } from '../../semconv/attr';
import { flattenMessages, flattenTools, type Message } from '../../semconv/messages';
import { usageAttributes, type TokenUsage } from '../../semconv/usage';
import { isObj, str, type Attrs } from '../shape';
import { genAiMessages, parseJson, systemMessage } from './messages';

/**
 * LiveKit Agents' span attributes (`lk.*`, and `gen_ai.*` after OpenTelemetry's
 * GenAI conventions) → OpenInference. Nothing of LiveKit's own keys is kept
 * as it was (see the rule in calls.ts): content goes to the OpenInference keys
 * the privacy switches know; the rest (ids, timings, flags, time to first
 * token) to `metadata` under LiveKit's names.
 */
const KIND_OF_SPAN: Record<string, SpanKindValue> = {
  agent_session: SpanKindValues.AGENT,
  llm_node: SpanKindValues.LLM,
  llm_request: SpanKindValues.LLM,
  llm_request_run: SpanKindValues.LLM,
  function_tool: SpanKindValues.TOOL,
};

export function spanKindOf(name: string): SpanKindValue {
  return KIND_OF_SPAN[name] ?? SpanKindValues.CHAIN;
}

/** The keys LiveKit writes; the span keeps none of them once converted. */
export const isLiveKitKey = (key: string): boolean =>
  key.startsWith('lk.') || key.startsWith('gen_ai.') || key.startsWith('langfuse.') || key === 'error.type';

/**
 * Keys that may hold conversation content: LiveKit's own PII marking
 * (`lk.pii.*`, any `pii` segment) and the GenAI keys it treats as such. They
 * reach the span only through OpenInference content keys, never metadata.
 */
const PII_SEGMENT = /(^|\.)pii(\.|$)/i;
const CONTENT_KEYS = new Set([
  'gen_ai.input.messages',
  'gen_ai.output.messages',
  'gen_ai.system_instructions',
  'gen_ai.tool.call.arguments',
  'gen_ai.tool.call.result',
  'gen_ai.tool.description',
  'gen_ai.tool.definitions',
  'gen_ai.retrieval.query.text',
  'gen_ai.retrieval.documents',
  'gen_ai.memory.query.text',
  'gen_ai.memory.records',
  'gen_ai.evaluation.explanation',
]);
const isContentKey = (key: string): boolean => PII_SEGMENT.test(key) || CONTENT_KEYS.has(key) || key.startsWith('gen_ai.prompt');

/** Mapped to an OpenInference key of its own, so not repeated in metadata. */
const MAPPED_KEYS = new Set([
  'gen_ai.agent.name',
  'lk.agent_label',
  'gen_ai.conversation.id',
  'gen_ai.request.model',
  'gen_ai.response.model',
  'gen_ai.tool.name',
  'lk.function_tool.name',
  'gen_ai.tool.call.id',
  'lk.function_tool.id',
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.output_tokens',
  'gen_ai.usage.cache_read.input_tokens',
  'gen_ai.usage.cache_write.input_tokens',
  'gen_ai.usage.reasoning.output_tokens',
  // LiveKit's duplicate of cache_read under an older name.
  'gen_ai.usage.input_cached_tokens',
]);

/**
 * LiveKit names some providers by the host of their API (the OpenAI plugin:
 * `api.openai.com`, or a proxy's `host:port`), which is no provider name:
 * such a value stays in metadata.
 */
const HOST = /[:/]|^api\.|^\d+\.\d+\.\d+\.\d+$/;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function metadataOf(attributes: Readonly<Attrs>): Attrs | undefined {
  const out: Attrs = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (isContentKey(key) || MAPPED_KEYS.has(key) || key.startsWith('langfuse.')) continue;
    if (key === 'gen_ai.provider.name' && typeof value === 'string' && !HOST.test(value)) continue;
    out[key] = value;
  }
  return Object.keys(out).length ? out : undefined;
}

function usageOf(a: Readonly<Attrs>): TokenUsage {
  const prompt = num(a['gen_ai.usage.input_tokens']);
  const completion = num(a['gen_ai.usage.output_tokens']);
  const usage: TokenUsage = {
    prompt,
    completion,
    // GenAI's input count includes the cached tokens, like OpenAI's prompt_tokens.
    cacheRead: num(a['gen_ai.usage.cache_read.input_tokens']),
    cacheWrite: num(a['gen_ai.usage.cache_write.input_tokens']),
    reasoning: num(a['gen_ai.usage.reasoning.output_tokens']),
  };
  if (prompt !== undefined || completion !== undefined) usage.total = (prompt ?? 0) + (completion ?? 0);
  return usage;
}

function setJson(out: Attrs, valueKey: string, mimeKey: string, text: unknown): void {
  if (typeof text !== 'string') return;
  out[valueKey] = text;
  out[mimeKey] = parseJson(text) === undefined ? MimeTypes.TEXT : MimeTypes.JSON;
}

/** A message list's text when it is one plain text answer, for output.value. */
function plainText(messages: readonly Message[] | undefined): string | undefined {
  if (messages?.length !== 1 || messages[0]!.toolCalls) return undefined;
  return messages[0]!.content;
}

function llmAttributes(a: Readonly<Attrs>, out: Attrs): void {
  const model = str(a['gen_ai.response.model']) ?? str(a['gen_ai.request.model']);
  if (model) out[Attr.LLM_MODEL_NAME] = model;
  const provider = str(a['gen_ai.provider.name']);
  if (provider && !HOST.test(provider)) out[Attr.LLM_PROVIDER] = provider;
  const system = systemMessage(a['gen_ai.system_instructions']);
  const input = genAiMessages(a['gen_ai.input.messages']);
  if (input) {
    flattenMessages('input', system ? [system, ...input] : input, out);
    setJson(out, Attr.INPUT_VALUE, Attr.INPUT_MIME_TYPE, a['gen_ai.input.messages']);
  }
  const output = genAiMessages(a['gen_ai.output.messages']);
  if (output) {
    flattenMessages('output', output, out);
    const text = plainText(output);
    if (text !== undefined) {
      out[Attr.OUTPUT_VALUE] = text;
      out[Attr.OUTPUT_MIME_TYPE] = MimeTypes.TEXT;
    } else setJson(out, Attr.OUTPUT_VALUE, Attr.OUTPUT_MIME_TYPE, a['gen_ai.output.messages']);
  }
  const tools = parseJson(a['gen_ai.tool.definitions']);
  if (Array.isArray(tools)) flattenTools(tools.filter(isObj).map((t) => JSON.stringify(t)), out);
  usageAttributes(usageOf(a), out);
}

function toolAttributes(name: string, a: Readonly<Attrs>, out: Attrs): string | undefined {
  out[Attr.TOOL_NAME] = str(a['gen_ai.tool.name']) ?? str(a['lk.function_tool.name']) ?? name;
  const callId = str(a['gen_ai.tool.call.id']) ?? str(a['lk.function_tool.id']);
  if (callId) out[Attr.TOOL_CALL_ID] = callId;
  const description = str(a['gen_ai.tool.description']);
  if (description) out[Attr.TOOL_DESCRIPTION] = description;
  setJson(out, Attr.INPUT_VALUE, Attr.INPUT_MIME_TYPE, a['gen_ai.tool.call.arguments'] ?? a['lk.pii.function_tool.arguments']);
  setJson(out, Attr.OUTPUT_VALUE, Attr.OUTPUT_MIME_TYPE, a['gen_ai.tool.call.result'] ?? a['lk.pii.function_tool.output']);
  // A failed tool: LiveKit catches the error, tells the model, and marks the span; the error itself is only logged.
  return a['lk.function_tool.is_error'] === true ? (str(a['error.type']) ?? 'tool_error') : undefined;
}

/** The turn spans carry the user's words and the agent's answer as plain text. */
function turnAttributes(a: Readonly<Attrs>, out: Attrs): void {
  const input = str(a['lk.pii.user_input']) ?? str(a['lk.pii.user_transcript']);
  if (input) {
    out[Attr.INPUT_VALUE] = input;
    out[Attr.INPUT_MIME_TYPE] = MimeTypes.TEXT;
  }
  const output = str(a['lk.pii.response.text']);
  if (output) {
    out[Attr.OUTPUT_VALUE] = output;
    out[Attr.OUTPUT_MIME_TYPE] = MimeTypes.TEXT;
  }
}

export interface ConvertedSpan {
  attributes: Attrs;
  /** Set when LiveKit marked the span failed without an error status (a tool that threw): the status message. */
  error?: string;
}

/** The OpenInference attributes of one LiveKit span, from the attributes LiveKit wrote on it. */
export function liveKitSpanAttributes(name: string, attributes: Readonly<Attrs>): ConvertedSpan {
  const kind = spanKindOf(name);
  const out: Attrs = { [Attr.SPAN_KIND]: kind };
  const agent = str(attributes['gen_ai.agent.name']) ?? str(attributes['lk.agent_label']);
  if (agent) out[Attr.AGENT_NAME] = agent;
  const session = str(attributes['gen_ai.conversation.id']);
  if (session) out[Attr.SESSION_ID] = session;
  let error: string | undefined;
  if (kind === SpanKindValues.LLM) llmAttributes(attributes, out);
  else if (kind === SpanKindValues.TOOL) error = toolAttributes(name, attributes, out);
  else turnAttributes(attributes, out);
  const metadata = metadataOf(attributes);
  if (metadata) out[Attr.METADATA] = metadata;
  return error === undefined ? { attributes: out } : { attributes: out, error };
}

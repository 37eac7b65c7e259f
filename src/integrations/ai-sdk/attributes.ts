import { SemanticConventions as SC } from '@arizeai/openinference-semantic-conventions';
import { Attr, MimeTypes, SpanKindValues } from '../../semconv/attr';
import { flattenMessages } from '../../semconv/messages';
import { instructionMessages, jsonText, outputMessage, toMessages, withoutInlineData } from './messages';
import { normalizeUsage, usageAttributes } from '../../semconv/usage';
import { dataSnapshot, safeJson } from '../../trace/encode';
import { isObj, str, type Attrs, type Obj } from '../shape';

/**
 * AI SDK telemetry events -> OpenInference attributes. Pure functions of the
 * events the SDK hands its telemetry integrations (already filtered by the
 * call's recordInputs / recordOutputs): no spans, no I/O, unit-tested.
 */

// ---- provider -------------------------------------------------------------

/** `llm.provider` from the AI SDK provider id (`openai.chat`, `anthropic.messages`, `google.generative-ai`...). */
export function providerName(provider: unknown): string | undefined {
  const id = str(provider)?.toLowerCase();
  if (!id) return undefined;
  const head = id.split('.')[0]!;
  if (head.startsWith('azure')) return 'azure';
  if (head === 'amazon-bedrock' || head === 'bedrock') return 'aws';
  if (head.startsWith('google') || head.startsWith('vertex')) return 'google';
  if (head === 'mistral') return 'mistralai';
  if (head === 'moonshotai') return 'moonshot';
  if (head === 'togetherai') return 'together';
  return head;
}

/** `llm.system`, the model family, for the families OpenInference names (LLMSystem); unset for the rest. */
const SYSTEMS = new Set(['openai', 'azure', 'anthropic', 'mistralai', 'cohere']);
export function systemName(provider: unknown): string | undefined {
  const p = providerName(provider);
  if (p === 'google') return str(provider)?.includes('vertex') ? 'vertexai' : undefined;
  if (p === 'azure') return 'openai';
  return p && SYSTEMS.has(p) ? p : undefined;
}

function modelAttrs(kind: string, event: Obj): Attrs {
  const out: Attrs = { [Attr.SPAN_KIND]: kind };
  const provider = providerName(event.provider);
  if (provider) out[Attr.LLM_PROVIDER] = provider;
  const system = systemName(event.provider);
  if (system) out[Attr.LLM_SYSTEM] = system;
  return out;
}

// ---- the operation span (CHAIN / AGENT / EMBEDDING / RERANKER) ------------

/** The operation's short name: `generateText` for `ai.generateText`. */
export function operationName(operationId: unknown): string {
  const id = str(operationId) ?? 'ai';
  return id.startsWith('ai.') ? id.slice(3) : id;
}

/** Root span name: the operation, then the functionId when the call has one. */
export function operationSpanName(operationId: unknown, functionId: unknown, agentName?: string): string {
  if (agentName) return agentName;
  const op = operationName(operationId);
  const fn = str(functionId);
  return fn ? `${op} ${fn}` : op;
}

export type OperationKind = 'chain' | 'agent' | 'embedding' | 'reranker';

export function operationKind(operationId: unknown, isAgent: boolean): OperationKind {
  const op = operationName(operationId);
  if (op === 'embed' || op === 'embedMany') return 'embedding';
  if (op === 'rerank') return 'reranker';
  return isAgent ? 'agent' : 'chain';
}

/** True when a text call was made by an AI SDK agent (ToolLoopAgent tags its requests' user agent). */
export function isAgentCall(event: Obj): boolean {
  const ua = isObj(event.headers) ? str(event.headers['user-agent']) : undefined;
  return !!ua && /\bai-sdk-agent\//.test(ua);
}

const KIND_VALUE: Record<OperationKind, string> = {
  chain: SpanKindValues.CHAIN,
  agent: SpanKindValues.AGENT,
  embedding: SpanKindValues.EMBEDDING,
  reranker: SpanKindValues.RERANKER,
};

export interface OperationContext {
  kind: OperationKind;
  agentName?: string;
  agentId?: string;
  /** Metadata given to createAISdkTelemetrySettings(), merged over the call's runtime context. */
  metadata?: Record<string, unknown>;
}

/**
 * The event with its prompt fields as data copies: the SDK hands over the
 * app's own message objects, and reading them directly would run the app's
 * getters and `toJSON` on top of the SDK's own reads (encode.ts dataSnapshot).
 */
function appPromptData(event: Obj): Obj {
  const copy: Obj = { ...event };
  for (const key of ['prompt', 'messages', 'promptMessages', 'instructions', 'system']) if (key in event) copy[key] = dataSnapshot(event[key]);
  return copy;
}

/** The prompt of a text or object call as `input.value`: the plain prompt text when that is all there is, else JSON. */
function promptInput(event: Obj, out: Attrs): void {
  event = appPromptData(event);
  const messages = Array.isArray(event.messages) ? event.messages : undefined;
  const instructions = event.instructions ?? event.system;
  if (typeof event.prompt === 'string' && !messages?.length && instructions === undefined) {
    out[Attr.INPUT_VALUE] = event.prompt;
    out[Attr.INPUT_MIME_TYPE] = MimeTypes.TEXT;
    return;
  }
  const only = messages?.length === 1 ? messages[0] : undefined;
  if ((instructions === undefined || instructions === '') && isObj(only) && only.role === 'user' && typeof only.content === 'string') {
    out[Attr.INPUT_VALUE] = only.content;
    out[Attr.INPUT_MIME_TYPE] = MimeTypes.TEXT;
    return;
  }
  if (!messages?.length && instructions === undefined && event.prompt === undefined) return;
  out[Attr.INPUT_VALUE] = safeJson({ instructions, prompt: typeof event.prompt === 'string' ? undefined : withoutInlineData(event.prompt), messages: withoutInlineData(messages) });
  out[Attr.INPUT_MIME_TYPE] = MimeTypes.JSON;
}

/** Attributes of the operation span at `onStart`. */
export function operationStartAttributes(event: Obj, op: OperationContext): Attrs {
  const out: Attrs = { [Attr.SPAN_KIND]: KIND_VALUE[op.kind] };
  const metadata: Record<string, unknown> = {};
  if (isObj(event.runtimeContext)) Object.assign(metadata, event.runtimeContext);
  // AI SDK 6 passed `experimental_telemetry.metadata` on its events.
  if (isObj(event.metadata)) Object.assign(metadata, event.metadata);
  if (op.metadata) Object.assign(metadata, op.metadata);
  if (str(event.functionId)) metadata.functionId = event.functionId;
  if (Object.keys(metadata).length) out[Attr.METADATA] = safeJson(metadata);
  if (op.kind === 'agent') {
    if (op.agentName) out[Attr.AGENT_NAME] = op.agentName;
    if (op.agentId) out[Attr.AGENT_ID] = op.agentId;
  }
  if (op.kind === 'embedding') {
    Object.assign(out, modelAttrs(SpanKindValues.EMBEDDING, event));
    if (str(event.modelId)) out[Attr.EMBEDDING_MODEL_NAME] = event.modelId;
    // embed has `value`; embedMany has `value` as the list (7.x) or `values`.
    const values = Array.isArray(event.values) ? event.values : Array.isArray(event.value) ? event.value : typeof event.value === 'string' ? [event.value] : [];
    values.forEach((v: unknown, i: number) => {
      if (typeof v === 'string') out[Attr.embeddingText(i)] = v;
    });
    if (values.length) {
      out[Attr.INPUT_VALUE] = typeof event.value === 'string' ? event.value : safeJson(values);
      out[Attr.INPUT_MIME_TYPE] = typeof event.value === 'string' ? MimeTypes.TEXT : MimeTypes.JSON;
    }
    return out;
  }
  if (op.kind === 'reranker') {
    Object.assign(out, modelAttrs(SpanKindValues.RERANKER, event));
    if (str(event.modelId)) out[SC.RERANKER_MODEL_NAME] = event.modelId;
    if (typeof event.query === 'string') {
      out[SC.RERANKER_QUERY] = event.query;
      out[Attr.INPUT_VALUE] = event.query;
      out[Attr.INPUT_MIME_TYPE] = MimeTypes.TEXT;
    }
    if (typeof event.topN === 'number') out[SC.RERANKER_TOP_K] = event.topN;
    if (Array.isArray(event.documents)) {
      event.documents.forEach((d: unknown, i: number) => {
        out[`${SC.RERANKER_INPUT_DOCUMENTS}.${i}.${SC.DOCUMENT_ID}`] = String(i);
        out[`${SC.RERANKER_INPUT_DOCUMENTS}.${i}.${SC.DOCUMENT_CONTENT}`] = typeof d === 'string' ? d : safeJson(d);
      });
    }
    return out;
  }
  promptInput(event, out);
  return out;
}

/** Attributes of the operation span at `onEnd`. */
export function operationEndAttributes(event: Obj, kind: OperationKind, structured: boolean): Attrs {
  const out: Attrs = {};
  if (kind === 'embedding') {
    const list = Array.isArray(event.embeddings) ? event.embeddings : Array.isArray(event.embedding) && Array.isArray(event.embedding[0]) ? event.embedding : Array.isArray(event.embedding) ? [event.embedding] : [];
    if (list.length) {
      out[Attr.OUTPUT_VALUE] = safeJson({ embeddings: list.length, dimensions: Array.isArray(list[0]) ? list[0].length : undefined });
      out[Attr.OUTPUT_MIME_TYPE] = MimeTypes.JSON;
    }
    const tokens = isObj(event.usage) && typeof event.usage.tokens === 'number' ? event.usage.tokens : undefined;
    if (tokens !== undefined) usageAttributes({ prompt: tokens, total: tokens }, out);
    return out;
  }
  if (kind === 'reranker') {
    if (Array.isArray(event.ranking)) {
      event.ranking.forEach((r: unknown, i: number) => {
        if (!isObj(r)) return;
        const prefix = `${SC.RERANKER_OUTPUT_DOCUMENTS}.${i}`;
        if (typeof r.originalIndex === 'number') out[`${prefix}.${SC.DOCUMENT_ID}`] = String(r.originalIndex);
        if (typeof r.score === 'number') out[`${prefix}.${SC.DOCUMENT_SCORE}`] = r.score;
        if (r.document !== undefined) out[`${prefix}.${SC.DOCUMENT_CONTENT}`] = typeof r.document === 'string' ? r.document : safeJson(r.document);
      });
      out[Attr.OUTPUT_VALUE] = safeJson(event.ranking.map((r: Obj) => (isObj(r) ? { index: r.originalIndex, score: r.score } : r)));
      out[Attr.OUTPUT_MIME_TYPE] = MimeTypes.JSON;
    }
    return out;
  }
  // generateObject / streamObject: the object; text calls: the final text (JSON when it is structured output).
  if (event.object !== undefined) {
    out[Attr.OUTPUT_VALUE] = safeJson(event.object);
    out[Attr.OUTPUT_MIME_TYPE] = MimeTypes.JSON;
  } else if (typeof event.text === 'string' && event.text !== '') {
    out[Attr.OUTPUT_VALUE] = event.text;
    out[Attr.OUTPUT_MIME_TYPE] = structured && /^\s*[[{]/.test(event.text) ? MimeTypes.JSON : MimeTypes.TEXT;
  }
  return out;
}

// ---- the LLM span (one model call) ----------------------------------------

const PARAMETER_KEYS = ['maxOutputTokens', 'temperature', 'topP', 'topK', 'presencePenalty', 'frequencyPenalty', 'stopSequences', 'seed', 'reasoning'] as const;

/** What an LLM span inherits from its operation: settings the model-call event does not repeat. */
export interface CallSettings {
  toolChoice?: unknown;
  /** The structured-output format (`{ type: 'json', schema, name }`) once known. */
  responseFormat?: unknown;
  providerOptions?: unknown;
}

/** Call settings from the operation's start event (toolChoice, provider options, generateObject's schema). */
export function callSettingsOf(event: Obj): CallSettings {
  const settings: CallSettings = {};
  if (event.toolChoice !== undefined) settings.toolChoice = event.toolChoice;
  if (isObj(event.schema)) settings.responseFormat = { type: 'json', schema: event.schema, name: str(event.schemaName), description: str(event.schemaDescription) };
  else if (event.output === 'array' || event.output === 'enum' || event.output === 'no-schema') settings.responseFormat = { type: 'json', output: event.output };
  if (isObj(event.providerOptions) && Object.keys(event.providerOptions).length) settings.providerOptions = event.providerOptions;
  return settings;
}

/** Attributes of an LLM span at the model call's start (`onLanguageModelCallStart`, or an object step's start). */
export function modelCallStartAttributes(event: Obj, settings: CallSettings = {}): Attrs {
  const out = modelAttrs(SpanKindValues.LLM, event);
  if (str(event.modelId)) {
    out[Attr.LLM_MODEL_NAME] = event.modelId;
    out[Attr.LLM_REQUEST_MODEL_NAME] = event.modelId;
  }
  const params: Obj = { model: event.modelId };
  for (const k of PARAMETER_KEYS) if (event[k] !== undefined) params[k] = event[k];
  if (settings.toolChoice !== undefined) params.toolChoice = settings.toolChoice;
  if (settings.responseFormat !== undefined) params.responseFormat = settings.responseFormat;
  if (settings.providerOptions !== undefined) params.providerOptions = settings.providerOptions;
  out[Attr.LLM_INVOCATION_PARAMETERS] = safeJson(params);

  event = appPromptData(event);
  // Text calls name the instructions apart; object steps carry the provider prompt (system messages inline).
  const prompt = Array.isArray(event.promptMessages) && !Array.isArray(event.messages) ? event.promptMessages : event.messages;
  const messages = [...instructionMessages(event.instructions ?? event.system), ...toMessages(prompt)];
  flattenMessages('input', messages, out);
  if (Array.isArray(event.tools)) event.tools.forEach((t: unknown, i: number) => (out[Attr.toolSchema(i)] = safeJson(t)));
  if (messages.length || event.instructions !== undefined) {
    out[Attr.INPUT_VALUE] = safeJson({ instructions: event.instructions ?? event.system, messages: withoutInlineData(prompt) });
    out[Attr.INPUT_MIME_TYPE] = MimeTypes.JSON;
  }
  return out;
}

/** Attributes of an LLM span at the model call's end (`onLanguageModelCallEnd`, or an object step's end). */
export function modelCallEndAttributes(event: Obj): Attrs {
  const out: Attrs = {};
  const responseModel = str(event.response?.modelId) ?? str(event.modelId);
  if (responseModel) out[Attr.LLM_RESPONSE_MODEL_NAME] = responseModel;
  const finish = str(event.finishReason) ?? str(event.finishReason?.unified);
  if (finish) out[Attr.LLM_FINISH_REASON] = finish;
  const message = outputMessage(event.content, str(event.objectText) ?? str(event.text));
  if (message) {
    flattenMessages('output', [message], out);
    if (message.toolCalls?.length) {
      out[Attr.OUTPUT_VALUE] = safeJson({ content: event.content });
      out[Attr.OUTPUT_MIME_TYPE] = MimeTypes.JSON;
    } else {
      const text = message.content ?? message.contents?.map((p) => (p.type === 'text' ? p.text : '')).join('') ?? '';
      out[Attr.OUTPUT_VALUE] = text;
      out[Attr.OUTPUT_MIME_TYPE] = typeof event.objectText === 'string' ? MimeTypes.JSON : MimeTypes.TEXT;
    }
  }
  usageAttributes(normalizeUsage(event.usage), out);
  return out;
}

// ---- the TOOL span ----------------------------------------------------------

/** A tool's definition as the model saw it (from the model call's prepared tools). */
export interface ToolDefinition {
  description?: string;
  inputSchema?: unknown;
}

export function toolDefinitions(tools: unknown): Map<string, ToolDefinition> {
  const map = new Map<string, ToolDefinition>();
  if (!Array.isArray(tools)) return map;
  for (const t of tools) if (isObj(t) && str(t.name)) map.set(t.name, { description: str(t.description), inputSchema: t.inputSchema ?? t.parameters });
  return map;
}

export function toolStartAttributes(toolCall: unknown, definition?: ToolDefinition): Attrs {
  const out: Attrs = { [Attr.SPAN_KIND]: SpanKindValues.TOOL };
  if (!isObj(toolCall)) return out;
  if (str(toolCall.toolName)) out[Attr.TOOL_NAME] = toolCall.toolName;
  if (str(toolCall.toolCallId)) out[Attr.TOOL_CALL_ID] = toolCall.toolCallId;
  if (definition?.description) out[Attr.TOOL_DESCRIPTION] = definition.description;
  if (definition?.inputSchema !== undefined) out[Attr.TOOL_PARAMETERS] = safeJson(definition.inputSchema);
  const input = toolCall.input ?? toolCall.args;
  if (input !== undefined) {
    out[Attr.INPUT_VALUE] = jsonText(input);
    out[Attr.INPUT_MIME_TYPE] = MimeTypes.JSON;
  }
  return out;
}

/** The tool's result as `output.value`; undefined for an error (the span records the exception instead). */
export function toolEndAttributes(toolOutput: unknown): Attrs {
  const out: Attrs = {};
  if (!isObj(toolOutput) || toolOutput.type === 'tool-error') return out;
  const value = 'output' in toolOutput ? toolOutput.output : toolOutput.result;
  if (value === undefined) return out;
  out[Attr.OUTPUT_VALUE] = typeof value === 'string' ? value : safeJson(value);
  out[Attr.OUTPUT_MIME_TYPE] = typeof value === 'string' ? MimeTypes.TEXT : MimeTypes.JSON;
  return out;
}

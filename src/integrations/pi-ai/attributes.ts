import { Attr, MimeTypes, SpanKindValues } from '../../semconv/attr';
import { flattenMessages } from '../../semconv/messages';
import { usageAttributes, type TokenUsage } from '../../semconv/usage';
import { safeJson } from '../../trace/encode';
import { isObj, str, type Attrs, type Obj } from '../shape';
import { assistantMessage, assistantText, contextMessages, thinkingText } from './messages';

/**
 * pi-ai turns -> OpenInference attributes. Pure functions of the `Model`,
 * `Context` and options a provider's `stream`/`streamSimple` is called with,
 * and of the `AssistantMessage` the turn ends with: no spans, no I/O,
 * unit-tested on fixtures.
 */

/** pi-ai's own facts that OpenInference has no key for. */
export const PiAiAttr = {
  API: 'pi_ai.api',
  PROVIDER: 'pi_ai.provider',
  STOP_REASON: 'pi_ai.stop_reason',
  RESPONSE_ID: 'pi_ai.response_id',
} as const;

/** The span name of a turn: `pi-ai.<provider>.turn`, the provider as pi-ai names it. */
export function turnSpanName(model: unknown): string {
  const provider = isObj(model) ? str(model.provider) : undefined;
  return `pi-ai.${provider || 'unknown'}.turn`;
}

/** `llm.provider` from pi-ai's provider name, in OpenInference's spelling where it has one. */
export function providerName(provider: unknown): string | undefined {
  const p = str(provider)?.toLowerCase();
  if (!p) return undefined;
  if (p === 'amazon-bedrock') return 'aws';
  if (p.startsWith('google')) return 'google';
  if (p.startsWith('azure')) return 'azure';
  if (p === 'openai-codex') return 'openai';
  if (p === 'mistral') return 'mistralai';
  if (p.startsWith('moonshotai')) return 'moonshot';
  return p;
}

/**
 * `llm.system`, the model family, for the families OpenInference names
 * (LLMSystem): from the provider, else from the wire API (a provider such as
 * OpenRouter speaking `openai-completions` serves the OpenAI family's API).
 */
export function systemName(provider: unknown, api: unknown): string | undefined {
  const p = providerName(provider);
  if (p === 'openai' || p === 'azure') return 'openai';
  if (p === 'anthropic' || p === 'mistralai' || p === 'cohere') return p;
  if (str(provider) === 'google-vertex') return 'vertexai';
  const a = str(api) ?? '';
  if (a === 'anthropic-messages') return 'anthropic';
  if (a === 'mistral-conversations') return 'mistralai';
  if (a === 'google-vertex') return 'vertexai';
  if (a.includes('openai')) return 'openai';
  return undefined;
}

/**
 * Options that never reach a span: credentials, callbacks, the abort signal,
 * headers (they may carry keys), app metadata, and a `model` object (the
 * agent loop passes its whole config; the model's base URL may hold
 * credentials, and its id is written apart).
 */
const NOT_PARAMETERS = new Set(['apiKey', 'signal', 'headers', 'onPayload', 'onResponse', 'metadata', 'sessionId', 'model']);

/** The invocation parameters of a turn: the model id and every option but those above (temperature, maxTokens, reasoning...). */
export function invocationParameters(model: Obj, options: unknown): Obj {
  const params: Obj = { model: model.id };
  if (isObj(options)) {
    for (const key of Object.keys(options)) {
      const value = options[key];
      if (NOT_PARAMETERS.has(key) || value === undefined || typeof value === 'function') continue;
      params[key] = value;
    }
  }
  return params;
}

/** Offered tools as the model sees them: name, description, parameters (JSON schema). */
function toolSchemas(tools: unknown, out: Attrs): void {
  if (!Array.isArray(tools)) return;
  tools.forEach((t: unknown, i: number) => {
    if (isObj(t)) out[Attr.toolSchema(i)] = safeJson({ name: t.name, description: t.description, parameters: t.parameters });
  });
}

/** Attributes known when a turn starts: the model, the parameters, the prompt, the tools. */
export function turnStartAttributes(model: unknown, context: unknown, options: unknown): Attrs {
  const m: Obj = isObj(model) ? model : {};
  const out: Attrs = { [Attr.SPAN_KIND]: SpanKindValues.LLM };
  if (str(m.id)) {
    out[Attr.LLM_MODEL_NAME] = m.id;
    out[Attr.LLM_REQUEST_MODEL_NAME] = m.id;
  }
  const provider = providerName(m.provider);
  if (provider) out[Attr.LLM_PROVIDER] = provider;
  const system = systemName(m.provider, m.api);
  if (system) out[Attr.LLM_SYSTEM] = system;
  if (str(m.api)) out[PiAiAttr.API] = m.api;
  if (str(m.provider)) out[PiAiAttr.PROVIDER] = m.provider;
  out[Attr.LLM_INVOCATION_PARAMETERS] = safeJson(invocationParameters(m, options));

  flattenMessages('input', contextMessages(context), out);
  if (isObj(context)) {
    toolSchemas(context.tools, out);
    out[Attr.INPUT_VALUE] = safeJson({ systemPrompt: context.systemPrompt, messages: context.messages });
    out[Attr.INPUT_MIME_TYPE] = MimeTypes.JSON;
  }
  return out;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * pi-ai's usage as one TokenUsage. pi-ai counts `input` without cached tokens
 * (OpenAI's cached share and Anthropic's cache reads and writes are apart), so
 * the prompt is input + cache read + cache write: the tokens the model read.
 */
export function turnUsage(usage: unknown): TokenUsage {
  if (!isObj(usage)) return {};
  const input = num(usage.input);
  const cacheRead = num(usage.cacheRead);
  const cacheWrite = num(usage.cacheWrite);
  const out: TokenUsage = {};
  if (input !== undefined) out.prompt = input + (cacheRead ?? 0) + (cacheWrite ?? 0);
  if (num(usage.output) !== undefined) out.completion = usage.output;
  out.total = num(usage.totalTokens) ?? (out.prompt !== undefined || out.completion !== undefined ? (out.prompt ?? 0) + (out.completion ?? 0) : undefined);
  if (cacheRead !== undefined) out.cacheRead = cacheRead;
  if (cacheWrite !== undefined) out.cacheWrite = cacheWrite;
  // Not in pi-ai 0.73's Usage; read if a provider adds it.
  const reasoning = num(usage.reasoning) ?? num(usage.reasoningTokens);
  if (reasoning !== undefined) out.reasoning = reasoning;
  if (out.total === undefined) delete out.total;
  return out;
}

/** pi-ai's computed cost of the turn (USD, from the model's price table): total and per part. */
export function costAttributes(usage: unknown, out: Attrs): void {
  const cost = isObj(usage) && isObj(usage.cost) ? usage.cost : undefined;
  if (!cost) return;
  const input = num(cost.input);
  const output = num(cost.output);
  const cacheRead = num(cost.cacheRead);
  const cacheWrite = num(cost.cacheWrite);
  if (num(cost.total) !== undefined) out[Attr.COST_TOTAL] = cost.total;
  if (input !== undefined || cacheRead !== undefined || cacheWrite !== undefined) out[Attr.COST_PROMPT] = (input ?? 0) + (cacheRead ?? 0) + (cacheWrite ?? 0);
  if (input !== undefined) out[Attr.COST_INPUT] = input;
  if (cacheRead !== undefined) out[Attr.COST_PROMPT_CACHE_READ] = cacheRead;
  if (cacheWrite !== undefined) out[Attr.COST_PROMPT_CACHE_WRITE] = cacheWrite;
  if (output !== undefined) out[Attr.COST_COMPLETION] = output;
}

/** The finish reason OpenInference readers know, from pi-ai's stop reason. */
const FINISH_REASONS: Record<string, string> = { stop: 'stop', length: 'length', toolUse: 'tool_calls', error: 'error', aborted: 'aborted' };

/** The content parts of the output for `output.value`: signatures (opaque, often long) left out. */
function outputContent(content: unknown[]): unknown[] {
  return content.filter(isObj).map((p) => {
    if (p.type === 'text') return { type: 'text', text: p.text };
    if (p.type === 'thinking') return { type: 'thinking', thinking: p.redacted ? '[redacted]' : p.thinking };
    if (p.type === 'toolCall') return { type: 'toolCall', id: p.id, name: p.name, arguments: p.arguments };
    return { type: p.type };
  });
}

/** Attributes of the `AssistantMessage` a turn ends with (also a failed or aborted one). */
export function turnEndAttributes(message: unknown): Attrs {
  const out: Attrs = {};
  if (!isObj(message)) return out;
  const responseModel = str(message.responseModel) ?? str(message.model);
  if (responseModel) out[Attr.LLM_RESPONSE_MODEL_NAME] = responseModel;
  if (str(message.responseId)) out[PiAiAttr.RESPONSE_ID] = message.responseId;
  const stop = str(message.stopReason);
  if (stop) {
    out[PiAiAttr.STOP_REASON] = stop;
    out[Attr.LLM_FINISH_REASON] = FINISH_REASONS[stop] ?? stop;
  }
  const content: unknown[] = Array.isArray(message.content) ? message.content : [];
  if (content.length) {
    const msg = assistantMessage(message);
    flattenMessages('output', [msg], out);
    // Thinking has no OpenInference message part: it is kept in output.value (hidden with the outputs).
    if (msg.toolCalls?.length || thinkingText(message) !== undefined) {
      out[Attr.OUTPUT_VALUE] = safeJson({ content: outputContent(content) });
      out[Attr.OUTPUT_MIME_TYPE] = MimeTypes.JSON;
    } else {
      out[Attr.OUTPUT_VALUE] = assistantText(message);
      out[Attr.OUTPUT_MIME_TYPE] = MimeTypes.TEXT;
    }
  }
  usageAttributes(turnUsage(message.usage), out);
  costAttributes(message.usage, out);
  return out;
}

/** Whether a turn's message is a failure pi-ai reported instead of throwing; its error text. */
export function turnFailure(message: unknown): { reason: string; message: string } | undefined {
  if (!isObj(message)) return undefined;
  if (message.stopReason !== 'error' && message.stopReason !== 'aborted') return undefined;
  const reason = message.stopReason as string;
  return { reason, message: str(message.errorMessage) ?? (reason === 'aborted' ? 'the turn was aborted' : 'the turn failed') };
}

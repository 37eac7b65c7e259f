import { Attr, MimeTypes, SpanKindValues } from '../../semconv/attr';
import { flattenMessages, type ToolCall } from '../../semconv/messages';
import { normalizeUsage, usageAttributes } from '../../semconv/usage';
import { safeJson } from '../../trace/encode';
import { isObj, str, type Attrs, type Obj } from '../shape';

/**
 * The Claude Agent SDK's messages (what `query()` yields) and hook inputs →
 * OpenInference attributes. Only the members read here are declared: the
 * SDK's own types are not imported (it is not a dependency of this package).
 */

const PROVIDER = { [Attr.LLM_SYSTEM]: 'anthropic', [Attr.LLM_PROVIDER]: 'anthropic' };

const text = (value: unknown): Attrs => (typeof value === 'string' ? { value, mime: MimeTypes.TEXT } : { value: safeJson(value), mime: MimeTypes.JSON });

function io(side: 'input' | 'output', value: unknown): Attrs {
  if (value === undefined) return {};
  const t = text(value);
  return side === 'input' ? { [Attr.INPUT_VALUE]: t.value, [Attr.INPUT_MIME_TYPE]: t.mime } : { [Attr.OUTPUT_VALUE]: t.value, [Attr.OUTPUT_MIME_TYPE]: t.mime };
}

/** At the start of a loop: the prompt when it is text (a streamed prompt is the app's iterable, never read here), the requested model. */
export function queryStartAttributes(params: unknown): Attrs {
  const out: Attrs = { [Attr.SPAN_KIND]: SpanKindValues.AGENT, ...PROVIDER };
  if (!isObj(params)) return out;
  if (typeof params.prompt === 'string') Object.assign(out, io('input', params.prompt));
  const options = isObj(params.options) ? params.options : undefined;
  if (options && str(options.model)) out[Attr.LLM_REQUEST_MODEL_NAME] = options.model;
  return out;
}

/** The `system` / `init` message: the session and the model the binary runs. */
export function initAttributes(message: Obj): Attrs {
  const out: Attrs = {};
  if (str(message.session_id)) out[Attr.SESSION_ID] = message.session_id;
  if (str(message.model)) out[Attr.LLM_MODEL_NAME] = message.model;
  return out;
}

/** The `result` message: the answer, the loop's real token totals and its cost. */
export function resultAttributes(message: Obj): Attrs {
  const out: Attrs = {};
  if (str(message.session_id)) out[Attr.SESSION_ID] = message.session_id;
  if (typeof message.result === 'string') Object.assign(out, io('output', message.result));
  usageAttributes(normalizeUsage(message.usage), out);
  if (typeof message.total_cost_usd === 'number' && Number.isFinite(message.total_cost_usd)) out[Attr.LLM_COST_TOTAL] = message.total_cost_usd;
  return out;
}

/**
 * Why a `result` message means failure, or undefined for success: an error
 * subtype (`error_max_turns`, `error_during_execution`...) or `is_error` (a
 * failed API call ends with subtype "success" and `is_error: true`).
 */
export function resultError(message: Obj): string | undefined {
  const subtype = str(message.subtype) ? message.subtype : undefined;
  if (message.is_error !== true && (subtype === undefined || subtype === 'success')) return undefined;
  const errors = Array.isArray(message.errors) ? message.errors.filter((e): e is string => typeof e === 'string') : [];
  const reason = errors.length > 0 ? errors.join('; ') : typeof message.result === 'string' && message.result !== '' ? message.result : undefined;
  return [subtype && subtype !== 'success' ? subtype : undefined, reason].filter(Boolean).join(': ') || 'the agent loop failed';
}

/** One model turn, from the assistant messages of one API message id (the SDK yields one per content block). */
export interface Turn {
  model?: string;
  blocks: Obj[];
  usage?: unknown;
  stopReason?: string;
}

export function turnAttributes(turn: Turn): Attrs {
  const out: Attrs = { [Attr.SPAN_KIND]: SpanKindValues.LLM, ...PROVIDER };
  if (turn.model) out[Attr.LLM_MODEL_NAME] = turn.model;
  const content = turn.blocks.filter((b) => b.type === 'text' && typeof b.text === 'string').map((b) => b.text as string).join('');
  const toolCalls: ToolCall[] = turn.blocks
    .filter((b) => b.type === 'tool_use' || b.type === 'server_tool_use' || b.type === 'mcp_tool_use')
    .map((b) => ({ id: str(b.id) ? b.id : undefined, name: str(b.name) ? b.name : undefined, arguments: b.input === undefined ? undefined : safeJson(b.input) }));
  flattenMessages('output', [{ role: 'assistant', content: content === '' && toolCalls.length > 0 ? undefined : content, toolCalls: toolCalls.length ? toolCalls : undefined }], out);
  if (content !== '') Object.assign(out, io('output', content));
  // The stream's assistant messages carry the request's input and cache counts, but a placeholder
  // output count (1) until the turn has a stop reason: completion and total only when it is final.
  const usage = normalizeUsage(turn.usage);
  if (!turn.stopReason) {
    delete usage.completion;
    delete usage.total;
  }
  usageAttributes(usage, out);
  return out;
}

export function toolStartAttributes(name: unknown, id: unknown, input: unknown): Attrs {
  const out: Attrs = { [Attr.SPAN_KIND]: SpanKindValues.TOOL };
  if (str(name)) out[Attr.TOOL_NAME] = name;
  if (str(id)) out[Attr.TOOL_CALL_ID] = id;
  if (input !== undefined) Object.assign(out, { [Attr.INPUT_VALUE]: safeJson(input), [Attr.INPUT_MIME_TYPE]: MimeTypes.JSON });
  return out;
}

/** A tool result's content as text: its text blocks joined, else the JSON of what it is. */
export function toolResultText(content: unknown): string | undefined {
  if (content === undefined || content === null) return undefined;
  if (typeof content === 'string') return content;
  if (Array.isArray(content) && content.every((b) => isObj(b) && b.type === 'text' && typeof b.text === 'string')) return content.map((b) => (b as Obj).text).join('');
  if (isObj(content) && Array.isArray(content.content)) return toolResultText(content.content);
  return safeJson(content);
}

export function toolEndAttributes(content: unknown): Attrs {
  const t = toolResultText(content);
  return t === undefined ? {} : io('output', t);
}

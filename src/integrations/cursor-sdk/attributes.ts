import { Attr, MimeTypes, SpanKindValues } from '../../semconv/attr';
import { usageAttributes, type TokenUsage } from '../../semconv/usage';
import { safeJson } from '../../trace/encode';
import { isObj, str, type Attrs, type Obj } from '../shape';

/**
 * The Cursor SDK's runs → OpenInference attributes. Pure functions of plain
 * values: the `send()` arguments (as data copies), the run's `RunResult`, and
 * the interaction updates the SDK hands `onDelta`. The SDK's own types are
 * not imported (it is not a dependency of this package); only the members
 * read here are declared.
 */

export const AGENT_SPAN_NAME = 'Cursor Agent Run';

/** Keys OpenInference does not define; the `cursor.*` ones say what Cursor calls them. */
export const CursorAttr = {
  AGENT_ID: 'cursor.agent_id',
  RUN_ID: 'cursor.run_id',
  RUN_STATUS: 'cursor.run_status',
  DURATION_MS: 'cursor.duration_ms',
  TOOL_CALL_COUNT: 'agent.tool_call_count',
  LLM_CALL_COUNT: 'agent.llm_call_count',
} as const;

/** A `ModelSelection` (`{ id, params? }`), or a bare model id some callers pass. */
function modelId(selection: unknown): string | undefined {
  if (typeof selection === 'string') return selection;
  return isObj(selection) ? str(selection.id) : undefined;
}

/** The message `send()` was given: a string, or an `SDKUserMessage` (`{ text, images? }`) of which the text is kept. */
export function messageText(message: unknown): string | undefined {
  if (typeof message === 'string') return message;
  return isObj(message) ? str(message.text) : undefined;
}

export interface RunStart {
  agentId?: string;
  runId?: string;
  message?: unknown;
  /** `send()`'s options, else the agent's: the model selection and the mode. */
  model?: unknown;
  mode?: unknown;
}

/** At the start of a run: what was asked of which agent, with which model and mode. */
export function runStartAttributes(start: RunStart): Attrs {
  const out: Attrs = { [Attr.SPAN_KIND]: SpanKindValues.AGENT };
  if (start.agentId) out[CursorAttr.AGENT_ID] = start.agentId;
  if (start.runId) out[CursorAttr.RUN_ID] = start.runId;
  const text = messageText(start.message);
  if (text !== undefined) Object.assign(out, { [Attr.INPUT_VALUE]: text, [Attr.INPUT_MIME_TYPE]: MimeTypes.TEXT });
  const id = modelId(start.model);
  if (id) out[Attr.LLM_MODEL_NAME] = id;
  const params: Obj = {};
  if (start.model !== undefined) params.model = start.model;
  if (str(start.mode)) params.mode = start.mode;
  if (Object.keys(params).length > 0) out[Attr.LLM_INVOCATION_PARAMETERS] = safeJson(params);
  return out;
}

/**
 * Cursor's `TokenUsage` (`inputTokens` without the cached ones, `cacheReadTokens`,
 * `cacheWriteTokens`, `outputTokens`, `totalTokens`): the prompt count is what the
 * model read, input plus cache read and write, as for Anthropic.
 */
export function cursorUsage(raw: unknown): TokenUsage {
  if (!isObj(raw)) return {};
  const n = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const input = n(raw.inputTokens);
  const cacheRead = n(raw.cacheReadTokens);
  const cacheWrite = n(raw.cacheWriteTokens);
  const completion = n(raw.outputTokens);
  const out: TokenUsage = {};
  if (input !== undefined) out.prompt = input + (cacheRead ?? 0) + (cacheWrite ?? 0);
  if (completion !== undefined) out.completion = completion;
  const total = n(raw.totalTokens) ?? (input !== undefined || completion !== undefined ? (out.prompt ?? 0) + (completion ?? 0) : undefined);
  if (total !== undefined) out.total = total;
  if (cacheRead !== undefined) out.cacheRead = cacheRead;
  if (cacheWrite !== undefined) out.cacheWrite = cacheWrite;
  const reasoning = n(raw.reasoningTokens);
  if (reasoning !== undefined) out.reasoning = reasoning;
  return out;
}

/** What the run's updates showed: its tool calls, model steps, and the usage of each ended turn. */
export interface RunCounts {
  toolCalls: number;
  llmCalls: number;
  /** Summed `turn-ended` usage, for a result that carries none. */
  turnUsage?: Obj;
}

/** The run's end, from its `RunResult` (`wait()`'s answer): status, answer, model, duration, usage and counts. */
export function runEndAttributes(result: unknown, counts: RunCounts): Attrs {
  const out: Attrs = {};
  if (counts.toolCalls > 0) out[CursorAttr.TOOL_CALL_COUNT] = counts.toolCalls;
  if (counts.llmCalls > 0) out[CursorAttr.LLM_CALL_COUNT] = counts.llmCalls;
  const r = isObj(result) ? result : {};
  if (str(r.id)) out[CursorAttr.RUN_ID] = r.id;
  if (str(r.status)) out[CursorAttr.RUN_STATUS] = r.status;
  if (typeof r.durationMs === 'number' && Number.isFinite(r.durationMs)) out[CursorAttr.DURATION_MS] = r.durationMs;
  const id = modelId(r.model);
  if (id) out[Attr.LLM_MODEL_NAME] = id;
  if (typeof r.result === 'string') Object.assign(out, { [Attr.OUTPUT_VALUE]: r.result, [Attr.OUTPUT_MIME_TYPE]: MimeTypes.TEXT });
  usageAttributes(cursorUsage(r.usage ?? counts.turnUsage), out);
  return out;
}

/** Why a run failed (`status: "error"`), or undefined: the SDK's error message, else a generic reason. */
export function runFailure(result: unknown): string | undefined {
  if (!isObj(result) || result.status !== 'error') return undefined;
  const error = isObj(result.error) ? result.error : undefined;
  return str(error?.message) ?? 'the run failed';
}

/**
 * A tool call as the SDK reports it (`{ type, args, result? }`). A custom
 * tool of the app's runs as an MCP call of the `custom-user-tools` server: its
 * own name is `args.toolName`, and its arguments `args.args`.
 */
export function toolName(toolCall: unknown): string {
  if (!isObj(toolCall)) return 'tool';
  const args = isObj(toolCall.args) ? toolCall.args : undefined;
  if (toolCall.type === 'mcp' && str(args?.toolName)) return args!.toolName as string;
  return str(toolCall.type) ?? 'tool';
}

function toolArguments(toolCall: Obj): unknown {
  const args = isObj(toolCall.args) ? toolCall.args : undefined;
  return toolCall.type === 'mcp' && args && 'args' in args ? args.args : toolCall.args;
}

export function toolStartAttributes(callId: unknown, toolCall: unknown): Attrs {
  const out: Attrs = { [Attr.SPAN_KIND]: SpanKindValues.TOOL, [Attr.TOOL_NAME]: toolName(toolCall) };
  if (str(callId)) out[Attr.TOOL_CALL_ID] = callId;
  if (isObj(toolCall)) {
    const args = toolArguments(toolCall);
    if (args !== undefined) Object.assign(out, { [Attr.INPUT_VALUE]: safeJson(args), [Attr.INPUT_MIME_TYPE]: MimeTypes.JSON });
  }
  return out;
}

/** The text of an MCP result's content items (`[{ text: { text } }]`), else undefined. */
function contentText(value: unknown): string | undefined {
  const content = isObj(value) && Array.isArray(value.content) ? value.content : undefined;
  if (!content || content.length === 0) return undefined;
  const texts = content.map((c) => (isObj(c) && isObj(c.text) ? str(c.text.text) : isObj(c) && c.type === 'text' ? str(c.text) : undefined));
  return texts.every((t) => t !== undefined) ? texts.join('') : undefined;
}

/** A completed tool call's result (`{ status: "success", value }` or `{ status: "error", error }`). */
export function toolEndAttributes(toolCall: unknown): Attrs {
  const result = isObj(toolCall) && isObj(toolCall.result) ? toolCall.result : undefined;
  if (!result) return {};
  const value = result.status === 'error' ? result.error : result.value;
  if (value === undefined) return {};
  const text = typeof value === 'string' ? value : result.status === 'error' && isObj(value) && str(value.message) !== undefined ? (value.message as string) : contentText(value);
  return text !== undefined ? { [Attr.OUTPUT_VALUE]: text, [Attr.OUTPUT_MIME_TYPE]: MimeTypes.TEXT } : { [Attr.OUTPUT_VALUE]: safeJson(value), [Attr.OUTPUT_MIME_TYPE]: MimeTypes.JSON };
}

/** Why a tool call failed: an `error` result, or an MCP result marked `isError`; undefined when it succeeded. */
export function toolFailure(toolCall: unknown): string | undefined {
  const result = isObj(toolCall) && isObj(toolCall.result) ? toolCall.result : undefined;
  if (!result) return undefined;
  if (result.status === 'error') {
    const error = result.error;
    if (typeof error === 'string') return error;
    return (isObj(error) ? str(error.message) ?? str(error.error) : undefined) ?? 'the tool call failed';
  }
  if (isObj(result.value) && result.value.isError === true) return contentText(result.value) ?? 'the tool call failed';
  return undefined;
}

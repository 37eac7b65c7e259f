import { Attr, MimeTypes, SpanKindValues } from '../../semconv/attr';
import { flattenMessages, type Message, type ToolCall } from '../../semconv/messages';
import { usageAttributes, type TokenUsage } from '../../semconv/usage';
import { safeJson } from '../../trace/encode';
import { isObj, str, type Attrs, type Obj } from '../shape';

/**
 * OpenCode's plugin inputs and bus events → OpenInference attributes. The
 * shapes are those of @opencode-ai/plugin and @opencode-ai/sdk 1.18 (messages
 * `{ info, parts }`, parts of type text / reasoning / tool / step-start /
 * step-finish, tool states pending → running → completed | error); only the
 * members read here are declared, and every read is guarded, since the package
 * is not a dependency of this one.
 */

export const TURN_SPAN_NAME = 'opencode.turn';
export const STEP_SPAN_NAME = 'opencode.step';

/** What identifies a turn: the session, the agent (build, plan...) and the model it runs. */
export interface TurnInfo {
  sessionID: string;
  agent?: string;
  providerID?: string;
  modelID?: string;
}

function io(side: 'input' | 'output', value: string | undefined): Attrs {
  if (value === undefined) return {};
  return side === 'input' ? { [Attr.INPUT_VALUE]: value, [Attr.INPUT_MIME_TYPE]: MimeTypes.TEXT } : { [Attr.OUTPUT_VALUE]: value, [Attr.OUTPUT_MIME_TYPE]: MimeTypes.TEXT };
}

/** The text a user or the model wrote in a list of parts: text parts OpenCode did not add itself (synthetic) or set aside (ignored). */
export function partsText(parts: unknown): string | undefined {
  if (!Array.isArray(parts)) return undefined;
  const texts = parts.filter((p): p is Obj => isObj(p) && p.type === 'text' && typeof p.text === 'string' && p.synthetic !== true && p.ignored !== true).map((p) => p.text as string);
  return texts.length > 0 ? texts.join('\n') : undefined;
}

/** `{ providerID, modelID }` (a user message's model, chat.message's input) or a Model (`id`, `providerID`, `api.id`). */
export function modelRef(model: unknown): { providerID?: string; modelID?: string } {
  if (!isObj(model)) return {};
  const api = isObj(model.api) ? model.api : undefined;
  return { providerID: str(model.providerID), modelID: str(model.modelID) ?? str(api?.id) ?? str(model.id) };
}

function identity(info: TurnInfo): Attrs {
  const out: Attrs = { [Attr.SESSION_ID]: info.sessionID };
  if (info.agent) out[Attr.AGENT_NAME] = info.agent;
  if (info.modelID) out[Attr.LLM_MODEL_NAME] = info.modelID;
  if (info.providerID) out[Attr.LLM_PROVIDER] = info.providerID;
  return out;
}

/** The AGENT span of a turn: the session, agent and model, the user's prompt. */
export function turnStartAttributes(info: TurnInfo, prompt: string | undefined): Attrs {
  return { [Attr.SPAN_KIND]: SpanKindValues.AGENT, ...identity(info), ...io('input', prompt) };
}

export function turnEndAttributes(finalText: string | undefined): Attrs {
  return io('output', finalText);
}

/** The request of one model step, from chat.params: the model, its provider, the parameters OpenCode chose. */
export function stepStartAttributes(info: TurnInfo, params: unknown): Attrs {
  const out: Attrs = { [Attr.SPAN_KIND]: SpanKindValues.LLM, ...identity(info) };
  if (isObj(params)) {
    const chosen: Obj = {};
    for (const key of ['temperature', 'topP', 'topK', 'maxOutputTokens']) if (typeof params[key] === 'number') chosen[key] = params[key];
    if (isObj(params.options) && Object.keys(params.options).length > 0) chosen.options = params.options;
    if (Object.keys(chosen).length > 0) out[Attr.LLM_INVOCATION_PARAMETERS] = safeJson(chosen);
  }
  return out;
}

/** One tool part as the call the model made: its call id, the tool, the arguments as JSON text. */
function toolCallOf(part: Obj): ToolCall {
  const state = isObj(part.state) ? part.state : {};
  return { id: str(part.callID), name: str(part.tool), arguments: isObj(state.input) && Object.keys(state.input).length > 0 ? safeJson(state.input) : undefined };
}

/** A finished tool part's result as the model reads it next: the output, or the error text. */
function toolResultOf(part: Obj): string | undefined {
  const state = isObj(part.state) ? part.state : {};
  if (state.status === 'completed') return str(state.output);
  if (state.status === 'error') return str(state.error);
  return undefined;
}

/**
 * The conversation one model step is sent, from `experimental.chat.messages.transform`
 * (OpenCode's messages, `{ info, parts }`) and `experimental.chat.system.transform`
 * (the system prompt): system, then each message; an assistant message's tool parts
 * are its tool calls, and their results follow it as tool messages.
 */
export function inputMessages(system: readonly string[] | undefined, messages: unknown): Message[] {
  const out: Message[] = [];
  const prompt = system?.filter((s) => typeof s === 'string' && s !== '').join('\n');
  if (prompt) out.push({ role: 'system', content: prompt });
  if (!Array.isArray(messages)) return out;
  for (const m of messages) {
    if (!isObj(m) || !isObj(m.info)) continue;
    const parts = Array.isArray(m.parts) ? m.parts.filter(isObj) : [];
    const role = str(m.info.role) ?? 'user';
    if (role !== 'assistant') {
      // A user's own text and what OpenCode attached for it (a file's contents, a reminder) all reach the model.
      const texts = parts.filter((p) => p.type === 'text' && typeof p.text === 'string' && p.ignored !== true).map((p) => p.text as string);
      const files = parts.filter((p) => p.type === 'file').map((p) => `[file ${str(p.filename) ?? str(p.url) ?? ''}]`);
      out.push({ role, content: [...texts, ...files].join('\n') });
      continue;
    }
    const tools = parts.filter((p) => p.type === 'tool');
    const calls = tools.map(toolCallOf);
    out.push({ role: 'assistant', content: partsText(parts) ?? (calls.length > 0 ? undefined : ''), toolCalls: calls.length > 0 ? calls : undefined });
    for (const p of tools) {
      const result = toolResultOf(p);
      if (result !== undefined) out.push({ role: 'tool', toolCallId: str(p.callID), content: result });
    }
  }
  return out;
}

export function inputMessagesAttributes(system: readonly string[] | undefined, messages: unknown): Attrs {
  const out: Attrs = {};
  flattenMessages('input', inputMessages(system, messages), out);
  return out;
}

/**
 * OpenCode's step tokens count input without the cached tokens (cache read and
 * write are their own counts) and output without reasoning, as the AI SDK
 * reports them; OpenInference's prompt and completion counts are the whole
 * prompt and the whole completion, so the parts are added back.
 */
export function stepUsage(tokens: unknown): TokenUsage {
  if (!isObj(tokens)) return {};
  const n = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const cache = isObj(tokens.cache) ? tokens.cache : {};
  const input = n(tokens.input);
  const output = n(tokens.output);
  const cacheRead = n(cache.read);
  const cacheWrite = n(cache.write);
  const reasoning = n(tokens.reasoning);
  const usage: TokenUsage = {};
  if (input !== undefined) usage.prompt = input + (cacheRead ?? 0) + (cacheWrite ?? 0);
  if (output !== undefined) usage.completion = output + (reasoning ?? 0);
  if (usage.prompt !== undefined || usage.completion !== undefined) usage.total = n(tokens.total) ?? (usage.prompt ?? 0) + (usage.completion ?? 0);
  if (cacheRead !== undefined) usage.cacheRead = cacheRead;
  if (cacheWrite !== undefined) usage.cacheWrite = cacheWrite;
  if (reasoning !== undefined) usage.reasoning = reasoning;
  return usage;
}

/** A finished step: what the model answered (its text and tool calls, from the step's parts), tokens, cost, finish reason. */
export function stepEndAttributes(parts: readonly Obj[], finish: Obj | undefined): Attrs {
  const out: Attrs = {};
  const text = partsText(parts);
  const calls = parts.filter((p) => p.type === 'tool').map(toolCallOf);
  flattenMessages('output', [{ role: 'assistant', content: text ?? (calls.length > 0 ? undefined : ''), toolCalls: calls.length > 0 ? calls : undefined }], out);
  Object.assign(out, io('output', text));
  if (finish) {
    usageAttributes(stepUsage(finish.tokens), out);
    if (typeof finish.cost === 'number' && Number.isFinite(finish.cost)) out[Attr.LLM_COST_TOTAL] = finish.cost;
    if (str(finish.reason)) out[Attr.LLM_FINISH_REASON] = finish.reason;
  }
  return out;
}

/** A tool execution, from its part: the tool, the call id, the arguments. */
export function toolStartAttributes(sessionID: string, part: Obj): Attrs {
  const state = isObj(part.state) ? part.state : {};
  const out: Attrs = { [Attr.SPAN_KIND]: SpanKindValues.TOOL, [Attr.SESSION_ID]: sessionID };
  if (str(part.tool)) out[Attr.TOOL_NAME] = part.tool;
  if (str(part.callID)) out[Attr.TOOL_CALL_ID] = part.callID;
  if (isObj(state.input)) Object.assign(out, { [Attr.INPUT_VALUE]: safeJson(state.input), [Attr.INPUT_MIME_TYPE]: MimeTypes.JSON });
  return out;
}

/** A completed tool's output (an error's message is the span's status instead). */
export function toolEndAttributes(part: Obj): Attrs {
  const state = isObj(part.state) ? part.state : {};
  return state.status === 'completed' ? io('output', str(state.output)) : {};
}

/** An OpenCode error object (`{ name, data: { message } }`, as on a message or in session.error) as one line. */
export function errorText(error: unknown): string | undefined {
  if (!isObj(error)) return typeof error === 'string' && error !== '' ? error : undefined;
  const data = isObj(error.data) ? error.data : {};
  const message = str(data.message) ?? str(error.message);
  const name = str(error.name);
  if (name && message) return `${name}: ${message}`;
  return message ?? name ?? 'the model call failed';
}

import { Attr, MimeTypes, SpanKindValues, type SpanKindValue } from '../../semconv/attr';
import { flattenMessages, flattenTools, type Message } from '../../semconv/messages';
import { normalizeUsage, usageAttributes } from '../../semconv/usage';
import { REDACTED } from '../../trace/markers';
import { safeJson } from '../../trace/encode';
import { scrubSecrets } from '../../diagnostics/secrets';
import { isObj, str, type Attrs, type Obj } from '../shape';
import { chatMessage, chatResponseAttributes, responsesItemsToMessages, responsesResponseAttributes } from '../openai/attributes';

/**
 * OpenAI Agents SDK span data -> OpenInference attributes. Pure functions of
 * the SDK's plain `spanData` / trace objects: no spans, no I/O, unit-tested.
 * The SDK's span types and what each becomes:
 *   agent -> AGENT; response, generation, transcription, speech -> LLM;
 *   function -> TOOL; handoff, guardrail, custom, mcp_tools, speech_group -> CHAIN;
 *   task, turn -> no span of ours (runner bookkeeping; children attach to the nearest mapped ancestor).
 */

/** Keys this integration adds beside OpenInference's: the SDK's own ids, so a span can be found in OpenAI's dashboard. */
export const AgentsAttr = {
  TRACE_ID: 'openai_agents.trace_id',
  GROUP_ID: 'openai_agents.group_id',
  SPAN_ID: 'openai_agents.span_id',
  SPAN_TYPE: 'openai_agents.span_type',
  AGENT_TOOLS: 'openai_agents.agent.tools',
  AGENT_HANDOFFS: 'openai_agents.agent.handoffs',
  AGENT_OUTPUT_TYPE: 'openai_agents.agent.output_type',
  HANDOFF_FROM: 'openai_agents.handoff.from_agent',
  HANDOFF_TO: 'openai_agents.handoff.to_agent',
  GUARDRAIL_TRIGGERED: 'openai_agents.guardrail.triggered',
  MCP_SERVER: 'openai_agents.mcp.server',
  MCP_DATA: 'openai_agents.mcp.data',
  RESPONSE_ID: 'openai_agents.response_id',
} as const;

/** What the app asked the SDK to keep out of its output (OPENAI_AGENTS_DONT_LOG_*), applied to our spans too. */
export interface ContentSwitches {
  hideModelData: boolean;
  hideToolData: boolean;
}

export const SHOW_ALL: ContentSwitches = { hideModelData: false, hideToolData: false };

/**
 * The SDK's content switches, read the way the SDK reads them ('true' / '1'),
 * on every span so a change at run time is honoured as the SDK honours it.
 *
 * Only an explicit setting hides content from our spans. Unset, the SDK keeps
 * model and tool data out of its debug *logs* by default, yet its own traces
 * carry that data (RunConfig.traceIncludeSensitiveData defaults to true); we
 * follow its traces.
 */
export function contentSwitches(env: NodeJS.ProcessEnv = process.env): ContentSwitches {
  return { hideModelData: isOn(env.OPENAI_AGENTS_DONT_LOG_MODEL_DATA), hideToolData: isOn(env.OPENAI_AGENTS_DONT_LOG_TOOL_DATA) };
}

function isOn(value: string | undefined): boolean {
  return value === 'true' || value === '1';
}

export type Mapping = 'agent' | 'llm' | 'tool' | 'chain' | 'transparent';

/** How one SDK span type is represented. Unknown (newer) types become CHAIN spans rather than disappearing. */
export function mappingOf(data: unknown): Mapping {
  switch (isObj(data) ? data.type : undefined) {
    case 'agent':
      return 'agent';
    case 'response':
    case 'generation':
    case 'transcription':
    case 'speech':
      return 'llm';
    case 'function':
      return 'tool';
    case 'task':
    case 'turn':
      return 'transparent';
    default:
      return 'chain';
  }
}

const KIND: Record<Exclude<Mapping, 'transparent'>, SpanKindValue> = {
  agent: SpanKindValues.AGENT,
  llm: SpanKindValues.LLM,
  tool: SpanKindValues.TOOL,
  chain: SpanKindValues.CHAIN,
};

export function spanKindOf(data: unknown): SpanKindValue | undefined {
  const m = mappingOf(data);
  return m === 'transparent' ? undefined : KIND[m];
}

/** The span name: what a viewer's tree shows. Known at start; a handoff is renamed once its target is known. */
export function spanNameOf(data: unknown): string {
  if (!isObj(data)) return 'openai_agents span';
  switch (data.type) {
    case 'agent':
    case 'function':
    case 'guardrail':
    case 'custom':
      return str(data.name) ?? String(data.type);
    case 'response':
      return 'OpenAI Responses';
    case 'generation':
      return 'OpenAI Chat Completions';
    case 'handoff':
      return str(data.to_agent) ? `handoff to ${data.to_agent}` : 'handoff';
    case 'mcp_tools':
      return str(data.server) ? `mcp list tools ${data.server}` : 'mcp list tools';
    default:
      return str(data.type) ?? 'openai_agents span';
  }
}

/** The SDK's trace as the attributes of our root span (or of nothing, when the run sits inside a span of the app's). */
export function traceAttributes(t: unknown): Attrs {
  if (!isObj(t)) return {};
  const out: Attrs = { [AgentsAttr.TRACE_ID]: str(t.traceId), [AgentsAttr.GROUP_ID]: str(t.groupId) };
  if (isObj(t.metadata) && Object.keys(t.metadata).length) out[Attr.METADATA] = safeJson(t.metadata);
  return out;
}

/** Written when the span starts: kind, ids and names, so the identity processor and a live viewer see them at once. */
export function startAttributes(span: { spanId?: unknown; traceId?: unknown; spanData?: unknown }): Attrs {
  const data = span.spanData;
  const out: Attrs = {
    [Attr.SPAN_KIND]: spanKindOf(data),
    [AgentsAttr.SPAN_TYPE]: isObj(data) ? str(data.type) : undefined,
    [AgentsAttr.SPAN_ID]: str(span.spanId),
    [AgentsAttr.TRACE_ID]: str(span.traceId),
  };
  if (!isObj(data)) return out;
  if (data.type === 'agent') out[Attr.AGENT_NAME] = str(data.name);
  if (data.type === 'function') out[Attr.TOOL_NAME] = str(data.name);
  return out;
}

/** Everything the span data holds once the SDK ends the span. */
export function endAttributes(data: unknown, switches: ContentSwitches = SHOW_ALL): Attrs {
  if (!isObj(data)) return {};
  switch (data.type) {
    case 'agent':
      return agentAttributes(data);
    case 'function':
      return functionAttributes(data, switches.hideToolData);
    case 'response':
      return responseSpanAttributes(data, switches.hideModelData);
    case 'generation':
      return generationSpanAttributes(data, switches.hideModelData);
    case 'handoff':
      return handoffAttributes(data);
    case 'guardrail':
      return guardrailAttributes(data);
    case 'custom':
      return customAttributes(data);
    case 'mcp_tools':
      return mcpToolsAttributes(data, switches.hideToolData);
    case 'transcription':
    case 'speech':
      return voiceAttributes(data, switches.hideModelData);
    case 'speech_group':
      return isObj(data) && str(data.input) !== undefined ? textInput(switches.hideModelData ? REDACTED : data.input) : {};
    default:
      return {};
  }
}

function agentAttributes(d: Obj): Attrs {
  const names = (v: unknown): string[] | undefined => (Array.isArray(v) && v.length ? v.filter((x): x is string => typeof x === 'string') : undefined);
  return {
    [Attr.AGENT_NAME]: str(d.name),
    [AgentsAttr.AGENT_TOOLS]: names(d.tools),
    [AgentsAttr.AGENT_HANDOFFS]: names(d.handoffs),
    [AgentsAttr.AGENT_OUTPUT_TYPE]: str(d.output_type),
  };
}

function functionAttributes(d: Obj, hide: boolean): Attrs {
  const out: Attrs = { [Attr.TOOL_NAME]: str(d.name) };
  // The SDK leaves input/output empty when traceIncludeSensitiveData is off: nothing to write then.
  if (str(d.input)) Object.assign(out, hide ? textInput(REDACTED) : jsonOrText('input', d.input));
  if (str(d.output)) Object.assign(out, hide ? textOutput(REDACTED) : jsonOrText('output', d.output));
  else if (d.output !== undefined && d.output !== null && d.output !== '') Object.assign(out, hide ? textOutput(REDACTED) : jsonOrText('output', safeJson(d.output)));
  if (str(d.mcp_data)) out[AgentsAttr.MCP_DATA] = hide ? REDACTED : d.mcp_data;
  return out;
}

function handoffAttributes(d: Obj): Attrs {
  return {
    [AgentsAttr.HANDOFF_FROM]: str(d.from_agent),
    [AgentsAttr.HANDOFF_TO]: str(d.to_agent),
    ...(str(d.from_agent) ? textInput(d.from_agent) : {}),
    ...(str(d.to_agent) ? textOutput(d.to_agent) : {}),
  };
}

function guardrailAttributes(d: Obj): Attrs {
  const triggered = d.triggered === true;
  return {
    [AgentsAttr.GUARDRAIL_TRIGGERED]: triggered,
    [Attr.OUTPUT_VALUE]: safeJson({ guardrail: str(d.name), triggered }),
    [Attr.OUTPUT_MIME_TYPE]: MimeTypes.JSON,
  };
}

function customAttributes(d: Obj): Attrs {
  if (!isObj(d.data) || !Object.keys(d.data).length) return {};
  return { [Attr.INPUT_VALUE]: safeJson(d.data), [Attr.INPUT_MIME_TYPE]: MimeTypes.JSON };
}

function mcpToolsAttributes(d: Obj, hide: boolean): Attrs {
  const out: Attrs = { [AgentsAttr.MCP_SERVER]: str(d.server) };
  if (Array.isArray(d.result)) {
    out[Attr.OUTPUT_VALUE] = hide ? REDACTED : safeJson(d.result);
    out[Attr.OUTPUT_MIME_TYPE] = hide ? MimeTypes.TEXT : MimeTypes.JSON;
  }
  return out;
}

// ---- model calls: used only when no provider span covers the call (see parentFor in calls.ts) ----

function llmCommon(): Attrs {
  return { [Attr.SPAN_KIND]: SpanKindValues.LLM, [Attr.LLM_SYSTEM]: 'openai', [Attr.LLM_PROVIDER]: 'openai' };
}

/**
 * A Responses API call as the SDK recorded it: `_input` (the items sent) and
 * `_response` (the whole Response, with model, instructions, tools, output and
 * usage). Both are absent when the run does not include sensitive data.
 */
export function responseSpanAttributes(d: Obj, hideContent = false): Attrs {
  const out = llmCommon();
  out[AgentsAttr.RESPONSE_ID] = str(d.response_id);
  const response = isObj(d._response) ? d._response : undefined;
  if (hideContent) {
    if (response) {
      if (str(response.model)) out[Attr.LLM_MODEL_NAME] = response.model;
      usageAttributes(normalizeUsage(response.usage), out);
    }
    return redactedIo(out);
  }
  if (response) Object.assign(out, responsesResponseAttributes(response));
  const messages: Message[] = [];
  if (response && str(response.instructions)) messages.push({ role: 'system', content: response.instructions });
  if (d._input !== undefined) messages.push(...responsesItemsToMessages(d._input, 'user'));
  if (messages.length) flattenMessages('input', messages, out);
  if (response && Array.isArray(response.tools)) flattenTools(response.tools.map((t: unknown) => safeJson(t)), out);
  if (d._input !== undefined) {
    out[Attr.INPUT_VALUE] = typeof d._input === 'string' ? d._input : safeJson(d._input);
    out[Attr.INPUT_MIME_TYPE] = typeof d._input === 'string' ? MimeTypes.TEXT : MimeTypes.JSON;
  }
  return out;
}

/** A chat-completions call (or any model that records generation spans): input messages, output completions, model, settings, usage. */
export function generationSpanAttributes(d: Obj, hideContent = false): Attrs {
  const out = llmCommon();
  if (str(d.model)) {
    out[Attr.LLM_MODEL_NAME] = d.model;
    out[Attr.LLM_REQUEST_MODEL_NAME] = d.model;
  }
  if (isObj(d.model_config)) {
    const params: Obj = {};
    for (const [k, v] of Object.entries(d.model_config)) if (v !== undefined && v !== null) params[k] = v;
    out[Attr.LLM_INVOCATION_PARAMETERS] = safeJson(params);
  }
  const completion = Array.isArray(d.output) && isObj(d.output[0]) && Array.isArray(d.output[0].choices) ? d.output[0] : undefined;
  const usage = normalizeUsage(d.usage ?? completion?.usage);
  if (hideContent) {
    usageAttributes(usage, out);
    if (str(completion?.model)) out[Attr.LLM_MODEL_NAME] = completion!.model;
    return redactedIo(out);
  }
  if (Array.isArray(d.input)) {
    flattenMessages('input', d.input.filter(isObj).map(chatMessage), out);
    out[Attr.INPUT_VALUE] = safeJson(d.input);
    out[Attr.INPUT_MIME_TYPE] = MimeTypes.JSON;
  }
  if (completion) Object.assign(out, chatResponseAttributes(completion));
  else if (Array.isArray(d.output)) {
    flattenMessages('output', d.output.filter(isObj).map(chatMessage), out);
    out[Attr.OUTPUT_VALUE] = safeJson(d.output);
    out[Attr.OUTPUT_MIME_TYPE] = MimeTypes.JSON;
  }
  usageAttributes(usage, out);
  return out;
}

function voiceAttributes(d: Obj, hide: boolean): Attrs {
  const out = llmCommon();
  if (str(d.model)) out[Attr.LLM_MODEL_NAME] = d.model;
  if (isObj(d.model_config)) out[Attr.LLM_INVOCATION_PARAMETERS] = safeJson(d.model_config);
  // Audio travels as base64 PCM: its size says enough; the text side is the content.
  if (d.type === 'transcription') {
    if (str(d.output) !== undefined) Object.assign(out, textOutput(hide ? REDACTED : d.output));
  } else if (str(d.input) !== undefined) Object.assign(out, textInput(hide ? REDACTED : d.input));
  return out;
}

// ---- helpers ----

function textInput(value: unknown): Attrs {
  return { [Attr.INPUT_VALUE]: value, [Attr.INPUT_MIME_TYPE]: MimeTypes.TEXT };
}

function textOutput(value: unknown): Attrs {
  return { [Attr.OUTPUT_VALUE]: value, [Attr.OUTPUT_MIME_TYPE]: MimeTypes.TEXT };
}

/** Tool arguments and results are JSON text more often than not: say so when they parse. */
function jsonOrText(side: 'input' | 'output', value: string): Attrs {
  let json = false;
  const trimmed = value.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      JSON.parse(trimmed);
      json = true;
    } catch {
      json = false;
    }
  }
  const mime = json ? MimeTypes.JSON : MimeTypes.TEXT;
  return side === 'input' ? { [Attr.INPUT_VALUE]: value, [Attr.INPUT_MIME_TYPE]: mime } : { [Attr.OUTPUT_VALUE]: value, [Attr.OUTPUT_MIME_TYPE]: mime };
}

function redactedIo(out: Attrs): Attrs {
  out[Attr.INPUT_VALUE] = REDACTED;
  out[Attr.INPUT_MIME_TYPE] = MimeTypes.TEXT;
  out[Attr.OUTPUT_VALUE] = REDACTED;
  out[Attr.OUTPUT_MIME_TYPE] = MimeTypes.TEXT;
  return out;
}

/** The SDK's span error as an exception: `data.error` often reads "ClassName: message", which gives the type. */
export function errorOf(error: unknown): { type: string; message: string } | undefined {
  if (!isObj(error)) return undefined;
  // What this returns is recorded on a span: a key the provider quoted back is scrubbed here.
  const message = scrubSecrets(str(error.message) ?? 'error');
  const detail = isObj(error.data) ? scrubbed(str(error.data.error)) : undefined;
  const type = detail?.match(/^([A-Za-z_$][\w$]*): /)?.[1] ?? 'Error';
  return { type, message: detail && detail !== message ? `${message}: ${detail.replace(/^[A-Za-z_$][\w$]*: /, '')}` : message };
}

function scrubbed(text: string | undefined): string | undefined {
  return text === undefined ? undefined : scrubSecrets(text);
}

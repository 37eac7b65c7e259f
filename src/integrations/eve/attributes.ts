import { Attr, MimeTypes, SpanKindValues, type SpanKindValue } from '../../semconv/attr';
import { flattenMessages, flattenTools, type Message, type ToolCall } from '../../semconv/messages';
import { normalizeUsage, usageAttributes, type TokenUsage } from '../../semconv/usage';
import { isObj, str, type Attrs, type Obj } from '../shape';
// Eve's model calls are the AI SDK's (bundled into Eve): the same provider names and JSON text.
import { providerName, systemName } from '../ai-sdk/attributes';
import { jsonText } from '../ai-sdk/messages';

/**
 * Eve's spans (scope `eve.agent`) carry the OpenTelemetry GenAI conventions
 * (`gen_ai.*`: messages as JSON parts, usage, tool call id, arguments and
 * result) plus Eve's own `agent.*` keys, and on model spans sometimes the AI
 * SDK's `ai.*` keys. This maps one finished span's attributes to OpenInference;
 * none of Eve's keys is kept on the converted copy.
 */
export type EveSpanRole = 'agent' | 'llm' | 'tool' | 'chain';

/** What is written of a span's content: the instrumentation's recordInputs / recordOutputs. */
export interface ContentChoice {
  inputs: boolean;
  outputs: boolean;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The role of an Eve span in the turn, from its operation (the span name's first word as a fallback). */
export function roleOf(name: string, attributes: Readonly<Attrs>): EveSpanRole {
  const operation = str(attributes['gen_ai.operation.name']) ?? name.split(' ')[0];
  if (operation === 'invoke_agent') return 'agent';
  if (operation === 'chat' || operation === 'text_completion' || operation === 'generate_content') return 'llm';
  if (operation === 'execute_tool') return 'tool';
  return 'chain';
}

const KIND_OF_ROLE: Record<EveSpanRole, SpanKindValue> = {
  agent: SpanKindValues.AGENT,
  llm: SpanKindValues.LLM,
  tool: SpanKindValues.TOOL,
  chain: SpanKindValues.CHAIN,
};

/** The session a span belongs to: Eve's session (its durable run) id; `gen_ai.conversation.id` is the root session's. */
export function sessionOf(attributes: Readonly<Attrs>): string | undefined {
  return str(attributes['agent.run.id']);
}

/** One GenAI-convention message part list (`[{ type, content | arguments | response ... }]`) as OpenInference messages. */
function genAiMessages(raw: unknown): Message[] {
  if (!Array.isArray(raw)) return [];
  const out: Message[] = [];
  for (const m of raw) {
    if (!isObj(m)) continue;
    const role = str(m.role) ?? 'user';
    const texts: string[] = [];
    const toolCalls: ToolCall[] = [];
    for (const part of Array.isArray(m.parts) ? m.parts : []) {
      if (!isObj(part)) continue;
      const type = str(part.type);
      if (type === 'text' || (type === undefined && typeof part.content === 'string')) {
        if (typeof part.content === 'string') texts.push(part.content);
      } else if (type === 'tool_call') {
        toolCalls.push({ id: str(part.id), name: str(part.name), arguments: jsonText(part.arguments) });
      } else if (type === 'tool_call_response') {
        // Each result is a message of its own, answering its call.
        out.push({ role: 'tool', toolCallId: str(part.id), content: jsonText(part.response ?? part.result) });
      }
    }
    if (texts.length === 0 && toolCalls.length === 0) continue;
    const message: Message = { role };
    if (texts.length) message.content = texts.join('\n');
    if (toolCalls.length) message.toolCalls = toolCalls;
    out.push(message);
  }
  return out;
}

/** `gen_ai.system_instructions`: parts (or plain text) making the system message. */
function systemMessage(raw: unknown): Message | undefined {
  if (typeof raw !== 'string') return undefined;
  const parsed = parseJson(raw);
  if (!Array.isArray(parsed)) return raw ? { role: 'system', content: raw } : undefined;
  const texts = parsed.filter(isObj).map((p: Obj) => str(p.content)).filter((t): t is string => t !== undefined);
  return texts.length ? { role: 'system', content: texts.join('\n') } : undefined;
}

/** The text of the last message of `role` in a GenAI message list. */
function lastText(messages: readonly Message[], role: string): string | undefined {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === role && messages[i]!.content !== undefined) return messages[i]!.content;
  return undefined;
}

/** Token usage from the GenAI keys, else the AI SDK's `ai.usage.*`. */
export function usageOf(attributes: Readonly<Attrs>): TokenUsage {
  const a = attributes;
  const input = num(a['gen_ai.usage.input_tokens']) ?? num(a['ai.usage.inputTokens']) ?? num(a['ai.usage.promptTokens']);
  const output = num(a['gen_ai.usage.output_tokens']) ?? num(a['ai.usage.outputTokens']) ?? num(a['ai.usage.completionTokens']);
  const usage = normalizeUsage({
    inputTokens: input,
    outputTokens: output,
    totalTokens: num(a['gen_ai.usage.total_tokens']) ?? num(a['ai.usage.totalTokens']),
    cachedInputTokens: num(a['gen_ai.usage.cache_read.input_tokens']) ?? num(a['ai.usage.cachedInputTokens']) ?? num(a['ai.usage.inputTokenDetails.cacheReadTokens']),
    inputTokenDetails: { cacheWriteTokens: num(a['gen_ai.usage.cache_creation.input_tokens']) ?? num(a['gen_ai.usage.cache_write.input_tokens']) ?? num(a['ai.usage.inputTokenDetails.cacheWriteTokens']) },
    reasoningTokens: num(a['gen_ai.usage.reasoning.output_tokens']) ?? num(a['gen_ai.usage.reasoning_tokens']) ?? num(a['ai.usage.reasoningTokens']) ?? num(a['ai.usage.outputTokenDetails.reasoningTokens']),
  });
  return usage;
}

/** The provider id as the AI SDK names it (`fake.chat`, `openai.responses`): its integration maps it (providerName, systemName). */
function rawProvider(attributes: Readonly<Attrs>): string | undefined {
  return str(attributes['gen_ai.provider.name']) ?? str(attributes['gen_ai.system']) ?? str(attributes['ai.model.provider']);
}

const REQUEST_PARAMETERS: ReadonlyArray<[string, string]> = [
  ['gen_ai.request.temperature', 'temperature'],
  ['gen_ai.request.max_tokens', 'max_tokens'],
  ['gen_ai.request.top_p', 'top_p'],
  ['gen_ai.request.top_k', 'top_k'],
  ['gen_ai.request.frequency_penalty', 'frequency_penalty'],
  ['gen_ai.request.presence_penalty', 'presence_penalty'],
  ['gen_ai.request.stop_sequences', 'stop'],
  ['gen_ai.request.seed', 'seed'],
];

function llmAttributes(a: Readonly<Attrs>, content: ContentChoice, out: Attrs): void {
  const requestModel = str(a['gen_ai.request.model']) ?? str(a['ai.model.id']);
  const responseModel = str(a['gen_ai.response.model']) ?? str(a['ai.response.model']);
  const model = responseModel ?? requestModel;
  if (model) out[Attr.LLM_MODEL_NAME] = model;
  if (requestModel) out[Attr.LLM_REQUEST_MODEL_NAME] = requestModel;
  if (responseModel) out[Attr.LLM_RESPONSE_MODEL_NAME] = responseModel;
  const provider = providerName(rawProvider(a));
  if (provider) out[Attr.LLM_PROVIDER] = provider;
  const system = systemName(rawProvider(a));
  if (system) out[Attr.LLM_SYSTEM] = system;
  const parameters: Obj = {};
  for (const [key, name] of REQUEST_PARAMETERS) if (a[key] !== undefined) parameters[name] = a[key];
  if (Object.keys(parameters).length) out[Attr.LLM_INVOCATION_PARAMETERS] = parameters;
  const finish = a['gen_ai.response.finish_reasons'];
  const finishReason = Array.isArray(finish) ? str(finish[0]) : str(a['ai.response.finishReason']) ?? str(a['ai.response.finish_reason']);
  if (finishReason) out[Attr.LLM_FINISH_REASON] = finishReason;
  usageAttributes(usageOf(a), out);

  const tools = parseJson(a['gen_ai.tool.definitions']);
  if (Array.isArray(tools)) flattenTools(tools.map((t) => jsonText(t)), out);

  if (content.inputs) {
    const system = systemMessage(a['gen_ai.system_instructions']);
    const input = genAiMessages(parseJson(a['gen_ai.input.messages']));
    const messages = system ? [system, ...input] : input;
    if (messages.length) flattenMessages('input', messages, out);
  }
  if (content.outputs) {
    let output = genAiMessages(parseJson(a['gen_ai.output.messages']));
    if (output.length === 0) output = aiSdkOutput(a);
    if (output.length) flattenMessages('output', output, out);
    const text = lastText(output, 'assistant');
    if (text !== undefined) {
      out[Attr.OUTPUT_VALUE] = text;
      out[Attr.OUTPUT_MIME_TYPE] = MimeTypes.TEXT;
    }
  }
}

/** The AI SDK's own output keys (`ai.response.text`, `ai.response.toolCalls`), where no GenAI message list is present. */
function aiSdkOutput(a: Readonly<Attrs>): Message[] {
  const text = str(a['ai.response.text']);
  const calls = parseJson(a['ai.response.toolCalls'] ?? a['ai.response.tool_calls']);
  const toolCalls: ToolCall[] = Array.isArray(calls)
    ? calls.filter(isObj).map((c: Obj) => ({ id: str(c.toolCallId) ?? str(c.callId), name: str(c.toolName), arguments: jsonText(c.input ?? c.args) }))
    : [];
  if (text === undefined && toolCalls.length === 0) return [];
  const message: Message = { role: 'assistant' };
  if (text !== undefined) message.content = text;
  if (toolCalls.length) message.toolCalls = toolCalls;
  return [message];
}

function toolAttributes(name: string, a: Readonly<Attrs>, content: ContentChoice, out: Attrs): void {
  out[Attr.TOOL_NAME] = str(a['gen_ai.tool.name']) ?? str(a['agent.action.name']) ?? name.replace(/^execute_tool\s+/, '');
  const callId = str(a['gen_ai.tool.call.id']);
  if (callId) out[Attr.TOOL_CALL_ID] = callId;
  const description = str(a['gen_ai.tool.description']);
  if (description) out[Attr.TOOL_DESCRIPTION] = description;
  const args = a['gen_ai.tool.call.arguments'];
  if (content.inputs && args !== undefined) {
    out[Attr.INPUT_VALUE] = jsonText(args);
    out[Attr.INPUT_MIME_TYPE] = MimeTypes.JSON;
  }
  const result = a['gen_ai.tool.call.result'];
  if (content.outputs && result !== undefined) {
    const text = jsonText(result);
    out[Attr.OUTPUT_VALUE] = text;
    out[Attr.OUTPUT_MIME_TYPE] = parseJson(text) === undefined ? MimeTypes.TEXT : MimeTypes.JSON;
  }
}

function agentAttributes(a: Readonly<Attrs>, content: ContentChoice, out: Attrs): void {
  const agentName = str(a['gen_ai.agent.name']) ?? str(a['agent.name']);
  if (agentName) out[Attr.AGENT_NAME] = agentName;
  if (content.inputs) {
    const input = lastText(genAiMessages(parseJson(a['gen_ai.input.messages'])), 'user');
    if (input !== undefined) {
      out[Attr.INPUT_VALUE] = input;
      out[Attr.INPUT_MIME_TYPE] = MimeTypes.TEXT;
    }
  }
  if (content.outputs) {
    const reply = lastText(genAiMessages(parseJson(a['gen_ai.output.messages'])), 'assistant');
    if (reply !== undefined) {
      out[Attr.OUTPUT_VALUE] = reply;
      out[Attr.OUTPUT_MIME_TYPE] = MimeTypes.TEXT;
    }
  }
}

/**
 * What one turn's model and tool spans add up to, written on its AGENT span
 * as `$eve.*` metadata: the model, token counts (cache and reasoning
 * included), and how many model steps and tool calls the turn made.
 */
export interface TurnTotals {
  model?: string;
  usage: Required<Pick<TokenUsage, 'prompt' | 'completion' | 'total' | 'cacheRead' | 'cacheWrite' | 'reasoning'>>;
  modelCalls: number;
  toolCalls: number;
}

export function emptyTotals(): TurnTotals {
  return { usage: { prompt: 0, completion: 0, total: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 }, modelCalls: 0, toolCalls: 0 };
}

/** Adds one finished span of the turn to its totals. */
export function addToTotals(totals: TurnTotals, role: EveSpanRole, a: Readonly<Attrs>): void {
  if (role === 'tool') totals.toolCalls++;
  if (role !== 'llm') return;
  totals.modelCalls++;
  totals.model = str(a['gen_ai.response.model']) ?? str(a['gen_ai.request.model']) ?? totals.model;
  const usage = usageOf(a);
  for (const key of Object.keys(totals.usage) as Array<keyof TurnTotals['usage']>) totals.usage[key] += usage[key] ?? 0;
}

/** The turn's identity on its AGENT span: turn, parent, root and trigger, then the `$eve.*` totals. */
function turnMetadata(a: Readonly<Attrs>, totals: TurnTotals | undefined): Obj {
  const meta: Obj = {};
  const put = (key: string, value: unknown): void => {
    if (value !== undefined && value !== null && value !== '') meta[key] = value;
  };
  put('eve.turn.id', a['agent.turn.id']);
  put('eve.turn.sequence', a['agent.turn.sequence']);
  put('eve.turn.outcome', a['agent.turn.outcome']);
  put('eve.session.id', a['agent.run.id']);
  put('eve.root.session.id', a['gen_ai.conversation.id']);
  put('eve.parent.session.id', a['agent.parent_run.id']);
  put('eve.parent.call.id', a['agent.parent_call.id']);
  put('eve.trigger', a['agent.session.origin']);
  put('eve.channel.name', a['agent.channel.name']);
  put('eve.channel.kind', a['agent.channel.kind']);
  put('eve.channel.audience', a['agent.channel.audience']);
  put('eve.principal.type', a['agent.principal.current.type']);
  put('eve.version', a['agent.framework.version']);
  if (totals) {
    put('$eve.model', totals.model ?? str(a['agent.model.id']));
    put('$eve.input_tokens', totals.usage.prompt);
    put('$eve.output_tokens', totals.usage.completion);
    put('$eve.total_tokens', totals.usage.total);
    put('$eve.cache_read_tokens', totals.usage.cacheRead);
    put('$eve.cache_write_tokens', totals.usage.cacheWrite);
    put('$eve.reasoning_tokens', totals.usage.reasoning);
    put('$eve.model_calls', totals.modelCalls);
    put('$eve.tool_count', totals.toolCalls);
  }
  return meta;
}

/** A chain step's bookkeeping worth keeping (`agent.step`: its index and attempt). */
function stepMetadata(a: Readonly<Attrs>): Obj {
  const meta: Obj = {};
  if (a['agent.step.index'] !== undefined) meta['eve.step.index'] = a['agent.step.index'];
  if (a['agent.step.attempt'] !== undefined) meta['eve.step.attempt'] = a['agent.step.attempt'];
  if (a['agent.model.id'] !== undefined) meta['eve.model'] = a['agent.model.id'];
  return meta;
}

export interface ConvertOptions {
  content: ContentChoice;
  /** The session the span's turn belongs to (a span may not carry it itself). */
  sessionId?: string;
  /** The instrumentation's metadata, on every span; plus its functionId on the AGENT span. */
  metadata?: Readonly<Obj>;
  functionId?: string;
  /** The turn's totals, for its AGENT span. */
  totals?: TurnTotals;
}

/** The OpenInference attributes of one finished Eve span. */
export function eveSpanAttributes(name: string, attributes: Readonly<Attrs>, options: ConvertOptions): Attrs {
  const role = roleOf(name, attributes);
  const out: Attrs = { [Attr.SPAN_KIND]: KIND_OF_ROLE[role] };
  const sessionId = sessionOf(attributes) ?? options.sessionId ?? str(attributes['gen_ai.conversation.id']);
  if (sessionId) out[Attr.SESSION_ID] = sessionId;
  let meta: Obj = {};
  if (role === 'agent') {
    agentAttributes(attributes, options.content, out);
    meta = turnMetadata(attributes, options.totals);
    if (options.functionId) meta.functionId = options.functionId;
  } else if (role === 'llm') {
    llmAttributes(attributes, options.content, out);
  } else if (role === 'tool') {
    toolAttributes(name, attributes, options.content, out);
  } else {
    meta = stepMetadata(attributes);
  }
  const merged = { ...meta, ...options.metadata };
  if (Object.keys(merged).length) out[Attr.METADATA] = merged;
  return out;
}

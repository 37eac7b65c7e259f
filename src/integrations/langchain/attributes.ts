import { SemanticConventions as SC } from '@arizeai/openinference-semantic-conventions';
import { Attr, MimeTypes, SpanKindValues, type SpanKindValue } from '../../semconv/attr';
import { flattenMessages, flattenTools, type Message } from '../../semconv/messages';
import { normalizeUsage, usageAttributes, type TokenUsage } from '../../semconv/usage';
import { isObj, str, type Attrs, type Obj } from '../shape';
import { asText } from '../../trace/encode';
import { contentText, simplify, toDocument, toMessage, toMessages } from './messages';

/**
 * LangChain run events to OpenInference attributes. Pure: every function takes
 * what a callback received and returns the attributes to write, so the mapping
 * is unit-tested without LangChain.
 */

/** The serialized form LangChain hands to `handle*Start` (`{ lc, type, id: [...path, ClassName], name?, kwargs? }`). */
export type Serialized = Obj | undefined;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The class name at the end of a serialized id (`ChatOpenAI`, `RunnableSequence`). */
export function className(serialized: Serialized): string | undefined {
  const id = serialized?.id;
  return Array.isArray(id) && id.length ? str(id[id.length - 1]) : undefined;
}

/** A LangGraph graph invocation (Pregel, CompiledStateGraph...), as opposed to a node or an inner runnable. */
export function isGraphRun(serialized: Serialized): boolean {
  const id = serialized?.id;
  return Array.isArray(id) && id[0] === 'langgraph' && id[1] === 'pregel';
}

export const GRAPH_NODE_ID = SC.GRAPH_NODE_ID;
export const GRAPH_NODE_PARENT_ID = SC.GRAPH_NODE_PARENT_ID;

export const LANGGRAPH_KEYS = ['langgraph_node', 'langgraph_step', 'langgraph_triggers', 'langgraph_path'] as const;

/** The node a run is the body of, when it is one: LangGraph names a node's run after the node. */
export function graphNodeOf(metadata: Obj | undefined, runName: string | undefined): string | undefined {
  const node = str(metadata?.langgraph_node);
  return node !== undefined && node === runName ? node : undefined;
}

/** `input.value`/`output.value` with their MIME type: text as is, anything else as JSON of its simplified view. */
export function ioAttributes(side: 'input' | 'output', value: unknown): Attrs {
  const valueKey = side === 'input' ? Attr.INPUT_VALUE : Attr.OUTPUT_VALUE;
  const mimeKey = side === 'input' ? Attr.INPUT_MIME_TYPE : Attr.OUTPUT_MIME_TYPE;
  if (value === undefined) return {};
  // The project's encoder: bounded, never throws, BigInt, Buffers and cycles described rather than lost.
  const { text, json } = asText(simplify(value));
  return { [valueKey]: text, [mimeKey]: json ? MimeTypes.JSON : MimeTypes.TEXT };
}

/** LangChain wraps a bare input or output as `{ input: x }` / `{ output: x }`; show `x`. */
export function unwrapIo(value: unknown, key: 'input' | 'output'): unknown {
  if (isObj(value) && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === key) return value[key];
  }
  return value;
}

export function chainStartAttributes(inputs: unknown, metadata: Obj | undefined, runName: string | undefined): Attrs {
  return { ...ioAttributes('input', unwrapIo(inputs, 'input')), ...langgraphAttributes(metadata, runName) };
}

export function chainEndAttributes(outputs: unknown): Attrs {
  return ioAttributes('output', unwrapIo(outputs, 'output'));
}

/**
 * `langgraph_node`, `langgraph_step`, `langgraph_triggers`, `langgraph_path`
 * and `graph.node.*`, on the run that is a node's body only: the metadata is
 * inherited by every run inside the node, where it would only repeat.
 */
export function langgraphAttributes(metadata: Obj | undefined, runName: string | undefined): Attrs {
  const node = graphNodeOf(metadata, runName);
  if (node === undefined) return {};
  const out: Attrs = {};
  for (const key of LANGGRAPH_KEYS) if (metadata![key] !== undefined) out[key] = metadata![key];
  out[SC.GRAPH_NODE_ID] = node;
  out[SC.GRAPH_NODE_NAME] = node;
  return out;
}

/** Which OpenInference kind a chain run is. */
export function chainKind(serialized: Serialized, metadata: Obj | undefined, runName: string | undefined, agentGraph: boolean): SpanKindValue {
  if (isGraphRun(serialized)) {
    // langchain's createAgent marks its runs; a graph with a ToolNode (createReactAgent, hand-built ReAct loops) is an agent too.
    if (agentGraph || (metadata?.ls_integration === 'langchain_create_agent' && metadata.langgraph_node === undefined)) return SpanKindValues.AGENT;
    return SpanKindValues.CHAIN;
  }
  const cls = className(serialized);
  if (cls === 'AgentExecutor' || runName === 'AgentExecutor') return SpanKindValues.AGENT;
  return SpanKindValues.CHAIN;
}

/** The span name: the run's name, else the class, else the kind. */
export function runName(serialized: Serialized, name: string | undefined, fallback: string): string {
  return name || str(serialized?.name) || className(serialized) || fallback;
}

// ---------------------------------------------------------------- LLM runs

const PROVIDERS: Record<string, string> = {
  openai: 'openai',
  azure: 'azure',
  azure_openai: 'azure',
  anthropic: 'anthropic',
  google_genai: 'google',
  google_vertexai: 'google',
  vertexai: 'google',
  google: 'google',
  bedrock: 'aws',
  amazon_bedrock: 'aws',
  mistralai: 'mistralai',
  mistral: 'mistralai',
  cohere: 'cohere',
  groq: 'groq',
  deepseek: 'deepseek',
  xai: 'xai',
  ollama: 'ollama',
};
const SYSTEMS: Record<string, string> = { openai: 'openai', azure: 'openai', anthropic: 'anthropic', google: 'vertexai', mistralai: 'mistralai', cohere: 'cohere' };

/** Invocation parameters without the offered tools (written as `llm.tools` instead). */
function invocationParameters(params: Obj | undefined): Obj | undefined {
  if (!params) return undefined;
  const { tools: _tools, functions: _functions, ...rest } = params;
  return Object.keys(rest).length ? rest : undefined;
}

export interface LlmStart {
  serialized: Serialized;
  /** Chat models: one list of messages (the first prompt of the batch). */
  messages?: unknown[];
  /** Text LLMs: the prompt strings. */
  prompts?: string[];
  extraParams?: Obj;
  metadata?: Obj;
}

export function llmStartAttributes(start: LlmStart): Attrs {
  const out: Attrs = {};
  const params = isObj(start.extraParams?.invocation_params) ? (start.extraParams!.invocation_params as Obj) : undefined;
  const metadata = start.metadata;
  const model = str(params?.model) ?? str(params?.model_name) ?? str(params?.modelName) ?? str(metadata?.ls_model_name) ?? str(start.serialized?.kwargs?.model);
  if (model) out[Attr.LLM_MODEL_NAME] = model;
  const provider = PROVIDERS[String(metadata?.ls_provider ?? '').toLowerCase()];
  if (provider) {
    out[Attr.LLM_PROVIDER] = provider;
    if (SYSTEMS[provider]) out[Attr.LLM_SYSTEM] = SYSTEMS[provider];
  }
  const invocation = invocationParameters(params);
  if (invocation) out[Attr.LLM_INVOCATION_PARAMETERS] = invocation;
  if (Array.isArray(params?.tools)) flattenTools(params!.tools, out);
  if (start.messages) {
    const messages = toMessages(start.messages);
    flattenMessages('input', messages, out);
    Object.assign(out, ioAttributes('input', { messages: messages.map(plainMessage) }));
  } else if (start.prompts) {
    out[Attr.LLM_PROMPTS] = start.prompts;
    Object.assign(out, ioAttributes('input', start.prompts.length === 1 ? start.prompts[0] : start.prompts));
  }
  return out;
}

function plainMessage(m: Message): Obj {
  const out: Obj = { role: m.role };
  if (m.content !== undefined) out.content = m.content;
  if (m.contents) out.content = m.contents;
  if (m.name) out.name = m.name;
  if (m.toolCallId) out.tool_call_id = m.toolCallId;
  if (m.toolCalls) out.tool_calls = m.toolCalls;
  return out;
}

/** Token usage from a chat generation's `usage_metadata`, else the run's `llmOutput`. */
export function llmUsage(message: Obj | undefined, llmOutput: Obj | undefined): TokenUsage {
  const u = isObj(message?.usage_metadata) ? (message!.usage_metadata as Obj) : undefined;
  if (u) {
    // LangChain's input_tokens already counts cached tokens (it sums them for Anthropic), so it is the prompt count as is.
    const usage: TokenUsage = {
      prompt: num(u.input_tokens),
      completion: num(u.output_tokens),
      total: num(u.total_tokens),
      cacheRead: num(u.input_token_details?.cache_read),
      cacheWrite: num(u.input_token_details?.cache_creation),
      reasoning: num(u.output_token_details?.reasoning),
    };
    if (usage.total === undefined && (usage.prompt !== undefined || usage.completion !== undefined)) usage.total = (usage.prompt ?? 0) + (usage.completion ?? 0);
    for (const k of Object.keys(usage) as Array<keyof TokenUsage>) if (usage[k] === undefined) delete usage[k];
    return usage;
  }
  const fromOutput = llmOutput?.tokenUsage ?? llmOutput?.estimatedTokenUsage ?? llmOutput?.usage;
  return normalizeUsage(fromOutput);
}

/** The fields of a generation's message, live or serialized. */
function generationMessage(generation: Obj): Obj | undefined {
  const m = generation.message;
  if (!isObj(m)) return undefined;
  return m.lc === 1 && isObj(m.kwargs) ? m.kwargs : m;
}

export function llmEndAttributes(output: unknown): Attrs {
  const out: Attrs = {};
  if (!isObj(output)) return out;
  const generations = Array.isArray(output.generations) && Array.isArray(output.generations[0]) ? (output.generations[0] as unknown[]).filter(isObj) : [];
  const messages: Message[] = [];
  let firstText: string | undefined;
  let firstMessage: Obj | undefined;
  for (const g of generations) {
    const fields = generationMessage(g);
    const message = g.message !== undefined ? toMessage(g.message) : typeof g.text === 'string' ? { role: 'assistant', content: g.text } : undefined;
    if (message) messages.push(message);
    firstMessage ??= fields;
    firstText ??= (fields ? contentText(fields.content) : undefined) ?? str(g.text);
  }
  flattenMessages('output', messages, out);
  const first = messages[0];
  if (first?.toolCalls?.length) Object.assign(out, ioAttributes('output', plainMessage(first)));
  else if (firstText !== undefined) Object.assign(out, ioAttributes('output', firstText));
  const g0 = generations[0];
  const meta = firstMessage?.response_metadata;
  const finish = str(g0?.generationInfo?.finish_reason) ?? str(meta?.finish_reason) ?? str(meta?.stop_reason);
  if (finish) out[Attr.LLM_FINISH_REASON] = finish;
  const responseModel = str(meta?.model_name) ?? str(meta?.model) ?? str(g0?.generationInfo?.model_name);
  if (responseModel) {
    out[Attr.LLM_RESPONSE_MODEL_NAME] = responseModel;
    out[Attr.LLM_MODEL_NAME] = responseModel;
  }
  usageAttributes(llmUsage(firstMessage, isObj(output.llmOutput) ? output.llmOutput : undefined), out);
  return out;
}

// ---------------------------------------------------------------- tools

export function toolStartAttributes(serialized: Serialized, input: unknown, name: string | undefined, toolCallId: string | undefined): Attrs {
  const out: Attrs = { [Attr.TOOL_NAME]: runName(serialized, name, 'tool') };
  const description = str(serialized?.kwargs?.description) ?? str(serialized?.description);
  if (description) out[Attr.TOOL_DESCRIPTION] = description;
  if (toolCallId) out[Attr.TOOL_CALL_ID] = toolCallId;
  // LangChain hands tool input as a string; a JSON object string is shown as JSON.
  if (typeof input === 'string' && /^\s*[[{]/.test(input)) {
    out[Attr.INPUT_VALUE] = input;
    out[Attr.INPUT_MIME_TYPE] = MimeTypes.JSON;
  } else Object.assign(out, ioAttributes('input', input));
  return out;
}

/** A tool's result: a ToolMessage's content, else the value itself. */
export function toolEndAttributes(output: unknown): Attrs {
  if (isObj(output)) {
    const fields = output.lc === 1 && isObj(output.kwargs) ? output.kwargs : output;
    if ('tool_call_id' in fields && 'content' in fields) {
      const text = contentText(fields.content);
      const out = ioAttributes('output', text ?? fields.content);
      if (typeof fields.tool_call_id === 'string') out[Attr.TOOL_CALL_ID] = fields.tool_call_id;
      return out;
    }
    // A Command (LangGraph) or any other object.
  }
  return ioAttributes('output', output);
}

// ---------------------------------------------------------------- retrievers

export function retrieverStartAttributes(query: unknown): Attrs {
  return ioAttributes('input', query);
}

/** `retrieval.documents.{i}.document.id|content|score|metadata`. */
export function retrieverEndAttributes(documents: unknown): Attrs {
  const out: Attrs = {};
  if (!Array.isArray(documents)) return out;
  documents.forEach((d, i) => {
    const doc = toDocument(d);
    if (!doc) return;
    const prefix = `${SC.RETRIEVAL_DOCUMENTS}.${i}.`;
    if (doc.id !== undefined) out[prefix + SC.DOCUMENT_ID] = doc.id;
    if (doc.content !== undefined) out[prefix + SC.DOCUMENT_CONTENT] = doc.content;
    if (doc.score !== undefined) out[prefix + SC.DOCUMENT_SCORE] = doc.score;
    if (doc.metadata !== undefined) out[prefix + SC.DOCUMENT_METADATA] = doc.metadata;
  });
  return out;
}

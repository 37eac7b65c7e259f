import { Attr, MimeTypes, SpanKindValues, type SpanKindValue } from '../../semconv/attr';
import { flattenMessages, type Message } from '../../semconv/messages';
import { chatMessage } from '../openai/attributes';
import { isObj, type Attrs, type Obj } from '../shape';

/**
 * LangSmith's OTel mode writes each run onto its span with its own keys
 * (`langsmith.span.kind`, `langsmith.metadata.<key>`, `langsmith.span.tags`,
 * `gen_ai.prompt` / `gen_ai.completion` holding the run's inputs and outputs as
 * JSON, `gen_ai.usage.*`...). This maps them to OpenInference; nothing of the
 * original keys is kept (see the rule in calls.ts).
 */
const PREFIX_METADATA = 'langsmith.metadata.';

const KIND_OF_RUN_TYPE: Record<string, SpanKindValue> = {
  llm: SpanKindValues.LLM,
  tool: SpanKindValues.TOOL,
  retriever: SpanKindValues.RETRIEVER,
  embedding: SpanKindValues.EMBEDDING,
  chain: SpanKindValues.CHAIN,
  prompt: SpanKindValues.CHAIN,
  parser: SpanKindValues.CHAIN,
};

/** A run named as an agent (`agent`, `research-agent`, `SupportAgent`) is an agent step, whatever its run type. */
const AGENT_NAME = /(^|[^a-z])agent($|[^a-z])|Agent/;

export function spanKindOfRun(runType: unknown, name: string): SpanKindValue {
  if (runType !== 'llm' && runType !== 'tool' && AGENT_NAME.test(name)) return SpanKindValues.AGENT;
  return (typeof runType === 'string' && KIND_OF_RUN_TYPE[runType]) || SpanKindValues.CHAIN;
}

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The run's metadata the user set; LangSmith's own keys are left out: its
 * bookkeeping (`ls_*`) and the `LANGSMITH_*` variables it copies from the
 * environment into every run's metadata.
 */
function metadataOf(attributes: Readonly<Record<string, unknown>>): Obj | undefined {
  const out: Obj = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (!key.startsWith(PREFIX_METADATA)) continue;
    const name = key.slice(PREFIX_METADATA.length);
    if (name.startsWith('ls_') || name.startsWith('LANGSMITH_')) continue;
    out[name] = value;
  }
  return Object.keys(out).length ? out : undefined;
}

function tagsOf(value: unknown): string[] | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  return value.split(', ').filter((t) => t !== '');
}

function inputMessages(inputs: unknown): Message[] | undefined {
  if (!isObj(inputs) || !Array.isArray(inputs.messages)) return undefined;
  return inputs.messages.filter(isObj).map(chatMessage);
}

function outputMessages(outputs: unknown): Message[] | undefined {
  if (!isObj(outputs)) return undefined;
  if (Array.isArray(outputs.choices)) return outputs.choices.filter((c: unknown) => isObj(c) && isObj(c.message)).map((c: Obj) => chatMessage(c.message));
  if (typeof outputs.role === 'string') return [chatMessage(outputs)];
  return undefined;
}

/** The OpenInference attributes of one LangSmith run, from the attributes LangSmith wrote on its span. */
export function runAttributes(name: string, attributes: Readonly<Record<string, unknown>>): Attrs {
  const kind = spanKindOfRun(attributes['langsmith.span.kind'], name);
  const out: Attrs = { [Attr.SPAN_KIND]: kind };
  const prompt = attributes['gen_ai.prompt'];
  const completion = attributes['gen_ai.completion'];
  if (typeof prompt === 'string') {
    out[Attr.INPUT_VALUE] = prompt;
    out[Attr.INPUT_MIME_TYPE] = MimeTypes.JSON;
  }
  if (typeof completion === 'string') {
    out[Attr.OUTPUT_VALUE] = completion;
    out[Attr.OUTPUT_MIME_TYPE] = MimeTypes.JSON;
  }
  const metadata = metadataOf(attributes);
  if (metadata) out[Attr.METADATA] = metadata;
  const tags = tagsOf(attributes['langsmith.span.tags']);
  if (tags) out[Attr.TAGS] = tags;
  if (kind === SpanKindValues.TOOL) out[Attr.TOOL_NAME] = attributes['gen_ai.tool.name'] ?? name;
  if (kind === SpanKindValues.LLM || kind === SpanKindValues.EMBEDDING) {
    const model = attributes['gen_ai.response.model'] ?? attributes['gen_ai.request.model'];
    if (typeof model === 'string') out[kind === SpanKindValues.LLM ? Attr.LLM_MODEL_NAME : Attr.EMBEDDING_MODEL_NAME] = model;
  }
  if (kind === SpanKindValues.LLM) {
    out[Attr.TOKEN_COUNT_PROMPT] = attributes['gen_ai.usage.input_tokens'];
    out[Attr.TOKEN_COUNT_COMPLETION] = attributes['gen_ai.usage.output_tokens'];
    out[Attr.TOKEN_COUNT_TOTAL] = attributes['gen_ai.usage.total_tokens'];
    const input = inputMessages(parseJson(prompt));
    if (input?.length) flattenMessages('input', input, out);
    const output = outputMessages(parseJson(completion));
    if (output?.length) flattenMessages('output', output, out);
  }
  return out;
}

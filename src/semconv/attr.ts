import {
  SemanticConventions as SC,
  SemanticAttributePrefixes as P,
  OpenInferenceSpanKind,
  MimeType,
} from '@arizeai/openinference-semantic-conventions';

/**
 * Every attribute key @catalyst/tracing writes, by name. Wire values come from
 * @arizeai/openinference-semantic-conventions; the few keys that package does not
 * define yet (agent id and role) are built from its prefixes, never retyped.
 */
export const SpanKindValues = {
  AGENT: OpenInferenceSpanKind.AGENT,
  LLM: OpenInferenceSpanKind.LLM,
  TOOL: OpenInferenceSpanKind.TOOL,
  CHAIN: OpenInferenceSpanKind.CHAIN,
  RETRIEVER: OpenInferenceSpanKind.RETRIEVER,
  EMBEDDING: OpenInferenceSpanKind.EMBEDDING,
  RERANKER: OpenInferenceSpanKind.RERANKER,
  GUARDRAIL: OpenInferenceSpanKind.GUARDRAIL,
  EVALUATOR: OpenInferenceSpanKind.EVALUATOR,
  PROMPT: OpenInferenceSpanKind.PROMPT,
} as const;
export type SpanKindValue = (typeof SpanKindValues)[keyof typeof SpanKindValues];

export const MimeTypes = { TEXT: MimeType.TEXT, JSON: MimeType.JSON } as const;

type MessageSide = 'input' | 'output';
const messagesKey = (side: MessageSide): string => (side === 'input' ? SC.LLM_INPUT_MESSAGES : SC.LLM_OUTPUT_MESSAGES);

/**
 * Indexed keys are built once and kept: every traced call writes a dozen of
 * them, and a key built anew is a new string to hash and intern each time it
 * names a property. Indexes up to KEPT_INDEX are kept (longer conversations
 * build the rest per use). Each family builds its keys with one module-level
 * function, so a lookup allocates nothing.
 */
const KEPT_INDEX = 64;
interface KeyFamily<F extends string> {
  build(side: MessageSide, field: F, i: number, j: number): string;
  kept: Record<MessageSide, Partial<Record<F, string[]>>>;
}
function keyFamily<F extends string>(build: KeyFamily<F>['build']): KeyFamily<F> {
  return { build, kept: { input: {}, output: {} } };
}
function indexedKey<F extends string>(family: KeyFamily<F>, side: MessageSide, field: F, i: number, j: number): string {
  if (i >= KEPT_INDEX || j >= KEPT_INDEX) return family.build(side, field, i, j);
  const row = (family.kept[side][field] ??= []);
  return (row[i * KEPT_INDEX + j] ??= family.build(side, field, i, j));
}

const MESSAGE_LEAF = { role: SC.MESSAGE_ROLE, content: SC.MESSAGE_CONTENT, name: SC.MESSAGE_NAME, tool_call_id: SC.MESSAGE_TOOL_CALL_ID };
const messageKeys = keyFamily<keyof typeof MESSAGE_LEAF>((side, field, i) => `${messagesKey(side)}.${i}.${MESSAGE_LEAF[field]}`);
const contentKeys = keyFamily<'type' | 'text' | 'image_url'>((side, field, i, k) => {
  const leaf = field === 'type' ? SC.MESSAGE_CONTENT_TYPE : field === 'text' ? SC.MESSAGE_CONTENT_TEXT : `${SC.MESSAGE_CONTENT_IMAGE}.${SC.IMAGE_URL}`;
  return `${messagesKey(side)}.${i}.${SC.MESSAGE_CONTENTS}.${k}.${leaf}`;
});
const toolCallKeys = keyFamily<'id' | 'name' | 'arguments'>((side, field, i, j) => {
  const leaf = field === 'id' ? SC.TOOL_CALL_ID : field === 'name' ? SC.TOOL_CALL_FUNCTION_NAME : SC.TOOL_CALL_FUNCTION_ARGUMENTS_JSON;
  return `${messagesKey(side)}.${i}.${SC.MESSAGE_TOOL_CALLS}.${j}.${leaf}`;
});

export const Attr = {
  SPAN_KIND: SC.OPENINFERENCE_SPAN_KIND,

  AGENT_ID: `${P.agent}.id`,
  AGENT_NAME: SC.AGENT_NAME,
  AGENT_ROLE: `${P.agent}.role`,
  SESSION_ID: SC.SESSION_ID,
  USER_ID: SC.USER_ID,
  METADATA: SC.METADATA,
  TAGS: SC.TAG_TAGS,

  INPUT_VALUE: SC.INPUT_VALUE,
  INPUT_MIME_TYPE: SC.INPUT_MIME_TYPE,
  OUTPUT_VALUE: SC.OUTPUT_VALUE,
  OUTPUT_MIME_TYPE: SC.OUTPUT_MIME_TYPE,

  LLM_MODEL_NAME: SC.LLM_MODEL_NAME,
  LLM_REQUEST_MODEL_NAME: SC.LLM_REQUEST_MODEL_NAME,
  LLM_RESPONSE_MODEL_NAME: SC.LLM_RESPONSE_MODEL_NAME,
  LLM_SYSTEM: SC.LLM_SYSTEM,
  LLM_PROVIDER: SC.LLM_PROVIDER,
  LLM_INVOCATION_PARAMETERS: SC.LLM_INVOCATION_PARAMETERS,
  LLM_FINISH_REASON: SC.LLM_FINISH_REASON,
  LLM_PROMPTS: SC.LLM_PROMPTS,
  LLM_COST_TOTAL: SC.LLM_COST_TOTAL,

  TOKEN_COUNT_PROMPT: SC.LLM_TOKEN_COUNT_PROMPT,
  TOKEN_COUNT_COMPLETION: SC.LLM_TOKEN_COUNT_COMPLETION,
  TOKEN_COUNT_TOTAL: SC.LLM_TOKEN_COUNT_TOTAL,
  TOKEN_COUNT_PROMPT_CACHE_READ: SC.LLM_TOKEN_COUNT_PROMPT_DETAILS_CACHE_READ,
  TOKEN_COUNT_PROMPT_CACHE_WRITE: SC.LLM_TOKEN_COUNT_PROMPT_DETAILS_CACHE_WRITE,
  TOKEN_COUNT_PROMPT_AUDIO: SC.LLM_TOKEN_COUNT_PROMPT_DETAILS_AUDIO,
  TOKEN_COUNT_COMPLETION_REASONING: SC.LLM_TOKEN_COUNT_COMPLETION_DETAILS_REASONING,
  TOKEN_COUNT_COMPLETION_AUDIO: SC.LLM_TOKEN_COUNT_COMPLETION_DETAILS_AUDIO,

  COST_TOTAL: SC.LLM_COST_TOTAL,
  COST_PROMPT: SC.LLM_COST_PROMPT,
  COST_COMPLETION: SC.LLM_COST_COMPLETION,
  COST_INPUT: SC.LLM_COST_INPUT,
  COST_PROMPT_CACHE_READ: SC.LLM_COST_PROMPT_DETAILS_CACHE_READ,
  COST_PROMPT_CACHE_WRITE: SC.LLM_COST_PROMPT_DETAILS_CACHE_WRITE,

  TOOL_NAME: SC.TOOL_NAME,
  TOOL_DESCRIPTION: SC.TOOL_DESCRIPTION,
  TOOL_PARAMETERS: SC.TOOL_PARAMETERS,
  TOOL_ID: SC.TOOL_ID,
  TOOL_CALL_ID: SC.TOOL_CALL_ID,

  EMBEDDING_MODEL_NAME: SC.EMBEDDING_MODEL_NAME,

  /** `llm.input_messages.{i}.message.{field}` / `llm.output_messages...` */
  message: (side: MessageSide, i: number, field: 'role' | 'content' | 'name' | 'tool_call_id'): string => indexedKey(messageKeys, side, field, i, 0),
  /** `...message.contents.{k}.message_content.type|text|image.image.url` */
  messageContent: (side: MessageSide, i: number, k: number, field: 'type' | 'text' | 'image_url'): string => indexedKey(contentKeys, side, field, i, k),
  /** `...message.tool_calls.{j}.tool_call.id|function.name|function.arguments` */
  toolCall: (side: MessageSide, i: number, j: number, field: 'id' | 'name' | 'arguments'): string => indexedKey(toolCallKeys, side, field, i, j),
  /** `llm.tools.{i}.tool.json_schema` */
  toolSchema: (i: number): string => `${SC.LLM_TOOLS}.${i}.${SC.TOOL_JSON_SCHEMA}`,
  /** `embedding.embeddings.{i}.embedding.text` */
  embeddingText: (i: number): string => `${SC.EMBEDDING_EMBEDDINGS}.${i}.${SC.EMBEDDING_TEXT}`,
} as const;

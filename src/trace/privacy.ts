import { SemanticConventions as SC } from '@arizeai/openinference-semantic-conventions';
import type { AttributeValue } from '@opentelemetry/api';
import type { PrivacyConfig } from '../config/types';
import { REDACTED, truncatedSuffix } from './markers';

/**
 * The privacy and size rules, applied to every attribute our code writes,
 * automatic and manual spans alike. A hidden value is replaced by a marker, never
 * dropped, so a viewer can tell "hidden" from "empty"; structure (roles, tool
 * names, token counts) stays visible.
 */
type Rule = 'inputValue' | 'outputValue' | 'inputText' | 'outputText' | 'inputImage' | 'inputArgs' | 'outputArgs' | 'otherContent' | 'none';

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const IN_MSG = esc(SC.LLM_INPUT_MESSAGES);
const OUT_MSG = esc(SC.LLM_OUTPUT_MESSAGES);
const TEXT_LEAF = `(?:${esc(SC.MESSAGE_CONTENT)}|${esc(SC.MESSAGE_CONTENTS)}\\.\\d+\\.${esc(SC.MESSAGE_CONTENT_TEXT)})$`;
const IMAGE_LEAF = `${esc(SC.MESSAGE_CONTENTS)}\\.\\d+\\.${esc(SC.MESSAGE_CONTENT_IMAGE)}\\.${esc(SC.IMAGE_URL)}$`;
const ARGS_LEAF = `(?:${esc(SC.TOOL_CALL_FUNCTION_ARGUMENTS_JSON)}|${esc(SC.MESSAGE_FUNCTION_CALL_ARGUMENTS_JSON)})$`;

const patterns: Array<[RegExp, Rule]> = [
  [new RegExp(`^${IN_MSG}\\.\\d+\\..*${TEXT_LEAF}`), 'inputText'],
  [new RegExp(`^${IN_MSG}\\.\\d+\\..*${IMAGE_LEAF}`), 'inputImage'],
  [new RegExp(`^${IN_MSG}\\.\\d+\\..*${ARGS_LEAF}`), 'inputArgs'],
  [new RegExp(`^${OUT_MSG}\\.\\d+\\..*${TEXT_LEAF}`), 'outputText'],
  [new RegExp(`^${OUT_MSG}\\.\\d+\\..*${ARGS_LEAF}`), 'outputArgs'],
  [new RegExp(`^(?:${esc(SC.EMBEDDING_EMBEDDINGS)}\\.\\d+\\.${esc(SC.EMBEDDING_TEXT)}|${esc(SC.LLM_PROMPTS)}.*|${esc(SC.RETRIEVAL_DOCUMENTS)}\\.\\d+\\.${esc(SC.DOCUMENT_CONTENT)}|(?:${esc(SC.RERANKER_INPUT_DOCUMENTS)}|${esc(SC.RERANKER_OUTPUT_DOCUMENTS)})\\.\\d+\\.${esc(SC.DOCUMENT_CONTENT)}|${esc(SC.RERANKER_QUERY)}|${esc(SC.TOOL_PARAMETERS)})$`), 'otherContent'],
];

const cache = new Map<string, Rule>();

function ruleFor(key: string): Rule {
  if (key === SC.INPUT_VALUE) return 'inputValue';
  if (key === SC.OUTPUT_VALUE) return 'outputValue';
  let rule = cache.get(key);
  if (rule === undefined) {
    rule = classify(key);
    if (cache.size < 10_000) cache.set(key, rule);
  }
  return rule;
}

/**
 * The rule of the first pattern `key` matches. Kept out of ruleFor, which runs
 * for every attribute written: a callback closing over `key` there made V8
 * allocate a context on every call, cache hits included (~0.9 KB per traced
 * chat call).
 */
function classify(key: string): Rule {
  for (const [re, rule] of patterns) if (re.test(key)) return rule;
  return 'none';
}

function hidden(rule: Rule, p: PrivacyConfig): boolean {
  if (rule === 'none') return false;
  if (p.redactContent) return true;
  switch (rule) {
    case 'inputValue':
      return p.hideInputs;
    case 'outputValue':
      return p.hideOutputs;
    case 'inputText':
      return p.hideInputs || p.hideInputMessages || p.hideInputText;
    case 'inputArgs':
      return p.hideInputs || p.hideInputMessages;
    case 'inputImage':
      return p.hideInputs || p.hideInputMessages || p.hideInputImages;
    case 'outputText':
      return p.hideOutputs || p.hideOutputMessages || p.hideOutputText;
    case 'outputArgs':
      return p.hideOutputs || p.hideOutputMessages;
    case 'otherContent':
      return false;
  }
}

/** The value to write for `key`, after hiding and size capping. */
export function applyPrivacy(key: string, value: AttributeValue, p: PrivacyConfig): AttributeValue {
  const rule = ruleFor(key);
  if (hidden(rule, p)) return REDACTED;
  if (Array.isArray(value)) return capArray(value, p.maxAttributeLength);
  if (typeof value !== 'string') return value;
  if (rule === 'inputImage' && value.startsWith('data:') && value.length > p.base64ImageMaxLength) return REDACTED;
  if (value.length > p.maxAttributeLength) {
    return value.slice(0, p.maxAttributeLength) + truncatedSuffix(value.length - p.maxAttributeLength);
  }
  return value;
}

/**
 * Arrays get the same budget as one string: string elements count their
 * length, and the element that crosses the cap is cut and marked; numbers and
 * booleans count 8 each (an embedding of a few thousand floats fits).
 */
function capArray(value: AttributeValue & unknown[], max: number): AttributeValue {
  let used = 0;
  for (let i = 0; i < value.length; i++) {
    const v = value[i];
    const size = typeof v === 'string' ? v.length : 8;
    if (used + size <= max) {
      used += size;
      continue;
    }
    if (typeof v === 'string') {
      const keep = Math.max(0, max - used);
      return [...(value.slice(0, i) as string[]), v.slice(0, keep) + truncatedSuffix(v.length - keep)];
    }
    return value.slice(0, i) as AttributeValue;
  }
  return value;
}

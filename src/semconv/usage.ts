import { Attr } from './attr';

/** Token usage in one shape, whatever the provider reported. */
export interface TokenUsage {
  prompt?: number;
  completion?: number;
  total?: number;
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * Accepts OpenAI chat (`prompt_tokens`), OpenAI Responses (`input_tokens` with
 * `input_tokens_details`), Anthropic (`input_tokens` plus `cache_read_input_tokens`
 * / `cache_creation_input_tokens`) and AI SDK (`inputTokens`/`promptTokens`)
 * shapes. Anthropic's `input_tokens` excludes cached tokens, so for it the prompt
 * count is input + cache read + cache write: the tokens the model actually read.
 * A missing total is inferred as prompt + completion.
 */
export function normalizeUsage(raw: unknown): TokenUsage {
  if (!raw || typeof raw !== 'object') return {};
  const u = raw as Record<string, any>;
  const out: TokenUsage = {};
  const anthropicCacheRead = num(u.cache_read_input_tokens);
  const anthropicCacheWrite = num(u.cache_creation_input_tokens);
  if (num(u.prompt_tokens) !== undefined || num(u.completion_tokens) !== undefined) {
    out.prompt = num(u.prompt_tokens);
    out.completion = num(u.completion_tokens);
    out.total = num(u.total_tokens);
    out.cacheRead = num(u.prompt_tokens_details?.cached_tokens);
    out.reasoning = num(u.completion_tokens_details?.reasoning_tokens);
  } else if (anthropicCacheRead !== undefined || anthropicCacheWrite !== undefined || (u.input_tokens !== undefined && u.input_tokens_details === undefined && u.total_tokens === undefined)) {
    const input = num(u.input_tokens);
    out.prompt = input === undefined ? undefined : input + (anthropicCacheRead ?? 0) + (anthropicCacheWrite ?? 0);
    out.completion = num(u.output_tokens);
    out.cacheRead = anthropicCacheRead;
    out.cacheWrite = anthropicCacheWrite;
  } else if (num(u.input_tokens) !== undefined || num(u.output_tokens) !== undefined) {
    out.prompt = num(u.input_tokens);
    out.completion = num(u.output_tokens);
    out.total = num(u.total_tokens);
    out.cacheRead = num(u.input_tokens_details?.cached_tokens);
    out.reasoning = num(u.output_tokens_details?.reasoning_tokens);
  } else {
    // AI SDK: v5+ inputTokens/outputTokens (+ cachedInputTokens, reasoningTokens), v4 promptTokens/completionTokens.
    out.prompt = num(u.inputTokens) ?? num(u.promptTokens);
    out.completion = num(u.outputTokens) ?? num(u.completionTokens);
    out.total = num(u.totalTokens);
    out.cacheRead = num(u.cachedInputTokens) ?? num(u.inputTokenDetails?.cacheReadTokens);
    out.cacheWrite = num(u.inputTokenDetails?.cacheWriteTokens);
    out.reasoning = num(u.reasoningTokens) ?? num(u.outputTokenDetails?.reasoningTokens);
  }
  if (out.total === undefined && (out.prompt !== undefined || out.completion !== undefined)) {
    out.total = (out.prompt ?? 0) + (out.completion ?? 0);
  }
  // for…in, not Object.keys: no array per call.
  for (const k in out) if (out[k as keyof TokenUsage] === undefined) delete out[k as keyof TokenUsage];
  return out;
}

export function usageAttributes(usage: TokenUsage, out: Record<string, unknown> = {}): Record<string, unknown> {
  if (usage.prompt !== undefined) out[Attr.TOKEN_COUNT_PROMPT] = usage.prompt;
  if (usage.completion !== undefined) out[Attr.TOKEN_COUNT_COMPLETION] = usage.completion;
  if (usage.total !== undefined) out[Attr.TOKEN_COUNT_TOTAL] = usage.total;
  if (usage.cacheRead !== undefined) out[Attr.TOKEN_COUNT_PROMPT_CACHE_READ] = usage.cacheRead;
  if (usage.cacheWrite !== undefined) out[Attr.TOKEN_COUNT_PROMPT_CACHE_WRITE] = usage.cacheWrite;
  if (usage.reasoning !== undefined) out[Attr.TOKEN_COUNT_COMPLETION_REASONING] = usage.reasoning;
  return out;
}

import { describe, expect, it } from 'vitest';
import { normalizeUsage } from '../../src/semconv/usage';
import { applyPrivacy } from '../../src/trace/privacy';
import { DEFAULT_PRIVACY } from '../../src/config/privacy';
import { safeJson } from '../../src/trace/encode';

describe('normalizeUsage', () => {
  it('reads OpenAI chat usage', () => {
    expect(normalizeUsage({ prompt_tokens: 10, completion_tokens: 2, total_tokens: 12, prompt_tokens_details: { cached_tokens: 3 }, completion_tokens_details: { reasoning_tokens: 1 } }))
      .toEqual({ prompt: 10, completion: 2, total: 12, cacheRead: 3, reasoning: 1 });
  });
  it('reads OpenAI Responses usage', () => {
    expect(normalizeUsage({ input_tokens: 10, output_tokens: 2, total_tokens: 12, input_tokens_details: { cached_tokens: 3 }, output_tokens_details: { reasoning_tokens: 1 } }))
      .toEqual({ prompt: 10, completion: 2, total: 12, cacheRead: 3, reasoning: 1 });
  });
  it('reads Anthropic usage: prompt = input + cache read + cache write, total inferred', () => {
    expect(normalizeUsage({ input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 100, cache_creation_input_tokens: 20 }))
      .toEqual({ prompt: 130, completion: 5, total: 135, cacheRead: 100, cacheWrite: 20 });
  });
  it('reads AI SDK usage', () => {
    expect(normalizeUsage({ inputTokens: 4, outputTokens: 6, totalTokens: 10, cachedInputTokens: 1, reasoningTokens: 2 }))
      .toEqual({ prompt: 4, completion: 6, total: 10, cacheRead: 1, reasoning: 2 });
    expect(normalizeUsage({ promptTokens: 4, completionTokens: 6 })).toEqual({ prompt: 4, completion: 6, total: 10 });
  });
  it('gives nothing for nothing', () => {
    expect(normalizeUsage(undefined)).toEqual({});
    expect(normalizeUsage('x')).toEqual({});
  });
});

describe('applyPrivacy', () => {
  const p = (over: Partial<typeof DEFAULT_PRIVACY>) => ({ ...DEFAULT_PRIVACY, ...over });
  it('hides inputs with a marker but keeps roles', () => {
    expect(applyPrivacy('input.value', 'secret', p({ hideInputs: true }))).toBe('__REDACTED__');
    expect(applyPrivacy('llm.input_messages.0.message.content', 'secret', p({ hideInputs: true }))).toBe('__REDACTED__');
    expect(applyPrivacy('llm.input_messages.0.message.role', 'user', p({ hideInputs: true }))).toBe('user');
    expect(applyPrivacy('output.value', 'ok', p({ hideInputs: true }))).toBe('ok');
  });
  it('hides output text, images, and everything with redactContent', () => {
    expect(applyPrivacy('llm.output_messages.0.message.contents.1.message_content.text', 't', p({ hideOutputText: true }))).toBe('__REDACTED__');
    expect(applyPrivacy('llm.input_messages.0.message.contents.1.message_content.image.image.url', 'https://x', p({ hideInputImages: true }))).toBe('__REDACTED__');
    expect(applyPrivacy('llm.input_messages.0.message.contents.1.message_content.text', 't', p({ hideInputImages: true }))).toBe('t');
    expect(applyPrivacy('llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments', '{}', p({ redactContent: true }))).toBe('__REDACTED__');
    expect(applyPrivacy('embedding.embeddings.0.embedding.text', 'e', p({ redactContent: true }))).toBe('__REDACTED__');
    expect(applyPrivacy('llm.token_count.total', 5, p({ redactContent: true }))).toBe(5);
  });
  it('drops long base64 images and truncates long values with a marker', () => {
    const img = `data:image/png;base64,${'A'.repeat(200)}`;
    expect(applyPrivacy('llm.input_messages.0.message.contents.0.message_content.image.image.url', img, p({ base64ImageMaxLength: 100 }))).toBe('__REDACTED__');
    expect(applyPrivacy('input.value', 'x'.repeat(30), p({ maxAttributeLength: 10 }))).toBe(`${'x'.repeat(10)}…[truncated 20 chars]`);
  });
});

describe('safeJson', () => {
  it('encodes what JSON.stringify cannot', () => {
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    expect(safeJson(circular)).toBe('{"a":1,"self":"[Circular]"}');
    expect(safeJson({ n: 10n, m: new Map([['k', 1]]), s: new Set([1]), f() {}, b: new Uint8Array(3) })).toBe('{"n":"10","m":{"k":1},"s":[1],"f":"[Function f]","b":"[Uint8Array 3 bytes]"}');
    expect(safeJson(undefined)).toBe('undefined');
    expect(safeJson(Symbol('x'))).toBe('"Symbol(x)"');
  });
});

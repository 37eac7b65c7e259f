import { describe, expect, it } from 'vitest';
import { runAttributes, spanKindOfRun } from '../../src/integrations/langsmith/attributes';

// What LangSmith 0.12's OTel translator writes on a run's span, mapped to OpenInference.
describe('spanKindOfRun', () => {
  it.each([
    ['llm', 'x', 'LLM'],
    ['tool', 'x', 'TOOL'],
    ['retriever', 'x', 'RETRIEVER'],
    ['embedding', 'x', 'EMBEDDING'],
    ['chain', 'x', 'CHAIN'],
    ['prompt', 'x', 'CHAIN'],
    ['parser', 'x', 'CHAIN'],
    [undefined, 'x', 'CHAIN'],
    ['chain', 'research-agent', 'AGENT'],
    ['chain', 'SupportAgent', 'AGENT'],
    ['chain', 'agent', 'AGENT'],
    ['chain', 'reagent-mixer', 'CHAIN'],
    ['tool', 'agent-tool', 'TOOL'],
  ])('%s named %s is %s', (runType, name, kind) => {
    expect(spanKindOfRun(runType, name)).toBe(kind);
  });
});

describe('runAttributes', () => {
  it('maps inputs, outputs, user metadata and tags; LangSmith keys and env metadata are left out', () => {
    const out = runAttributes('plan', {
      'langsmith.span.kind': 'chain',
      'gen_ai.prompt': '{"input":"weather"}',
      'gen_ai.completion': '{"steps":[]}',
      'langsmith.metadata.team': 'search',
      'langsmith.metadata.ls_run_depth': '1',
      'langsmith.metadata.LANGSMITH_TRACING': 'true',
      'langsmith.span.tags': 'nightly, eval',
    });
    expect(out).toEqual({
      'openinference.span.kind': 'CHAIN',
      'input.value': '{"input":"weather"}',
      'input.mime_type': 'application/json',
      'output.value': '{"steps":[]}',
      'output.mime_type': 'application/json',
      metadata: { team: 'search' },
      'tag.tags': ['nightly', 'eval'],
    });
  });

  it('gives an LLM run its model, tokens and messages', () => {
    const out = runAttributes('chat', {
      'langsmith.span.kind': 'llm',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.usage.input_tokens': 3,
      'gen_ai.usage.output_tokens': 4,
      'gen_ai.usage.total_tokens': 7,
      'gen_ai.prompt': JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
      'gen_ai.completion': JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'hello' } }] }),
    });
    expect(out).toMatchObject({
      'openinference.span.kind': 'LLM',
      'llm.model_name': 'gpt-4o-mini',
      'llm.token_count.prompt': 3,
      'llm.token_count.completion': 4,
      'llm.token_count.total': 7,
      'llm.input_messages.0.message.role': 'user',
      'llm.input_messages.0.message.content': 'hi',
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.content': 'hello',
    });
  });

  it('names a tool run, and survives inputs that are not JSON', () => {
    expect(runAttributes('get_weather', { 'langsmith.span.kind': 'tool', 'gen_ai.tool.name': 'get_weather' })['tool.name']).toBe('get_weather');
    expect(runAttributes('chat', { 'langsmith.span.kind': 'llm', 'gen_ai.prompt': 'not json' })['input.value']).toBe('not json');
  });
});

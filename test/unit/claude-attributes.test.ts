import { describe, expect, it } from 'vitest';
import { claudeCommand, cliRequest, shellWords } from '../../src/integrations/claude-code/command';
import { outcomeOf, lastLine } from '../../src/integrations/claude-code/attributes';
import { queryStartAttributes, resultAttributes, resultError, toolResultText, turnAttributes } from '../../src/integrations/claude-agent-sdk/attributes';

// Shapes as the Claude Agent SDK 0.3.334 and the claude CLI 2.1.332 produce them (trimmed).
const RESULT = {
  type: 'result',
  subtype: 'success',
  is_error: false,
  result: 'It is 18 degrees in Paris.',
  session_id: '9fdfd952-ef1c-4da1-92b8-693350a5874a',
  total_cost_usd: 0.0005496,
  usage: { input_tokens: 42, cache_creation_input_tokens: 4, cache_read_input_tokens: 8, output_tokens: 18 },
  modelUsage: { 'claude-opus-5-5': { inputTokens: 42 } },
};
const FAILED = { ...RESULT, is_error: true, result: 'API Error: 400 The fake refuses this prompt.', total_cost_usd: 0, usage: { input_tokens: 0, output_tokens: 0 } };

describe('Claude Agent SDK attributes', () => {
  it('the loop: the text prompt, the requested model; a streamed prompt is not read', () => {
    expect(queryStartAttributes({ prompt: 'Hi', options: { model: 'claude-x' } })).toMatchObject({ 'openinference.span.kind': 'AGENT', 'input.value': 'Hi', 'llm.request.model_name': 'claude-x', 'llm.system': 'anthropic' });
    const streamed = queryStartAttributes({ prompt: (async function* () {})() });
    expect(streamed['input.value']).toBeUndefined();
  });

  it('the result: answer, real totals with cache, cost and session', () => {
    expect(resultAttributes(RESULT)).toEqual({
      'session.id': RESULT.session_id,
      'output.value': RESULT.result,
      'output.mime_type': 'text/plain',
      'llm.token_count.prompt': 54,
      'llm.token_count.completion': 18,
      'llm.token_count.total': 72,
      'llm.token_count.prompt_details.cache_read': 8,
      'llm.token_count.prompt_details.cache_write': 4,
      'llm.cost.total': 0.0005496,
    });
  });

  it('failure: is_error with subtype "success" (a failed API call), an error subtype, or success', () => {
    expect(resultError(FAILED)).toBe('API Error: 400 The fake refuses this prompt.');
    expect(resultError({ type: 'result', subtype: 'error_max_turns', is_error: true, errors: ['Reached max turns (1)'] })).toBe('error_max_turns: Reached max turns (1)');
    expect(resultError({ type: 'result', subtype: 'error_during_execution' })).toBe('error_during_execution');
    expect(resultError(RESULT)).toBeUndefined();
  });

  it('a turn: text and tool calls as the output message; the placeholder output count left out until the turn is final', () => {
    const usage = { input_tokens: 21, output_tokens: 1, cache_read_input_tokens: 4, cache_creation_input_tokens: 2 };
    const turn = turnAttributes({ model: 'claude-opus-5-5', usage, blocks: [{ type: 'text', text: 'Let me check.' }, { type: 'tool_use', id: 'toolu_1', name: 'mcp__weather__get_weather', input: { city: 'Paris' } }] });
    expect(turn).toMatchObject({
      'openinference.span.kind': 'LLM',
      'llm.model_name': 'claude-opus-5-5',
      'llm.output_messages.0.message.content': 'Let me check.',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'mcp__weather__get_weather',
      'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': '{"city":"Paris"}',
      'llm.token_count.prompt': 27,
    });
    expect(turn['llm.token_count.completion']).toBeUndefined();
    expect(turnAttributes({ usage, stopReason: 'end_turn', blocks: [] })['llm.token_count.completion']).toBe(1);
  });

  it('tool results as text', () => {
    expect(toolResultText([{ type: 'text', text: '18 degrees' }])).toBe('18 degrees');
    expect(toolResultText({ content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] })).toBe('ab');
    expect(toolResultText({ stdout: 'x' })).toBe('{"stdout":"x"}');
    expect(toolResultText(undefined)).toBeUndefined();
  });
});

describe('Claude Code command lines', () => {
  it('recognises claude by name, by absolute path, through a shell and by $CLAUDE_BIN; nothing else', () => {
    expect(claudeCommand('execFile', ['claude', ['-p', 'hi']], undefined)?.argv).toEqual(['-p', 'hi']);
    expect(claudeCommand('spawn', ['/usr/lib/node_modules/@anthropic-ai/claude-code/bin/claude.exe', ['-p', 'hi'], {}], undefined)?.optionsIndex).toBe(2);
    expect(claudeCommand('exec', ['FOO=1 "/opt/claude" -p "say \\"hi\\"" --output-format json | jq .result'], undefined)?.argv).toEqual(['-p', 'say "hi"', '--output-format', 'json']);
    expect(claudeCommand('spawn', ['claude -p hi', { shell: true }], undefined)?.argv).toEqual(['-p', 'hi']);
    expect(claudeCommand('spawn', ['/tools/cc', ['-p', 'hi']], '/tools/cc')?.argv).toEqual(['-p', 'hi']);
    expect(claudeCommand('spawn', ['/tools/cc', ['-p', 'hi']], undefined)).toBeUndefined();
    expect(claudeCommand('execFile', ['claude-helper', ['-p']], undefined)).toBeUndefined();
    expect(claudeCommand('exec', ['echo claude -p hi'], undefined)).toBeUndefined();
    expect(claudeCommand('spawn', ['ls', ['claude']], undefined)).toBeUndefined();
  });

  it('reads the prompt, the output format and the model, skipping option values', () => {
    expect(cliRequest(['--model', 'opus', '-p', '--output-format=stream-json', '--verbose', 'Fix the bug'])).toEqual({ print: true, prompt: 'Fix the bug', outputFormat: 'stream-json', model: 'opus' });
    expect(cliRequest(['--print', '--allowedTools', 'Bash', 'hello'])).toMatchObject({ print: true, prompt: 'hello', outputFormat: 'text' });
    expect(cliRequest(['mcp', 'list']).print).toBe(false);
  });

  it('splits shell words as the shell does', () => {
    expect(shellWords(`a 'b c' "d \\"e\\"" f\\ g|h`)).toEqual(['a', 'b c', 'd "e"', 'f g', '|', 'h']);
  });

  it('the outcome by output format: the result text, never raw JSON', () => {
    expect(outcomeOf('text', 'Hello.\n').attributes['output.value']).toBe('Hello.');
    const json = outcomeOf('json', JSON.stringify(RESULT));
    expect(json.attributes).toMatchObject({ 'output.value': RESULT.result, 'session.id': RESULT.session_id, 'llm.cost.total': RESULT.total_cost_usd, 'llm.model_name': 'claude-opus-5-5', 'llm.token_count.total': 72 });
    expect(json.error).toBeUndefined();
    const stream = outcomeOf('stream-json', `${JSON.stringify({ type: 'system', subtype: 'init', model: 'claude-x', session_id: 's1' })}\n${JSON.stringify({ type: 'assistant' })}\n${JSON.stringify(FAILED)}\n`);
    expect(stream.attributes).toMatchObject({ 'llm.model_name': 'claude-x', 'output.value': FAILED.result });
    expect(stream.error).toBe(FAILED.result);
    expect(outcomeOf('json', 'not json').attributes).toEqual({});
    expect(lastLine('a\nWarning: x\n\n')).toBe('Warning: x');
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cursorUsage, messageText, runEndAttributes, runFailure, runStartAttributes, toolEndAttributes, toolFailure, toolName, toolStartAttributes } from '../../src/integrations/cursor-sdk/attributes';
import { withDeltaListener } from '../../src/integrations/cursor-sdk/send-options';

/** What the SDK hands the app for the fake backend's runs (fixtures/cursor-sdk/). */
const F = JSON.parse(readFileSync(join(__dirname, '../../fixtures/cursor-sdk/sdk-shapes.json'), 'utf8'));
const started = F.deltas.find((d: any) => d.type === 'tool-call-started');
const completed = F.deltas.find((d: any) => d.type === 'tool-call-completed');

describe('Cursor SDK run attributes', () => {
  it('start: the agent, the run, the message text, the model and mode', () => {
    expect(runStartAttributes({ agentId: 'agent-1', runId: 'run-1', message: 'What is 2 + 3?', model: { id: 'composer-1' }, mode: 'plan' })).toEqual({
      'openinference.span.kind': 'AGENT',
      'cursor.agent_id': 'agent-1',
      'cursor.run_id': 'run-1',
      'input.value': 'What is 2 + 3?',
      'input.mime_type': 'text/plain',
      'llm.model_name': 'composer-1',
      'llm.invocation_parameters': '{"model":{"id":"composer-1"},"mode":"plan"}',
    });
    expect(messageText({ text: 'look', images: [{ url: 'https://x/y.png' }] })).toBe('look');
  });

  it('end: status, answer, duration and usage from the RunResult (prompt counts input plus cache)', () => {
    expect(runEndAttributes(F.finished, { toolCalls: 1, llmCalls: 2 })).toMatchObject({
      'cursor.run_status': 'finished',
      'cursor.duration_ms': 382,
      'output.value': 'The sum is 5.',
      'agent.tool_call_count': 1,
      'agent.llm_call_count': 2,
      'llm.token_count.prompt': 155,
      'llm.token_count.completion': 14,
      'llm.token_count.total': 169,
      'llm.token_count.prompt_details.cache_read': 30,
      'llm.token_count.prompt_details.cache_write': 5,
    });
    expect(runFailure(F.finished)).toBeUndefined();
  });

  it('a rejected run: its reason, and no usage or answer', () => {
    const out = runEndAttributes(F.rejected, { toolCalls: 0, llmCalls: 0 });
    expect(out).toMatchObject({ 'cursor.run_status': 'error' });
    expect(out['output.value']).toBeUndefined();
    expect(out['llm.token_count.total']).toBeUndefined();
    expect(out['agent.tool_call_count']).toBeUndefined();
    expect(runFailure(F.rejected)).toBe('[resource_exhausted] Usage limit reached for this API key');
    expect(runFailure({ status: 'error' })).toBe('the run failed');
  });

  it('usage summed from turn-ended updates when the result has none', () => {
    const turn = F.deltas.find((d: any) => d.type === 'turn-ended').usage;
    expect(cursorUsage(turn)).toEqual({ prompt: 155, completion: 14, total: 169, cacheRead: 30, cacheWrite: 5 });
    expect(runEndAttributes({ status: 'finished' }, { toolCalls: 0, llmCalls: 0, turnUsage: turn })['llm.token_count.total']).toBe(169);
  });
});

describe('Cursor SDK tool calls', () => {
  it("a custom tool by its own name, with its arguments and its result's text", () => {
    expect(toolName(started.toolCall)).toBe('add');
    expect(toolName({ type: 'shell', args: { command: 'ls' } })).toBe('shell');
    expect(toolStartAttributes(started.callId, started.toolCall)).toEqual({
      'openinference.span.kind': 'TOOL',
      'tool.name': 'add',
      'tool_call.id': 'call_add_1',
      'input.value': '{"a":2,"b":3}',
      'input.mime_type': 'application/json',
    });
    expect(toolEndAttributes(completed.toolCall)).toEqual({ 'output.value': '5', 'output.mime_type': 'text/plain' });
    expect(toolFailure(completed.toolCall)).toBeUndefined();
  });

  it('a failed call: the reason as output and as the failure', () => {
    expect(toolEndAttributes(F.failedToolCall)).toEqual({ 'output.value': 'Division by zero', 'output.mime_type': 'text/plain' });
    expect(toolFailure(F.failedToolCall)).toBe('Division by zero');
    const isError = { type: 'mcp', args: { toolName: 'x' }, result: { status: 'success', value: { content: [{ text: { text: 'bad input' } }], isError: true } } };
    expect(toolFailure(isError)).toBe('bad input');
  });
});

describe("send()'s options with our update listener", () => {
  it("calls ours, then the app's, and hands the SDK the app's return value", async () => {
    const seen: string[] = [];
    const options = { onDelta: ({ update }: any) => (seen.push(`app ${update.type}`), Promise.resolve('app-result')) };
    const proxied = withDeltaListener(options, (args: any) => seen.push(`ours ${args.update.type}`)) as any;
    expect(await proxied.onDelta({ update: { type: 'text-delta' } })).toBe('app-result');
    expect(seen).toEqual(['ours text-delta', 'app text-delta']);
    expect(options.onDelta).not.toBe(proxied.onDelta);
    expect(Object.keys(options)).toEqual(['onDelta']);
  });

  it("runs the app's getters exactly as often as the SDK reads them, spread included", () => {
    let reads = 0;
    const seenThis: unknown[] = [];
    const options = {
      get model() {
        reads++;
        seenThis.push(this);
        return { id: 'composer-1' };
      },
    };
    const proxied = withDeltaListener(options, () => undefined) as any;
    expect(reads).toBe(0);
    const copy = { ...proxied };
    expect(reads).toBe(1);
    expect(typeof copy.onDelta).toBe('function');
    expect('onDelta' in proxied).toBe(true);
    expect(Object.keys(options)).toEqual(['model']);
    expect(proxied.model).toEqual({ id: 'composer-1' });
    expect(seenThis).toEqual([options, options]);
    expect(seenThis[1]).toBe(options);
  });

  it('adds options where there were none; leaves a frozen object or a non-object alone', () => {
    const calls: unknown[] = [];
    const made = withDeltaListener(undefined, (a) => calls.push(a)) as any;
    expect(made.onDelta({ update: { type: 'x' } })).toBeUndefined();
    expect(calls).toHaveLength(1);
    const frozen = Object.freeze({ mode: 'agent' });
    expect(withDeltaListener(frozen, () => undefined)).toBe(frozen);
    expect(withDeltaListener(null, () => undefined)).toBe(null);
  });

  it("a listener of ours that throws never reaches the SDK or skips the app's", () => {
    let app = 0;
    const proxied = withDeltaListener({ onDelta: () => void app++ }, () => {
      throw new Error('ours');
    }) as any;
    expect(() => proxied.onDelta({ update: {} })).not.toThrow();
    expect(app).toBe(1);
  });
});

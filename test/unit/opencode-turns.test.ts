import { afterEach, describe, expect, it, vi } from 'vitest';
import { SpanStatusCode } from '@opentelemetry/api';
import { OpenCodeTurns } from '../../src/integrations/opencode/turns';
import { openCodePlugin } from '../../src/integrations/opencode/plugin';
import { stepUsage, inputMessages } from '../../src/integrations/opencode/attributes';
import { resetReported } from '../../src/diagnostics/report';
import { inMemoryTracing } from './in-memory';

/**
 * The turn tracker on OpenCode's hook and event sequences (the shapes
 * opencode-ai 1.18 sends, as the integration test's runs record them), for
 * the paths the real binary is not driven through offline: a failing tool, a
 * retried model call, a subagent's session, a failure inside the plugin.
 */
const S = 'ses_parent';
const part = (p: Record<string, unknown>) => ({ type: 'message.part.updated', properties: { part: { sessionID: S, ...p } } });

function setup() {
  const t = inMemoryTracing();
  let ended = 0;
  const turns = new OpenCodeTurns({ tracer: () => t.tracer, turnEnded: () => void ended++ });
  const start = (sessionID = S, text = 'fix the bug') =>
    turns.userMessage({ sessionID, agent: 'build', model: { providerID: 'p', modelID: 'm' } }, { message: {}, parts: [{ type: 'text', text }] });
  const call = (sessionID = S, agent = 'build') => turns.modelCall({ sessionID, agent, model: { id: 'm', providerID: 'p' } }, { temperature: 0 });
  return { t, turns, start, call, ended: () => ended };
}

describe('OpenCode turns', () => {
  afterEach(() => resetReported());

  it('a failing tool is an ERROR TOOL span with its error; the turn still ends OK when the model recovers', () => {
    const { t, turns, start, call, ended } = setup();
    start();
    call();
    turns.event(part({ id: 'a', messageID: 'm1', type: 'step-start' }));
    turns.event(part({ id: 'b', messageID: 'm1', type: 'tool', tool: 'bash', callID: 'c1', state: { status: 'running', input: { command: 'false' }, time: { start: Date.now() } } }));
    turns.event(part({ id: 'b', messageID: 'm1', type: 'tool', tool: 'bash', callID: 'c1', state: { status: 'error', input: { command: 'false' }, error: 'The user rejected permission to use this tool', time: { start: Date.now(), end: Date.now() } } }));
    turns.event(part({ id: 'c', messageID: 'm1', type: 'step-finish', reason: 'tool-calls', cost: 0.01, tokens: { input: 10, output: 2, reasoning: 1, cache: { read: 3, write: 4 } } }));
    turns.event({ type: 'session.idle', properties: { sessionID: S } });
    const tool = t.byName('bash')!;
    expect(tool.status).toEqual({ code: SpanStatusCode.ERROR, message: 'The user rejected permission to use this tool' });
    expect(tool.attributes['tool.name']).toBe('bash');
    expect(tool.attributes['output.value']).toBeUndefined();
    const step = t.byName('opencode.step')!;
    expect(step.attributes).toMatchObject({ 'llm.token_count.prompt': 17, 'llm.token_count.completion': 3, 'llm.token_count.prompt_details.cache_write': 4, 'llm.cost.total': 0.01 });
    expect(step.attributes['llm.output_messages.0.message.tool_calls.0.tool_call.function.name']).toBe('bash');
    const turn = t.byName('opencode.turn')!;
    expect(turn.status.code).toBe(SpanStatusCode.OK);
    expect(tool.parentSpanContext?.spanId).toBe(turn.spanContext().spanId);
    expect(ended()).toBe(1);
  });

  it('a retried model call: the failed attempt is an ERROR LLM span with the reason, the retry a new one', () => {
    const { t, turns, start, call } = setup();
    start();
    call();
    turns.event({ type: 'session.status', properties: { sessionID: S, status: { type: 'retry', attempt: 1, message: 'Rate limited', next: 0 } } });
    call();
    turns.event(part({ id: 'a', messageID: 'm1', type: 'step-start' }));
    turns.event(part({ id: 'b', messageID: 'm1', type: 'text', text: 'done' }));
    turns.event(part({ id: 'c', messageID: 'm1', type: 'step-finish', reason: 'stop', cost: 0, tokens: { input: 1, output: 1, reasoning: 0, cache: { read: 0, write: 0 } } }));
    turns.event({ type: 'session.status', properties: { sessionID: S, status: { type: 'idle' } } });
    const steps = t.spans().filter((s) => s.name === 'opencode.step');
    expect(steps.map((s) => s.status)).toEqual([{ code: SpanStatusCode.ERROR, message: 'Rate limited' }, { code: SpanStatusCode.OK }]);
    expect(t.byName('opencode.turn')!.attributes['output.value']).toBe('done');
  });

  it("leaves the title helper out, and nests a subagent's session under the task tool that started it", () => {
    const { t, turns, start, call } = setup();
    start();
    turns.modelCall({ sessionID: S, agent: 'title', model: { id: 'small' } }, {});
    call();
    turns.event(part({ id: 'a', messageID: 'm1', type: 'step-start' }));
    turns.event(part({ id: 'b', messageID: 'm1', type: 'tool', tool: 'task', callID: 'c1', state: { status: 'running', input: { prompt: 'look' }, time: { start: Date.now() } } }));
    turns.event({ type: 'session.created', properties: { info: { id: 'ses_child', parentID: S } } });
    start('ses_child', 'look');
    turns.event({ type: 'session.idle', properties: { sessionID: 'ses_child' } });
    turns.event(part({ id: 'b', messageID: 'm1', type: 'tool', tool: 'task', callID: 'c1', state: { status: 'completed', input: {}, output: 'found it', title: '', metadata: {}, time: { start: 1, end: 2 } } }));
    turns.event({ type: 'session.idle', properties: { sessionID: S } });
    const [parentTurn, childTurn] = [...t.spans().filter((s) => s.name === 'opencode.turn')].sort((a) => (a.attributes['session.id'] === S ? -1 : 1));
    const task = t.byName('task')!;
    expect(childTurn!.parentSpanContext?.spanId).toBe(task.spanContext().spanId);
    expect(childTurn!.spanContext().traceId).toBe(parentTurn!.spanContext().traceId);
    // One LLM span: the title call made none.
    expect(t.spans().filter((s) => s.name === 'opencode.step')).toHaveLength(1);
  });

  it('a failure inside the plugin is caught and reported once; OpenCode gets no error', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const broken = { tracer: () => { throw new Error('boom'); }, flush: async () => {}, shutdown: async () => {}, exit: () => {} };
      const g = globalThis as Record<symbol, unknown>;
      delete g[Symbol.for('@catalyst/tracing.opencode')];
      const hooks = await openCodePlugin(() => broken)({}, {});
      for (let i = 0; i < 3; i++) {
        await expect(hooks['chat.message']!({ sessionID: `s${i}`, agent: 'build' }, { parts: [] })).resolves.toBeUndefined();
      }
      await expect(hooks.event!({ event: null })).resolves.toBeUndefined();
      await expect(hooks.dispose!()).resolves.toBeUndefined();
      const lines = stderr.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('boom'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('[catalyst-tracing] tracing error in opencode.chat.message');
      // Listed twice: the second call registers nothing.
      expect(await openCodePlugin(() => broken)({}, {})).toEqual({});
    } finally {
      stderr.mockRestore();
    }
  });
});

describe('OpenCode attributes', () => {
  it('adds back the cached and reasoning tokens OpenCode counts apart', () => {
    expect(stepUsage({ total: 35, input: 26, output: 3, reasoning: 2, cache: { read: 4, write: 0 } })).toEqual({ prompt: 30, completion: 5, total: 35, cacheRead: 4, cacheWrite: 0, reasoning: 2 });
    expect(stepUsage(undefined)).toEqual({});
  });

  it('turns the conversation into messages: tool parts as calls, their results as tool messages', () => {
    const messages = inputMessages(['sys'], [
      { info: { role: 'user', sessionID: S }, parts: [{ type: 'text', text: 'hi' }, { type: 'file', filename: 'a.ts' }] },
      { info: { role: 'assistant', sessionID: S }, parts: [{ type: 'reasoning', text: 'hmm' }, { type: 'tool', callID: 'c1', tool: 'read', state: { status: 'completed', input: { filePath: 'a.ts' }, output: 'x' } }] },
    ]);
    expect(messages).toEqual([
      { role: 'system', content: 'sys' },
      { role: 'user', content: 'hi\n[file a.ts]' },
      { role: 'assistant', content: undefined, toolCalls: [{ id: 'c1', name: 'read', arguments: '{"filePath":"a.ts"}' }] },
      { role: 'tool', toolCallId: 'c1', content: 'x' },
    ]);
  });
});

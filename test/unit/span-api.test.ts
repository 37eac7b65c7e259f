import { beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { inMemoryTracing } from './in-memory';
import { agentSpan, manualSpan, withSession, withUser, withMetadata, SpanHandle, SpanKindValues, Attr } from '../../src/index';

const t = inMemoryTracing();
beforeEach(() => t.reset());

describe('agentSpan', () => {
  it('writes the AGENT span and hands identity to every child, across awaits and fan-out', async () => {
    const result = await agentSpan(t.tracer, { agentId: 'a-1', agentName: 'planner', role: 'lead', sessionId: 's-1', userId: 'u-1', metadata: { plan: 'x' }, tags: ['beta'], system: 'openai', input: 'go' }, async (span) => {
      await new Promise((r) => setTimeout(r, 5));
      await Promise.all([1, 2].map((i) => manualSpan(t.tracer, { name: `step-${i}`, spanKind: SpanKindValues.TOOL, toolName: `tool-${i}`, toolCallId: `c-${i}` }, async () => i)));
      span.setOutput({ done: true });
      return 'ok';
    });
    expect(result).toBe('ok');
    const agent = t.byName('planner')!;
    expect(agent.attributes).toMatchObject({
      'openinference.span.kind': 'AGENT',
      'agent.id': 'a-1',
      'agent.name': 'planner',
      'agent.role': 'lead',
      'session.id': 's-1',
      'user.id': 'u-1',
      'llm.system': 'openai',
      metadata: '{"plan":"x"}',
      'tag.tags': ['beta'],
      'input.value': 'go',
      'input.mime_type': 'text/plain',
      'output.value': '{"done":true}',
      'output.mime_type': 'application/json',
    });
    expect(agent.status.code).toBe(SpanStatusCode.OK);
    for (const name of ['step-1', 'step-2']) {
      const child = t.byName(name)!;
      expect(child.parentSpanContext?.spanId).toBe(agent.spanContext().spanId);
      expect(child.attributes).toMatchObject({ 'openinference.span.kind': 'TOOL', 'agent.id': 'a-1', 'agent.name': 'planner', 'session.id': 's-1', 'user.id': 'u-1', 'tool.name': name.replace('step', 'tool') });
    }
  });

  it('keeps concurrent runs apart', async () => {
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        agentSpan(t.tracer, { agentId: `a-${i}`, name: `agent-${i}`, sessionId: `s-${i}` }, async () => {
          await new Promise((r) => setTimeout(r, Math.random() * 5));
          await manualSpan(t.tracer, { name: `child-${i}` }, async () => undefined);
        }),
      ),
    );
    for (let i = 0; i < 50; i++) {
      const child = t.byName(`child-${i}`)!;
      expect(child.attributes['agent.id']).toBe(`a-${i}`);
      expect(child.attributes['session.id']).toBe(`s-${i}`);
      expect(child.parentSpanContext?.spanId).toBe(t.byName(`agent-${i}`)!.spanContext().spanId);
    }
  });

  it('gives a nested agent its own identity scope, keeping the session', async () => {
    await agentSpan(t.tracer, { agentId: 'outer', name: 'triage', sessionId: 's' }, () =>
      agentSpan(t.tracer, { name: 'specialist' }, () => manualSpan(t.tracer, { name: 'work' }, () => 1)),
    );
    expect(t.byName('specialist')!.attributes['agent.id']).toBeUndefined();
    expect(t.byName('specialist')!.attributes['agent.name']).toBe('specialist');
    expect(t.byName('work')!.attributes['agent.name']).toBe('specialist');
    expect(t.byName('work')!.attributes['agent.id']).toBeUndefined();
    expect(t.byName('work')!.attributes['session.id']).toBe('s');
  });

  it('marks errors and rethrows the same error, sync and async', async () => {
    const boom = new TypeError('boom');
    expect(() => agentSpan(t.tracer, { name: 'sync-fail' }, () => { throw boom; })).toThrow(boom);
    await expect(agentSpan(t.tracer, { name: 'async-fail' }, async () => { throw boom; })).rejects.toBe(boom);
    for (const name of ['sync-fail', 'async-fail']) {
      const s = t.byName(name)!;
      expect(s.status).toEqual({ code: SpanStatusCode.ERROR, message: 'boom' });
      expect(s.events[0]!.name).toBe('exception');
    }
  });

  it('runs fn and returns its value with no tracer set up', () => {
    expect(agentSpan({ name: 'x' }, () => 42)).toBe(42);
    expect(manualSpan({ name: 'y' }, (s) => (s.setInput('i'), 'v'))).toBe('v');
  });
});

describe('the span handle', () => {
  it('records usage from any provider shape and ignores writes after end', () => {
    let handle!: SpanHandle;
    const usage = manualSpan(t.tracer, { name: 'llm', spanKind: SpanKindValues.LLM }, (s) => {
      handle = s;
      s.setModel('claude-x').recordTokens({ prompt: 1 });
      s.setAttributes({ custom: { a: 1 }, skipped: undefined, n: 2n });
      s.setTool({ name: 'calc', callId: 'c1' });
      return s.recordUsage({ input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 100 });
    });
    expect(usage).toEqual({ prompt: 110, completion: 5, total: 115, cacheRead: 100 });
    handle.setAttribute('late', 'x');
    const s = t.byName('llm')!;
    expect(s.attributes).toMatchObject({ 'llm.model_name': 'claude-x', 'llm.token_count.prompt': 110, 'llm.token_count.total': 115, 'llm.token_count.prompt_details.cache_read': 100, custom: '{"a":1}', n: '2', 'tool.name': 'calc', 'tool_call.id': 'c1' });
    expect(s.attributes).not.toHaveProperty('skipped');
    expect(s.attributes).not.toHaveProperty('late');
    expect(handle.raw).toBe(handle.raw);
  });
});

describe('context helpers', () => {
  it('carry session, user and metadata without an agent span', async () => {
    await withSession('s-9', () => withUser('u-9', () => withMetadata({ route: '/chat' }, async () => {
      await manualSpan(t.tracer, { name: 'handler' }, async () => undefined);
    })));
    expect(t.byName('handler')!.attributes).toMatchObject({ 'session.id': 's-9', 'user.id': 'u-9', metadata: '{"route":"/chat"}' });
  });
});

describe('public types', () => {
  it('returns what fn returns', () => {
    expectTypeOf(agentSpan({ name: 'a' }, async () => 1)).toEqualTypeOf<Promise<number>>();
    expectTypeOf(manualSpan(trace.getTracer('x'), { spanKind: SpanKindValues.TOOL }, () => 'v')).toEqualTypeOf<string>();
    expectTypeOf(Attr.SESSION_ID).toEqualTypeOf<'session.id'>();
    expectTypeOf<SpanHandle['recordUsage']>().returns.toHaveProperty('prompt');
  });
});

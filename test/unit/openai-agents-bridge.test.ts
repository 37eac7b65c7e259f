import { beforeEach, describe, expect, it } from 'vitest';
import { context, trace } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { AgentsSpanBridge, type SdkSpan } from '../../src/integrations/openai-agents/calls';
import { SHOW_ALL } from '../../src/integrations/openai-agents/attributes';
import { inMemoryTracing } from './in-memory';

// The bridge fed with the events the SDK's processor chain delivers, in the
// order the SDK delivers them (measured with @openai/agents 0.20), spans in memory.
const mem = inMemoryTracing();
let switches = SHOW_ALL;
const bridge = () => new AgentsSpanBridge(() => mem.tracer, () => switches);

let n = 0;
const sdkSpan = (traceId: string, parentId: string | null, spanData: Record<string, any>): SdkSpan => ({ spanId: `span_${++n}`, traceId, parentId, spanData, error: null });
const tree = () => {
  const spans = mem.spans();
  const ids = new Set(spans.map((s) => s.spanContext().spanId));
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    for (const s of spans.filter((x) => (x.parentSpanContext?.spanId && ids.has(x.parentSpanContext.spanId) ? x.parentSpanContext.spanId : undefined) === parent).sort((a, b) => (a.startTime[0] - b.startTime[0]) * 1e9 + (a.startTime[1] - b.startTime[1]))) {
      lines.push(`${'  '.repeat(depth)}${s.name} [${s.attributes['openinference.span.kind']}]`);
      walk(s.spanContext().spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines.join('\n');
};

beforeEach(() => {
  mem.reset();
  switches = SHOW_ALL;
});

describe('AgentsSpanBridge', () => {
  it('builds the tree: workflow root, agents, tools; task and turn spans leave no span; provider calls fold the SDK model span', () => {
    const b = bridge();
    const t = { traceId: 'trace_a', name: 'weather-flow', groupId: 'conv-1' };
    b.traceStarted(t);
    const task = sdkSpan('trace_a', null, { type: 'task', name: 'weather-flow' });
    const agent = sdkSpan('trace_a', task.spanId!, { type: 'agent', name: 'weather_agent' });
    const turn = sdkSpan('trace_a', agent.spanId!, { type: 'turn', turn: 1 });
    const response = sdkSpan('trace_a', turn.spanId!, { type: 'response' });
    const fn = sdkSpan('trace_a', turn.spanId!, { type: 'function', name: 'get_weather', input: '{"city":"Paris"}', output: '' });
    for (const s of [task, agent, turn, response]) b.spanStarted(s);
    // The openai patch asks for its parent while the SDK's response span is current.
    const providerParent = b.parentFor(response, undefined, context.active(), 'provider')!;
    mem.tracer.startSpan('OpenAI Responses', { attributes: { 'openinference.span.kind': 'LLM' } }, providerParent).end();
    b.spanEnded(response);
    b.spanStarted(fn);
    fn.spanData!.output = 'sunny';
    b.spanEnded(fn);
    for (const s of [turn, agent, task]) b.spanEnded(s);
    b.traceEnded(t);

    expect(tree()).toBe(['weather-flow [CHAIN]', '  weather_agent [AGENT]', '    OpenAI Responses [LLM]', '    get_weather [TOOL]'].join('\n'));
    const llm = mem.byName('OpenAI Responses')!;
    // The provider span carries the agent's identity and the run's group id as session.
    expect(llm.attributes['agent.name']).toBe('weather_agent');
    expect(llm.attributes['session.id']).toBe('conv-1');
    expect(mem.byName('weather-flow')!.attributes['openai_agents.group_id']).toBe('conv-1');
    expect(mem.byName('get_weather')!.attributes['output.value']).toBe('sunny');
  });

  it('makes the LLM span from the SDK data when no provider patch traced the call, with the SDK start time', async () => {
    const b = bridge();
    b.traceStarted({ traceId: 'trace_b', name: 'flow' });
    const agent = sdkSpan('trace_b', null, { type: 'agent', name: 'a' });
    const gen = sdkSpan('trace_b', agent.spanId!, { type: 'generation', model: 'gpt-4o-mini' });
    b.spanStarted(agent);
    b.spanStarted(gen);
    await new Promise((r) => setTimeout(r, 20));
    gen.spanData!.output = [{ choices: [{ message: { role: 'assistant', content: 'hi' } }], usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } }];
    b.spanEnded(gen);
    b.spanEnded(agent);
    b.traceEnded({ traceId: 'trace_b' });
    expect(tree()).toBe(['flow [CHAIN]', '  a [AGENT]', '    OpenAI Chat Completions [LLM]'].join('\n'));
    const llm = mem.byName('OpenAI Chat Completions')!;
    // Started when the SDK started its span, not when we made ours at its end.
    expect(llm.duration[0] * 1000 + llm.duration[1] / 1e6).toBeGreaterThanOrEqual(15);
    expect(llm.attributes['llm.output_messages.0.message.content']).toBe('hi');
    expect(llm.attributes['llm.token_count.total']).toBe(4);
  });

  it('suppresses the provider span when model data is off, and makes a content-free one', () => {
    switches = { hideModelData: true, hideToolData: false };
    const b = bridge();
    b.traceStarted({ traceId: 'trace_c', name: 'flow' });
    const response = sdkSpan('trace_c', null, { type: 'response' });
    b.spanStarted(response);
    const providerParent = b.parentFor(response, undefined, context.active(), 'provider')!;
    expect(isTracingSuppressed(providerParent)).toBe(true);
    response.spanData!._input = [{ role: 'user', content: 'secret' }];
    b.spanEnded(response);
    b.traceEnded({ traceId: 'trace_c' });
    const llm = mem.byName('OpenAI Responses')!;
    expect(llm.attributes['input.value']).toBe('__REDACTED__');
    expect(JSON.stringify(llm.attributes)).not.toContain('secret');
  });

  it('nests a handoff target under the agent that handed off, which stays open until the delegate ends', () => {
    const b = bridge();
    b.traceStarted({ traceId: 'trace_d', name: 'flow' });
    const triage = sdkSpan('trace_d', null, { type: 'agent', name: 'triage' });
    const handoff = sdkSpan('trace_d', triage.spanId!, { type: 'handoff', from_agent: 'triage' });
    const specialist = sdkSpan('trace_d', null, { type: 'agent', name: 'specialist' });
    b.spanStarted(triage);
    b.spanStarted(handoff);
    handoff.spanData!.to_agent = 'specialist';
    b.spanEnded(handoff);
    // The SDK ends the delegating agent before it starts the next one.
    b.spanEnded(triage);
    expect(mem.byName('triage')).toBeUndefined();
    b.spanStarted(specialist);
    b.spanEnded(specialist);
    b.traceEnded({ traceId: 'trace_d' });
    expect(tree()).toBe(['flow [CHAIN]', '  triage [AGENT]', '    handoff to specialist [CHAIN]', '    specialist [AGENT]'].join('\n'));
    const [t, s] = [mem.byName('triage')!, mem.byName('specialist')!];
    expect(t.endTime[0] * 1e9 + t.endTime[1]).toBeGreaterThanOrEqual(s.endTime[0] * 1e9 + s.endTime[1]);
    expect(s.attributes['agent.name']).toBe('specialist');
  });

  it('closes the root when the run fails (the SDK never ends that trace) and marks the failure', () => {
    const b = bridge();
    b.traceStarted({ traceId: 'trace_e', name: 'flow' });
    const task = sdkSpan('trace_e', null, { type: 'task', name: 'flow' });
    const agent = sdkSpan('trace_e', task.spanId!, { type: 'agent', name: 'a' });
    b.spanStarted(task);
    b.spanStarted(agent);
    const error = { message: 'Error in agent run', data: { error: 'InternalServerError: 500 boom' } };
    agent.error = error;
    task.error = error;
    b.spanEnded(agent);
    b.spanEnded(task);
    const root = mem.byName('flow')!;
    expect(root.status.code).toBe(2);
    const a = mem.byName('a')!;
    expect(a.status).toMatchObject({ code: 2, message: 'Error in agent run: 500 boom' });
    expect(a.events[0]!.attributes!['exception.type']).toBe('InternalServerError');
  });

  it('uses the app span around the run as the parent instead of a workflow root, and keeps its session', () => {
    const b = bridge();
    const outer = mem.tracer.startSpan('support-bot', { attributes: { 'openinference.span.kind': 'AGENT' } });
    context.with(trace.setSpan(context.active(), outer), () => b.traceStarted({ traceId: 'trace_f', name: 'flow', groupId: 'g' }));
    const agent = sdkSpan('trace_f', null, { type: 'agent', name: 'inner' });
    b.spanStarted(agent);
    b.spanEnded(agent);
    b.traceEnded({ traceId: 'trace_f' });
    outer.end();
    expect(tree()).toBe(['support-bot [AGENT]', '  inner [AGENT]'].join('\n'));
  });

  it('has no opinion when an app span opened inside the SDK span is active, or when disabled, or for no-op spans', () => {
    const b = bridge();
    b.traceStarted({ traceId: 'trace_g', name: 'flow' });
    const fn = sdkSpan('trace_g', null, { type: 'function', name: 'tool' });
    b.spanStarted(fn);
    const inside = mem.tracer.startSpan('app-step');
    expect(b.parentFor(fn, undefined, trace.setSpan(context.active(), inside), 'api')).toBeUndefined();
    // Otherwise a manual span inside the tool nests under the TOOL span.
    expect((trace.getSpan(b.parentFor(fn, undefined, context.active(), 'api')!) as unknown as { name: string }).name).toBe('tool');
    expect(b.parentFor({ spanId: 'no-op', traceId: 'no-op', spanData: { type: 'agent' } }, undefined, context.active(), 'api')).toBeUndefined();
    b.enabled = false;
    expect(b.parentFor(fn, undefined, context.active(), 'api')).toBeUndefined();
    inside.end();
  });
});

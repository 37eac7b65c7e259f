import { AsyncLocalStorage } from 'node:async_hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { context, trace } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { CallbackManager } from '@langchain/core/callbacks/manager';
import { inMemoryTracing } from './in-memory';
import { createHandler, HANDLER_NAME } from '../../src/integrations/langchain/calls';
import { langchainPatcher } from '../../src/integrations/langchain/patch';
import { resolveLangChainParent } from '../../src/integrations/langchain/context';
import { registry } from '../../src/integrations/langchain/runs';
import { withGraph } from '../../src/integrations/langgraph/context';
import { withSession } from '../../src/api/context-helpers';

const t = inMemoryTracing();
const handler = createHandler(() => t.tracer);
const CHAIN = { lc: 1, type: 'constructor', id: ['langchain_core', 'runnables', 'RunnableSequence'] };
const GRAPH = { lc: 1, type: 'not_implemented', id: ['langgraph', 'pregel', 'CompiledStateGraph'] };
const MODEL = { lc: 1, type: 'not_implemented', id: ['langchain', 'chat_models', 'ChatOpenAI'] };
const parentName = (name: string) => {
  const span = t.byName(name)!;
  return t.spans().find((s) => s.spanContext().spanId === span.parentSpanContext?.spanId)?.name;
};

beforeEach(() => t.reset());
afterEach(() => {
  registry().runs.clear();
  registry().llm.clear();
});

describe('the callback handler', () => {
  it('builds the span tree from run ids, the root under the context active at its start, identity inherited', () => {
    const outer = t.tracer.startSpan('outer');
    withSession('s-1', () =>
      context.with(trace.setSpan(context.active(), outer), () => {
        handler.handleChainStart(CHAIN, { input: 'q' }, 'r1', undefined, [], {}, undefined, 'my_chain');
        handler.handleChatModelStart(MODEL, [[]], 'r2', 'r1', {}, [], {}, undefined);
      }),
    );
    // Ends may arrive anywhere (LangChain's background queue): the tree comes from the run ids.
    handler.handleLLMEnd({ generations: [[{ text: 'hi' }]] }, 'r2');
    handler.handleChainEnd({ output: 'hi' }, 'r1');
    outer.end();
    expect(parentName('my_chain')).toBe('outer');
    expect(parentName('ChatOpenAI')).toBe('my_chain');
    expect(t.byName('ChatOpenAI')!.attributes['session.id']).toBe('s-1');
    expect(t.byName('my_chain')!.attributes).toMatchObject({ 'input.value': 'q', 'output.value': 'hi', 'openinference.span.kind': 'CHAIN' });
    expect(registry().runs.size).toBe(0);
  });

  it('makes an agent graph an AGENT span with an agent scope of its own', () => {
    const graph = { nodes: { tools: { bound: new (class ToolNode {})() } } };
    context.with(withGraph(context.active(), graph), () => handler.handleChainStart(GRAPH, { messages: [] }, 'g1', undefined, [], {}, undefined, 'weather_agent'));
    handler.handleToolStart({}, '{"city":"Paris"}', 't1', 'g1', [], {}, 'get_weather', 'call_1');
    handler.handleToolEnd('sunny', 't1');
    handler.handleChainEnd({}, 'g1');
    expect(t.byName('weather_agent')!.attributes).toMatchObject({ 'openinference.span.kind': 'AGENT', 'agent.name': 'weather_agent' });
    expect(t.byName('get_weather')!.attributes).toMatchObject({ 'agent.name': 'weather_agent', 'tool_call.id': 'call_1' });
    // A graph with no ToolNode is a chain.
    context.with(withGraph(context.active(), { nodes: {} }), () => handler.handleChainStart(GRAPH, {}, 'g2', undefined, [], {}, undefined, 'plain_graph'));
    handler.handleChainEnd({}, 'g2');
    expect(t.byName('plain_graph')!.attributes['openinference.span.kind']).toBe('CHAIN');
  });

  it('fails a run with the exception, but treats a LangGraph interrupt as a pause', () => {
    handler.handleChainStart(CHAIN, {}, 'e1', undefined, [], {}, undefined, 'failing');
    handler.handleChainError(new TypeError('bad input'), 'e1');
    handler.handleChainStart(CHAIN, {}, 'i1', undefined, [], {}, undefined, 'paused');
    handler.handleChainError(Object.assign(new Error('interrupt'), { name: 'GraphInterrupt' }), 'i1');
    expect(t.byName('failing')!.status).toEqual({ code: 2, message: 'bad input' });
    expect(t.byName('failing')!.events[0].attributes).toMatchObject({ 'exception.type': 'TypeError' });
    expect(t.byName('paused')!.status.code).toBe(1);
    expect(t.byName('paused')!.events.map((e) => e.name)).toEqual(['interrupt']);
  });

  it('never throws, whatever LangChain hands it', () => {
    for (const method of Object.keys(handler).filter((k) => k.startsWith('handle'))) {
      expect(() => handler[method](null, undefined, undefined, Symbol('x'))).not.toThrow();
      expect(() => handler[method]()).not.toThrow();
    }
    expect(() => handler.handleChainEnd({ get output(): string { throw new Error('getter'); } }, 'nope')).not.toThrow();
  });
});

describe('provider and manual spans inside LangChain runs', () => {
  const als = new AsyncLocalStorage<unknown>();
  const KEY = Symbol.for('ls:tracing_async_local_storage');
  const inRun = <T>(runId: string, fn: () => T): T => als.run({ extra: { [Symbol.for('lc:child_config')]: { callbacks: { getParentRunId: () => runId } } } }, fn);
  beforeEach(() => {
    (globalThis as Record<symbol, unknown>)[KEY] = als;
  });
  afterEach(() => {
    delete (globalThis as Record<symbol, unknown>)[KEY];
  });

  it('folds a provider call into the open LLM run started in the same context', () => {
    handler.handleChainStart(CHAIN, {}, 'n1', undefined, [], {}, undefined, 'node');
    handler.handleChatModelStart(MODEL, [[]], 'l1', 'n1', {}, [], {}, undefined);
    const resolved = inRun('n1', () => resolveLangChainParent(context.active(), 'provider'))!;
    expect(isTracingSuppressed(resolved)).toBe(true);
    expect(trace.getSpan(resolved)).toBe(registry().runs.get('l1')!.span);
    // Once the LLM run ended, nothing is folded: the call is the node's (nested under it).
    handler.handleLLMEnd({}, 'l1');
    const after = inRun('n1', () => resolveLangChainParent(context.active(), 'provider'))!;
    expect(isTracingSuppressed(after)).toBe(false);
    expect(trace.getSpan(after)).toBe(registry().runs.get('n1')!.span);
  });

  it('nests a provider call or manual span made inside a tool under the tool, not into a parallel LLM run', () => {
    handler.handleChainStart(CHAIN, {}, 'root', undefined, [], {}, undefined, 'root');
    handler.handleChatModelStart(MODEL, [[]], 'llm-b', 'root', {}, [], {}, undefined);
    handler.handleToolStart({}, 'x', 'tool-a', 'root', [], {}, 'search', undefined);
    for (const origin of ['provider', 'api'] as const) {
      const resolved = inRun('tool-a', () => resolveLangChainParent(context.active(), origin))!;
      expect(isTracingSuppressed(resolved)).toBe(false);
      expect(trace.getSpan(resolved)).toBe(registry().runs.get('tool-a')!.span);
    }
  });

  it('has no opinion when a span was opened since the run started, or outside any run', () => {
    handler.handleToolStart({}, 'x', 'tool-a', undefined, [], {}, 'search', undefined);
    const manual = t.tracer.startSpan('manual');
    expect(inRun('tool-a', () => context.with(trace.setSpan(context.active(), manual), () => resolveLangChainParent(context.active(), 'provider')))).toBeUndefined();
    handler.handleToolEnd('ok', 'tool-a');
    expect(resolveLangChainParent(context.active(), 'provider')).toBeUndefined();
  });
});

describe('the CallbackManager hook', () => {
  langchainPatcher.patch({ CallbackManager }, { getTracer: () => t.tracer });
  const ours = (m: any) => m.handlers.filter((h: any) => h.name === HANDLER_NAME).length;

  it('gives every run our handler, once, inheritable, keeping the app’s handlers, tags and metadata', () => {
    const bare = CallbackManager.configure(undefined, undefined, ['t1'], undefined, { k: 'v' })!;
    expect(ours(bare)).toBe(1);
    expect(bare.inheritableHandlers.some((h) => h.name === HANDLER_NAME)).toBe(true);
    expect(bare.tags).toEqual(['t1']);
    expect(bare.metadata).toEqual({ k: 'v' });
    const user = { handleChainStart: () => undefined };
    const withUser = CallbackManager.configure([user])!;
    expect(withUser.handlers).toHaveLength(2);
    expect(ours(withUser)).toBe(1);
    // A child run's manager inherits ours: no second copy.
    expect(ours(CallbackManager.configure(withUser.copy()))).toBe(1);
  });

  it('leaves LangSmith tracing in place beside ours', () => {
    process.env.LANGSMITH_TRACING = 'true';
    try {
      const names = CallbackManager.configure()!.handlers.map((h) => h.name);
      expect(names).toContain('langchain_tracer');
      expect(names.filter((n) => n === HANDLER_NAME)).toHaveLength(1);
    } finally {
      delete process.env.LANGSMITH_TRACING;
    }
  });

  it('is not applied twice to the same class', () => {
    expect(langchainPatcher.patch({ CallbackManager }, { getTracer: () => t.tracer })).toBe(0);
    expect(ours(CallbackManager.configure()!)).toBe(1);
  });
});

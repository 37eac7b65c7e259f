import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { context, trace, SpanStatusCode } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { inMemoryTracing } from './in-memory';
import { AISdkTelemetry, isTracingIntegration } from '../../src/integrations/ai-sdk/calls';
import { registerIntegration, registeredIntegration, unregisterIntegration } from '../../src/integrations/ai-sdk/patch';
import { createAISdkTelemetrySettings } from '../../src/integrations/ai-sdk/settings';
import { parentContext } from '../../src/trace/parent-context';
import { getState } from '../../src/state';

// Drives the integration with events shaped as `ai` 7 and 6 send them, without
// the SDK (which needs Node >= 22): span lifecycle, nesting and failure paths.
let t: ReturnType<typeof inMemoryTracing>;
beforeAll(() => {
  t = inMemoryTracing();
});
afterEach(() => {
  t.reset();
  delete (globalThis as { AI_SDK_TELEMETRY_INTEGRATIONS?: unknown }).AI_SDK_TELEMETRY_INTEGRATIONS;
});

const V7 = { aiVersion: '7.0.173' };
const kindOf = (s: ReadableSpan) => s.attributes['openinference.span.kind'];
const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;
/** `KIND name` lines, indented by depth; siblings in start order. */
function tree(): string[] {
  const spans = t.spans();
  const ids = new Set(spans.map((s) => s.spanContext().spanId));
  const start = (s: ReadableSpan) => s.startTime[0] * 1e9 + s.startTime[1];
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number): void => {
    const children = spans.filter((s) => (parentOf(s) && ids.has(parentOf(s)!) ? parentOf(s) : undefined) === parent).sort((a, b) => start(a) - start(b));
    for (const c of children) {
      lines.push(`${'  '.repeat(depth)}${kindOf(c)} ${c.name}`);
      walk(c.spanContext().spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines;
}
const integration = () => new AISdkTelemetry({ getTracer: () => t.tracer });

describe('AI SDK telemetry integration (7.x events)', () => {
  it('turns a tool loop into a CHAIN span with LLM and TOOL children, and runs tools in their span', async () => {
    const i = integration();
    i.onStart({ ...V7, callId: 'c', operationId: 'ai.generateText', provider: 'openai.chat', modelId: 'gpt', messages: [{ role: 'user', content: 'hi' }], functionId: 'fn' });
    i.onStepStart({ ...V7, callId: 'c', stepNumber: 0 });
    i.onLanguageModelCallStart({ ...V7, callId: 'c', provider: 'openai.chat', modelId: 'gpt', messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function', name: 'w', description: 'weather' }] });
    const inModelCall = await i.executeLanguageModelCall({ callId: 'c', execute: async () => trace.getActiveSpan()?.spanContext().spanId });
    i.onLanguageModelCallEnd({ ...V7, callId: 'c', finishReason: 'tool-calls', content: [{ type: 'tool-call', toolCallId: 't1', toolName: 'w', input: {} }] });
    i.onToolExecutionStart({ ...V7, callId: 'c', toolCall: { toolCallId: 't1', toolName: 'w', input: { q: 1 } } });
    const inTool = await i.executeTool({ callId: 'c', toolCallId: 't1', execute: async () => trace.getActiveSpan()?.spanContext().spanId });
    i.onToolExecutionEnd({ ...V7, callId: 'c', toolCall: { toolCallId: 't1', toolName: 'w' }, toolOutput: { type: 'tool-result', output: 'sunny' } });
    i.onStepEnd({ ...V7, callId: 'c' });
    i.onStepFinish({ ...V7, callId: 'c' });
    i.onLanguageModelCallStart({ ...V7, callId: 'c', modelId: 'gpt', messages: [] });
    i.onLanguageModelCallEnd({ ...V7, callId: 'c', finishReason: 'stop', content: [{ type: 'text', text: 'done' }] });
    i.onEnd({ ...V7, callId: 'c', text: 'done' });

    expect(tree()).toEqual(['CHAIN generateText fn', '  LLM chat gpt', '  TOOL w', '  LLM chat gpt']);
    const [llm] = t.spans().filter((s) => kindOf(s) === 'LLM');
    const tool = t.spans().find((s) => kindOf(s) === 'TOOL')!;
    expect(inModelCall).toBe(llm!.spanContext().spanId);
    expect(inTool).toBe(tool.spanContext().spanId);
    expect(tool.attributes['tool.description']).toBe('weather');
    expect(tool.attributes['output.value']).toBe('sunny');
    expect(t.byName('generateText fn')!.attributes['output.value']).toBe('done');
    expect(t.spans().every((s) => s.status.code === SpanStatusCode.OK)).toBe(true);
  });

  it('parents the operation span on the active context at call start', () => {
    const i = integration();
    const outer = t.tracer.startSpan('outer');
    context.with(trace.setSpan(context.active(), outer), () => i.onStart({ ...V7, callId: 'p', operationId: 'ai.streamText' }));
    // Later events arrive in whatever context: children still go under the operation span.
    i.onLanguageModelCallStart({ ...V7, callId: 'p', modelId: 'm' });
    i.onLanguageModelCallEnd({ ...V7, callId: 'p' });
    i.onEnd({ ...V7, callId: 'p' });
    outer.end();
    expect(tree()).toEqual(['undefined outer', '  CHAIN streamText', '    LLM chat m']);
  });

  it('ends spans as failed on a step error then a call error, and as cancelled on abort', () => {
    const i = integration();
    i.onStart({ ...V7, callId: 'e', operationId: 'ai.generateText' });
    i.onLanguageModelCallStart({ ...V7, callId: 'e', modelId: 'm' });
    i.onStepError({ ...V7, callId: 'e', error: new Error('boom') });
    i.onError({ ...V7, callId: 'e', error: new Error('boom') });
    for (const s of t.spans()) {
      expect(s.status.code).toBe(SpanStatusCode.ERROR);
      expect(s.events.map((e) => e.name)).toContain('exception');
    }
    t.reset();
    i.onStart({ ...V7, callId: 'a', operationId: 'ai.streamText' });
    i.onLanguageModelCallStart({ ...V7, callId: 'a', modelId: 'm' });
    i.onAbort({ ...V7, callId: 'a', steps: [] });
    expect(t.spans()).toHaveLength(2);
    for (const s of t.spans()) {
      expect(s.status.code).toBe(SpanStatusCode.OK);
      expect(s.events.map((e) => e.name)).toEqual(['cancelled']);
    }
  });

  it('never throws, whatever it is handed', async () => {
    const i = integration();
    for (const bad of [undefined, null, 42, 'x', {}, { callId: 7 }, { callId: 'nope', toolCall: null }]) {
      for (const key of ['onStart', 'onEnd', 'onAbort', 'onError', 'onLanguageModelCallStart', 'onLanguageModelCallEnd', 'onToolExecutionStart', 'onToolExecutionEnd', 'onStepStart', 'onStepEnd', 'onStepError', 'onObjectStepStart', 'onObjectStepEnd'] as const) {
        expect(() => i[key](bad)).not.toThrow();
      }
    }
    await expect(i.executeTool({ callId: 'none', toolCallId: 'x', execute: async () => 5 })).resolves.toBe(5);
    await expect(i.executeLanguageModelCall({ callId: 'none', execute: () => Promise.reject(new Error('kept')) })).rejects.toThrow('kept');
  });

  it('folds a provider span (openai / anthropic patch) started inside a model call', async () => {
    registerIntegration({ getTracer: () => t.tracer });
    const i = integration();
    i.onStart({ ...V7, callId: 'f', operationId: 'ai.generateText' });
    i.onLanguageModelCallStart({ ...V7, callId: 'f', modelId: 'm' });
    const [provider, api] = await i.executeLanguageModelCall({ callId: 'f', execute: async () => [isTracingSuppressed(parentContext('provider')), isTracingSuppressed(parentContext('api'))] });
    expect(provider).toBe(true);
    expect(api).toBe(false);
    expect(isTracingSuppressed(parentContext('provider'))).toBe(false);
  });
});

describe('AI SDK telemetry integration (6.x events)', () => {
  it('makes steps the model calls and reads the 6.x callback names', () => {
    const i = integration();
    i.onStart({ callId: 'v6', operationId: 'ai.generateText', modelId: 'm', prompt: 'hi' });
    i.onStepStart({ callId: 'v6', stepNumber: 0, modelId: 'm', promptMessages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] });
    i.onToolCallStart({ callId: 'v6', toolCall: { toolCallId: 't', toolName: 'w', input: {} } });
    i.onToolCallFinish({ callId: 'v6', toolCall: { toolCallId: 't', toolName: 'w' }, success: true, output: { temp: 1 }, durationMs: 1 });
    i.onStepFinish({ callId: 'v6', finishReason: 'stop', content: [{ type: 'text', text: 'ok' }], usage: { inputTokens: 1, outputTokens: 1 } });
    i.onFinish({ callId: 'v6', text: 'ok' });
    // Both children start in the same tick: compare them as a set.
    const [root, ...children] = tree();
    expect(root).toBe('CHAIN generateText');
    expect(children.sort()).toEqual(['  LLM chat m', '  TOOL w']);
    expect(t.spans().find((s) => kindOf(s) === 'LLM')!.attributes['llm.output_messages.0.message.content']).toBe('ok');
    expect(t.spans().find((s) => kindOf(s) === 'TOOL')!.attributes['output.value']).toBe('{"temp":1}');
  });
});

describe('bounds and shared calls', () => {
  it('traces a call handed to two of our integrations once', () => {
    const a = integration();
    const b = integration();
    for (const i of [a, b]) i.onStart({ ...V7, callId: 'twice', operationId: 'ai.generateText' });
    for (const i of [a, b]) i.onLanguageModelCallStart({ ...V7, callId: 'twice', modelId: 'm' });
    for (const i of [a, b]) i.onLanguageModelCallEnd({ ...V7, callId: 'twice' });
    for (const i of [a, b]) i.onEnd({ ...V7, callId: 'twice' });
    expect(t.spans().map((s) => s.name).sort()).toEqual(['chat m', 'generateText']);
  });

  it('keeps concurrent calls apart by callId', () => {
    const i = integration();
    i.onStart({ ...V7, callId: 'a', operationId: 'ai.generateText', functionId: 'a' });
    i.onStart({ ...V7, callId: 'b', operationId: 'ai.generateText', functionId: 'b' });
    i.onLanguageModelCallStart({ ...V7, callId: 'b', modelId: 'mb' });
    i.onLanguageModelCallStart({ ...V7, callId: 'a', modelId: 'ma' });
    i.onToolExecutionStart({ ...V7, callId: 'a', toolCall: { toolCallId: 'same-id', toolName: 'ta' } });
    i.onToolExecutionStart({ ...V7, callId: 'b', toolCall: { toolCallId: 'same-id', toolName: 'tb' } });
    for (const id of ['a', 'b']) {
      i.onLanguageModelCallEnd({ ...V7, callId: id });
      i.onToolExecutionEnd({ ...V7, callId: id, toolCall: { toolCallId: 'same-id' }, toolOutput: { type: 'tool-result', output: id } });
      i.onEnd({ ...V7, callId: id });
    }
    const byName = (n: string) => t.byName(n)!;
    for (const id of ['a', 'b']) {
      const root = byName(`generateText ${id}`).spanContext().spanId;
      expect(parentOf(byName(`chat m${id}`))).toBe(root);
      expect(parentOf(byName(`t${id}`))).toBe(root);
      expect(byName(`t${id}`).attributes['output.value']).toBe(id);
    }
  });

  it('at exit, a call still open ends with its model span, not just its own', () => {
    const i = integration();
    const before = new Set(getState().openSpans);
    i.onStart({ ...V7, callId: 'left', operationId: 'ai.streamText' });
    i.onLanguageModelCallStart({ ...V7, callId: 'left', modelId: 'm' });
    // What the exit path does with what is still open (export/lifecycle.ts).
    for (const open of [...getState().openSpans].filter((o) => !before.has(o))) open.end('process exiting');
    expect(tree()).toEqual(['CHAIN streamText', '  LLM chat m']);
    for (const s of t.spans()) expect(s.events.map((e) => [e.name, e.attributes?.reason])).toEqual([['incomplete', 'process exiting']]);
  });

  it('ends the oldest open calls (streams never read to the end) past a bound', () => {
    const i = integration();
    for (let n = 0; n <= 1000; n++) i.onStart({ ...V7, callId: `open-${n}`, operationId: 'ai.streamText' });
    const ended = t.spans();
    expect(ended).toHaveLength(1);
    expect(ended[0]!.events.map((e) => e.name)).toEqual(['incomplete']);
    for (let n = 1; n <= 1000; n++) i.onEnd({ ...V7, callId: `open-${n}` });
    expect(t.spans()).toHaveLength(1001);
  });
});

describe('one integration per process, and standing down', () => {
  it('registers once in the global list, whoever asks', () => {
    expect(registerIntegration({ getTracer: () => t.tracer })).toBe(true);
    expect(registerIntegration({ getTracer: () => t.tracer })).toBe(false);
    const pushed: unknown[] = [];
    expect(registerIntegration({ getTracer: () => t.tracer }, { registerTelemetry: (x: unknown) => pushed.push(x) })).toBe(false);
    expect((globalThis as { AI_SDK_TELEMETRY_INTEGRATIONS?: unknown[] }).AI_SDK_TELEMETRY_INTEGRATIONS).toHaveLength(1);
    unregisterIntegration();
    expect(registeredIntegration()).toBeUndefined();
  });

  it('recognises OpenTelemetry integrations and stands down for calls they trace', () => {
    class OpenTelemetry {}
    class LegacyOpenTelemetry {}
    expect(isTracingIntegration(new OpenTelemetry())).toBe(true);
    expect(isTracingIntegration(new LegacyOpenTelemetry())).toBe(true);
    expect(isTracingIntegration({ tracer: t.tracer })).toBe(true);
    expect(isTracingIntegration({ onStart() {} })).toBe(false);
    expect(isTracingIntegration(integration())).toBe(false);

    registerIntegration({ getTracer: () => t.tracer });
    const ours = registeredIntegration()!;
    (globalThis as { AI_SDK_TELEMETRY_INTEGRATIONS?: unknown[] }).AI_SDK_TELEMETRY_INTEGRATIONS!.push(new OpenTelemetry());
    ours.onStart({ ...V7, callId: 's', operationId: 'ai.generateText' });
    ours.onEnd({ ...V7, callId: 's' });
    expect(t.spans()).toHaveLength(0);
    // A per-call integration is alone on its call: it traces.
    const [perCall] = createAISdkTelemetrySettings(t.tracer, { functionId: 'x' }).integrations;
    perCall!.onStart({ ...V7, callId: 's2', operationId: 'ai.generateText', functionId: 'x' });
    perCall!.onEnd({ ...V7, callId: 's2' });
    expect(t.spans().map((s) => s.name)).toEqual(['generateText x']);
  });
});

describe('createAISdkTelemetrySettings', () => {
  it('returns settings for the call, with an integration of its own and a no-op tracer for AI SDK 6', () => {
    const s = createAISdkTelemetrySettings(t.tracer, { functionId: 'f', metadata: { a: 1 }, recordInputs: false });
    expect(s).toMatchObject({ isEnabled: true, functionId: 'f', recordInputs: false, metadata: { a: 1 } });
    expect(s.integrations).toHaveLength(1);
    expect(s.tracer.startSpan('x').isRecording()).toBe(false);
    expect(createAISdkTelemetrySettings({ functionId: 'only-settings' }).functionId).toBe('only-settings');
    expect(createAISdkTelemetrySettings({ isEnabled: false }).isEnabled).toBe(false);

    const [i] = s.integrations;
    i!.onStart({ ...V7, callId: 'm', operationId: 'ai.embed', value: 'v' });
    i!.onEnd({ ...V7, callId: 'm' });
    expect(JSON.parse(t.byName('embed')!.attributes.metadata as string)).toEqual({ a: 1 });
  });
});

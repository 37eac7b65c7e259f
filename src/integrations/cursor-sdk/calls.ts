import { SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import type { PatchContext } from '../types';
import { endIncomplete, endOk, trackOpenSpan } from '../../instrumentation/span-lifecycle';
import { safely } from '../../instrumentation/safe';
import { scrubSecrets } from '../../diagnostics/secrets';
import { writeAttributes } from '../../trace/write';
import { dataSnapshot } from '../../trace/encode';
import { parentContext } from '../../trace/parent-context';
import { registerScopeRule } from '../../trace/scope-intake';
import { spanName } from '../../trace/span-name';
import { isObj, str, type Obj } from '../shape';
import { AGENT_SPAN_NAME, runEndAttributes, runFailure, runStartAttributes, toolEndAttributes, toolFailure, toolName, toolStartAttributes, type RunCounts, type RunStart } from './attributes';
import { methodOwner, wrapPrototypeMethod } from './prototypes';
import { withDeltaListener } from './send-options';

/**
 * What a traced Cursor SDK run does. `Agent.create()` / `Agent.resume()` hand
 * us the agent, whose class's `send()` is wrapped; `send()` hands us the run,
 * whose class's `stream()`, `wait()`, `conversation()` and `cancel()` are
 * wrapped. The run's AGENT span starts at the first of those four (a run
 * nobody reads has no span), dated from its `send()`, and ends when the run
 * does: its `wait()` (the SDK's own, which any number of callers may await)
 * gives the status, answer, usage and duration. Tool calls come from the
 * interaction updates the SDK hands `onDelta` (ours is added beside the
 * app's, send-options.ts), so they are seen however the app reads the run;
 * updates before the span starts are kept with their times and replayed.
 *
 * The SDK traces itself through its bundled OpenTelemetry API under the
 * scope `context-tracer` (`agent.request.attempt`...). With no global tracer
 * provider those spans go nowhere; should one that feeds our pipeline be
 * registered, the scope rule below keeps them out of the export.
 */
export const CURSOR_INTERNAL_SCOPE = 'context-tracer';

interface ToolEntry {
  callId: string;
  toolCall: unknown;
  startTime: number;
  endTime?: number;
  completed?: unknown;
  span?: Span;
  release?: () => void;
}

interface RunTrace {
  ctx: PatchContext;
  parent: Context;
  startTime: number;
  start: RunStart;
  counts: RunCounts;
  tools: Map<string, ToolEntry>;
  span?: Span;
  release?: () => void;
  ended?: boolean;
}

type AnyFn = (...args: any[]) => any;

const traces = new WeakMap<object, RunTrace>();
let ruleRegistered = false;

function dropInternalSpans(): void {
  if (ruleRegistered) return;
  ruleRegistered = true;
  registerScopeRule({ scope: CURSOR_INTERNAL_SCOPE, onEnding: () => 'drop' });
}

/** `Agent.create()` / `Agent.resume()`: the agent they resolve to has its class's `send()` wrapped. */
export function tracedCreate(ctx: PatchContext, original: AnyFn, self: unknown, args: unknown[]): unknown {
  safely('cursor-sdk.rule', dropInternalSpans);
  const returned = original.apply(self, args);
  safely('cursor-sdk.create', () => {
    if (returned && typeof (returned as Promise<unknown>).then === 'function') {
      (returned as Promise<unknown>).then(
        (agent) => safely('cursor-sdk.agent', () => wrapAgent(ctx, agent)),
        () => undefined,
      );
    }
  });
  return returned;
}

function wrapAgent(ctx: PatchContext, agent: unknown): void {
  const proto = methodOwner(agent, 'send');
  if (!proto) return;
  wrapPrototypeMethod(proto, 'send', (original) =>
    function send(this: unknown, ...args: unknown[]) {
      return tracedSend(ctx, original, this, args);
    },
  );
}

/** `agent.send(message, options)`: the run it resolves to is followed; our update listener joins the app's. */
export function tracedSend(ctx: PatchContext, original: AnyFn, self: unknown, args: unknown[]): unknown {
  const t = safely('cursor-sdk.send', () => newTrace(ctx, self, args));
  if (!t) return original.apply(self, args);
  const sent = args.slice();
  sent[1] = withDeltaListener(args[1], (update) => safely('cursor-sdk.delta', () => onDelta(t, update)));
  const returned = original.apply(self, sent);
  safely('cursor-sdk.run', () => {
    if (returned && typeof (returned as Promise<unknown>).then === 'function') {
      (returned as Promise<unknown>).then(
        (run) => safely('cursor-sdk.run', () => followRun(t, run)),
        () => undefined,
      );
    }
  });
  return returned;
}

function newTrace(ctx: PatchContext, agent: unknown, args: unknown[]): RunTrace {
  // Copies of the app's plain data: reading them runs none of its getters.
  const options = dataSnapshot(args[1]);
  const o: Obj = isObj(options) ? options : {};
  const a: Obj = isObj(agent) ? agent : {};
  return {
    ctx,
    parent: parentContext('provider'),
    startTime: Date.now(),
    start: { agentId: str(a.agentId), message: dataSnapshot(args[0]), model: o.model ?? dataSnapshot(a.model), mode: o.mode },
    counts: { toolCalls: 0, llmCalls: 0 },
    tools: new Map(),
  };
}

const RUN_METHODS = ['stream', 'wait', 'conversation', 'cancel'] as const;

function followRun(t: RunTrace, run: unknown): void {
  if (!isObj(run)) return;
  t.start.runId = str(run.id);
  t.start.agentId = str(run.agentId) ?? t.start.agentId;
  traces.set(run, t);
  for (const name of RUN_METHODS) {
    const proto = methodOwner(run, name);
    if (!proto) continue;
    wrapPrototypeMethod(proto, name, (original) =>
      function runMethod(this: unknown, ...args: unknown[]) {
        safely('cursor-sdk.begin', () => begin(this));
        return original.apply(this, args);
      },
    );
  }
}

/** The first read of a run: its AGENT span starts (dated from `send()`), and ends when the run's `wait()` settles. */
function begin(run: unknown): void {
  const t = isObj(run) ? traces.get(run) : undefined;
  if (!t || t.span) return;
  const span = t.ctx.getTracer().startSpan(spanName(AGENT_SPAN_NAME), { startTime: t.startTime }, t.parent);
  t.span = span;
  t.release = trackOpenSpan(span);
  writeAttributes(span, runStartAttributes(t.start));
  for (const entry of t.tools.values()) openTool(t, entry);
  let waited: unknown;
  try {
    waited = (run as { wait: () => unknown }).wait();
  } catch (error) {
    endUnknown(t, error);
    return;
  }
  Promise.resolve(waited).then(
    (result) => safely('cursor-sdk.end', () => endRun(t, result)),
    (error: unknown) => safely('cursor-sdk.end', () => endUnknown(t, error)),
  );
}

function onDelta(t: RunTrace, args: unknown): void {
  const update = isObj(args) && isObj(args.update) ? args.update : undefined;
  if (!update || t.ended) return;
  switch (update.type) {
    case 'tool-call-started': {
      const callId = str(update.callId);
      if (callId === undefined || t.tools.has(callId)) return;
      const entry: ToolEntry = { callId, toolCall: dataSnapshot(update.toolCall), startTime: Date.now() };
      t.tools.set(callId, entry);
      t.counts.toolCalls++;
      if (t.span) openTool(t, entry);
      return;
    }
    case 'tool-call-completed': {
      const callId = str(update.callId);
      const entry = callId === undefined ? undefined : t.tools.get(callId);
      if (!entry || entry.endTime !== undefined) return;
      entry.completed = dataSnapshot(update.toolCall);
      entry.endTime = Date.now();
      if (entry.span) closeTool(entry);
      return;
    }
    case 'step-started':
      t.counts.llmCalls++;
      return;
    case 'turn-ended':
      if (isObj(update.usage)) t.counts.turnUsage = sumUsage(t.counts.turnUsage, update.usage);
      return;
  }
}

function sumUsage(sum: Obj | undefined, usage: Obj): Obj {
  const out: Obj = { ...sum };
  for (const [key, value] of Object.entries(usage)) if (typeof value === 'number') out[key] = (typeof out[key] === 'number' ? out[key] : 0) + value;
  return out;
}

function openTool(t: RunTrace, entry: ToolEntry): void {
  if (entry.span || !t.span) return;
  const span = t.ctx.getTracer().startSpan(spanName(toolName(entry.toolCall)), { startTime: entry.startTime }, trace.setSpan(t.parent, t.span));
  entry.span = span;
  writeAttributes(span, toolStartAttributes(entry.callId, entry.toolCall));
  if (entry.endTime !== undefined) closeTool(entry);
  else entry.release = trackOpenSpan(span);
}

function closeTool(entry: ToolEntry): void {
  const span = entry.span;
  if (!span) return;
  entry.release?.();
  writeAttributes(span, toolEndAttributes(entry.completed));
  const failure = toolFailure(entry.completed);
  if (failure) fail(span, failure, entry.endTime);
  else if (span.isRecording()) {
    span.setStatus({ code: SpanStatusCode.OK });
    span.end(entry.endTime);
  }
}

function finishTools(t: RunTrace): void {
  t.ended = true;
  for (const entry of t.tools.values()) {
    if (entry.span && entry.endTime === undefined) {
      entry.release?.();
      endIncomplete(entry.span, 'the run ended before the tool call did');
    }
  }
}

function endRun(t: RunTrace, result: unknown): void {
  const span = t.span!;
  t.release?.();
  finishTools(t);
  writeAttributes(span, runEndAttributes(result, t.counts));
  const failure = runFailure(result);
  if (failure) fail(span, failure);
  else endOk(span);
}

/** `wait()` itself threw (a handle that cannot wait): the span ends without a verdict. */
function endUnknown(t: RunTrace, error: unknown): void {
  t.release?.();
  finishTools(t);
  endIncomplete(t.span!, error instanceof Error ? error.message : String(error));
}

function fail(span: Span, message: string, endTime?: number): void {
  if (!span.isRecording()) return;
  span.setStatus({ code: SpanStatusCode.ERROR, message: scrubSecrets(message) });
  span.end(endTime);
}

import { context, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { PatchContext } from '../types';
import { callInSpan, endIncomplete, endOk, trackOpenSpan } from '../../instrumentation/span-lifecycle';
import { safely } from '../../instrumentation/safe';
import { scrubSecrets } from '../../diagnostics/secrets';
import { writeAttributes } from '../../trace/write';
import { dataSnapshot } from '../../trace/encode';
import { spanName } from '../../trace/span-name';
import { isObj, str } from '../shape';
import { AGENT_SPAN_NAME, runEndAttributes, runFailure, runStartAttributes, toolEndAttributes, toolStartAttributes } from './attributes';

/**
 * What a traced `Agent` run does: an AGENT span for `runWithLifecycle` (the
 * loop runs inside it, so pi-ai's turn spans nest under it), and a TOOL span
 * per tool execution, from its `tool_execution_start` event to its
 * `tool_execution_end`. patch.ts loads this file at the first run.
 *
 * A tool's `execute` runs inside pi-agent-core's loop, not inside our TOOL
 * span, so a model call made from a tool nests under the AGENT span.
 */
interface RunState {
  span: Span;
  tools: Map<string, { span: Span; release: () => void }>;
  /** What `agent_end` said, applied when the run's promise settles. */
  end?: unknown;
}

const runs = new WeakMap<object, RunState>();

export function tracedRun(ctx: PatchContext, original: (...args: any[]) => any, self: unknown, args: any[]): unknown {
  if (!isObj(self) || runs.has(self)) return original.apply(self, args);
  const parent = context.active();
  const span = safely('pi-agent-core.start', () => ctx.getTracer().startSpan(spanName(AGENT_SPAN_NAME), undefined, parent));
  if (!span) return original.apply(self, args);
  safely('pi-agent-core.request', () => writeAttributes(span, runStartAttributes(self)));
  const state: RunState = { span, tools: new Map() };
  runs.set(self, state);
  const release = trackOpenSpan(span);
  const finish = (): void => {
    release();
    if (runs.get(self) === state) runs.delete(self);
    endRun(state);
  };
  const returned = callInSpan(span, parent, () => original.apply(self, args));
  safely('pi-agent-core.observe', () => {
    if (returned && typeof (returned as Promise<unknown>).then === 'function') {
      (returned as Promise<unknown>).then(finish, (error: unknown) => {
        release();
        runs.delete(self);
        endIncomplete(span, error instanceof Error ? error.message : String(error));
      });
    } else finish();
  });
  return returned;
}

/** One event of the loop, before the Agent's own handling and listeners see it. */
export function onEvent(ctx: PatchContext, self: unknown, event: unknown): void {
  if (!isObj(self) || !isObj(event)) return;
  const state = runs.get(self);
  if (!state) return;
  switch (event.type) {
    case 'tool_execution_start':
      safely('pi-agent-core.toolStart', () => startTool(ctx, state, event));
      break;
    // A tool's result and a prompt message may be the app's objects: read through copies of their plain data.
    case 'tool_execution_end':
      safely('pi-agent-core.toolEnd', () => endTool(state, dataSnapshot(event) as Record<string, unknown>));
      break;
    case 'agent_end':
      state.end = safely('pi-agent-core.agentEnd', () => dataSnapshot(event));
      break;
  }
}

function startTool(ctx: PatchContext, state: RunState, event: Record<string, unknown>): void {
  const id = str(event.toolCallId);
  if (id === undefined || state.tools.has(id)) return;
  const span = ctx.getTracer().startSpan(spanName(str(event.toolName) ?? 'tool'), undefined, trace.setSpan(context.active(), state.span));
  writeAttributes(span, toolStartAttributes(event));
  state.tools.set(id, { span, release: trackOpenSpan(span) });
}

function endTool(state: RunState, event: Record<string, unknown>): void {
  const id = str(event.toolCallId);
  const open = id === undefined ? undefined : state.tools.get(id);
  if (!open) return;
  state.tools.delete(id!);
  open.release();
  writeAttributes(open.span, toolEndAttributes(event));
  if (event.isError === true) fail(open.span, str(toolEndAttributes(event)['output.value']) ?? 'the tool failed');
  else endOk(open.span);
}

function endRun(state: RunState): void {
  safely('pi-agent-core.end', () => {
    for (const open of state.tools.values()) {
      open.release();
      endIncomplete(open.span, 'the run ended before the tool did');
    }
    state.tools.clear();
    writeAttributes(state.span, runEndAttributes(state.end));
    const failure = runFailure(state.end);
    if (failure) fail(state.span, failure);
    else endOk(state.span);
  });
}

function fail(span: Span, message: string): void {
  if (!span.isRecording()) return;
  const text = scrubSecrets(message);
  span.setStatus({ code: SpanStatusCode.ERROR, message: text });
  span.end();
}

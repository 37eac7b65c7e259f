import { context, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { Attr, SpanKindValues, type SpanKindValue } from '../../semconv/attr';
import { writeAttributes } from '../../trace/write';
import { endIncomplete, endOk, endWithError, trackOpenSpan } from '../../instrumentation/span-lifecycle';
import type { Attrs } from '../shape';

/**
 * The open LangChain runs, keyed by LangChain's run id. A run's span is the
 * parent of its child runs' spans; the span active when it started is kept so
 * a provider call can tell whether it happens inside that run (resolver.ts).
 *
 * Shared through globalThis: the preload's bundle and the
 * `@catalyst/tracing/langchain` bundle each hold a copy of this module, and
 * both builds of @langchain/core report to whichever handler they carry.
 */
export interface Run {
  runId: string;
  parentRunId?: string;
  kind: SpanKindValue;
  span: Span;
  /** The context children start in: the parent's, with this run's span. */
  ctx: Context;
  /** The OTel span that was active when LangChain started the run (undefined at the root). */
  activeSpan: Span | undefined;
  release: () => void;
  /** For graph and node runs: the `graph.node.id` their children name as parent. */
  graphNodeId?: string;
}

interface Registry {
  runs: Map<string, Run>;
  /** Open LLM runs, newest last, for the provider-call resolver. */
  llm: Set<Run>;
}

const KEY = Symbol.for('@catalyst/tracing.langchain.runs');
/** Past this many open runs (runs LangChain never ended), the oldest are ended as incomplete. */
const MAX_OPEN = 10_000;

export function registry(): Registry {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  return (g[KEY] ??= { runs: new Map(), llm: new Set() });
}

export interface StartRun {
  runId: string;
  parentRunId?: string;
  name: string;
  kind: SpanKindValue;
  attributes: Attrs;
  /** Overrides the context the span starts in (by default the parent run's, else the active one). */
  parentContext?: Context;
}

export function startRun(tracer: Tracer, start: StartRun): Run | undefined {
  const reg = registry();
  if (reg.runs.has(start.runId)) return reg.runs.get(start.runId);
  const active = context.active();
  const parent = start.parentRunId ? reg.runs.get(start.parentRunId) : undefined;
  // A child run nests under its parent's span; a root run (or one whose parent we never saw) under the active context.
  const parentCtx = start.parentContext ?? parent?.ctx ?? active;
  // The kind is set at start: the identity processor reads it to tell an agent span from the rest.
  const span = tracer.startSpan(start.name, { attributes: { [Attr.SPAN_KIND]: start.kind } }, parentCtx);
  writeAttributes(span, start.attributes);
  const run: Run = {
    runId: start.runId,
    parentRunId: start.parentRunId,
    kind: start.kind,
    span,
    ctx: trace.setSpan(parentCtx, span),
    activeSpan: trace.getSpan(active),
    release: trackOpenSpan(span),
  };
  reg.runs.set(run.runId, run);
  if (run.kind === SpanKindValues.LLM) reg.llm.add(run);
  if (reg.runs.size > MAX_OPEN) evictOldest(reg);
  return run;
}

export function getRun(runId: string | undefined): Run | undefined {
  return runId ? registry().runs.get(runId) : undefined;
}

export function endRun(runId: string, attributes?: Attrs, error?: unknown): void {
  const reg = registry();
  const run = reg.runs.get(runId);
  if (!run) return;
  reg.runs.delete(runId);
  reg.llm.delete(run);
  if (attributes) writeAttributes(run.span, attributes);
  if (error !== undefined) endWithError(run.span, error);
  else endOk(run.span);
  run.release();
}

function evictOldest(reg: Registry): void {
  const oldest = reg.runs.keys().next().value;
  if (oldest === undefined) return;
  const run = reg.runs.get(oldest)!;
  reg.runs.delete(oldest);
  reg.llm.delete(run);
  endIncomplete(run.span, 'too many open LangChain runs');
  run.release();
}

/** True when `run` is `ancestor` or one of its descendants, following LangChain's parent run ids. */
export function descendsFrom(run: Run, ancestorId: string): boolean {
  const runs = registry().runs;
  let current: Run | undefined = run;
  for (let i = 0; current && i < 100; i++) {
    if (current.runId === ancestorId) return true;
    current = current.parentRunId ? runs.get(current.parentRunId) : undefined;
  }
  return false;
}

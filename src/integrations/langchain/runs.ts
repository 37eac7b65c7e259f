import type { Context, Span } from '@opentelemetry/api';
import type { SpanKindValue } from '../../semconv/attr';

/**
 * The open LangChain runs, keyed by LangChain's run id. A run's span is the
 * parent of its child runs' spans; the span active when it started is kept so
 * a provider call can tell whether it happens inside that run (context.ts).
 * Only the registry lives here (context.ts reads it as the SDK loads); the
 * spans are opened and ended in calls.ts.
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

export interface Registry {
  runs: Map<string, Run>;
  /** Open LLM runs, newest last, for the provider-call resolver. */
  llm: Set<Run>;
}

const KEY = Symbol.for('@catalyst/tracing.langchain.runs');

export function registry(): Registry {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  return (g[KEY] ??= { runs: new Map(), llm: new Set() });
}

export function getRun(runId: string | undefined): Run | undefined {
  return runId ? registry().runs.get(runId) : undefined;
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

import { trace, type Context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { SpanOrigin } from '../../trace/parent-context';
import { isObj } from '../shape';
import { descendsFrom, registry, type Run } from './runs';

/**
 * Where a span started by the openai/anthropic patches or by the span API
 * belongs when it starts inside a LangChain run (registered with
 * registerParentResolver in patch.ts).
 *
 * - A provider call made by a LangChain chat model (ChatOpenAI over `openai`)
 *   is FOLDED into the LangChain LLM span: the provider span is suppressed.
 *   The LangChain span already holds the messages, model, invocation
 *   parameters, tools, tool calls and token usage (with cache and reasoning
 *   details from `usage_metadata`), so one model call is one LLM span.
 * - Any other span started inside a run that sets LangChain's async context
 *   (a tool, a RunnableLambda, a LangGraph node) NESTS under that run's span:
 *   an `openai` call or a `manualSpan` inside a tool shows under the tool.
 *
 * LangChain does not put the chat model's own run in its async storage, so a
 * provider call is matched to an open LLM run by two facts: the OTel span
 * active now is the one that was active when the run started (nothing opened
 * a span in between), and the run lies inside the LangChain run the async
 * storage names, when it names one. With no open run the cost is one map size check.
 */
const LC_ALS_KEY = Symbol.for('ls:tracing_async_local_storage');
const LC_CHILD_CONFIG = Symbol.for('lc:child_config');

/** The id of the run whose config LangChain's async storage holds now (the run that owns that callback manager). */
export function currentLangChainRunId(): string | undefined {
  const als = (globalThis as Record<symbol, unknown>)[LC_ALS_KEY] as { getStore?: () => unknown } | undefined;
  const store = typeof als?.getStore === 'function' ? als.getStore() : undefined;
  if (!isObj(store)) return undefined;
  const config = isObj(store.extra) ? store.extra[LC_CHILD_CONFIG as unknown as string] : undefined;
  const callbacks = isObj(config) ? config.callbacks : undefined;
  if (!isObj(callbacks)) return undefined;
  const id = typeof callbacks.getParentRunId === 'function' ? callbacks.getParentRunId() : callbacks._parentRunId;
  return typeof id === 'string' ? id : undefined;
}

export function resolveLangChainParent(active: Context, origin: SpanOrigin): Context | undefined {
  const reg = registry();
  if (reg.runs.size === 0) return undefined;
  const activeSpan = trace.getSpan(active);
  const scopeId = currentLangChainRunId();
  const scope = scopeId ? reg.runs.get(scopeId) : undefined;

  if (origin === 'provider') {
    const llm = openLlmRun(reg.llm, activeSpan, scopeId);
    if (llm) return suppressTracing(trace.setSpan(active, llm.span));
  }
  // Only when no span was opened since the run started: a manualSpan inside a tool keeps its own children.
  if (scope && scope.activeSpan === activeSpan) return trace.setSpan(active, scope.span);
  return undefined;
}

/** The newest open LLM run this call belongs to, if any. */
function openLlmRun(runs: Set<Run>, activeSpan: unknown, scopeId: string | undefined): Run | undefined {
  let found: Run | undefined;
  for (const run of runs) {
    if (run.activeSpan !== activeSpan) continue;
    if (scopeId && !descendsFrom(run, scopeId)) continue;
    found = run;
  }
  return found;
}

import { trace, type Context, type SpanContext } from '@opentelemetry/api';
import type { SpanOrigin } from '../../trace/parent-context';
import { hasForeignGlobalProvider, scopeOf } from '../../trace/scope-intake';

/** LangSmith's tracer name: the scope of every span its OTel mode makes. */
export const LANGSMITH_SCOPE = 'langsmith';

/**
 * `wrapOpenAI` / `wrapAnthropic` trace each model call as a run of their own
 * ("ChatOpenAI", "ChatAnthropic") around the SDK call, which our provider
 * patch traces too: two LLM spans for one call. Ours carries the request and
 * response as the SDK saw them, so it takes the wrapper run's place: the
 * provider span starts under the wrapper's parent (the traceable that made the
 * call) and the wrapper's span is folded (not exported).
 *
 * Only when LangSmith's spans are ours: under an app's own global provider
 * (`initializeOTEL()`) they go to the app's exporter, which keeps the wrapper
 * run, and our LLM span nests under it.
 */
const WRAPPER_RUNS = new Set(['ChatOpenAI', 'ChatAnthropic']);

const FOLDED = Symbol.for('@catalyst/tracing.langsmith.folded');
type GlobalWithFolded = typeof globalThis & { [FOLDED]?: WeakSet<object> };

function folded(): WeakSet<object> {
  const g = globalThis as GlobalWithFolded;
  return (g[FOLDED] ??= new WeakSet());
}

export function isFolded(span: object): boolean {
  return folded().has(span);
}

interface SdkSpanLike {
  name?: unknown;
  parentSpanContext?: SpanContext;
}

/** The parent resolver: a provider call inside a wrapper run nests under the wrapper's parent instead. */
export function foldWrapperRun(active: Context, origin: SpanOrigin): Context | undefined {
  if (origin !== 'provider') return undefined;
  const span = trace.getSpan(active);
  if (!span || scopeOf(span) !== LANGSMITH_SCOPE) return undefined;
  const { name, parentSpanContext } = span as unknown as SdkSpanLike;
  if (typeof name !== 'string' || !WRAPPER_RUNS.has(name) || hasForeignGlobalProvider()) return undefined;
  folded().add(span);
  return parentSpanContext ? trace.setSpanContext(active, parentSpanContext) : trace.deleteSpan(active);
}

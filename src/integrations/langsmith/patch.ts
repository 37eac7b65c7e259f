import { context, trace, type Tracer } from '@opentelemetry/api';
import type { IntegrationPatcher } from '../types';
import { deferred } from '../../instrumentation/deferred';
import { registerParentResolver, unregisterParentResolver } from '../../trace/parent-context';
import { intakeTracer, registerScopeRule, unregisterScopeRule } from '../../trace/scope-intake';
import { foldWrapperRun, LANGSMITH_SCOPE } from './context';

/**
 * LangSmith's OTel mode (`LANGSMITH_TRACING=true` with
 * `LANGSMITH_OTEL_ENABLED=true` or `LANGSMITH_TRACING_MODE=otel`) makes one
 * span per run, but only through the OTel objects it finds on globalThis
 * (`Symbol.for('ls:otel_trace')`, `Symbol.for('ls:otel_context')`), which
 * its `initializeOTEL()` sets; without them it warns and traces nothing.
 *
 * When LangSmith loads, we set them if nobody has: the OTel context API (our
 * context manager) and a trace API whose tracers are `intakeTracer()`'s, so
 * the runs' spans go through our pipeline and the `langsmith` scope rule
 * (calls.ts) turns them into OpenInference. An app that set them first, or
 * that calls `initializeOTEL()` (it registers a global provider, which
 * intakeTracer then defers to), keeps its own set-up.
 *
 * Nothing of LangSmith is wrapped: in its default mode (not OTel) this changes
 * nothing, and the model calls are traced by the provider patches as always.
 */
const LS_TRACE_KEY = Symbol.for('ls:otel_trace');
const LS_CONTEXT_KEY = Symbol.for('ls:otel_context');
type LangSmithGlobals = typeof globalThis & { [LS_TRACE_KEY]?: unknown; [LS_CONTEXT_KEY]?: unknown };

const calls = deferred('langsmith.calls', () => require('./calls') as typeof import('./calls'));

/** The trace API LangSmith asks for its tracer; everything but getTracer is OTel's own. */
const bridgeTrace = {
  getTracer: (name: string, version?: string): Tracer => intakeTracer(name, version),
  getActiveSpan: () => trace.getActiveSpan(),
  getSpan: trace.getSpan,
  setSpan: trace.setSpan,
  setSpanContext: trace.setSpanContext,
  getSpanContext: trace.getSpanContext,
  deleteSpan: trace.deleteSpan,
  wrapSpanContext: trace.wrapSpanContext,
  isSpanContextValid: trace.isSpanContextValid,
  getTracerProvider: () => trace.getTracerProvider(),
  // LangSmith never registers a provider through this object; the app's global provider is not ours to set.
  setGlobalTracerProvider: (): boolean => false,
};

export function installBridge(): number {
  const g = globalThis as LangSmithGlobals;
  registerScopeRule({ scope: LANGSMITH_SCOPE, onEnding: (span) => calls()?.convertRunSpan(span) ?? 'keep' });
  registerParentResolver(LANGSMITH_SCOPE, foldWrapperRun);
  if (g[LS_TRACE_KEY] === bridgeTrace) return 0;
  // Reported as "skipped" with this reason in installResults.
  if (g[LS_TRACE_KEY] !== undefined) throw new Error('no bridge installed in this module: the app gave LangSmith OpenTelemetry objects of its own');
  g[LS_TRACE_KEY] = bridgeTrace;
  g[LS_CONTEXT_KEY] ??= context;
  return 1;
}

export function removeBridge(): void {
  const g = globalThis as LangSmithGlobals;
  unregisterScopeRule(LANGSMITH_SCOPE);
  unregisterParentResolver(LANGSMITH_SCOPE);
  if (g[LS_TRACE_KEY] !== bridgeTrace) return;
  delete g[LS_TRACE_KEY];
  if (g[LS_CONTEXT_KEY] === context) delete g[LS_CONTEXT_KEY];
}

export const langsmithPatcher: IntegrationPatcher = {
  patch: () => installBridge(),
  unpatch: () => removeBridge(),
};

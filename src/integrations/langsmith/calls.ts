import { context, SpanStatusCode, trace, type ContextAPI, type Tracer } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/sdk-trace-base';
import { writeAttributes } from '../../trace/write';
import { registerParentResolver, unregisterParentResolver } from '../../trace/parent-context';
import { intakeTracer, registerScopeRule, takeAttributes, unregisterScopeRule } from '../../trace/scope-intake';
import { runAttributes } from './attributes';
import { foldWrapperRun, isFolded, LANGSMITH_SCOPE } from './context';

/** Keys LangSmith writes on a run's span; none is kept once converted. */
const isLangSmithKey = (key: string): boolean => key.startsWith('langsmith.') || key.startsWith('gen_ai.');

/**
 * The intake rule for the `langsmith` scope, run as each run's span ends
 * (LangSmith ends it when its client flushes the run): a folded wrapper run
 * is dropped; any other run is rewritten as OpenInference, through
 * writeAttributes so the privacy rules and size caps apply to its inputs and
 * outputs like to any span of ours.
 *
 * A failed run: LangSmith sets OK when the run starts and ERROR when it ends
 * with an error, but OTel keeps an OK status final, so the span would say OK
 * beside its exception event. The exception LangSmith recorded decides.
 */
export function convertRunSpan(span: Span): 'keep' | 'drop' {
  if (isFolded(span)) return 'drop';
  const own = takeAttributes(span, isLangSmithKey);
  writeAttributes(span, runAttributes(span.name, own));
  const exception = span.events.find((e) => e.name === 'exception');
  if (exception) {
    const message = exception.attributes?.['exception.message'];
    // The SDK span's status is a plain field; setStatus() would refuse to leave OK.
    (span as { status: { code: SpanStatusCode; message?: string } }).status = { code: SpanStatusCode.ERROR, message: typeof message === 'string' ? message : undefined };
  }
  return 'keep';
}

/** What LangSmith uses of OTel's trace API, with its tracers taken from our pipeline. */
interface TraceBridge {
  getTracer(name: string, version?: string): Tracer;
  getActiveSpan: typeof trace.getActiveSpan;
  getSpan: typeof trace.getSpan;
  setSpan: typeof trace.setSpan;
  setSpanContext: typeof trace.setSpanContext;
  getSpanContext: typeof trace.getSpanContext;
  deleteSpan: typeof trace.deleteSpan;
  getTracerProvider: typeof trace.getTracerProvider;
  setGlobalTracerProvider(): boolean;
}

let bridge: TraceBridge | undefined;

/** Read only in LangSmith's OTel mode: the first read registers the scope rule and the wrapper-run resolver. */
export function bridgeTrace(): TraceBridge {
  if (bridge) return bridge;
  registerScopeRule({ scope: LANGSMITH_SCOPE, onEnding: convertRunSpan });
  registerParentResolver(LANGSMITH_SCOPE, foldWrapperRun);
  bridge = {
    getTracer: (name, version) => intakeTracer(name, version),
    getActiveSpan: () => trace.getActiveSpan(),
    getSpan: (ctx) => trace.getSpan(ctx),
    setSpan: (ctx, span) => trace.setSpan(ctx, span),
    setSpanContext: (ctx, spanContext) => trace.setSpanContext(ctx, spanContext),
    getSpanContext: (ctx) => trace.getSpanContext(ctx),
    deleteSpan: (ctx) => trace.deleteSpan(ctx),
    getTracerProvider: () => trace.getTracerProvider(),
    // The app's global provider is not ours to set.
    setGlobalTracerProvider: () => false,
  };
  return bridge;
}

export function bridgeContext(): ContextAPI {
  return context;
}

export function stopBridge(): void {
  unregisterScopeRule(LANGSMITH_SCOPE);
  unregisterParentResolver(LANGSMITH_SCOPE);
  bridge = undefined;
}

import { trace, type Context, type Tracer } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { livePipeline } from '../state';
import { reportInternalError } from '../diagnostics/report';

/**
 * Spans an SDK makes itself. Several SDKs trace themselves through
 * OpenTelemetry (LangSmith's OTel mode, `@anthropic-ai/sdk` 1.x, LiveKit
 * Agents...), each under its own instrumentation scope. When such spans are
 * made by our tracer provider (an integration hands the SDK `intakeTracer()`),
 * they pass through this intake before export:
 *
 * - a scope with a rule: the rule sees each span while it can still be
 *   written (`onEnding`) and converts it to OpenInference, or says to drop it
 *   (folded into one of ours, or a duplicate);
 * - any other scope: untouched, exported as the SDK made it.
 *
 * The rules live in the integrations' folders and register here when their
 * SDK loads; the trace layer knows no SDK.
 */
export interface ScopeRule {
  /** The instrumentation scope name the SDK's tracer uses (`langsmith`, ...). */
  readonly scope: string;
  /**
   * Called once per span of the scope, before it ends: rewrite it (through
   * writeAttributes and replaceAttributes, so privacy and caps apply), or
   * return 'drop' to keep it out of the export.
   */
  onEnding(span: Span): 'keep' | 'drop';
}

const RULES = Symbol.for('@catalyst/tracing.scope-rules');
type GlobalWithRules = typeof globalThis & { [RULES]?: Map<string, ScopeRule> };

/** Shared by every copy of the package in the process, like the agent state. */
function rules(): Map<string, ScopeRule> {
  const g = globalThis as GlobalWithRules;
  return (g[RULES] ??= new Map());
}

export function registerScopeRule(rule: ScopeRule): void {
  rules().set(rule.scope, rule);
}

export function unregisterScopeRule(scope: string): void {
  rules().delete(scope);
}

/** The scope name of a span made by an OTel SDK tracer (2.x spans carry it). */
export function scopeOf(span: unknown): string | undefined {
  const scope = (span as { instrumentationScope?: { name?: unknown } } | undefined)?.instrumentationScope;
  return typeof scope?.name === 'string' ? scope.name : undefined;
}

/**
 * Removes the keys an SDK wrote on its span (those `isOwn` accepts) and
 * returns them, before a rule writes its converted ones: an SDK's own keys
 * can carry content our privacy rules never saw (LangSmith's `gen_ai.prompt`
 * is the run's whole input), so a converted span keeps none of them. Keys
 * from elsewhere (the identity copied at start) stay. The OTel API cannot
 * remove an attribute; the SDK span's attribute object is a plain object it
 * reads at export, so the keys are deleted in place.
 */
export function takeAttributes(span: Span, isOwn: (key: string) => boolean): Record<string, unknown> {
  const attributes = span.attributes as Record<string, unknown>;
  const taken: Record<string, unknown> = {};
  for (const key of Object.keys(attributes)) {
    if (!isOwn(key)) continue;
    taken[key] = attributes[key];
    delete attributes[key];
  }
  return taken;
}

/**
 * Wraps the export processor: applies the scope rules at `onEnding` and keeps
 * dropped spans from reaching it. Spans of other scopes (ours included) pass
 * straight through.
 */
export class ScopeIntakeProcessor implements SpanProcessor {
  private readonly dropped = new WeakSet<object>();

  constructor(private readonly next: SpanProcessor) {}

  onStart(span: Span, parentContext: Context): void {
    this.next.onStart(span, parentContext);
  }

  onEnding(span: Span): void {
    const all = rules();
    if (all.size === 0) return;
    const name = scopeOf(span);
    const rule = name === undefined ? undefined : all.get(name);
    if (!rule) return;
    try {
      if (rule.onEnding(span) === 'drop') this.dropped.add(span);
    } catch (error) {
      reportInternalError(`converting a span of ${name}`, error);
    }
  }

  onEnd(span: ReadableSpan): void {
    if (this.dropped.has(span)) return;
    this.next.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}

/**
 * The tracer to hand an SDK that traces itself under `scope`: our pipeline's,
 * so its spans reach the intake above. An app that registered its own global
 * tracer provider keeps it: the SDK's spans then go there, as they would
 * without us, and not through our pipeline.
 */
export function intakeTracer(scope: string, version?: string): Tracer {
  if (hasForeignGlobalProvider()) return trace.getTracer(scope, version);
  const pipeline = livePipeline();
  return pipeline ? pipeline.provider.getTracer(scope, version) : trace.getTracer(scope, version);
}

/** Whether the app (or another agent) registered a global tracer provider. */
export function hasForeignGlobalProvider(): boolean {
  const delegate = (trace.getTracerProvider() as { getDelegate?: () => unknown }).getDelegate?.();
  return delegate != null && (delegate as object).constructor?.name !== 'NoopTracerProvider';
}

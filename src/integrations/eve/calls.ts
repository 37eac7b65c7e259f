import type { Context, SpanContext } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { livePipeline } from '../../state';
import { cappedAttributeValue } from '../../trace/write';
import { scopeOf } from '../../trace/scope-intake';
import { reportInternalError } from '../../diagnostics/report';
import { Attr } from '../../semconv/attr';
import { addToTotals, emptyTotals, eveSpanAttributes, roleOf, sessionOf, type ContentChoice, type EveSpanRole, type TurnTotals } from './attributes';
import type { Attrs, Obj } from '../shape';

/**
 * Eve owns its OpenTelemetry provider; an instrumentation file adds this
 * processor to it as one more destination (an `otelIntegration`). Eve's spans
 * reach it as they start and end; it never writes to them (the app's other
 * destinations get them as Eve made them) but exports a converted copy of
 * the ones that matter through our pipeline:
 *
 * - spans of Eve's own scopes (`eve.agent`: the turn, its steps, model calls,
 *   tool calls) become AGENT / CHAIN / LLM / TOOL spans;
 * - a span of another scope started inside a turn (the app's own, in a tool)
 *   goes as it was, with the turn's session;
 * - the workflow engine's spans (scope `workflow`, about 150 a turn) are not
 *   exported; a kept span whose parent is one of them hangs from the nearest
 *   kept ancestor instead.
 *
 * Ids, times, status and events are Eve's, so the copy and what the app's own
 * destination receives describe the same trace.
 */
const WORKFLOW_SCOPE = 'workflow';
const isEveScope = (scope: string | undefined): boolean => scope === 'eve' || !!scope?.startsWith('eve.');

/** Spans and turns remembered; old entries go first, so a span that never ends costs nothing for long. */
const MAX_KNOWN = 20_000;

interface Known {
  keep: boolean;
  parentId?: string;
  /** The span id the exported copy names as its parent. */
  exportParent?: string;
}

/** A finished model or tool call, waiting for its turn's AGENT span to end. */
interface Contribution {
  spanId: string;
  role: EveSpanRole;
  attributes: Attrs;
}

export interface EveConverterOptions {
  content: ContentChoice;
  metadata?: Readonly<Obj>;
  functionId?: string;
  /** `deployment.environment.name` on the exported copies' resource. */
  environment?: () => string | undefined;
}

type AnySpan = ReadableSpan & { parentSpanId?: string };

function parentIdOf(span: AnySpan): string | undefined {
  // OTel SDK 2.x names the parent by its context; 1.x (some bundled copies) by id.
  return span.parentSpanContext?.spanId ?? span.parentSpanId;
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.set(key, value);
  if (map.size > MAX_KNOWN) map.delete(map.keys().next().value!);
}

export class EveSpanConverter implements SpanProcessor {
  private readonly known = new Map<string, Known>();
  /** Eve's session of each trace seen, for spans of the turn that do not carry it. */
  private readonly sessions = new Map<string, string>();
  /**
   * Model and tool calls by trace, until their turn ends. Eve records a turn
   * durably and may start its invoke_agent span after the steps inside it, so
   * a call is matched to its turn by walking up the parents when the turn ends.
   */
  private readonly pending = new Map<string, Contribution[]>();
  private resource?: { base: Resource; environment: string | undefined; merged: Resource };

  constructor(private readonly options: EveConverterOptions) {}

  onStart(span: Span, _parentContext: Context): void {
    try {
      this.learn(span as unknown as AnySpan);
    } catch (error) {
      reportInternalError('following an Eve span', error);
    }
  }

  onEnd(span: ReadableSpan): void {
    try {
      this.finish(span as AnySpan);
    } catch (error) {
      reportInternalError('converting an Eve span', error);
    }
  }

  forceFlush(): Promise<void> {
    return livePipeline()?.forceFlush() ?? Promise.resolve();
  }

  shutdown(): Promise<void> {
    // The pipeline is the agent's, shut down at exit; Eve stopping its provider only asks for what is queued.
    return this.forceFlush();
  }

  private learn(span: AnySpan): Known {
    const context = span.spanContext();
    const parentId = parentIdOf(span);
    const parent = parentId === undefined ? undefined : this.known.get(parentId);
    const scope = scopeOf(span);
    const eve = isEveScope(scope);
    if (eve) {
      const session = sessionOf(span.attributes as Attrs);
      if (session) remember(this.sessions, context.traceId, session);
    }
    // Another scope's span (the app's own, in a tool) is kept inside a turn: under a kept span, or in a turn's trace.
    const keep = scope !== WORKFLOW_SCOPE && (eve || parent?.keep === true || this.sessions.has(context.traceId));
    // A parent never seen (a caller's remote span, a turn span started later) stays the parent; a dropped one gives way to its own.
    const exportParent = parent === undefined || parent.keep ? parentId : parent.exportParent;
    const known: Known = { keep, parentId, exportParent };
    remember(this.known, context.spanId, known);
    return known;
  }

  private finish(span: AnySpan): void {
    const context = span.spanContext();
    const known = this.known.get(context.spanId) ?? this.learn(span);
    if (!known.keep) return;
    const attributes = span.attributes as Attrs;
    const scope = scopeOf(span);
    const sessionId = this.sessions.get(context.traceId);

    let converted: Attrs;
    if (isEveScope(scope)) {
      const role = roleOf(span.name, attributes);
      if (role === 'llm' || role === 'tool') this.contribute(context.traceId, { spanId: context.spanId, role, attributes });
      converted = eveSpanAttributes(span.name, attributes, {
        content: this.options.content,
        sessionId,
        metadata: this.options.metadata,
        functionId: this.options.functionId,
        totals: role === 'agent' ? this.totalsOf(context.traceId, context.spanId) : undefined,
      });
    } else {
      converted = { ...attributes };
      if (sessionId && converted[Attr.SESSION_ID] === undefined) converted[Attr.SESSION_ID] = sessionId;
    }

    const pipeline = livePipeline();
    if (!pipeline?.exportFinished || !pipeline.resource) return;
    const out: Record<string, ReturnType<typeof cappedAttributeValue>> = {};
    for (const [key, value] of Object.entries(converted)) {
      const capped = cappedAttributeValue(key, value);
      if (capped !== undefined) out[key] = capped;
    }
    pipeline.exportFinished(copyOf(span, context, known.exportParent, out as ReadableSpan['attributes'], this.resourceFor(pipeline.resource)));
  }

  private contribute(traceId: string, contribution: Contribution): void {
    const list = this.pending.get(traceId);
    if (list) {
      if (list.length < MAX_KNOWN) list.push(contribution);
    } else {
      remember(this.pending, traceId, [contribution]);
    }
  }

  /** The totals of the calls under this turn span (taken: a call counts for its nearest turn only). */
  private totalsOf(traceId: string, turnId: string): TurnTotals {
    const totals = emptyTotals();
    const list = this.pending.get(traceId);
    if (!list) return totals;
    const rest = list.filter((c) => {
      if (!this.isUnder(c.spanId, turnId)) return true;
      addToTotals(totals, c.role, c.attributes);
      return false;
    });
    if (rest.length) this.pending.set(traceId, rest);
    else this.pending.delete(traceId);
    return totals;
  }

  private isUnder(spanId: string, turnId: string): boolean {
    let id: string | undefined = this.known.get(spanId)?.parentId;
    for (let depth = 0; id !== undefined && depth < 64; depth++) {
      if (id === turnId) return true;
      id = this.known.get(id)?.parentId;
    }
    return false;
  }

  private resourceFor(base: Resource): Resource {
    const environment = this.options.environment?.();
    if (this.resource?.base === base && this.resource.environment === environment) return this.resource.merged;
    const merged = environment ? base.merge(resourceFromAttributes({ 'deployment.environment.name': environment })) : base;
    this.resource = { base, environment, merged };
    return merged;
  }
}

/** A finished span of ours, with Eve's ids and times and the converted attributes. */
function copyOf(span: AnySpan, context: SpanContext, parentId: string | undefined, attributes: ReadableSpan['attributes'], resource: Resource): ReadableSpan {
  const spanContext: SpanContext = { traceId: context.traceId, spanId: context.spanId, traceFlags: context.traceFlags };
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => spanContext,
    parentSpanContext: parentId === undefined ? undefined : { traceId: context.traceId, spanId: parentId, traceFlags: context.traceFlags },
    startTime: span.startTime,
    endTime: span.endTime,
    status: { ...span.status },
    attributes,
    links: span.links ?? [],
    events: span.events ?? [],
    duration: span.duration,
    ended: true,
    resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: 0,
    droppedEventsCount: span.droppedEventsCount ?? 0,
    droppedLinksCount: span.droppedLinksCount ?? 0,
  };
}

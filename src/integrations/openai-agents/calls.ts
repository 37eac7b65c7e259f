import { context, isSpanContextValid, SpanStatusCode, trace, type Context, type HrTime, type Span, type Tracer } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { Attr, SpanKindValues, type SpanKindValue } from '../../semconv/attr';
import { getIdentity, withAgentScope, withIdentity } from '../../trace/identity';
import { cappedAttributeValue, writeAttributes } from '../../trace/write';
import { trackOpenSpan } from '../../instrumentation/span-lifecycle';
import type { SpanOrigin } from '../../trace/parent-context';
import { spanName } from '../../trace/span-name';
import { AgentsAttr, contentSwitches, endAttributes, errorOf, mappingOf, spanKindOf, spanNameOf, startAttributes, traceAttributes, type ContentSwitches, type Mapping } from './attributes';

/**
 * The SDK's traces and spans, as it hands them to a tracing processor, turned
 * into our OTel spans. The SDK tells us about its spans through callbacks that
 * cannot make our span the active OTel context, so every node keeps the
 * context its children start in, and the parent resolver (registered in patch.ts) hands
 * that context to provider calls and manual spans made inside the SDK's
 * current span.
 *
 * Shape decisions (docs/integrations/openai-agents.md):
 * - the SDK trace is a CHAIN root named after the workflow, unless the run sits
 *   inside a span of the app's (an agentSpan): then that span is the parent;
 * - task and turn spans are runner bookkeeping: no span, children move up;
 * - an agent reached through a handoff nests under the agent that handed off,
 *   whose span is held open until the delegate ends;
 * - a model call (response / generation span) becomes an LLM span only if no
 *   provider patch traced the call itself (see `parentFor`), made when the SDK
 *   ends its span, with the SDK's start time.
 */

/** Only the members read here: the SDK's Trace and Span classes have more. */
export interface SdkTrace {
  traceId?: string;
  name?: string;
  groupId?: string | null;
  metadata?: Record<string, unknown>;
}
export interface SdkSpan {
  spanId?: string;
  traceId?: string;
  parentId?: string | null;
  spanData?: Record<string, any>;
  error?: unknown;
}

const NOOP_ID = 'no-op';
const WORKFLOW_DEFAULT = 'Agent workflow';

interface Node {
  readonly traceId: string;
  readonly mapping: Mapping | 'trace';
  readonly parent?: Node;
  /** Nearest enclosing AGENT node: a handoff nests the next agent under it. */
  readonly agent?: Node;
  /** Ours; none for a transparent node, a model call not made yet, or a trace inside an app span. */
  span?: Span;
  /** Where children start. */
  ctx: Context;
  /** Where this node itself started (a deferred model call starts here). */
  readonly parentCtx: Context;
  startTime?: number;
  /** A provider patch traced this model call itself. */
  claimed?: boolean;
  /** Delegates (handoff targets) still running: the span ends after them. */
  holds: number;
  /** One of `holds` taken for a handoff target that has not started yet. */
  reserved?: boolean;
  heldBy?: Node;
  pendingEnd?: { error: unknown };
  ended?: boolean;
  release?: () => void;
}

interface TraceInfo {
  node: Node;
  /** The app's span that was active when the trace started, if any. */
  enclosingSpanId?: string;
  groupId?: string;
  handoff?: { from: Node; to: string };
  error?: unknown;
  open: Set<Node>;
}

/**
 * A start time kept for a span made later (a model call's, at its end), read
 * from the clock OpenTelemetry starts every other span with (the wall clock):
 * `timeOrigin + performance.now()` drifts from it by up to milliseconds, which
 * put a model call before the tool call that had run just before it.
 */
const now = (): number => Date.now();

/** The bridge patch.ts feeds the SDK's events to, reading the SDK's content switches on every span. */
export function createBridge(tracer: () => Tracer): AgentsSpanBridge {
  return new AgentsSpanBridge(tracer, () => contentSwitches());
}

export class AgentsSpanBridge {
  enabled = true;
  private readonly nodes = new Map<string, Node>();
  private readonly traces = new Map<string, TraceInfo>();

  constructor(
    private readonly tracer: () => Tracer,
    private readonly switches: () => ContentSwitches,
  ) {}

  // ---- the SDK's TracingProcessor events --------------------------------------

  traceStarted(t: SdkTrace): void {
    if (!this.enabled || !validId(t?.traceId)) return;
    this.ensureTrace(t.traceId!, t);
  }

  traceEnded(t: SdkTrace): void {
    const info = validId(t?.traceId) ? this.traces.get(t.traceId!) : undefined;
    if (info) this.endTrace(info);
  }

  private endTrace(info: TraceInfo): void {
    if (this.traces.get(info.node.traceId) === info) this.traces.delete(info.node.traceId);
    if (info.node.ended) return;
    info.node.ended = true;
    // Anything the SDK left open (a held agent whose delegate never ended, a span never ended) ends with the trace.
    for (const node of [...info.open]) this.finish(node, node.pendingEnd?.error);
    const root = info.node.span;
    if (root) {
      const failure = errorOf(info.error);
      if (failure) root.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
      else root.setStatus({ code: SpanStatusCode.OK });
      root.end();
      info.node.release?.();
    }
  }

  spanStarted(s: SdkSpan): void {
    if (!this.enabled) return;
    this.ensureNode(s);
  }

  spanEnded(s: SdkSpan): void {
    if (!this.enabled) return;
    const node = this.ensureNode(s);
    if (!node || node.ended) return;
    this.nodes.delete(s.spanId!);
    const info = this.traces.get(node.traceId);
    const failedRun = !!info && node.parent === info.node && !!s.error;
    if (failedRun) info!.error = s.error;
    this.endSpan(node, s, info);
    // A run that throws never ends its trace (the SDK ends it on success only): the failed top-level span closes the root.
    if (failedRun) this.endTrace(info!);
  }

  private endSpan(node: Node, s: SdkSpan, info: TraceInfo | undefined): void {
    const data = s.spanData;

    switch (node.mapping) {
      case 'transparent':
        node.ended = true;
        info?.open.delete(node);
        return;
      case 'llm':
        this.endModelCall(node, s);
        return;
      case 'agent':
        writeAttributes(node.span!, endAttributes(data));
        if (info?.handoff?.from === node && !s.error) {
          // Handing off: stay open until the delegate, which starts next, has ended.
          node.holds++;
          node.reserved = true;
        }
        if (node.holds > 0) {
          node.pendingEnd = { error: s.error };
          return;
        }
        this.finish(node, s.error);
        return;
      default:
        if (node.span) {
          writeAttributes(node.span, endAttributes(data, this.switches()));
          if (data?.type === 'handoff') {
            node.span.updateName(spanName(spanNameOf(data)));
            const to = typeof data.to_agent === 'string' ? data.to_agent : undefined;
            const from = node.agent;
            if (info && from && to) info.handoff = { from, to };
          }
        }
        this.finish(node, s.error);
    }
  }

  // ---- the parent resolver's question -------------------------------------------

  /**
   * The context a span started now should have, given the SDK's current span
   * (or, between spans, its current trace). A provider call made inside a
   * model-call span nests under that span's parent and marks the call as
   * traced, so the SDK's copy makes no second LLM span; with the SDK told not
   * to log model data, the provider's span is suppressed instead and ours
   * carries no content. Undefined when an app span opened inside the SDK's
   * span is active: that span is the closer parent.
   */
  parentFor(current: SdkSpan | undefined, currentTrace: SdkTrace | undefined, active: Context, origin: SpanOrigin): Context | undefined {
    if (!this.enabled) return undefined;
    let node: Node | undefined;
    if (current && validId(current.spanId) && validId(current.traceId)) node = this.ensureNode(current);
    else if (currentTrace && validId(currentTrace.traceId)) node = this.ensureTrace(currentTrace.traceId!, currentTrace).node;
    if (!node || node.ended) return undefined;
    const info = this.traces.get(node.traceId);
    const activeSpan = trace.getSpan(active)?.spanContext();
    if (activeSpan && isSpanContextValid(activeSpan) && activeSpan.spanId !== info?.enclosingSpanId) return undefined;
    if (node.mapping === 'llm' && origin === 'provider') {
      if (this.switches().hideModelData) return suppressTracing(node.parentCtx);
      node.claimed = true;
      return node.parentCtx;
    }
    return node.ctx;
  }

  // ---- bookkeeping ----------------------------------------------------------------

  private ensureTrace(traceId: string, t?: SdkTrace): TraceInfo {
    const known = this.traces.get(traceId);
    if (known) return known;
    const active = context.active();
    const enclosing = trace.getSpan(active)?.spanContext();
    const inside = !!enclosing && isSpanContextValid(enclosing);
    const groupId = typeof t?.groupId === 'string' && t.groupId ? t.groupId : undefined;
    // The run's group id is its conversation: the session, unless an enclosing agentSpan already names one.
    const sessionFromGroup = groupId !== undefined && getIdentity(active)?.[Attr.SESSION_ID] === undefined;
    let ctx = active;
    if (sessionFromGroup) ctx = withIdentity(ctx, { [Attr.SESSION_ID]: cappedAttributeValue(Attr.SESSION_ID, groupId) as string });
    const node: Node = { traceId, mapping: 'trace', ctx, parentCtx: active, holds: 0 };
    if (!inside) {
      const span = this.tracer().startSpan(spanName(t?.name || WORKFLOW_DEFAULT), { attributes: { [Attr.SPAN_KIND]: SpanKindValues.CHAIN } }, active);
      writeAttributes(span, { [Attr.SPAN_KIND]: SpanKindValues.CHAIN, ...traceAttributes(t), [Attr.SESSION_ID]: sessionFromGroup ? groupId : undefined });
      node.span = span;
      node.ctx = trace.setSpan(ctx, span);
      node.release = trackOpenSpan(span);
    }
    const info: TraceInfo = { node, enclosingSpanId: inside ? enclosing!.spanId : undefined, groupId, open: new Set() };
    this.traces.set(traceId, info);
    return info;
  }

  private ensureNode(s: SdkSpan): Node | undefined {
    if (!s || !validId(s.spanId) || !validId(s.traceId)) return undefined;
    const known = this.nodes.get(s.spanId!);
    if (known) return known;
    const info = this.ensureTrace(s.traceId!);
    const parent = (s.parentId && this.nodes.get(s.parentId)) || info.node;
    const mapping = mappingOf(s.spanData);
    const agent = parent.mapping === 'agent' ? parent : parent.agent;
    let node: Node;
    if (mapping === 'transparent') {
      node = { traceId: s.traceId!, mapping, parent, agent, ctx: parent.ctx, parentCtx: parent.ctx, holds: 0 };
    } else if (mapping === 'llm') {
      // Made at the end, and only if no provider patch traced the call: see parentFor().
      node = { traceId: s.traceId!, mapping, parent, agent, ctx: parent.ctx, parentCtx: parent.ctx, holds: 0, startTime: now() };
    } else if (mapping === 'agent') {
      let from = parent;
      let heldBy: Node | undefined;
      const name = s.spanData?.name;
      if (info.handoff && info.handoff.to === name && !info.handoff.from.ended) {
        from = info.handoff.from;
        // The SDK ends the delegating agent just before this one starts; its end reserved this hold.
        if (from.reserved) from.reserved = false;
        else from.holds++;
        heldBy = from;
      }
      info.handoff = undefined;
      const span = this.start(s, info, from.ctx);
      const ctx = withAgentScope(trace.setSpan(from.ctx, span), { [Attr.AGENT_NAME]: name });
      node = { traceId: s.traceId!, mapping, parent: from, agent: from.mapping === 'agent' ? from : from.agent, span, ctx, parentCtx: from.ctx, holds: 0, heldBy };
    } else {
      const span = this.start(s, info, parent.ctx);
      node = { traceId: s.traceId!, mapping, parent, agent, span, ctx: trace.setSpan(parent.ctx, span), parentCtx: parent.ctx, holds: 0 };
    }
    if (node.span) node.release = trackOpenSpan(node.span);
    this.nodes.set(s.spanId!, node);
    info.open.add(node);
    return node;
  }

  private start(s: SdkSpan, info: TraceInfo, parentCtx: Context, startTime?: number): Span {
    const kind: SpanKindValue = spanKindOf(s.spanData) ?? SpanKindValues.CHAIN;
    const span = this.tracer().startSpan(spanName(spanNameOf(s.spanData)), { attributes: { [Attr.SPAN_KIND]: kind }, startTime }, parentCtx);
    writeAttributes(span, { ...startAttributes(s), [AgentsAttr.GROUP_ID]: info.groupId });
    return span;
  }

  private endModelCall(node: Node, s: SdkSpan): void {
    const info = this.traces.get(node.traceId);
    const switches = this.switches();
    if (node.claimed || !info) {
      node.ended = true;
      info?.open.delete(node);
      return;
    }
    node.span = this.start(s, info, node.parentCtx, node.startTime);
    writeAttributes(node.span, endAttributes(s.spanData, switches));
    this.finish(node, s.error);
  }

  /** Ends a node's span with the SDK's outcome, then any agent that was held open only for it. */
  private finish(node: Node, error: unknown, endTime?: HrTime): void {
    if (node.ended && !node.pendingEnd) return;
    node.ended = true;
    node.pendingEnd = undefined;
    this.traces.get(node.traceId)?.open.delete(node);
    const span = node.span;
    if (span) {
      const failure = errorOf(error);
      if (failure) {
        span.recordException({ name: failure.type, message: failure.message });
        span.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
      } else span.setStatus({ code: SpanStatusCode.OK });
      span.end(endTime);
      node.release?.();
    }
    const holder = node.heldBy;
    if (holder) {
      holder.holds--;
      // Ends with its delegate, to the nanosecond: spans' clocks may disagree by a millisecond.
      if (holder.holds === 0 && holder.pendingEnd) this.finish(holder, holder.pendingEnd.error, endTime ?? endTimeOf(span));
    }
  }
}

/** The end time of an SDK span we ended (the OTel SDK's spans expose it as ReadableSpan.endTime). */
function endTimeOf(span: Span | undefined): HrTime | undefined {
  const t = (span as { endTime?: unknown } | undefined)?.endTime;
  return Array.isArray(t) && t.length === 2 && (t[0] !== 0 || t[1] !== 0) ? (t as HrTime) : undefined;
}

function validId(id: unknown): boolean {
  return typeof id === 'string' && id !== '' && id !== NOOP_ID;
}

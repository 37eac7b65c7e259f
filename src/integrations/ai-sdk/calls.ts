import { context, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { debug } from '../../diagnostics/report';
import { Attr } from '../../semconv/attr';
import { endIncomplete, endOk, endWithError, trackOpen } from '../../instrumentation/span-lifecycle';
import { safely } from '../../instrumentation/safe';
import { writeAttributes } from '../../trace/write';
import { withAgentScope } from '../../trace/identity';
import { parentContext } from '../../trace/parent-context';
import { markTracedCall } from '../../trace/traced-call';
import { isObj, str, type Obj } from '../shape';
import * as map from './attributes';
import { agentOf, markModelCall, withoutAgent } from './context';

/**
 * The AI SDK telemetry integration: the SDK calls these methods at each step of
 * a call (start, model call, tool execution, end, abort, error), and they turn
 * them into OpenInference spans. Events of one call share a `callId`; what is
 * open for a call lives in `calls` until the call ends, so a span started from
 * a later callback (which may run in another async context) still gets the
 * right parent.
 *
 * Every method is synchronous and swallows its own failures: the SDK awaits
 * integration callbacks, and nothing here may slow or break the call.
 */

/** Marks our integration objects, so any copy of the package recognises one already registered. */
export const INTEGRATION_MARK: unique symbol = Symbol.for('@catalyst/tracing.ai-sdk.integration') as never;

export interface AISdkTelemetryOptions {
  /** Resolved on each call, so spans always go to the live provider. */
  getTracer(): Tracer;
  /** Written (with the call's runtime context) as the operation span's `metadata`. */
  metadata?: Record<string, unknown>;
  /**
   * A per-call instance (from createAISdkTelemetrySettings) traces its call even
   * when another tracing integration is registered globally; the global one
   * stands down then (see anotherTracerIntegration below).
   */
  explicit?: boolean;
}

interface CallState {
  root: Span;
  kind: map.OperationKind;
  /** Context children start in: the root span plus the identity it carries. */
  ctx: Context;
  settings: map.CallSettings;
  structured: boolean;
  tools: Map<string, map.ToolDefinition>;
  /** The model call in flight (steps are sequential within a call). */
  llm?: Span;
  /** True when the LLM span was opened from step events (AI SDK 6, which has no model-call events). */
  llmFromStep?: boolean;
  llmCtx?: Context;
  toolSpans: Map<string, Span>;
  release(): void;
}

/** Typed `unknown` so that the object fits every callback of the SDK's `Telemetry` interface. */
type Handler = (event: unknown) => void;

const ev = (event: unknown): Obj => (isObj(event) ? event : {});

export class AISdkTelemetry {
  readonly [INTEGRATION_MARK] = true;
  private readonly calls = new Map<string, CallState>();

  constructor(private readonly options: AISdkTelemetryOptions) {}

  // ---- operation ----------------------------------------------------------

  onStart: Handler = (event) => safely('ai-sdk.onStart', () => this.start(ev(event)));

  onEnd: Handler = (event) => safely('ai-sdk.onEnd', () => this.end(ev(event)));

  /** AI SDK 6 named the end `onFinish`; 7 never calls it on integrations. */
  onFinish: Handler = (event) => safely('ai-sdk.onFinish', () => this.end(ev(event)));

  onAbort: Handler = (event) => safely('ai-sdk.onAbort', () => this.abort(ev(event)));

  onError: Handler = (event) => safely('ai-sdk.onError', () => this.fail(event));

  // ---- model calls ----------------------------------------------------------

  onLanguageModelCallStart: Handler = (event) => safely('ai-sdk.modelStart', () => this.startModelCall(ev(event), false));

  onLanguageModelCallEnd: Handler = (event) => safely('ai-sdk.modelEnd', () => this.endModelCall(ev(event)));

  /** AI SDK 6 has no model-call events: there a step is the model call. In 7 (events carry `aiVersion`) steps are left alone. */
  onStepStart: Handler = (event) =>
    safely('ai-sdk.stepStart', () => {
      const e = ev(event);
      if (e.aiVersion === undefined) this.startModelCall(e, true);
    });

  onStepEnd: Handler = (event) => safely('ai-sdk.stepEnd', () => this.endStepModelCall(ev(event)));

  /** 7 calls both onStepEnd and onStepFinish; the second finds nothing open. */
  onStepFinish: Handler = (event) => safely('ai-sdk.stepFinish', () => this.endStepModelCall(ev(event)));

  /** A step that failed before it produced a result: its model call failed. */
  onStepError: Handler = (event) => safely('ai-sdk.stepError', () => this.failModelCall(ev(event)));

  /** generateObject / streamObject: one model call per operation. */
  onObjectStepStart: Handler = (event) => safely('ai-sdk.objectStart', () => this.startModelCall(ev(event), false));

  onObjectStepEnd: Handler = (event) => safely('ai-sdk.objectEnd', () => this.endModelCall(ev(event)));

  /** The 6.x name; 7 never calls it on integrations. */
  onObjectStepFinish: Handler = (event) => safely('ai-sdk.objectEnd', () => this.endModelCall(ev(event)));

  /**
   * The provider request runs inside the LLM span, so HTTP-client spans nest
   * under it, and a provider SDK we also patch (openai, anthropic) folds into it
   * rather than adding a second LLM span (context.ts).
   */
  executeLanguageModelCall = <T>(options: { callId: string; execute: () => PromiseLike<T> }): PromiseLike<T> => {
    const ctx = safely('ai-sdk.modelContext', () => {
      const llm = this.calls.get(options.callId)?.llmCtx;
      return llm && markTracedCall(llm);
    });
    return ctx ? context.with(ctx, options.execute) : options.execute();
  };

  // ---- tools ----------------------------------------------------------------

  onToolExecutionStart: Handler = (event) => safely('ai-sdk.toolStart', () => this.startTool(ev(event)));

  onToolExecutionEnd: Handler = (event) => safely('ai-sdk.toolEnd', () => this.endTool(ev(event)));

  /** AI SDK 6 names; 7 never calls them on integrations. */
  onToolCallStart: Handler = (event) => safely('ai-sdk.toolStart', () => this.startTool(ev(event)));

  onToolCallFinish: Handler = (event) => safely('ai-sdk.toolEnd', () => this.endTool(ev(event)));

  /** The tool's `execute` runs inside the TOOL span: a generateText inside a tool nests under it. */
  executeTool = <T>(options: { callId: string; toolCallId: string; execute: () => PromiseLike<T> }): PromiseLike<T> => {
    const ctx = safely('ai-sdk.toolContext', () => {
      const call = this.calls.get(options.callId);
      const span = call?.toolSpans.get(options.toolCallId);
      return call && span ? trace.setSpan(call.ctx, span) : undefined;
    });
    return ctx ? context.with(ctx, options.execute) : options.execute();
  };

  // ---- implementation -------------------------------------------------------

  private start(event: Obj): void {
    if (!isObj(event) || !str(event.callId)) return;
    if (!this.options.explicit && (anotherTracerIntegration(this) || insideNativeAiSpan())) return;
    // Where an SDK hands one call to several of our integrations (6.x adds per-call ones to the global list), the first traces it.
    if (!claimCall(event.callId, this)) return;
    const active = parentContext('api');
    const agent = agentOf(active);
    const isAgent = !!agent || map.isAgentCall(event);
    const kind = map.operationKind(event.operationId, isAgent);
    const agentName = kind === 'agent' ? (agent?.id ?? str(event.functionId) ?? 'ToolLoopAgent') : undefined;
    const parent = withoutAgent(active);
    const tracer = this.options.getTracer();
    const name = map.operationSpanName(event.operationId, event.functionId, agentName);
    // The kind is set at start so the identity processor treats a nested agent as a new agent.
    const root = tracer.startSpan(name, { attributes: { [Attr.SPAN_KIND]: map.operationStartAttributes({}, { kind })[Attr.SPAN_KIND] as string } }, parent);
    writeAttributes(root, map.operationStartAttributes(event, { kind, agentName, agentId: agent?.id, metadata: this.options.metadata }));
    let ctx = trace.setSpan(parent, root);
    if (kind === 'agent') ctx = withAgentScope(ctx, { [Attr.AGENT_NAME]: agentName, [Attr.AGENT_ID]: agent?.id });
    const output = event.output;
    const call: CallState = {
      root,
      kind,
      ctx,
      settings: map.callSettingsOf(event),
      structured: (isObj(output) && str(output.name) !== undefined && output.name !== 'text') || typeof output === 'string',
      tools: new Map(),
      toolSpans: new Map(),
      release: () => undefined,
    };
    // At exit, a call still open (a stream the app stopped reading) ends with its model and tool spans.
    call.release = trackOpen((reason) => endCallIncomplete(call, reason));
    // Output.object() and friends hand their JSON schema over as a promise.
    if (isObj(output) && isObj(output.responseFormat) && typeof output.responseFormat.then === 'function') {
      Promise.resolve(output.responseFormat).then(
        (format: unknown) => {
          if (isObj(format) && format.type !== 'text') call.settings.responseFormat = format;
        },
        () => undefined,
      );
    }
    this.calls.set(event.callId, call);
    this.evictOldest();
  }

  /**
   * A stream the app stops reading without aborting it (a `break`, a client
   * that hung up) gets no end event from the SDK: its call stays open. The
   * oldest such calls are ended past a bound, so a long-running server never
   * accumulates them; the rest end at exit (both marked `incomplete`).
   */
  private evictOldest(): void {
    while (this.calls.size > MAX_OPEN_CALLS) {
      const call = this.take(this.calls.keys().next().value);
      if (call) endCallIncomplete(call, 'no end event from the AI SDK');
    }
  }

  private end(event: Obj): void {
    const call = this.take(event?.callId);
    if (!call) return;
    if (call.llm) endOk(call.llm);
    for (const s of call.toolSpans.values()) endOk(s);
    writeAttributes(call.root, map.operationEndAttributes(event, call.kind, call.structured));
    // A stream that failed mid-way ends normally for the app (its onError saw the error): the span says it failed.
    const error = streamError(event.finalStep ?? event);
    if (error !== undefined) endWithError(call.root, error);
    else endOk(call.root);
  }

  private abort(event: Obj): void {
    const call = this.take(event.callId);
    if (!call) return;
    if (call.llm) cancel(call.llm);
    for (const s of call.toolSpans.values()) cancel(s);
    cancel(call.root);
  }

  private fail(event: unknown): void {
    const error = isObj(event) && 'error' in event ? event.error : event;
    const callId = isObj(event) ? str(event.callId) : undefined;
    const call = callId ? this.take(callId) : this.takeOnly();
    if (!call) return;
    if (call.llm) endWithError(call.llm, error);
    for (const s of call.toolSpans.values()) endWithError(s, error);
    endWithError(call.root, error);
  }

  private failModelCall(event: Obj): void {
    const call = this.calls.get(event.callId);
    if (!call?.llm) return;
    endWithError(call.llm, event.error);
    call.llm = undefined;
    call.llmCtx = undefined;
  }

  private startModelCall(event: Obj, fromStep: boolean): void {
    const call = this.calls.get(event?.callId);
    if (!call || call.kind === 'embedding' || call.kind === 'reranker') return;
    // A model call still open here was never closed by the SDK (a retried step): close it before the next.
    if (call.llm) endOk(call.llm);
    if (Array.isArray(event.tools)) call.tools = map.toolDefinitions(event.tools);
    const span = this.options.getTracer().startSpan(`chat ${str(event.modelId) ?? 'model'}`, undefined, call.ctx);
    writeAttributes(span, map.modelCallStartAttributes(event, call.settings));
    call.llm = span;
    call.llmFromStep = fromStep;
    call.llmCtx = markModelCall(trace.setSpan(call.ctx, span));
  }

  private endModelCall(event: Obj): void {
    const call = this.calls.get(event?.callId);
    if (!call?.llm) return;
    writeAttributes(call.llm, map.modelCallEndAttributes(event));
    endOk(call.llm);
    call.llm = undefined;
    call.llmCtx = undefined;
  }

  /**
   * A step's end closes its model call only when nothing else did: on AI SDK 6
   * (the step is the model call), or when a stream failed mid-way (an `error`
   * part: 7 then reports no model-call end, and the step ends with the error).
   */
  private endStepModelCall(event: Obj): void {
    const call = this.calls.get(event?.callId);
    if (!call?.llm) return;
    const error = streamError(event);
    if (error === undefined) return this.endModelCall(event);
    endWithError(call.llm, error);
    call.llm = undefined;
    call.llmCtx = undefined;
  }

  private startTool(event: Obj): void {
    const call = this.calls.get(event?.callId);
    const toolCall = event?.toolCall;
    if (!call || !isObj(toolCall)) return;
    const id = str(toolCall.toolCallId) ?? String(call.toolSpans.size);
    const span = this.options.getTracer().startSpan(str(toolCall.toolName) ?? 'tool', undefined, call.ctx);
    writeAttributes(span, map.toolStartAttributes(toolCall, call.tools.get(str(toolCall.toolName) ?? '')));
    call.toolSpans.set(id, span);
  }

  private endTool(event: Obj): void {
    const call = this.calls.get(event?.callId);
    const id = str(event?.toolCall?.toolCallId);
    const span = id ? call?.toolSpans.get(id) : undefined;
    if (!call || !span || !id) return;
    call.toolSpans.delete(id);
    // 7.x: `toolOutput`; 6.x: `success` with `output` or `error`.
    const output = event.toolOutput ?? (event.success === false || event.error !== undefined ? { type: 'tool-error', error: event.error } : { type: 'tool-result', output: event.output });
    if (isObj(output) && output.type === 'tool-error') {
      endWithError(span, output.error);
      return;
    }
    writeAttributes(span, map.toolEndAttributes(output));
    endOk(span);
  }

  private take(callId: unknown): CallState | undefined {
    const id = str(callId);
    const call = id ? this.calls.get(id) : undefined;
    if (!call || !id) return undefined;
    this.calls.delete(id);
    releaseCall(id, this);
    call.release();
    return call;
  }

  /** An error event without a callId (older SDKs): only unambiguous when one call is open. */
  private takeOnly(): CallState | undefined {
    if (this.calls.size !== 1) return undefined;
    return this.take(this.calls.keys().next().value);
  }
}

/** Open calls kept per integration before the oldest is ended (see evictOldest). */
const MAX_OPEN_CALLS = 1000;

/** A call whose end never came: its model and tool spans, then its own. */
function endCallIncomplete(call: CallState, reason: string): void {
  for (const s of [call.llm, ...call.toolSpans.values(), call.root]) if (s) endIncomplete(s, reason);
}

/** Calls being traced, by callId, across every integration object of every copy of the package. */
const CLAIMS = Symbol.for('@catalyst/tracing.ai-sdk.calls');
function claims(): Map<string, object> {
  const g = globalThis as typeof globalThis & { [CLAIMS]?: Map<string, object> };
  return (g[CLAIMS] ??= new Map());
}
function claimCall(callId: string, owner: object): boolean {
  const all = claims();
  const current = all.get(callId);
  if (current && current !== owner) return false;
  all.set(callId, owner);
  return true;
}
function releaseCall(callId: string, owner: object): void {
  if (claims().get(callId) === owner) claims().delete(callId);
}

/** Session and user (and the outer metadata and tags) carry into an agent; its own id and name replace the outer agent's. */
/** The error part of a step that failed mid-stream (its finish reason is `error`), if any. */
function streamError(step: Obj): unknown {
  if (!isObj(step) || !Array.isArray(step.content)) return undefined;
  const part = step.content.find((p: unknown) => isObj(p) && p.type === 'error');
  if (part) return part.error ?? new Error('stream error');
  return step.finishReason === 'error' ? new Error('the model stream ended with an error') : undefined;
}

/** Cut short by the app (an aborted stream): not a failure, but said on the span. */
function cancel(span: Span): void {
  safely('span.cancel', () => span.isRecording() && span.addEvent('cancelled'));
  endOk(span);
}


/**
 * One call, one trace. Two other things can turn an AI SDK call into spans:
 *
 * - `@ai-sdk/otel` (`registerTelemetry(new OpenTelemetry())` or
 *   `LegacyOpenTelemetry`), whose `gen_ai.*` / `ai.*` spans an OpenInference
 *   span processor may convert. When such an integration is registered
 *   globally next to ours, our global integration stands down for every call
 *   that uses the global list: the app chose that pipeline.
 * - AI SDK 6's built-in spans (`experimental_telemetry.isEnabled`), named
 *   `ai.generateText`, `ai.streamText`...: when our `onStart` runs inside one,
 *   the call is already traced and we stand down for it.
 *
 * A per-call integration (createAISdkTelemetrySettings) never stands down: it
 * replaces the global list for its call, so it is the only one there.
 */
type GlobalWithIntegrations = typeof globalThis & { AI_SDK_TELEMETRY_INTEGRATIONS?: unknown[] };

const OTEL_INTEGRATION = /OpenTelemetry|OpenInference/i;

function isTracerLike(value: unknown): boolean {
  return !!value && typeof (value as { startSpan?: unknown }).startSpan === 'function';
}

/** An integration, registered globally, that emits OpenTelemetry spans of its own. */
export function isTracingIntegration(integration: unknown): boolean {
  if (!integration || typeof integration !== 'object' || (integration as Record<symbol, unknown>)[INTEGRATION_MARK]) return false;
  const name = (integration as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof name === 'string' && OTEL_INTEGRATION.test(name)) return true;
  const i = integration as Record<string, unknown>;
  return isTracerLike(i.tracer) || isTracerLike(i._tracer);
}

let reported = false;

export function anotherTracerIntegration(self: object): boolean {
  const list = (globalThis as GlobalWithIntegrations).AI_SDK_TELEMETRY_INTEGRATIONS;
  if (!Array.isArray(list) || list.length < 2 || !list.includes(self)) return false;
  const other = list.some(isTracingIntegration);
  if (other && !reported) {
    reported = true;
    debug('ai: another OpenTelemetry integration is registered with registerTelemetry(); Catalyst leaves AI SDK calls to it');
  }
  return other;
}

const NATIVE_SPAN = /^ai\.(generateText|streamText|generateObject|streamObject|embed|embedMany|rerank)\b/;

export function insideNativeAiSpan(): boolean {
  const span = trace.getActiveSpan() as { name?: unknown; isRecording(): boolean } | undefined;
  return !!span && typeof span.name === 'string' && NATIVE_SPAN.test(span.name) && span.isRecording();
}

import { context, SpanStatusCode, trace, type Attributes, type Context, type SpanOptions, type Span as ApiSpan } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/sdk-trace-base';
import { Attr } from '../../semconv/attr';
import { livePipeline } from '../../state';
import { safely } from '../../instrumentation/safe';
import { getIdentity, withIdentity } from '../../trace/identity';
import { registerParentResolver } from '../../trace/parent-context';
import { hasForeignGlobalProvider, intakeTracer, registerScopeRule, takeAttributes } from '../../trace/scope-intake';
import { writeAttributes } from '../../trace/write';
import { isLiveKitKey, liveKitSpanAttributes } from './attributes';
import { foldModelCall, LIVEKIT_SCOPE, markOurs } from './context';
import type { LiveKitProcessor, TracerOwner } from './owner';

/** The owner of each span our pipeline made for LiveKit, for its processors at the end. */
const owners = new WeakMap<object, TracerOwner>();

/** The identity (agentSpan, withSession...) each LiveKit span started in, for the spans LiveKit starts under it. */
const identities = new WeakMap<object, Attributes>();

/**
 * LiveKit starts some spans in a context it builds from its parent span alone
 * (`on_enter` under `start_agent_activity`), which drops the identity an
 * agentSpan around the session put in the context: it is taken from the
 * parent span then, so every span of the session carries it.
 */
function withParentIdentity(ctx: Context): Context {
  if (getIdentity(ctx)) return ctx;
  const parent = trace.getSpan(ctx);
  const identity = parent && identities.get(parent);
  return identity ? withIdentity(ctx, identity) : ctx;
}

let registered = false;

/** At LiveKit's first span: the scope rule converting its spans, and the fold of the provider call inside a request. */
function ensureRule(): void {
  if (registered) return;
  registered = true;
  registerScopeRule({ scope: LIVEKIT_SCOPE, onEnding: (span) => (convertLiveKitSpan(span), 'keep') });
  registerParentResolver(LIVEKIT_SCOPE, foldModelCall);
}

/**
 * One span LiveKit starts. Under the agent (the preload, setup(),
 * instrumentLiveKitAgents) it is made by our pipeline under LiveKit's own
 * scope, so the intake rule converts it as it ends; under an app's own global
 * provider `intakeTracer` returns that provider's tracer and the span goes
 * there untouched. With installLiveKitAgentsInstrumentation(provider) it is
 * made by that provider and converted as it ends here, since no intake sits in
 * a provider we do not own.
 */
export function startLiveKitSpan(owner: TracerOwner, version: string | undefined, name: string, options: SpanOptions | undefined, ctx: Context | undefined): ApiSpan | undefined {
  return safely('livekit-agents.start', () => {
    ensureRule();
    const pipeline = livePipeline();
    const viaIntake = pipeline !== undefined && owner.ctx.getTracer() === pipeline.tracer;
    const tracer = viaIntake ? intakeTracer(LIVEKIT_SCOPE, version) : owner.ctx.getTracer();
    const parent = withParentIdentity(ctx ?? context.active());
    const span = tracer.startSpan(name, options, parent);
    const identity = getIdentity(parent);
    if (identity) identities.set(span, identity);
    // Under an app's own global provider the span is the app's, as it would be without us.
    if (!span.isRecording() || (viaIntake && hasForeignGlobalProvider())) return span;
    if (viaIntake) markOurs(span);
    else convertAtEnd(span);
    if (owner.processors.length > 0) {
      owners.set(span, owner);
      for (const p of owner.processors) safely('livekit-agents.processor', () => p.onStart?.(span, parent));
    }
    return span;
  });
}

/** A span of a provider we do not own: converted just before it ends, while it can still be written. */
function convertAtEnd(span: ApiSpan): void {
  if (typeof (span as Partial<Span>).attributes !== 'object') return;
  const end = span.end;
  span.end = function (this: ApiSpan, endTime) {
    safely('livekit-agents.convert', () => convertLiveKitSpan(span as unknown as Span));
    return end.call(this, endTime);
  };
}

/**
 * LiveKit's processors see the span as LiveKit made it, before it is
 * converted: its PII redaction first (so LIVEKIT_TELEMETRY_ALLOW_PII=false
 * keeps content out of ours too), then a processor that exports (LiveKit
 * Cloud's upload) gets a copy of the attributes as they are now, since ours
 * are about to replace them in place.
 */
function runLiveKitProcessors(processors: readonly LiveKitProcessor[], span: Span): void {
  for (const p of processors) safely('livekit-agents.processor', () => p.onEnding?.(span));
  const exporting = processors.filter((p) => typeof p.onEnd === 'function');
  if (exporting.length === 0) return;
  const view = Object.create(span) as Span;
  Object.defineProperty(view, 'attributes', { value: { ...span.attributes }, enumerable: true });
  Object.defineProperty(view, 'events', { value: span.events.map((e) => ({ ...e, attributes: { ...e.attributes } })), enumerable: true });
  Object.defineProperty(view, 'status', { value: { ...span.status }, enumerable: true });
  for (const p of exporting) safely('livekit-agents.processor', () => p.onEnd!(view));
}

/** Identity set by an agentSpan or withSession() around the session wins over LiveKit's own names. */
const IDENTITY_KEYS = [Attr.AGENT_NAME, Attr.SESSION_ID];

/**
 * LiveKit's span → OpenInference, in place: LiveKit's keys are taken off
 * (`gen_ai.input.messages` and `lk.pii.*` hold the conversation, which must
 * pass our privacy rules) and ours written through writeAttributes. GenAI
 * content events, which no privacy rule of ours would see, are removed too.
 */
export function convertLiveKitSpan(span: Span): void {
  const owner = owners.get(span);
  if (owner) runLiveKitProcessors(owner.processors, span);
  const own = takeAttributes(span, isLiveKitKey);
  const { attributes, error } = liveKitSpanAttributes(span.name, own);
  for (const key of IDENTITY_KEYS) if (span.attributes[key] !== undefined) delete attributes[key];
  writeAttributes(span, attributes);
  const events = span.events as Span['events'] & unknown[];
  const kept = events.filter((e) => !e.name.startsWith('gen_ai.'));
  if (kept.length !== events.length) events.splice(0, events.length, ...kept);
  if (error && span.status.code !== SpanStatusCode.ERROR) {
    // The SDK span's status is a plain field; setStatus() would refuse to leave OK once set.
    (span as { status: { code: SpanStatusCode; message?: string } }).status = { code: SpanStatusCode.ERROR, message: error };
  }
}

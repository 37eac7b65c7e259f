import { context, trace, INVALID_SPAN_CONTEXT, type Span, type SpanContext } from '@opentelemetry/api';

/**
 * `@anthropic-ai/sdk` 1.x traces itself: every API call starts a `CLIENT` span
 * (`anthropic.messages.create`, tracer `com.anthropic.sdk.typescript`, `gen_ai.*`
 * keys) on the global tracer provider, or on the client's
 * `openTelemetry.tracerProvider`, unless `ANTHROPIC_OPEN_TELEMETRY=false`. It
 * also sends that span's trace context (`traceparent`...) with the request.
 *
 * The decision, for the calls this integration traces (messages.create and
 * stream, beta.messages.create and stream, and the helpers built on them):
 * the native span is switched off and ours takes its place, including in the
 * trace context the SDK propagates.
 *
 * How: the SDK lets a caller hand a call its span in the request options
 * (`__span`; its own stream helpers do this), and then starts none. We hand it
 * a stand-in: a span that records nothing and whose context is our LLM span's.
 * So the SDK records no attributes and exports no span, and the `traceparent`
 * it injects names our LLM span as the parent of whatever the server side does.
 *
 * Why not fold the native span into ours: its attributes exist only when the
 * app registered a global provider, its content mode bypasses our privacy rules,
 * and its data (model, usage, stop reason) is what our span already carries.
 *
 * The SDK's own settings still hold:
 * - `ANTHROPIC_OPEN_TELEMETRY=false` (or `openTelemetry: false`): the client has
 *   no tracer, so nothing is handed over; it sends no trace context, as the SDK
 *   documents, and our span is there as always.
 * - `ANTHROPIC_OPEN_TELEMETRY_PROPAGATION=false`: no trace headers, as asked.
 * - Calls we do not trace (countTokens, batches, files, models...) and the tool
 *   runner's own `tool_runner` / tool-use spans keep their native spans.
 */
const STAND_IN = Symbol.for('@catalyst/tracing.anthropic.stand-in');

const NATIVE_SPAN_NAME = 'anthropic.messages.create';

/** A span that records nothing and carries our LLM span's context once bound. */
export class StandInSpan implements Span {
  private bound: Span | undefined;
  private readonly fallback: SpanContext;

  constructor() {
    // Until bound (the stream helper asks for its span before the call starts), the caller's context.
    this.fallback = trace.getSpanContext(context.active()) ?? INVALID_SPAN_CONTEXT;
  }

  bind(span: Span): void {
    this.bound = span;
  }

  spanContext(): SpanContext {
    return this.bound?.spanContext() ?? this.fallback;
  }
  setAttribute(): this {
    return this;
  }
  setAttributes(): this {
    return this;
  }
  addEvent(): this {
    return this;
  }
  addLink(): this {
    return this;
  }
  addLinks(): this {
    return this;
  }
  setStatus(): this {
    return this;
  }
  updateName(): this {
    return this;
  }
  end(): void {}
  isRecording(): boolean {
    return false;
  }
  recordException(): void {}
}

/** The SDK's `ApiCallSpan` shape, with our mark. */
export interface StandInCall {
  span: StandInSpan;
  name: string;
  startTime: number;
  [STAND_IN]: true;
}

interface ClientLike {
  _tracer?: unknown;
}

export function isStandIn(call: unknown): call is StandInCall {
  return !!call && typeof call === 'object' && (call as Record<symbol, unknown>)[STAND_IN] === true;
}

/** Whether the client would start a native span: it has a tracer (1.x with OTel, telemetry not disabled). */
export function clientTracesItself(client: unknown): boolean {
  return !!client && typeof client === 'object' && !!(client as ClientLike)._tracer;
}

function standIn(): StandInCall {
  return { span: new StandInSpan(), name: NATIVE_SPAN_NAME, startTime: Date.now(), [STAND_IN]: true };
}

/**
 * For `create`: the request options to call the SDK with so that it starts no
 * span of its own and propagates `span`'s context, or undefined to call it with
 * the options unchanged (the client does not trace itself, or a stand-in is
 * already there and has now been bound to `span`).
 */
export function optionsForCreate(client: unknown, options: unknown, span: Span): Record<string, unknown> | undefined {
  const existing = options && typeof options === 'object' ? (options as { __span?: unknown }).__span : undefined;
  if (isStandIn(existing)) {
    existing.span.bind(span);
    return undefined;
  }
  // A native span someone else started (not one of ours) is left alone.
  if (existing || !clientTracesItself(client)) return undefined;
  const call = standIn();
  call.span.bind(span);
  return { ...(options as object | undefined), __span: call };
}

/**
 * For the stream helpers (`messages.stream()`), which start the native span
 * before they call `create`: options carrying an unbound stand-in, which our
 * `create` wrapper binds to the LLM span it starts.
 */
export function optionsForStreamHelper(client: unknown, options: unknown): Record<string, unknown> | undefined {
  const existing = options && typeof options === 'object' ? (options as { __span?: unknown }).__span : undefined;
  if (existing || !clientTracesItself(client)) return undefined;
  return { ...(options as object | undefined), __span: standIn() };
}

import { propagation, trace, type Context } from '@opentelemetry/api';

/**
 * The W3C `traceparent` of a context's span, for a child process that reads
 * TRACEPARENT from its environment (the Claude Code binary does, with its own
 * telemetry on): the registered propagator's, else built from the span context.
 */
export function traceparentOf(ctx: Context): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  if (carrier.traceparent) return carrier.traceparent;
  const sc = trace.getSpanContext(ctx);
  if (!sc || !trace.isSpanContextValid(sc)) return undefined;
  return `00-${sc.traceId}-${sc.spanId}-0${sc.traceFlags & 1}`;
}

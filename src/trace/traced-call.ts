import { context, createContextKey, type Context } from '@opentelemetry/api';

/**
 * Marks the context a traced SDK call runs in, so that a request it sends can
 * be told from one sent by code the agent never patched (an SDK a bundler
 * inlined): instrumentation/untraced-requests.ts asks when a request to a
 * provider's API goes out. Set on every traced provider call, traced or folded.
 *
 * The mark's value can carry what the call needs further down its own
 * context (instrumentation/sent-body.ts puts the receiver of the request body
 * there): one context entry per call instead of two, as each entry is a copy
 * of the context's map.
 */
const TRACED_CALL = createContextKey('@catalyst/tracing.traced-call');

/** `ctx` marked as a traced call, carrying `detail` (or plain `true`). A context already marked is returned as it is unless a detail is given. */
export function markTracedCall(ctx: Context, detail?: object): Context {
  if (detail === undefined && ctx.getValue(TRACED_CALL) !== undefined) return ctx;
  return ctx.setValue(TRACED_CALL, detail ?? true);
}

/** Whether the code running now runs inside a traced call. */
export function inTracedCall(): boolean {
  return context.active().getValue(TRACED_CALL) !== undefined;
}

/** What the traced call the code runs in carries (see markTracedCall), if anything. */
export function tracedCallDetail(): unknown {
  return context.active().getValue(TRACED_CALL);
}

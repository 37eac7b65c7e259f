import { context, createContextKey, type Context } from '@opentelemetry/api';

/**
 * Marks the context a traced SDK call runs in, so that a request it sends can
 * be told from one sent by code the agent never patched (an SDK a bundler
 * inlined): instrumentation/untraced-requests.ts asks when a request to a
 * provider's API goes out. Set on every traced provider call, traced or folded.
 */
const TRACED_CALL = createContextKey('@catalyst/tracing.traced-call');

export function markTracedCall(ctx: Context): Context {
  return ctx.setValue(TRACED_CALL, true);
}

/** Whether the code running now runs inside a traced call. */
export function inTracedCall(): boolean {
  return context.active().getValue(TRACED_CALL) === true;
}

import { createContextKey, type Context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { registerParentResolver } from '../../trace/parent-context';

// What patch.ts and calls.ts hand each other through the OTel context, and the parent resolver.

/**
 * One model turn, one LLM span. pi-ai's built-in providers call the bundled
 * `openai` and `@anthropic-ai/sdk` packages, which our provider patches reach
 * too: inside a pi-ai turn, those patches' spans are folded into the turn span
 * (the provider call runs with tracing suppressed), so a turn is never doubled.
 */
const TURN_KEY = createContextKey('@catalyst/tracing.pi-ai.turn');

export function markTurn(ctx: Context): Context {
  return ctx.setValue(TURN_KEY, true);
}

export function installFold(): void {
  registerParentResolver('pi-ai', (active, origin) => (origin === 'provider' && active.getValue(TURN_KEY) === true ? suppressTracing(active) : undefined));
}

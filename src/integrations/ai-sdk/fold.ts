import { createContextKey, type Context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { registerParentResolver } from '../../trace/parent-context';

/**
 * One model call, one LLM span. AI SDK providers (`@ai-sdk/openai`,
 * `@ai-sdk/anthropic`, `@ai-sdk/openai-compatible`...) call the HTTP API with
 * fetch, so our `openai` and `anthropic` patches never see their calls. A
 * community provider built on the `openai` or `@anthropic-ai/sdk` package would
 * be seen twice, though: inside an AI SDK model call, the provider patches'
 * span is folded into the AI SDK's LLM span (started with tracing suppressed).
 */
const MODEL_CALL_KEY = createContextKey('@catalyst/tracing.ai-sdk.model-call');

export function markModelCall(ctx: Context): Context {
  return ctx.setValue(MODEL_CALL_KEY, true);
}

export function installFold(): void {
  registerParentResolver('ai-sdk', (active, origin) => (origin === 'provider' && active.getValue(MODEL_CALL_KEY) === true ? suppressTracing(active) : undefined));
}

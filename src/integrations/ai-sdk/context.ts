import { createContextKey, type Context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { registerParentResolver } from '../../trace/parent-context';

// What patch.ts and calls.ts hand each other through the OTel context, and the parent resolver.

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

/**
 * Which agent a text call runs for. ToolLoopAgent's generate() and stream()
 * call generateText / streamText, whose telemetry events say nothing of the
 * agent but its user-agent tag; the agent's `id` is carried to them in the
 * context instead. The operation span reads it at `onStart` and removes it, so
 * a call made inside a tool of the agent is not mistaken for the agent itself.
 */
const AGENT_KEY = createContextKey('@catalyst/tracing.ai-sdk.agent');

export interface AgentInfo {
  id?: string;
}

export function agentOf(ctx: Context): AgentInfo | undefined {
  return ctx.getValue(AGENT_KEY) as AgentInfo | undefined;
}

export function withoutAgent(ctx: Context): Context {
  return ctx.getValue(AGENT_KEY) === undefined ? ctx : ctx.deleteValue(AGENT_KEY);
}

export function withAgent(ctx: Context, info: AgentInfo): Context {
  return ctx.setValue(AGENT_KEY, info);
}

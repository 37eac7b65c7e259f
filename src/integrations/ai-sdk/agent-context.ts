import { livePipeline } from '../../state';
import { context, createContextKey, type Context } from '@opentelemetry/api';
import { wrapMethod, unwrapMethod } from '../../instrumentation/wrap-method';
import { safely } from '../../instrumentation/safe';
import { isObj, str } from '../shape';

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

const METHODS = ['generate', 'stream'] as const;

function agentClass(moduleExports: unknown): { prototype?: object } | undefined {
  const m = moduleExports as Record<string, unknown> | undefined;
  const cls = m?.ToolLoopAgent ?? m?.Experimental_Agent;
  return typeof cls === 'function' ? (cls as { prototype?: object }) : undefined;
}

/** Wraps ToolLoopAgent's generate() and stream() to carry the agent's id into its call. Returns how many methods were wrapped. */
export function wrapAgentClass(moduleExports: unknown): number {
  const proto = agentClass(moduleExports)?.prototype;
  if (!proto) return 0;
  let wrapped = 0;
  for (const name of METHODS) {
    const done = wrapMethod(proto, name, (original) =>
      function tracedAgentCall(this: unknown, ...args: unknown[]) {
        const info = safely('ai-sdk.agent', () => ({ id: isObj(this) ? str((this as { id?: unknown }).id) : undefined }));
        if (!info) return original.apply(this, args);
        // The context manager starts with the pipeline; before it, context.with() would carry nothing (the
        // first agent call of a preloaded app would lose its id). As in api/context-helpers.ts.
        livePipeline();
        return context.with(context.active().setValue(AGENT_KEY, info), () => original.apply(this, args));
      },
    );
    if (done) wrapped++;
  }
  return wrapped;
}

export function unwrapAgentClass(moduleExports: unknown): void {
  const proto = agentClass(moduleExports)?.prototype;
  if (proto) for (const name of METHODS) unwrapMethod(proto, name);
}

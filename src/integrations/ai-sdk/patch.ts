import { context } from '@opentelemetry/api';
import type { IntegrationPatcher } from '../types';
import { debug } from '../../diagnostics/report';
import { wrapMethod, unwrapMethod } from '../../instrumentation/wrap-method';
import { safely } from '../../instrumentation/safe';
import { livePipeline } from '../../state';
import { isObj, str } from '../shape';
import { AISdkTelemetry, INTEGRATION_MARK, type AISdkTelemetryOptions } from './calls';
import { installFold, withAgent } from './context';

/**
 * What loading `ai` does: register our telemetry integration in the SDK's
 * global list (below), and wrap ToolLoopAgent's generate() and
 * stream() only to tell the agent's calls apart (context.ts carries the agent). No call
 * path of the SDK is wrapped: spans come from the SDK's own telemetry events.
 */
function isAiModule(m: unknown): m is Record<string, unknown> {
  if (!m || (typeof m !== 'object' && typeof m !== 'function')) return false;
  const x = m as Record<string, unknown>;
  return typeof x.generateText === 'function' || typeof x.registerTelemetry === 'function' || typeof x.streamText === 'function';
}

export const aiSdkPatcher: IntegrationPatcher = {
  patch(moduleExports, ctx) {
    if (!isAiModule(moduleExports)) throw new Error('no generateText or registerTelemetry in this module');
    let count = registerIntegration({ getTracer: () => ctx.getTracer() }, moduleExports) ? 1 : 0;
    count += wrapAgentClass(moduleExports);
    return count;
  },
  unpatch(moduleExports) {
    unregisterIntegration();
    unwrapAgentClass(moduleExports);
  },
};

/**
 * The SDK's own door: `ai` 7 keeps its telemetry integrations in
 * `globalThis.AI_SDK_TELEMETRY_INTEGRATIONS` (`registerTelemetry()` pushes
 * there; 6.x has `registerTelemetryIntegration()` and the same list), and
 * every call without per-call integrations reports to that list. Registering
 * one integration there traces every call of every copy of `ai` in the
 * process, with nothing monkey-patched.
 *
 * Once per process: the list is global, so a second hook fire, a second copy
 * of `ai`, preload plus setup(), or two copies of this package find our
 * integration there (by its mark) and add nothing.
 */
type AiRegistry = {
  registerTelemetry?: (...integrations: unknown[]) => void;
  registerTelemetryIntegration?: (...integrations: unknown[]) => void;
};
type GlobalWithIntegrations = typeof globalThis & { AI_SDK_TELEMETRY_INTEGRATIONS?: unknown[] };

export function registeredIntegration(): AISdkTelemetry | undefined {
  const list = (globalThis as GlobalWithIntegrations).AI_SDK_TELEMETRY_INTEGRATIONS;
  return Array.isArray(list) ? (list.find((i) => !!i && typeof i === 'object' && (i as Record<symbol, unknown>)[INTEGRATION_MARK]) as AISdkTelemetry | undefined) : undefined;
}

/** Registers our integration unless one is already there; true when this call added it. */
export function registerIntegration(options: AISdkTelemetryOptions, aiModule?: unknown): boolean {
  if (registeredIntegration()) return false;
  const integration = new AISdkTelemetry(options);
  const ai = (aiModule ?? {}) as AiRegistry;
  if (typeof ai.registerTelemetry === 'function') ai.registerTelemetry(integration);
  else if (typeof ai.registerTelemetryIntegration === 'function') ai.registerTelemetryIntegration(integration);
  else {
    const g = globalThis as GlobalWithIntegrations;
    (g.AI_SDK_TELEMETRY_INTEGRATIONS ??= []).push(integration);
  }
  installFold();
  debug('ai: telemetry integration registered');
  return true;
}

export function unregisterIntegration(): void {
  const list = (globalThis as GlobalWithIntegrations).AI_SDK_TELEMETRY_INTEGRATIONS;
  const ours = registeredIntegration();
  if (!Array.isArray(list) || !ours) return;
  list.splice(list.indexOf(ours), 1);
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
        return context.with(withAgent(context.active(), info), () => original.apply(this, args));
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

import type { IntegrationPatcher } from '../types';
import { registerIntegration, unregisterIntegration } from './registration';
import { unwrapAgentClass, wrapAgentClass } from './agent-context';

/**
 * What loading `ai` does: register our telemetry integration in the SDK's
 * global list (registration.ts), and wrap ToolLoopAgent's generate() and
 * stream() only to tell the agent's calls apart (agent-context.ts). No call
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

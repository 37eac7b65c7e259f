import { startAgent, patchContext } from '../agent';
import { applyIntegration } from '../integrations/install';
import type { IntegrationSpec } from '../integrations/types';

/**
 * instrumentX(moduleOrClass): start the agent if nothing has yet (environment
 * configuration, as the preload would), then patch what the caller handed over.
 */
export function patchClass(spec: IntegrationSpec, moduleOrClass: unknown): boolean {
  const { state, active } = startAgent({}, 'setup');
  if (!active) return false;
  return applyIntegration(spec, moduleOrClass, patchContext(state)).status === 'patched';
}

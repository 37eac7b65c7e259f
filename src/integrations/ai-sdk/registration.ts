import { debug } from '../../diagnostics/report';
import { AISdkTelemetry, type AISdkTelemetryOptions } from './telemetry';
import { INTEGRATION_MARK } from './mark';
import { installFold } from './fold';

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

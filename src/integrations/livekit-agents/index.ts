/**
 * `@catalyst/tracing/livekit-agents`: LiveKit Agents sessions (`voice.AgentSession`,
 * text or voice) as OpenInference spans, from the spans LiveKit makes itself.
 * The preload does this when `@livekit/agents` loads; call
 * `instrumentLiveKitAgents(agents)` where the loader hooks cannot see it
 * (bundled apps), or `installLiveKitAgentsInstrumentation(provider)` under a
 * tracer provider the app owns.
 */
import type { TracerProvider } from '@opentelemetry/api';
import { patchClass } from '../../api/explicit';
import { createInstrumentation, type CatalystInstrumentation } from '../instrumentation-adapter';
import { findIntegration } from '../registry';

const spec = () => findIntegration('livekit-agents')!;

/**
 * Hand LiveKit's telemetry our tracer provider, given the package's namespace
 * (`import * as agents from '@livekit/agents'`) or its `telemetry` namespace.
 * Returns true when LiveKit's spans reach our pipeline (false when tracing is
 * off, or the app gave LiveKit a tracer provider of its own, which it keeps).
 */
export function instrumentLiveKitAgents(agents: unknown): boolean {
  return patchClass(spec(), agents);
}

/**
 * An OpenTelemetry instrumentation for `@livekit/agents`, for apps that run
 * their own tracer provider: LiveKit's spans are made by `provider` (else the
 * global provider) and converted to OpenInference as they end.
 */
export function installLiveKitAgentsInstrumentation(provider?: TracerProvider): CatalystInstrumentation {
  return createInstrumentation(spec(), provider);
}

export { livekitAgentsPatcher } from './patch';

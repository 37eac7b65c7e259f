/**
 * `@catalyst/tracing/pi-agent-core`: explicit ways to trace the agent loop of
 * `@mariozechner/pi-agent-core` where the loader hooks cannot see the import
 * (bundled apps), or under a tracer provider the user owns. Its model turns
 * are pi-ai's: trace pi-ai too (`@catalyst/tracing/pi-ai`).
 */
import type { TracerProvider } from '@opentelemetry/api';
import { patchClass } from '../../api/explicit';
import { createInstrumentation, type CatalystInstrumentation } from '../instrumentation-adapter';
import { findIntegration } from '../registry';

const spec = () => findIntegration('pi-agent-core')!;

/** Trace pi-agent-core given its module namespace (or its `Agent` class); returns true when it is traced. */
export function instrumentPiAgentCore(moduleExports: unknown): boolean {
  return patchClass(spec(), moduleExports);
}

/** An OpenTelemetry instrumentation for pi-agent-core; spans go to `provider` when given, else to the global tracer provider. */
export function installPiAgentCoreInstrumentation(provider?: TracerProvider): CatalystInstrumentation {
  return createInstrumentation(spec(), provider);
}

export { piAgentCorePatcher } from './patch';

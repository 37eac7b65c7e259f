/**
 * `@catalyst/tracing/openai-agents`: explicit ways to trace the OpenAI Agents
 * SDK (`@openai/agents`, `@openai/agents-core`) where the loader hooks cannot
 * see the import (bundled apps), or under a tracer provider the user owns.
 */
import type { TracerProvider } from '@opentelemetry/api';
import { patchClass } from '../../api/explicit';
import { createInstrumentation, type CatalystInstrumentation } from '../instrumentation-adapter';
import { findIntegration } from '../registry';

const spec = () => findIntegration('openai-agents')!;

/**
 * Trace the Agents SDK given its module (`@openai/agents` or `@openai/agents-core`,
 * namespace or CJS exports): adds our tracing processor beside the SDK's own.
 * Returns true when it is traced. One call per process is enough; more are harmless.
 */
export function instrumentOpenAIAgents(moduleExports: unknown): boolean {
  return patchClass(spec(), moduleExports);
}

/**
 * An OpenTelemetry instrumentation for the Agents SDK, for apps that run their
 * own tracer provider or call `registerInstrumentations`. Spans go to
 * `provider` when given, else to the global tracer provider.
 */
export function installOpenAIAgentsInstrumentation(provider?: TracerProvider): CatalystInstrumentation {
  return createInstrumentation(spec(), provider);
}

export { openaiAgentsPatcher } from './patch';

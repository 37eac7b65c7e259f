/**
 * `@catalyst/tracing/langchain`: explicit ways to trace LangChain.js
 * (`@langchain/core` 1.x) where the loader hooks cannot see it (bundled apps),
 * or under a tracer provider the user owns.
 */
import type { TracerProvider } from '@opentelemetry/api';
import { patchClass } from '../../api/explicit';
import { createInstrumentation, type CatalystInstrumentation } from '../instrumentation-adapter';
import { findIntegration } from '../registry';

const spec = () => findIntegration('langchain')!;

/**
 * Trace every LangChain run: pass `@langchain/core/callbacks/manager` (the
 * module or its `CallbackManager` class) or `@langchain/core/runnables`.
 * Returns true when it is traced.
 */
export function instrumentLangChain(moduleOrClass: unknown): boolean {
  return patchClass(spec(), moduleOrClass);
}

/**
 * An OpenTelemetry instrumentation for `@langchain/core`, for apps that run
 * their own tracer provider or call `registerInstrumentations`. Spans go to
 * `provider` when given, else to the global tracer provider.
 */
export function installLangChainInstrumentation(provider?: TracerProvider): CatalystInstrumentation {
  return createInstrumentation(spec(), provider);
}

export { langchainPatcher } from './patch';

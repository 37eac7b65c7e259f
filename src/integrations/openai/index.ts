/**
 * `@catalyst/tracing/openai`: explicit ways to trace `openai` where the loader
 * hooks cannot see the import (bundled apps), or under a tracer provider the
 * user owns.
 */
import type { TracerProvider } from '@opentelemetry/api';
import { patchClass } from '../../api/explicit';
import { createInstrumentation, type CatalystInstrumentation } from '../instrumentation-adapter';
import { findIntegration } from '../registry';

const spec = () => findIntegration('openai')!;

/** Patch a given `openai` module namespace or `OpenAI` class; returns true when it is traced. */
export function instrumentOpenAI(moduleOrClass: unknown): boolean {
  return patchClass(spec(), moduleOrClass);
}

/**
 * An OpenTelemetry instrumentation for `openai`, for apps that run their own
 * tracer provider or call `registerInstrumentations`. Spans go to `provider`
 * when given, else to the global tracer provider.
 */
export function installOpenAIInstrumentation(provider?: TracerProvider): CatalystInstrumentation {
  return createInstrumentation(spec(), provider);
}

export { openaiPatcher } from './patch';

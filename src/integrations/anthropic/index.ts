/**
 * `@catalyst/tracing/anthropic`: explicit ways to trace `@anthropic-ai/sdk`
 * where the loader hooks cannot see the import (bundled apps), or under a
 * tracer provider the user owns.
 */
import type { TracerProvider } from '@opentelemetry/api';
import { patchClass } from '../../api/explicit';
import { createInstrumentation, type CatalystInstrumentation } from '../instrumentation-adapter';
import { findIntegration } from '../registry';

const spec = () => findIntegration('anthropic')!;

/** Patch a given `@anthropic-ai/sdk` module namespace or `Anthropic` class; returns true when it is traced. */
export function instrumentAnthropic(moduleOrClass: unknown): boolean {
  return patchClass(spec(), moduleOrClass);
}

/**
 * An OpenTelemetry instrumentation for `@anthropic-ai/sdk`, for apps that run
 * their own tracer provider or call `registerInstrumentations`. Spans go to
 * `provider` when given, else to the global tracer provider. The SDK's own
 * `anthropic.messages.create` span is switched off for the calls traced here
 * (see native-telemetry.ts), so each call still gives one span.
 */
export function installAnthropicInstrumentation(provider?: TracerProvider): CatalystInstrumentation {
  return createInstrumentation(spec(), provider);
}

export { anthropicPatcher } from './patch';

/**
 * `@catalyst/tracing/pi-ai`: explicit ways to trace `@mariozechner/pi-ai`
 * where the loader hooks cannot see the import (bundled apps), after
 * registering a provider of the app's own, or under a tracer provider the user
 * owns.
 */
import type { TracerProvider } from '@opentelemetry/api';
import { patchClass } from '../../api/explicit';
import { createInstrumentation, type CatalystInstrumentation } from '../instrumentation-adapter';
import { findIntegration } from '../registry';

const spec = () => findIntegration('pi-ai')!;

/**
 * Trace pi-ai given its module namespace (`import * as pi from '@mariozechner/pi-ai'`):
 * every provider registered so far (the built-in ones, and any the app
 * registered with `registerApiProvider`). Call it again after registering a
 * provider later; providers already traced are left as they are. Returns true
 * when pi-ai is traced.
 */
export function instrumentPiAi(piAiModule: unknown): boolean {
  return patchClass(spec(), piAiModule);
}

/**
 * An OpenTelemetry instrumentation for pi-ai, for apps that run their own
 * tracer provider or call `registerInstrumentations`. Spans go to `provider`
 * when given, else to the global tracer provider.
 */
export function installPiAiInstrumentation(provider?: TracerProvider): CatalystInstrumentation {
  return createInstrumentation(spec(), provider);
}

export { piAiPatcher } from './patch';

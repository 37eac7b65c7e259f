/**
 * `@catalyst/tracing/elevenlabs`: ElevenLabs Agents (`@elevenlabs/client`)
 * outside the zero-code path: for bundled apps, or under a tracer provider the
 * user owns. The package is ESM only, so an app hands over its namespace:
 * `import * as client from '@elevenlabs/client'; instrumentElevenLabs(client)`.
 */
import type { TracerProvider } from '@opentelemetry/api';
import { patchClass } from '../../api/explicit';
import { createInstrumentation, type CatalystInstrumentation } from '../instrumentation-adapter';
import { findIntegration } from '../registry';

const spec = () => findIntegration('elevenlabs')!;

/** Trace sessions started through a given `@elevenlabs/client` module namespace; returns true when it is traced. */
export function instrumentElevenLabs(moduleExports: unknown): boolean {
  return patchClass(spec(), moduleExports);
}

/**
 * An OpenTelemetry instrumentation for `@elevenlabs/client`, for apps that run
 * their own tracer provider. Spans go to `provider` when given, else to the
 * global tracer provider. The package is ESM only: the instrumentation patches
 * it as it loads only where the app's OpenTelemetry set-up hooks ES modules
 * (`@opentelemetry/instrumentation/hook.mjs`); elsewhere use the preload or
 * instrumentElevenLabs(namespace).
 */
export function installElevenLabsInstrumentation(provider?: TracerProvider): CatalystInstrumentation {
  return createInstrumentation(spec(), provider);
}

export { elevenlabsPatcher } from './patch';

/**
 * `@catalyst/tracing/ai-sdk`: the Vercel AI SDK (`ai`) outside the zero-code
 * path: per-call telemetry settings, an install helper for apps that run their
 * own tracer provider, and instrumentAISdk() for bundled apps.
 */
import type { Tracer, TracerProvider } from '@opentelemetry/api';
import { patchClass } from '../../api/explicit';
import { createInstrumentation, type CatalystInstrumentation } from '../instrumentation-adapter';
import { findIntegration } from '../registry';
import { registerIntegration } from './patch';

const spec = () => findIntegration('ai-sdk')!;

/** Trace a given `ai` module namespace (`import * as ai from 'ai'`); returns true when it is traced. */
export function instrumentAISdk(aiModule: unknown): boolean {
  return patchClass(spec(), aiModule);
}

/**
 * An OpenTelemetry instrumentation for `ai`, for apps that run their own tracer
 * provider. Spans go to `provider` when given, else to the global tracer
 * provider. The integration is registered in the SDK's global list at once
 * (the list is global: `ai` need not be loaded yet, and no loader hook is
 * needed for the ESM-only package); when one is already registered (the
 * preload, or an earlier call), that one stays and this adds nothing.
 */
export function installAISdkInstrumentation(provider?: TracerProvider): CatalystInstrumentation {
  const instrumentation = createInstrumentation(spec(), provider);
  registerIntegration({ getTracer: () => (instrumentation as unknown as { tracer: Tracer }).tracer });
  return instrumentation;
}

export { createAISdkTelemetrySettings } from './settings';
export type { AISdkTelemetrySettings, AISdkCallTelemetryOptions, AISdkTracerSource, AISdkTelemetryIntegration } from './settings';
export { aiSdkPatcher } from './patch';

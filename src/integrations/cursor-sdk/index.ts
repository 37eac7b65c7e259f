/**
 * `@catalyst/tracing/cursor-sdk`: the Cursor SDK (`@cursor/sdk`) outside the
 * zero-code path: for bundled apps, or under a tracer provider the user owns.
 * `import * as cursor from '@cursor/sdk'; instrumentCursorSdk(cursor)` (or the
 * CommonJS exports, or the `Agent` class itself).
 */
import type { TracerProvider } from '@opentelemetry/api';
import { patchClass } from '../../api/explicit';
import { createInstrumentation, type CatalystInstrumentation } from '../instrumentation-adapter';
import { findIntegration } from '../registry';

const spec = () => findIntegration('cursor-sdk')!;

/** Trace the runs of agents made through a given `@cursor/sdk` module (or its `Agent` class); returns true when it is traced. */
export function instrumentCursorSdk(moduleExports: unknown): boolean {
  return patchClass(spec(), moduleExports);
}

/**
 * An OpenTelemetry instrumentation for `@cursor/sdk`, for apps that run their
 * own tracer provider. Spans go to `provider` when given, else to the global
 * tracer provider. The CommonJS build is patched as it loads; the ESM build
 * only where the app's OpenTelemetry set-up hooks ES modules
 * (`@opentelemetry/instrumentation/hook.mjs`); elsewhere use the preload or
 * instrumentCursorSdk(module).
 */
export function installCursorSdkInstrumentation(provider?: TracerProvider): CatalystInstrumentation {
  return createInstrumentation(spec(), provider);
}

export { cursorSdkPatcher } from './patch';

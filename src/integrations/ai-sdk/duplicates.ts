import { trace } from '@opentelemetry/api';
import { debug } from '../../diagnostics/report';
import { INTEGRATION_MARK } from './mark';

/**
 * One call, one trace. Two other things can turn an AI SDK call into spans:
 *
 * - `@ai-sdk/otel` (`registerTelemetry(new OpenTelemetry())` or
 *   `LegacyOpenTelemetry`), whose `gen_ai.*` / `ai.*` spans an OpenInference
 *   span processor may convert. When such an integration is registered
 *   globally next to ours, our global integration stands down for every call
 *   that uses the global list: the app chose that pipeline.
 * - AI SDK 6's built-in spans (`experimental_telemetry.isEnabled`), named
 *   `ai.generateText`, `ai.streamText`...: when our `onStart` runs inside one,
 *   the call is already traced and we stand down for it.
 *
 * A per-call integration (createAISdkTelemetrySettings) never stands down: it
 * replaces the global list for its call, so it is the only one there.
 */
type GlobalWithIntegrations = typeof globalThis & { AI_SDK_TELEMETRY_INTEGRATIONS?: unknown[] };

const OTEL_INTEGRATION = /OpenTelemetry|OpenInference/i;

function isTracerLike(value: unknown): boolean {
  return !!value && typeof (value as { startSpan?: unknown }).startSpan === 'function';
}

/** An integration, registered globally, that emits OpenTelemetry spans of its own. */
export function isTracingIntegration(integration: unknown): boolean {
  if (!integration || typeof integration !== 'object' || (integration as Record<symbol, unknown>)[INTEGRATION_MARK]) return false;
  const name = (integration as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof name === 'string' && OTEL_INTEGRATION.test(name)) return true;
  const i = integration as Record<string, unknown>;
  return isTracerLike(i.tracer) || isTracerLike(i._tracer);
}

let reported = false;

export function anotherTracerIntegration(self: object): boolean {
  const list = (globalThis as GlobalWithIntegrations).AI_SDK_TELEMETRY_INTEGRATIONS;
  if (!Array.isArray(list) || list.length < 2 || !list.includes(self)) return false;
  const other = list.some(isTracingIntegration);
  if (other && !reported) {
    reported = true;
    debug('ai: another OpenTelemetry integration is registered with registerTelemetry(); Catalyst leaves AI SDK calls to it');
  }
  return other;
}

const NATIVE_SPAN = /^ai\.(generateText|streamText|generateObject|streamObject|embed|embedMany|rerank)\b/;

export function insideNativeAiSpan(): boolean {
  const span = trace.getActiveSpan() as { name?: unknown; isRecording(): boolean } | undefined;
  return !!span && typeof span.name === 'string' && NATIVE_SPAN.test(span.name) && span.isRecording();
}

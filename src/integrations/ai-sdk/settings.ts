import { ProxyTracerProvider, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { resolveTracer, isTracer } from '../../trace/tracer';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../../version';
import { AISdkTelemetry } from './calls';
import { installFold } from './context';

/** Where the spans of calls using these settings go. */
export type AISdkTracerSource = Tracer | TracerProvider | { tracer?: Tracer; tracerProvider?: TracerProvider };

export interface AISdkCallTelemetryOptions {
  /** Names the operation span (`generateText <functionId>`) and is recorded in its metadata. */
  functionId?: string;
  /** Written as the operation span's `metadata` (JSON), with the call's `runtimeContext` the SDK lets through. */
  metadata?: Record<string, unknown>;
  /** false: the SDK hands no inputs (prompt, messages, tool arguments) to telemetry. Default true. */
  recordInputs?: boolean;
  /** false: the SDK hands no outputs (text, tool results, objects) to telemetry. Default true. */
  recordOutputs?: boolean;
  /** false: the call is not traced at all. Default true. */
  isEnabled?: boolean;
}

/** A telemetry integration object, as the AI SDK's `Telemetry` interface describes one. */
export type AISdkTelemetryIntegration = AISdkTelemetry;

/** The value to pass as a call's `telemetry` (AI SDK 7) or `experimental_telemetry` (6). */
export interface AISdkTelemetrySettings {
  isEnabled: boolean;
  functionId?: string;
  recordInputs?: boolean;
  recordOutputs?: boolean;
  /** AI SDK 6 reads `metadata` from the settings; 7 ignores it (the integration records it). */
  metadata?: Record<string, unknown>;
  /** Replaces the globally registered integrations for this call: the call is traced once, by this one. */
  integrations: AISdkTelemetryIntegration[];
  /**
   * AI SDK 6 traces itself with this tracer when `isEnabled` is true; it is a
   * no-op tracer so that the call gives our spans only. AI SDK 7 ignores it.
   */
  tracer: Tracer;
}

const NOOP_TRACER = new ProxyTracerProvider().getTracer('ai');

function isProvider(value: unknown): value is TracerProvider {
  return !!value && typeof (value as TracerProvider).getTracer === 'function';
}

function isSource(value: unknown): value is AISdkTracerSource {
  if (!value || typeof value !== 'object') return false;
  return isTracer(value) || isProvider(value) || 'tracer' in value || 'tracerProvider' in value;
}

function tracerGetter(source: AISdkTracerSource | undefined): () => Tracer {
  if (isTracer(source)) return () => source;
  const provider = isProvider(source) ? source : source && 'tracerProvider' in source ? source.tracerProvider : undefined;
  const tracer = source && 'tracer' in source ? source.tracer : undefined;
  if (tracer) return () => tracer;
  if (provider) {
    const fromProvider = provider.getTracer(PACKAGE_NAME, PACKAGE_VERSION);
    return () => fromProvider;
  }
  // Nothing given: the running agent's tracer (preload or setup()), else the global provider's.
  return resolveTracer;
}

/**
 * Per-call telemetry settings for `generateText`, `streamText`, agents,
 * `embed`... : `telemetry: createAISdkTelemetrySettings(tracer, { functionId })`.
 * The call is traced by an integration of its own, to the tracer given (or the
 * running agent's), with the metadata given; the global integration does not
 * see it, so it is traced once.
 *
 * `createAISdkTelemetrySettings({ functionId })` (settings only) is accepted too.
 */
export function createAISdkTelemetrySettings(tracerOrOptions?: AISdkTracerSource | AISdkCallTelemetryOptions, settings?: AISdkCallTelemetryOptions): AISdkTelemetrySettings {
  let source: AISdkTracerSource | undefined;
  let call: AISdkCallTelemetryOptions;
  if (settings === undefined && tracerOrOptions !== undefined && !isSource(tracerOrOptions)) {
    call = tracerOrOptions as AISdkCallTelemetryOptions;
  } else {
    source = tracerOrOptions as AISdkTracerSource | undefined;
    call = settings ?? {};
  }
  installFold();
  const integration = new AISdkTelemetry({ getTracer: tracerGetter(source), metadata: call.metadata, explicit: true });
  const out: AISdkTelemetrySettings = { isEnabled: call.isEnabled !== false, integrations: [integration], tracer: NOOP_TRACER };
  if (call.functionId !== undefined) out.functionId = call.functionId;
  if (call.recordInputs !== undefined) out.recordInputs = call.recordInputs;
  if (call.recordOutputs !== undefined) out.recordOutputs = call.recordOutputs;
  if (call.metadata !== undefined) out.metadata = call.metadata;
  return out;
}

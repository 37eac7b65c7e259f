import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * The value an Eve instrumentation file exports, built without importing
 * `eve` (the agent's copy is bundled into its build; importing the installed
 * one would load a second Eve). Eve recognises its provider values by two
 * `Symbol.for` brands, shared on purpose by every copy of Eve in a process:
 * `eve.instrumentation.provider` (any file under agent/instrumentation/) and
 * `eve.instrumentation.otel-integration` (an OpenTelemetry destination, whose
 * `spanProcessors` join Eve's provider). Eve calls `setup` once at start-up,
 * `flush` before a session goes idle and `shutdown` as the process ends.
 */
const PROVIDER = Symbol.for('eve.instrumentation.provider');
const OTEL_INTEGRATION = Symbol.for('eve.instrumentation.otel-integration');

/** What Eve passes to a provider's `setup` (the fields used here). */
export interface EveSetupContext {
  readonly agentName?: string;
  readonly environment?: string;
  readonly frameworkVersion?: string;
}

/** An Eve OpenTelemetry destination (`otelIntegration()`'s shape) holding one span processor. */
export interface EveOtelIntegration {
  readonly [PROVIDER]: true;
  readonly [OTEL_INTEGRATION]: true;
  readonly metricReaders: readonly unknown[];
  readonly spanProcessors: readonly SpanProcessor[];
  setup(context: EveSetupContext): void;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export function eveOtelIntegration(processor: SpanProcessor, onSetup: (context: EveSetupContext) => void): EveOtelIntegration {
  return {
    [PROVIDER]: true,
    [OTEL_INTEGRATION]: true,
    metricReaders: [],
    spanProcessors: [processor],
    setup: onSetup,
    flush: () => processor.forceFlush(),
    shutdown: () => processor.forceFlush(),
  };
}

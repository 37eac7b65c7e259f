/**
 * `@catalyst/tracing/eve`: Vercel Eve's agent turns, model calls and tool
 * calls as OpenInference spans. Eve owns its OpenTelemetry provider and
 * bundles itself into its build, so the preload sees nothing of it; one file
 * in the agent's `agent/instrumentation/` folder adds our converter to Eve's
 * own pipeline as one more destination:
 *
 *     // agent/instrumentation/catalyst.ts
 *     import { defineCatalystEveInstrumentation } from '@catalyst/tracing/eve';
 *     export default defineCatalystEveInstrumentation();
 */
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startAgent } from '../../agent';
import { patchClass } from '../../api/explicit';
import { getState } from '../../state';
import { findIntegration } from '../registry';
import { eveOtelIntegration, type EveOtelIntegration, type EveSetupContext } from './integration';
import { slotProcessor, type EveSlot } from './patch';

export interface CatalystEveOptions {
  /** `service.name` of the exported spans (default: CATALYST_SERVICE_NAME / OTEL_SERVICE_NAME, as for the preload). */
  serviceName?: string;
  serviceVersion?: string;
  /** OTLP/HTTP endpoint (default: CATALYST_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_*; none: the local store). */
  endpoint?: string;
  /** Sent as `Authorization: Bearer <token>`, only to the endpoint. */
  token?: string;
  /** `deployment.environment.name` of the exported spans (default: Eve's: development, preview or production). */
  environment?: string;
  /** Written into the `metadata` of every exported span. */
  metadata?: Record<string, unknown>;
  /** Recorded in the turn's AGENT span metadata. */
  functionId?: string;
  /**
   * false: no inputs (the user's message, model input messages, tool
   * arguments) are exported. Default true. Eve writes content on its spans
   * only when an `otel({ tracePolicy })` file lets it; this can only narrow that.
   */
  recordInputs?: boolean;
  /** false: no outputs (replies, model output messages, tool results) are exported. Default true. */
  recordOutputs?: boolean;
}

/** An OpenTelemetry span processor, as Eve's `otelIntegration({ spanProcessors })` takes it. */
export type EveSpanProcessor = SpanProcessor;

function slotFor(options: CatalystEveOptions, environment: () => string | undefined): EveSlot {
  return {
    options: {
      content: { inputs: options.recordInputs !== false, outputs: options.recordOutputs !== false },
      metadata: options.metadata,
      functionId: options.functionId,
      environment,
    },
  };
}

function install(options: CatalystEveOptions, environment: () => string | undefined): SpanProcessor {
  const slot = slotFor(options, environment);
  // Configuration as the preload reads it, with these options on top; a preload that started first keeps its own.
  const { state, active } = startAgent({ serviceName: options.serviceName, serviceVersion: options.serviceVersion, endpoint: options.endpoint, token: options.token }, 'setup');
  // Left out by CATALYST_INSTRUMENTATIONS / CATALYST_DISABLED_INSTRUMENTATIONS: the slot stays empty.
  if (active && state.config?.enabledIntegrations.has('eve') && patchClass(findIntegration('eve')!, slot)) {
    // Eve registers its own global provider; our pipeline, built at the first span, expects it.
    state.hostFramework = 'Eve';
  }
  return slotProcessor(slot);
}

/**
 * The converter as a bare span processor, for an instrumentation file that
 * composes its own destination:
 * `otelIntegration({ spanProcessors: [installEveSpanEnrichment()], exportPolicy })`.
 * Starts the agent (environment configuration, as the preload would) if
 * nothing has; a no-op processor when tracing is off or `eve` is excluded.
 */
export function installEveSpanEnrichment(options: CatalystEveOptions = {}): EveSpanProcessor {
  return install(options, () => options.environment);
}

/**
 * The default export of an Eve instrumentation file: an Eve OpenTelemetry
 * destination (what `otelIntegration()` returns) whose one processor converts
 * Eve's spans and exports them through Catalyst's pipeline. It takes no global
 * provider: Eve keeps its own, and the app's other destinations are untouched.
 */
export function defineCatalystEveInstrumentation(options: CatalystEveOptions = {}): EveOtelIntegration {
  let eveEnvironment: string | undefined;
  const processor = install(options, () => options.environment ?? eveEnvironment);
  return eveOtelIntegration(processor, (context: EveSetupContext) => {
    eveEnvironment = context.environment;
    // Eve is bundled, so no package.json says its version; its setup does.
    const result = getState().installResults.get('eve');
    if (result?.status === 'patched' && context.frameworkVersion) result.version = context.frameworkVersion;
  });
}

export type { EveOtelIntegration, EveSetupContext } from './integration';
export { evePatcher } from './patch';

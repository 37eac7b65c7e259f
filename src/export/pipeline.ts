import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
// Not in the package's index: the sampler OpenTelemetry would build from OTEL_TRACES_SAMPLER,
// which the back-pressure sampler defers to so that variable keeps working (no `exports` map: the path is stable for the pinned version).
import { loadDefaultConfig } from '@opentelemetry/sdk-trace-base/build/esm/config';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import type { ResolvedConfig } from '../config/types';
import { getState, type Pipeline } from '../state';
import { IdentitySpanProcessor } from '../trace/identity';
import { hasForeignGlobalProvider, ScopeIntakeProcessor } from '../trace/scope-intake';
import { BoundedBatchProcessor } from './bounded-batch-processor';
import { BackPressureSampler } from './back-pressure-sampler';
import { LocalStoreExporter } from './local-store-exporter';
import { OtlpHttpExporter, type ExportStats } from './otlp-exporter';
import type { LossContext } from './loss-report';
import { debug, warnOnce } from '../diagnostics/report';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../version';

/**
 * The share of the exit budget an export in flight may keep a finished script
 * alive for its answer. Half: a big body to a slow but healthy endpoint on a
 * loaded machine can take longer than a fixed 500 ms, and a batch whose answer
 * is not in by then is sent again at exit (a duplicate, if the first arrived);
 * the other half is left for that synchronous send. A hanging endpoint costs
 * the same budget either way.
 */
const HOLD_SHARE = 0.5;

export interface BuiltPipeline extends Pipeline {
  batch: BoundedBatchProcessor;
  localStore?: LocalStoreExporter;
  otlp?: OtlpHttpExporter;
  /** The process started to exit: exports stop retrying. */
  beginExit(): void;
  /** What happened to the spans so far; for tests and the exit line. */
  stats(): PipelineStats;
  /** The settings the exit line names when it counts lost spans. */
  lossContext: Omit<LossContext, 'flushTimeoutMs'>;
}

export interface PipelineStats extends ExportStats {
  /** Waiting in the queue now. */
  queued: number;
  /** Dropped because the queue was full. */
  droppedQueueFull: number;
}

/**
 * loader hook -> patch -> span -> processor -> exporter: this builds the last
 * three. One provider of our own, not registered as the global one: an app that
 * starts its own OTel SDK later must still own the global provider, or its
 * exporters would silently receive nothing. Context is shared through the global
 * context manager, so our spans and the app's nest in one trace.
 */
export function buildPipeline(config: ResolvedConfig): BuiltPipeline {
  ensureContextManager();
  const host = getState().hostFramework;
  if (hasForeignGlobalProvider() && host) {
    debug(`the global tracer provider is ${host}'s; Catalyst is one of its destinations and exports through its own pipeline`);
  } else if (hasForeignGlobalProvider()) {
    warnOnce('foreign-provider', 'an OpenTelemetry tracer provider is already registered; it is left alone and Catalyst exports its spans through its own pipeline');
  }

  const localStore = config.endpoint ? undefined : new LocalStoreExporter(config.tracesDir, config.storeMaxBytes);
  const otlp = config.endpoint
    ? new OtlpHttpExporter({ url: config.endpoint, headers: config.headers, timeoutMs: config.exportTimeoutMs, compression: config.compression, protocol: config.protocol, tls: config.tls, holdMs: Math.floor(config.flushTimeoutMs * HOLD_SHARE) })
    : undefined;
  const exporter = localStore ?? otlp!;
  debug(config.endpoint ? `exporting to ${new URL(config.endpoint).origin}` : `no endpoint set: writing to the local store ${config.tracesDir}`);

  const batch = new BoundedBatchProcessor(exporter, {
    maxQueueSize: config.maxQueueSize,
    maxQueueBytes: config.maxQueueBytes,
    maxBatchSize: Math.min(512, config.maxQueueSize),
    scheduledDelayMs: config.scheduledDelayMs,
    // The exporter bounds itself; this only guards against a callback that never comes.
    exportTimeoutMs: config.exportTimeoutMs + 5000,
  });
  const resource = defaultResource().merge(
    resourceFromAttributes({
      ...config.resourceAttributes,
      'service.name': config.serviceName,
      'telemetry.distro.name': PACKAGE_NAME,
      'telemetry.distro.version': PACKAGE_VERSION,
      ...(config.serviceVersion ? { 'service.version': config.serviceVersion } : {}),
    }),
  );
  const provider = new BasicTracerProvider({
    resource,
    // A full queue stops spans at their start, before their attributes cost anything.
    sampler: new BackPressureSampler(loadDefaultConfig().sampler, { isFull: () => batch.isFull(), dropped: () => batch.noteDropped() }),
    // Spans SDKs make themselves (their own scopes) are converted, dropped or passed on by the intake.
    spanProcessors: [new IdentitySpanProcessor(), new ScopeIntakeProcessor(batch)],
    // Our own size cap applies to values; this keeps OTel from silently dropping keys of a long message list.
    spanLimits: { attributeCountLimit: 100_000 },
  });
  const tracer = provider.getTracer(PACKAGE_NAME, PACKAGE_VERSION);
  return {
    tracer,
    provider,
    batch,
    localStore,
    otlp,
    resource,
    // Straight to the queue: such a span was made, sampled and ended by its own provider.
    exportFinished: (span) => batch.onEnd(span),
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
    beginExit: () => otlp?.beginExit(),
    stats: () => ({
      queued: batch.queueLength(),
      droppedQueueFull: batch.dropped,
      ...(otlp?.stats ?? { exported: 0, failed: batch.failed, unconfirmed: 0, unconfirmedAtExit: 0, sentAtExit: 0, rejected: 0 }),
    }),
    lossContext: { endpoint: config.endpoint, maxQueueSize: config.maxQueueSize, maxQueueBytes: config.maxQueueBytes, exportTimeoutMs: config.exportTimeoutMs },
  };
}

function ensureContextManager(): void {
  const manager = new AsyncLocalStorageContextManager();
  // Fails (returns false) when the app or another agent registered one first; theirs serves us just as well.
  if (context.setGlobalContextManager(manager.enable())) return;
  manager.disable();
}

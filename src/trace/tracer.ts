import { trace, type Tracer } from '@opentelemetry/api';
import { livePipeline } from '../state';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../version';

/**
 * The tracer for helper calls that were not given one: the running agent's
 * (preload or setup()), else whatever global provider the app registered, else
 * OpenTelemetry's no-op tracer, so `fn` always runs.
 */
export function resolveTracer(): Tracer {
  return livePipeline()?.tracer ?? trace.getTracer(PACKAGE_NAME, PACKAGE_VERSION);
}

export function isTracer(value: unknown): value is Tracer {
  return !!value && typeof (value as Tracer).startSpan === 'function' && typeof (value as Tracer).startActiveSpan === 'function';
}

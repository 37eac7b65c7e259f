import { trace, type TracerProvider, type Tracer } from '@opentelemetry/api';
import type { InstrumentationBase, InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { IntegrationSpec, PatchContext } from './types';
import { applyIntegration } from './install';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../version';

/**
 * Any registry integration as a standard OpenTelemetry instrumentation, for
 * users who run their own tracer provider. @opentelemetry/instrumentation is
 * loaded only here, never by the preload.
 */
export type CatalystInstrumentation = InstrumentationBase<InstrumentationConfig>;

export function createInstrumentation(spec: IntegrationSpec, provider?: TracerProvider): CatalystInstrumentation {
  const otel = require('@opentelemetry/instrumentation') as typeof import('@opentelemetry/instrumentation');
  const ranges = spec.supportedMajors.map((m) => `>=${m}.0.0 <${m + 1}.0.0`);

  class RegistryInstrumentation extends otel.InstrumentationBase<InstrumentationConfig> {
    constructor() {
      super(`${PACKAGE_NAME}/${spec.name}`, PACKAGE_VERSION, { enabled: false });
    }
    protected init() {
      const ctx: PatchContext = { getTracer: (): Tracer => this.tracer };
      return [
        new otel.InstrumentationNodeModuleDefinition(
          spec.packageName,
          ranges,
          (moduleExports) => {
            applyIntegration(spec, moduleExports, ctx);
            return moduleExports;
          },
          (moduleExports) => {
            if (moduleExports) spec.load().unpatch(moduleExports);
          },
        ),
      ];
    }
  }

  const instrumentation = new RegistryInstrumentation();
  instrumentation.setTracerProvider(provider ?? trace.getTracerProvider());
  instrumentation.enable();
  return instrumentation;
}

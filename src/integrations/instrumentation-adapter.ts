import { trace, type TracerProvider, type Tracer } from '@opentelemetry/api';
import type { InstrumentationBase, InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { IntegrationSpec, PatchContext } from './types';
import { applyIntegration } from './install';
import { hookTargets, MODULE_EXTENSIONS } from './targets';
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
      const patch = <T>(moduleExports: T): T => {
        applyIntegration(spec, moduleExports, ctx);
        return moduleExports;
      };
      const unpatch = (moduleExports: unknown): void => {
        if (moduleExports) spec.load().unpatch(moduleExports);
      };
      // The modules the preload hooks (hookTargets): the main entry, and files inside the package (LangChain's
      // CallbackManager lives in one) in each build's extension.
      const targets = hookTargets([spec]);
      const files = targets
        .filter((t) => t.moduleName !== spec.packageName)
        .flatMap((t) => MODULE_EXTENSIONS.map((ext) => new otel.InstrumentationNodeModuleFile(`${t.moduleName}.${ext}`, ranges, patch, unpatch)));
      const main = targets.some((t) => t.moduleName === spec.packageName);
      return [new otel.InstrumentationNodeModuleDefinition(spec.packageName, ranges, main ? patch : undefined, main ? unpatch : undefined, files)];
    }
  }

  const instrumentation = new RegistryInstrumentation();
  instrumentation.setTracerProvider(provider ?? trace.getTracerProvider());
  instrumentation.enable();
  return instrumentation;
}

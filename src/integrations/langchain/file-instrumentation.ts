import { trace, type Tracer, type TracerProvider } from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { CatalystInstrumentation } from '../instrumentation-adapter';
import { applyIntegration } from '../install';
import type { IntegrationSpec, PatchContext } from '../types';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../../version';

/**
 * createInstrumentation (instrumentation-adapter.ts) hooks a package's main
 * entry only, and @langchain/core's main entry holds nothing: the classes we
 * patch live in internal files. This is the same OpenTelemetry
 * instrumentation with the registry entry's internal files (`dist/...`, both
 * the `.cjs` and the `.js` build) added as module files.
 */
export function createFileInstrumentation(spec: IntegrationSpec, provider?: TracerProvider): CatalystInstrumentation {
  const otel = require('@opentelemetry/instrumentation') as typeof import('@opentelemetry/instrumentation');
  const ranges = spec.supportedMajors.map((m) => `>=${m}.0.0 <${m + 1}.0.0`);

  class FileInstrumentation extends otel.InstrumentationBase<InstrumentationConfig> {
    constructor() {
      super(`${PACKAGE_NAME}/${spec.name}`, PACKAGE_VERSION, { enabled: false });
    }
    protected init() {
      const ctx: PatchContext = { getTracer: (): Tracer => this.tracer };
      const patch = <T>(exports: T): T => {
        applyIntegration(spec, exports, ctx);
        return exports;
      };
      const unpatch = (exports: unknown): void => {
        if (exports) spec.load().unpatch(exports);
      };
      const files = spec.files
        .filter((f) => f.startsWith('dist/'))
        .flatMap((f) => ['cjs', 'js'].map((ext) => new otel.InstrumentationNodeModuleFile(`${spec.packageName}/${f}.${ext}`, ranges, patch, unpatch)));
      const main = spec.files.includes('') ? patch : undefined;
      return [new otel.InstrumentationNodeModuleDefinition(spec.packageName, ranges, main, main ? unpatch : undefined, files)];
    }
  }

  const instrumentation = new FileInstrumentation();
  instrumentation.setTracerProvider(provider ?? trace.getTracerProvider());
  instrumentation.enable();
  return instrumentation;
}

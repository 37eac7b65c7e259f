import type { IntegrationPatcher } from '../types';
import { deferred } from '../../instrumentation/deferred';

/**
 * LangSmith's OTel mode (`LANGSMITH_TRACING=true` with
 * `LANGSMITH_OTEL_ENABLED=true` or `LANGSMITH_TRACING_MODE=otel`) makes one
 * span per run, but only through the OTel objects it finds on globalThis
 * (`Symbol.for('ls:otel_trace')`, `Symbol.for('ls:otel_context')`), which
 * its `initializeOTEL()` sets; without them it warns and traces nothing.
 *
 * When LangSmith loads, we define them if nobody has, as getters: LangSmith
 * reads them at each use, and the first read loads calls.ts, which answers
 * with the OTel context API (our context manager) and a trace API whose
 * tracers are our pipeline's (trace/scope-intake.ts), and registers the
 * `langsmith` scope rule. So an app that imports LangSmith pays nothing at
 * import, and in LangSmith's default mode (which only reads the context
 * object) no rule or resolver is registered: model calls are traced by the
 * provider patches as always.
 *
 * An app that set the objects first keeps them (the patch reports itself
 * skipped); one that assigns them later replaces ours (the setter). One that
 * calls `initializeOTEL()` keeps LangSmith's global provider: our tracers
 * defer to a global provider the app registered.
 */
const LS_TRACE_KEY = Symbol.for('ls:otel_trace');
const LS_CONTEXT_KEY = Symbol.for('ls:otel_context');

const calls = deferred('langsmith.calls', () => require('./calls') as typeof import('./calls'));

const readTrace = (): unknown => calls()?.bridgeTrace();
const readContext = (): unknown => calls()?.bridgeContext();

function defineLazy(key: symbol, get: () => unknown): void {
  Object.defineProperty(globalThis, key, {
    configurable: true,
    enumerable: false,
    get,
    // Whoever assigns one (the app, LangSmith's own set-up) owns it from then on.
    set(value: unknown) {
      Object.defineProperty(globalThis, key, { value, writable: true, configurable: true, enumerable: true });
    },
  });
}

function isOurs(key: symbol, get: () => unknown): boolean {
  return Object.getOwnPropertyDescriptor(globalThis, key)?.get === get;
}

export function installBridge(): number {
  if (isOurs(LS_TRACE_KEY, readTrace)) return 0;
  const g = globalThis as Record<symbol, unknown>;
  // Reported as "skipped" with this reason in installResults.
  if (g[LS_TRACE_KEY] !== undefined) throw new Error('no bridge installed in this module: the app gave LangSmith OpenTelemetry objects of its own');
  defineLazy(LS_TRACE_KEY, readTrace);
  if (g[LS_CONTEXT_KEY] === undefined) defineLazy(LS_CONTEXT_KEY, readContext);
  return 1;
}

export function removeBridge(): void {
  const g = globalThis as Record<symbol, unknown>;
  if (isOurs(LS_TRACE_KEY, readTrace)) delete g[LS_TRACE_KEY];
  if (isOurs(LS_CONTEXT_KEY, readContext)) delete g[LS_CONTEXT_KEY];
  calls()?.stopBridge();
}

export const langsmithPatcher: IntegrationPatcher = {
  patch: () => installBridge(),
  unpatch: () => removeBridge(),
};

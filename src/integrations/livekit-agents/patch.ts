import { context, trace, type Context, type Span, type SpanOptions, type Tracer, type TracerProvider } from '@opentelemetry/api';
import type { IntegrationPatcher, PatchContext } from '../types';
import { deferred } from '../../instrumentation/deferred';
import { isObj } from '../shape';
import type { LiveKitProcessor, TracerOwner } from './owner';

/**
 * LiveKit Agents traces itself: every span goes through one tracer,
 * `telemetry.tracer`, which takes its tracer provider from
 * `telemetry.setTracerProvider(provider)` (and, until one is set, from the
 * global OpenTelemetry API, where the agent registers none: Eve refuses to
 * start beside a foreign global provider, and `@anthropic-ai/sdk` 1.x and the
 * Cursor SDK start emitting spans as soon as one exists).
 *
 * So when LiveKit's telemetry module loads, we hand it a provider of our own
 * through that hook: nothing global. Its tracers forward each span to
 * calls.ts, loaded at LiveKit's first span, which makes it with our pipeline's
 * tracer under LiveKit's scope (trace/scope-intake.ts converts it to
 * OpenInference as it ends). An app that gave LiveKit a provider of its own
 * first keeps it (the patch reports itself skipped); one that sets its own
 * later replaces ours.
 *
 * LiveKit hands the provider its own span processors through
 * `registerSpanProcessor` (its PII redaction, which honours
 * LIVEKIT_TELEMETRY_ALLOW_PII; LiveKit Cloud's metadata and upload): they are
 * kept and run on LiveKit's spans as LiveKit made them (calls.ts).
 */
const calls = deferred('livekit-agents.calls', () => require('./calls') as typeof import('./calls'));

const BRAND = Symbol.for('@catalyst/tracing.livekit-agents.provider');

interface LiveKitTelemetry {
  setTracerProvider(provider: TracerProvider, options?: { registerSpanProcessor?: (processor: LiveKitProcessor) => void }): void;
  tracer?: { getProvider?: () => unknown };
}

/** The telemetry module itself (the hooked file) or the package's namespace holding it (`instrumentLiveKitAgents(agents)`). */
function telemetryOf(moduleExports: unknown): LiveKitTelemetry | undefined {
  if (isObj(moduleExports) && typeof moduleExports.setTracerProvider === 'function') return moduleExports as LiveKitTelemetry;
  const nested = isObj(moduleExports) ? moduleExports.telemetry : undefined;
  if (isObj(nested) && typeof nested.setTracerProvider === 'function') return nested as LiveKitTelemetry;
  return undefined;
}

type StartActiveArgs = [options: SpanOptions, ctx: Context, fn: (span: Span) => unknown] | [options: SpanOptions, fn: (span: Span) => unknown] | [fn: (span: Span) => unknown];

/** One of LiveKit's tracers: a forwarder to calls.ts, or to the global API (LiveKit's own default) if that cannot load. */
function forwardingTracer(owner: TracerOwner, scope: string, version: string | undefined): Tracer {
  const startSpan = (name: string, options?: SpanOptions, ctx?: Context): Span =>
    (owner.active ? calls()?.startLiveKitSpan(owner, version, name, options, ctx) : undefined) ??
    trace.getTracer(scope, version).startSpan(name, options, ctx);
  const startActiveSpan = (name: string, ...args: StartActiveArgs): unknown => {
    const fn = args[args.length - 1] as (span: Span) => unknown;
    const options = args.length > 1 ? (args[0] as SpanOptions) : undefined;
    const ctx = args.length > 2 ? (args[1] as Context) : context.active();
    const span = startSpan(name, options, ctx);
    return context.with(trace.setSpan(ctx, span), fn, undefined, span);
  };
  return { startSpan, startActiveSpan } as Tracer;
}

function handedProvider(ctx: PatchContext): TracerProvider & TracerOwner {
  const owner: TracerOwner & { [BRAND]: true } = { ctx, processors: [], active: true, [BRAND]: true };
  const tracers = new Map<string, Tracer>();
  return Object.assign(owner, {
    getTracer(name: string, version?: string): Tracer {
      const key = `${name}@${version ?? ''}`;
      let tracer = tracers.get(key);
      if (!tracer) tracers.set(key, (tracer = forwardingTracer(owner, name, version)));
      return tracer;
    },
    async forceFlush(): Promise<void> {
      await Promise.all(owner.processors.map((p) => p.forceFlush?.()));
    },
  });
}

const isOurs = (provider: unknown): provider is TracerOwner => isObj(provider) && (provider as Record<symbol, unknown>)[BRAND] === true;

export function handOverProvider(moduleExports: unknown, ctx: PatchContext): number {
  const telemetry = telemetryOf(moduleExports);
  if (!telemetry) throw new Error('no telemetry.setTracerProvider in this module');
  const current = telemetry.tracer?.getProvider?.();
  if (isOurs(current) && current.active) return 0;
  // LiveKit's default is the API's ProxyTracerProvider (the global provider, whatever it becomes); anything else is the app's.
  if (current !== undefined && !isOurs(current) && (current as object).constructor?.name !== 'ProxyTracerProvider') {
    throw new Error('no provider handed over in this module: the app gave LiveKit a tracer provider of its own');
  }
  const provider = handedProvider(ctx);
  telemetry.setTracerProvider(provider, { registerSpanProcessor: (processor) => provider.processors.push(processor) });
  return 1;
}

/**
 * LiveKit offers no way back to its default provider; ours steps aside
 * instead: its tracers then make spans through the global API, as LiveKit's
 * default does.
 */
export function stepAside(moduleExports: unknown): void {
  const current = telemetryOf(moduleExports)?.tracer?.getProvider?.();
  if (isOurs(current)) current.active = false;
}

export const livekitAgentsPatcher: IntegrationPatcher = {
  patch: (moduleExports, ctx) => handOverProvider(moduleExports, ctx),
  unpatch: (moduleExports) => stepAside(moduleExports),
};

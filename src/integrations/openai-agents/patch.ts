import type { Tracer } from '@opentelemetry/api';
import type { IntegrationPatcher, PatchContext } from '../types';
import { wrapMethod } from '../../instrumentation/wrap-method';
import { registerParentResolver, unregisterParentResolver } from '../../trace/parent-context';
import { safely } from '../../instrumentation/safe';
import { deferred } from '../../instrumentation/deferred';
import { getState } from '../../state';
import type { AgentsSpanBridge, SdkSpan, SdkTrace } from './calls';

/**
 * Where we plug into `@openai/agents-core`: its tracing-processor API. The
 * trace provider lives on globalThis (Symbol.for('openai.agents.core.traceProvider')),
 * shared by the CJS and ESM builds, so one processor per process is
 * registered, whichever build (or setup({ modules })) comes first, beside the
 * SDK's own processors: the OpenAI dashboard export keeps working.
 *
 * `@openai/agents` replaces the processor list with its default exporter
 * (`setTraceProcessors([...])`) right after it loads agents-core, and apps may
 * call it too; the provider's `setProcessors` is wrapped so our processor
 * stays in the list, first, so it sees each span synchronously as the SDK
 * starts it.
 */
interface TraceApi {
  getGlobalTraceProvider(): TraceProvider;
  addTraceProcessor(processor: AgentsTracingProcessor): void;
  getCurrentSpan?(): SdkSpan | null;
  getCurrentTrace?(): SdkTrace | null;
}
interface TraceProvider {
  registerProcessor(processor: unknown): void;
  setProcessors(processors: unknown[]): void;
}

interface Registration {
  /** Made at the SDK's first trace event, when calls.ts loads. */
  bridge?: AgentsSpanBridge;
  /** Set by unpatch: the processor stays registered (the SDK cannot remove one) but does nothing. */
  disabled?: boolean;
  processor: AgentsTracingProcessor;
  /** The latest patch context: setup(), the preload or an instrumentation with its own tracer provider. */
  ctx?: PatchContext;
  api?: TraceApi;
  providers: WeakSet<object>;
}

const REGISTRATION = Symbol.for('@catalyst/tracing.openai-agents');
const RESOLVER_NAME = 'openai-agents';

const calls = deferred('openai-agents.calls', () => require('./calls') as typeof import('./calls'));

function registration(): Registration {
  const g = globalThis as typeof globalThis & { [REGISTRATION]?: Registration };
  let reg = g[REGISTRATION];
  if (!reg) {
    const r: Registration = { processor: createProcessor(() => bridgeOf(r)), providers: new WeakSet() };
    reg = g[REGISTRATION] = r;
  }
  return reg;
}

function bridgeOf(reg: Registration): AgentsSpanBridge | undefined {
  if (!reg.bridge) {
    const bridge = calls()?.createBridge((): Tracer => reg.ctx!.getTracer());
    if (!bridge) return undefined;
    bridge.enabled = !reg.disabled;
    reg.bridge = bridge;
  }
  return reg.bridge;
}

function setEnabled(reg: Registration, enabled: boolean): void {
  reg.disabled = !enabled;
  if (reg.bridge) reg.bridge.enabled = enabled;
}

/** The tracing API from an agents-core (or `@openai/agents`, which re-exports it) module namespace or CJS exports. */
export function findTraceApi(moduleExports: unknown): TraceApi | undefined {
  const m = moduleExports as Record<string, any> | undefined;
  for (const candidate of [m, m?.default]) {
    if (candidate && typeof candidate.getGlobalTraceProvider === 'function' && typeof candidate.addTraceProcessor === 'function') return candidate as TraceApi;
  }
  return undefined;
}

function keepOursFirst(reg: Registration) {
  return (original: (processors: unknown[]) => void) =>
    function setProcessorsKeepingCatalyst(this: unknown, processors: unknown[]) {
      if (reg.disabled || !Array.isArray(processors)) return original.call(this, processors);
      return original.call(this, [reg.processor, ...processors.filter((p) => p !== reg.processor)]);
    };
}

export const openaiAgentsPatcher: IntegrationPatcher = {
  patch(moduleExports, ctx) {
    const api = findTraceApi(moduleExports);
    if (!api) throw new Error('no OpenAI Agents tracing API (getGlobalTraceProvider / addTraceProcessor) in this module');
    const reg = registration();
    reg.ctx = ctx;
    reg.api ??= api;
    setEnabled(reg, true);
    registerParentResolver(RESOLVER_NAME, (active, origin) => {
      // No bridge yet: the SDK has started no trace, so no run of its own is current.
      if (!reg.bridge) return undefined;
      const sdk = reg.api;
      const current = sdk?.getCurrentSpan?.() ?? undefined;
      const currentTrace = current ? undefined : (sdk?.getCurrentTrace?.() ?? undefined);
      if (!current && !currentTrace) return undefined;
      return reg.bridge.parentFor(current, currentTrace, active, origin);
    });
    const provider = api.getGlobalTraceProvider();
    if (!provider || typeof provider !== 'object' || reg.providers.has(provider)) return 0;
    reg.providers.add(provider);
    wrapMethod(provider, 'setProcessors', keepOursFirst(reg));
    api.addTraceProcessor(reg.processor);
    return 1;
  },
  unpatch() {
    // The SDK has no way to remove one processor: ours stays registered but inert.
    setEnabled(registration(), false);
    unregisterParentResolver(RESOLVER_NAME);
  },
};

/**
 * Our entry in the SDK's list of tracing processors (its `TracingProcessor`
 * interface). Every callback is synchronous work wrapped in `safely`, so a
 * failure of ours never reaches the SDK's processor chain, and returns a
 * settled promise so the processors after ours are not delayed. The bridge
 * behind it (calls.ts) loads at the SDK's first trace event.
 */
export interface AgentsTracingProcessor {
  onTraceStart(trace: unknown): Promise<void>;
  onTraceEnd(trace: unknown): Promise<void>;
  onSpanStart(span: unknown): Promise<void>;
  onSpanEnd(span: unknown): Promise<void>;
  shutdown(timeout?: number): Promise<void>;
  forceFlush(): Promise<void>;
}

const done = Promise.resolve();

function createProcessor(bridge: () => AgentsSpanBridge | undefined): AgentsTracingProcessor {
  return {
    onTraceStart: (t) => (safely('openai-agents.traceStart', () => bridge()?.traceStarted(t as SdkTrace)), done),
    onTraceEnd: (t) => (safely('openai-agents.traceEnd', () => bridge()?.traceEnded(t as SdkTrace)), done),
    onSpanStart: (s) => (safely('openai-agents.spanStart', () => bridge()?.spanStarted(s as SdkSpan)), done),
    onSpanEnd: (s) => (safely('openai-agents.spanEnd', () => bridge()?.spanEnded(s as SdkSpan)), done),
    // The SDK shuts its processors down at exit; our export pipeline has its own exit path and outlives it.
    shutdown: () => done,
    // An app that flushes the SDK's traces (serverless handlers do) flushes ours too.
    forceFlush: () => getState().pipeline?.forceFlush().catch(() => undefined) ?? done,
  };
}

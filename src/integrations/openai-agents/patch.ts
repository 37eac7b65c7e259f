import type { Tracer } from '@opentelemetry/api';
import type { IntegrationPatcher, PatchContext } from '../types';
import { wrapMethod } from '../../instrumentation/wrap-method';
import { registerParentResolver, unregisterParentResolver } from '../../trace/parent-context';
import { AgentsSpanBridge, type SdkSpan, type SdkTrace } from './bridge';
import { createProcessor, type AgentsTracingProcessor } from './processor';
import { contentSwitches } from './switches';

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
  bridge: AgentsSpanBridge;
  processor: AgentsTracingProcessor;
  /** The latest patch context: setup(), the preload or an instrumentation with its own tracer provider. */
  ctx?: PatchContext;
  api?: TraceApi;
  providers: WeakSet<object>;
}

const REGISTRATION = Symbol.for('@catalyst/tracing.openai-agents');
const RESOLVER_NAME = 'openai-agents';

function registration(): Registration {
  const g = globalThis as typeof globalThis & { [REGISTRATION]?: Registration };
  let reg = g[REGISTRATION];
  if (!reg) {
    const tracer = (): Tracer => reg!.ctx!.getTracer();
    const bridge = new AgentsSpanBridge(tracer, () => contentSwitches());
    reg = { bridge, processor: createProcessor(bridge), providers: new WeakSet() };
    g[REGISTRATION] = reg;
  }
  return reg;
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
      if (!reg.bridge.enabled || !Array.isArray(processors)) return original.call(this, processors);
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
    reg.bridge.enabled = true;
    registerParentResolver(RESOLVER_NAME, (active, origin) => {
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
    registration().bridge.enabled = false;
    unregisterParentResolver(RESOLVER_NAME);
  },
};

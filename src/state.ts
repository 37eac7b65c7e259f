import type { Context, Tracer } from '@opentelemetry/api';
import type { ResolvedConfig } from './config/types';
import type { InstallResult } from './integrations/types';

/**
 * The one state object of the agent in this process. It lives on globalThis
 * under a Symbol.for key so that the preload twice (flag plus NODE_OPTIONS),
 * preload plus setup(), or two installed copies of the package all share it
 * and never double-patch or start a second provider.
 */
const STATE_KEY = Symbol.for('@catalyst/tracing.state');

export interface Pipeline {
  tracer: Tracer;
  /** The tracer provider (an OTel BasicTracerProvider). */
  provider: import('@opentelemetry/sdk-trace-base').BasicTracerProvider;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
  /**
   * Queues a span finished by another provider (a framework that owns its own
   * OTel pipeline, converted to OpenInference) for export with ours. Optional:
   * a copy of the package older than this field builds pipelines without it.
   */
  exportFinished?(span: import('@opentelemetry/sdk-trace-base').ReadableSpan): void;
  /** The resource our spans carry (service name, distro, OTEL_RESOURCE_ATTRIBUTES), for such converted spans. */
  resource?: import('@opentelemetry/resources').Resource;
}

export interface AgentState {
  /** The copy of the package that started first; later copies defer to it. */
  readonly owner: string;
  config?: ResolvedConfig;
  /** The export pipeline once built; see livePipeline(). */
  pipeline?: Pipeline;
  /** Set when tracing is on: builds the pipeline on first need (the first span, setup(), a flush). */
  startPipeline?: () => Pipeline;
  /** Hook installation happens once per process, whichever entry comes first. */
  hooksInstalled: { cjs: boolean; esm: boolean };
  /** Prototypes or objects already patched, across copies and module builds. */
  readonly patched: WeakSet<object>;
  readonly installResults: Map<string, InstallResult>;
  /** Streams whose spans are still open; ended at shutdown so none is lost. */
  readonly openSpans: Set<{ end(reason: string): void }>;
  /**
   * A framework that owns the global tracer provider and takes our converter
   * as one of its destinations (Eve): its provider is expected, not a sign the
   * app set up OpenTelemetry of its own. Set by that integration's entry.
   */
  hostFramework?: string;
  /** Frameworks' maps from their current run to our span (see trace/parent-context.ts); optional because older copies made state without it. */
  parentResolvers?: Map<string, ParentResolver>;
}

/**
 * Who is about to start a span. Provider patches ask as 'provider' (one model
 * or embedding call); the span API asks as 'api'.
 */
export type SpanOrigin = 'provider' | 'api';

/**
 * Frameworks such as LangChain or the OpenAI Agents SDK carry their own
 * "current run" in their own async storage, and we learn of their runs through
 * callbacks that cannot make our span the active OTel context. A resolver maps
 * the framework's current run to a context holding our span for it, so a
 * provider call (or a manual span) made inside that run nests under it instead
 * of showing as a sibling. A resolver may also return a context with tracing
 * suppressed, to fold a provider call into a span the framework already made.
 * Returning undefined means "no opinion".
 */
export type ParentResolver = (active: Context, origin: SpanOrigin) => Context | undefined;

type GlobalWithState = typeof globalThis & { [STATE_KEY]?: AgentState };

export function getState(): AgentState {
  const g = globalThis as GlobalWithState;
  let state = g[STATE_KEY];
  if (!state) {
    state = {
      owner: __dirname,
      hooksInstalled: { cjs: false, esm: false },
      patched: new WeakSet(),
      installResults: new Map(),
      openSpans: new Set(),
    };
    g[STATE_KEY] = state;
  }
  return state;
}

/**
 * The running pipeline, built now if tracing is on and nothing needed it yet.
 * The OTel SDK, the exporter and the context manager cost start-up time and,
 * on Node 20, a promise hook for the whole app: an app that never makes a
 * traced call never pays for them.
 */
export function livePipeline(state: AgentState = getState()): Pipeline | undefined {
  return state.pipeline ?? state.startPipeline?.();
}

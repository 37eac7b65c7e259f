import { trace, type Context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { SpanOrigin } from '../../trace/parent-context';

// What patch.ts and calls.ts share: the scope LiveKit traces under, and the fold of provider spans.

/** LiveKit Agents' tracer name (`telemetry.tracer`): the scope of every span it makes. */
export const LIVEKIT_SCOPE = 'livekit-agents';

/**
 * The spans around one model call: `llm_request` (one `LLM.chat()`) and
 * `llm_request_run` (one attempt of it). The plugin makes the call through
 * its bundled `openai`, which our provider patch traces too: inside these
 * spans that call runs with tracing suppressed, so a request is one LLM
 * span, LiveKit's, which already carries the model, the messages, the tools
 * offered and the token counts.
 */
const MODEL_CALL_SPANS = new Set(['llm_request', 'llm_request_run']);

const OURS = Symbol.for('@catalyst/tracing.livekit-agents.spans');
type GlobalWithSpans = typeof globalThis & { [OURS]?: WeakSet<object> };

/** LiveKit spans made by our pipeline; shared by every copy of the package, like the agent state. */
function ours(): WeakSet<object> {
  const g = globalThis as GlobalWithSpans;
  return (g[OURS] ??= new WeakSet());
}

/**
 * Only spans our pipeline exports fold a provider call: under an app's own
 * global provider LiveKit's spans go to the app's exporter, and our provider
 * span is the only one we export.
 */
export function markOurs(span: object): void {
  ours().add(span);
}

export function foldModelCall(active: Context, origin: SpanOrigin): Context | undefined {
  if (origin !== 'provider') return undefined;
  const span = trace.getSpan(active);
  if (!span || !ours().has(span)) return undefined;
  const name = (span as unknown as { name?: unknown }).name;
  return typeof name === 'string' && MODEL_CALL_SPANS.has(name) ? suppressTracing(active) : undefined;
}

import { safely } from '../../instrumentation/safe';
import { getState } from '../../state';
import type { AgentsSpanBridge, SdkSpan, SdkTrace } from './bridge';

/**
 * Our entry in the SDK's list of tracing processors (its `TracingProcessor`
 * interface). Every callback is synchronous work wrapped in `safely`, so a
 * failure of ours never reaches the SDK's processor chain, and returns a
 * settled promise so the processors after ours are not delayed.
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

export function createProcessor(bridge: AgentsSpanBridge): AgentsTracingProcessor {
  return {
    onTraceStart: (t) => (safely('openai-agents.traceStart', () => bridge.traceStarted(t as SdkTrace)), done),
    onTraceEnd: (t) => (safely('openai-agents.traceEnd', () => bridge.traceEnded(t as SdkTrace)), done),
    onSpanStart: (s) => (safely('openai-agents.spanStart', () => bridge.spanStarted(s as SdkSpan)), done),
    onSpanEnd: (s) => (safely('openai-agents.spanEnd', () => bridge.spanEnded(s as SdkSpan)), done),
    // The SDK shuts its processors down at exit; our export pipeline has its own exit path and outlives it.
    shutdown: () => done,
    // An app that flushes the SDK's traces (serverless handlers do) flushes ours too.
    forceFlush: () => getState().pipeline?.forceFlush().catch(() => undefined) ?? done,
  };
}

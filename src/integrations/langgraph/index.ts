/**
 * `@catalyst/tracing/langgraph`: explicit ways to trace LangGraph.js
 * (`@langchain/langgraph` 1.x). Graph runs, nodes, model calls and tools are
 * LangChain runs: they are traced by the `langchain` integration (see
 * `@catalyst/tracing/langchain`). This one tells an agent graph from others.
 */
import type { TracerProvider } from '@opentelemetry/api';
import { patchClass } from '../../api/explicit';
import { createInstrumentation, type CatalystInstrumentation } from '../instrumentation-adapter';
import { findIntegration } from '../registry';

const spec = () => findIntegration('langgraph')!;

/** Patch a given `@langchain/langgraph` module (or a compiled graph class); returns true when it is traced. */
export function instrumentLangGraph(moduleOrClass: unknown): boolean {
  return patchClass(spec(), moduleOrClass);
}

/**
 * An OpenTelemetry instrumentation for `@langchain/langgraph`, under `provider`
 * or the global tracer provider. Use it with installLangChainInstrumentation(),
 * which makes the spans.
 */
export function installLangGraphInstrumentation(provider?: TracerProvider): CatalystInstrumentation {
  return createInstrumentation(spec(), provider);
}

export { langgraphPatcher } from './patch';

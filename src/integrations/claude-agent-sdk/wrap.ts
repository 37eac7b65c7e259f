import { resolveTracer } from '../../trace/tracer';
import { tracedQuery, type QueryFunction } from './patch';

/**
 * `query` with the same signature and the same messages, each loop an AGENT
 * span (a direct child of the span current at the call, such as an
 * agentSpan's) with an LLM span per model turn and a TOOL span per tool use.
 * A `query` the preload already traces is returned as it is: one span, not two.
 */
export function wrapClaudeAgentSdkQuery<F extends QueryFunction>(query: F): F {
  if (typeof query !== 'function') return query;
  return tracedQuery(query, resolveTracer);
}

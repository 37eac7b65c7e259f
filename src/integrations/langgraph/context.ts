import { createContextKey, type Context } from '@opentelemetry/api';
import { isObj } from '../shape';

/**
 * How the LangChain callback handler learns which graph object a graph run
 * belongs to: LangChain hands it only a serialized stub. The wrapped
 * `_streamIterator` (patch.ts) starts the graph in a context carrying the graph;
 * the first graph run that starts in it claims it. The key is `Symbol.for`
 * based, so every bundle of this package reads the same one.
 */
const GRAPH_KEY = createContextKey('@catalyst/tracing.langgraph.graph');

interface GraphMarker {
  graph: object;
  claimed: boolean;
}

export function withGraph(ctx: Context, graph: object): Context {
  const marker: GraphMarker = { graph, claimed: false };
  return ctx.setValue(GRAPH_KEY, marker);
}

/** The graph a starting graph run belongs to, once: nested runs in the same context get nothing. */
export function claimGraph(ctx: Context): object | undefined {
  const marker = ctx.getValue(GRAPH_KEY) as GraphMarker | undefined;
  if (!marker || marker.claimed) return undefined;
  marker.claimed = true;
  return marker.graph;
}

/**
 * A graph that runs tools through a ToolNode is an agent loop: the prebuilt
 * createReactAgent, langchain's createAgent, and hand-built ReAct graphs.
 */
export function isAgentGraph(graph: unknown): boolean {
  if (!isObj(graph) || !isObj(graph.nodes)) return false;
  return Object.values(graph.nodes).some((node) => {
    const bound = isObj(node) ? node.bound : undefined;
    return isObj(bound) && bound.constructor?.name === 'ToolNode';
  });
}

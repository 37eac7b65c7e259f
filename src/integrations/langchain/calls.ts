import { context, trace, type Context, type Tracer } from '@opentelemetry/api';
import { Attr, SpanKindValues, type SpanKindValue } from '../../semconv/attr';
import { withAgentScope } from '../../trace/identity';
import { cappedAttributeValue, writeAttributes } from '../../trace/write';
import { endIncomplete, endOk, endWithError, trackOpenSpan } from '../../instrumentation/span-lifecycle';
import { safely } from '../../instrumentation/safe';
import { isObj, str, type Attrs, type Obj } from '../shape';
import { claimGraph, isAgentGraph } from '../langgraph/context';
import * as map from './attributes';
import { getRun, registry, type Registry, type Run } from './runs';

/**
 * The one callback handler we add to every LangChain run (patch.ts).
 * Each LangChain run event starts or ends a span (runs.ts); what a span says
 * comes from attributes.ts. It is a plain object with the fields LangChain's
 * callback manager reads, so it works with every copy and build of
 * @langchain/core.
 *
 * `awaitHandlers: true` makes LangChain call it inline, never from its
 * background queue: start and end times are the run's own, and the active
 * OTel context at a root run's start is the caller's (an `agentSpan` around a
 * graph run becomes its parent). Every method returns at once, so waiting on
 * it costs the app nothing, and none can throw into LangChain.
 */
export const HANDLER_NAME = 'catalyst_tracing_langchain';

/** LangGraph's control-flow signals: a run that raises one was paused or redirected, not failed. */
const BUBBLE_UPS = new Set(['GraphInterrupt', 'NodeInterrupt', 'GraphBubbleUp', 'ParentCommand']);

type Id = string | undefined;

export function createHandler(getTracer: () => Tracer): Obj {
  const start = (s: StartRun): Run | undefined => startRun(getTracer(), s);
  const failed = (where: string, runId: Id, error: unknown): void => {
    safely(where, () => {
      if (!runId) return;
      const name = isObj(error) ? str(error.name) ?? str(error.constructor?.name) : undefined;
      if (name && BUBBLE_UPS.has(name)) {
        getRun(runId)?.span.addEvent(name === 'ParentCommand' ? 'command' : 'interrupt');
        endRun(runId);
      } else endRun(runId, undefined, error);
    });
  };

  return {
    name: HANDLER_NAME,
    awaitHandlers: true,
    raiseError: false,
    ignoreLLM: false,
    ignoreChain: false,
    ignoreAgent: false,
    ignoreRetriever: false,
    ignoreCustomEvent: true,
    lc_serializable: false,
    copy() {
      return this;
    },
    toJSON() {
      return { lc: 1, type: 'not_implemented', id: ['catalyst', HANDLER_NAME] };
    },

    handleChatModelStart(llm: Obj, messages: unknown[][], runId: string, parentRunId: Id, extraParams: Obj, _tags: unknown, metadata: Obj, name: Id) {
      safely('langchain.chatModelStart', () => {
        const attributes = map.llmStartAttributes({ serialized: llm, messages: Array.isArray(messages) ? messages[0] : undefined, extraParams, metadata });
        start({ runId, parentRunId, name: map.runName(llm, name, 'LLM'), kind: SpanKindValues.LLM, attributes });
      });
    },
    handleLLMStart(llm: Obj, prompts: string[], runId: string, parentRunId: Id, extraParams: Obj, _tags: unknown, metadata: Obj, name: Id) {
      safely('langchain.llmStart', () => {
        const attributes = map.llmStartAttributes({ serialized: llm, prompts: Array.isArray(prompts) ? prompts : undefined, extraParams, metadata });
        start({ runId, parentRunId, name: map.runName(llm, name, 'LLM'), kind: SpanKindValues.LLM, attributes });
      });
    },
    handleLLMEnd(output: unknown, runId: string) {
      safely('langchain.llmEnd', () => endRun(runId, map.llmEndAttributes(output)));
    },
    handleLLMError(error: unknown, runId: string) {
      failed('langchain.llmError', runId, error);
    },

    handleChainStart(chain: Obj, inputs: unknown, runId: string, parentRunId: Id, _tags: unknown, metadata: Obj, _runType: Id, name: Id) {
      safely('langchain.chainStart', () => {
        const active = context.active();
        const graph = map.isGraphRun(chain) ? claimGraph(active) : undefined;
        const kind = map.chainKind(chain, metadata, name, graph !== undefined && isAgentGraph(graph));
        const agentName = kind === SpanKindValues.AGENT ? str(metadata?.lc_agent_name) : undefined;
        const spanName = agentName ?? map.runName(chain, name, 'Chain');
        const attributes: Attrs = map.chainStartAttributes(inputs, metadata, name);
        const parent = getRun(parentRunId);
        if (map.isGraphRun(chain)) {
          Object.assign(attributes, graphIds(spanName, parent));
        } else if (attributes[map.GRAPH_NODE_ID] !== undefined) {
          Object.assign(attributes, graphIds(String(attributes[map.GRAPH_NODE_ID]), parent));
        }
        let parentContext: Context | undefined;
        if (kind === SpanKindValues.AGENT) {
          attributes[Attr.AGENT_NAME] = spanName;
          // A graph agent is an agent scope of its own, as a nested agentSpan is: its children carry its name.
          parentContext = withAgentScope(parent?.ctx ?? active, { [Attr.AGENT_NAME]: spanName });
        }
        const run = start({ runId, parentRunId, name: spanName, kind, attributes, parentContext });
        const nodeId = attributes[map.GRAPH_NODE_ID];
        if (run && typeof nodeId === 'string') run.graphNodeId = nodeId;
      });
    },
    handleChainEnd(outputs: unknown, runId: string) {
      safely('langchain.chainEnd', () => endRun(runId, map.chainEndAttributes(outputs)));
    },
    handleChainError(error: unknown, runId: string) {
      failed('langchain.chainError', runId, error);
    },

    handleToolStart(tool: Obj, input: unknown, runId: string, parentRunId: Id, _tags: unknown, _metadata: Obj, name: Id, toolCallId: Id) {
      safely('langchain.toolStart', () => {
        const attributes = map.toolStartAttributes(tool, input, name, toolCallId);
        start({ runId, parentRunId, name: String(attributes[Attr.TOOL_NAME]), kind: SpanKindValues.TOOL, attributes });
      });
    },
    handleToolEnd(output: unknown, runId: string) {
      safely('langchain.toolEnd', () => endRun(runId, map.toolEndAttributes(output)));
    },
    handleToolError(error: unknown, runId: string) {
      failed('langchain.toolError', runId, error);
    },

    handleRetrieverStart(retriever: Obj, query: unknown, runId: string, parentRunId: Id, _tags: unknown, _metadata: Obj, name: Id) {
      safely('langchain.retrieverStart', () => {
        start({ runId, parentRunId, name: map.runName(retriever, name, 'Retriever'), kind: SpanKindValues.RETRIEVER, attributes: map.retrieverStartAttributes(query) });
      });
    },
    handleRetrieverEnd(documents: unknown, runId: string) {
      safely('langchain.retrieverEnd', () => endRun(runId, map.retrieverEndAttributes(documents)));
    },
    handleRetrieverError(error: unknown, runId: string) {
      failed('langchain.retrieverError', runId, error);
    },

    // Classic AgentExecutor steps: events on the agent's chain span.
    handleAgentAction(action: Obj, runId: string) {
      safely('langchain.agentAction', () => {
        // Event attributes do not pass through writeAttributes: capped and hidden as the input they are.
        getRun(runId)?.span.addEvent('agent_action', { tool: str(action?.tool) ?? '', tool_input: cappedAttributeValue(Attr.INPUT_VALUE, action?.toolInput ?? null) ?? '' });
      });
    },
    handleAgentEnd(action: Obj, runId: string) {
      safely('langchain.agentEnd', () => {
        getRun(runId)?.span.addEvent('agent_finish', { log: cappedAttributeValue(Attr.OUTPUT_VALUE, str(action?.log) ?? '') ?? '' });
      });
    },
  };
}

/** `graph.node.id` and, under an enclosing graph or node, `graph.node.parent_id`. */
function graphIds(nodeId: string, parent: Run | undefined): Attrs {
  const out: Attrs = { [map.GRAPH_NODE_ID]: nodeId };
  const parentId = nearestGraphNode(parent);
  if (parentId !== undefined) out[map.GRAPH_NODE_PARENT_ID] = parentId;
  return out;
}

function nearestGraphNode(run: Run | undefined): string | undefined {
  for (let r = run, i = 0; r && i < 100; r = getRun(r.parentRunId), i++) if (r.graphNodeId !== undefined) return r.graphNodeId;
  return undefined;
}

// ---- the spans of runs: opened at a run's start, ended at its end (the registry is runs.ts) ----

/** Past this many open runs (runs LangChain never ended), the oldest are ended as incomplete. */
const MAX_OPEN = 10_000;

export interface StartRun {
  runId: string;
  parentRunId?: string;
  name: string;
  kind: SpanKindValue;
  attributes: Attrs;
  /** Overrides the context the span starts in (by default the parent run's, else the active one). */
  parentContext?: Context;
}

export function startRun(tracer: Tracer, start: StartRun): Run | undefined {
  const reg = registry();
  if (reg.runs.has(start.runId)) return reg.runs.get(start.runId);
  const active = context.active();
  const parent = start.parentRunId ? reg.runs.get(start.parentRunId) : undefined;
  // A child run nests under its parent's span; a root run (or one whose parent we never saw) under the active context.
  const parentCtx = start.parentContext ?? parent?.ctx ?? active;
  // The kind is set at start: the identity processor reads it to tell an agent span from the rest.
  const span = tracer.startSpan(start.name, { attributes: { [Attr.SPAN_KIND]: start.kind } }, parentCtx);
  writeAttributes(span, start.attributes);
  const run: Run = {
    runId: start.runId,
    parentRunId: start.parentRunId,
    kind: start.kind,
    span,
    ctx: trace.setSpan(parentCtx, span),
    activeSpan: trace.getSpan(active),
    release: trackOpenSpan(span),
  };
  reg.runs.set(run.runId, run);
  if (run.kind === SpanKindValues.LLM) reg.llm.add(run);
  if (reg.runs.size > MAX_OPEN) evictOldest(reg);
  return run;
}

export function endRun(runId: string, attributes?: Attrs, error?: unknown): void {
  const reg = registry();
  const run = reg.runs.get(runId);
  if (!run) return;
  reg.runs.delete(runId);
  reg.llm.delete(run);
  if (attributes) writeAttributes(run.span, attributes);
  if (error !== undefined) endWithError(run.span, error);
  else endOk(run.span);
  run.release();
}

function evictOldest(reg: Registry): void {
  const oldest = reg.runs.keys().next().value;
  if (oldest === undefined) return;
  const run = reg.runs.get(oldest)!;
  reg.runs.delete(oldest);
  reg.llm.delete(run);
  endIncomplete(run.span, 'too many open LangChain runs');
  run.release();
}

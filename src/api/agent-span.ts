import { type Tracer } from '@opentelemetry/api';
import { Attr, SpanKindValues } from '../semconv/attr';
import { withAgentScope } from '../trace/identity';
import { writeAttributes } from '../trace/write';
import { asText } from '../trace/encode';
import { safely } from '../instrumentation/safe';
import { isTracer, resolveTracer } from '../trace/tracer';
import { runInSpan } from './run-in-span';
import { spanName } from '../trace/span-name';
import type { SpanHandle } from './span-handle';
import { parentContext } from '../trace/parent-context';

export interface AgentSpanOptions {
  agentId?: string;
  agentName?: string;
  /** Alias of agentName. */
  name?: string;
  role?: string;
  sessionId?: string;
  userId?: string;
  /** The model vendor or framework the agent runs on, written as `llm.system`. */
  system?: string;
  /** The span's name; default: the agent name, else "agent". */
  spanName?: string;
  metadata?: Record<string, unknown>;
  tags?: string[];
  input?: unknown;
}

/**
 * Groups a run under an AGENT span. Its identity (agent id, name, role, session,
 * user, metadata, tags) is copied onto every span started inside `fn`, automatic
 * SDK spans included, across awaits, timers and fan-out. A nested agentSpan starts
 * a new agent scope for its subtree. The span ends when `fn` settles.
 */
export function agentSpan<T>(options: AgentSpanOptions, fn: (span: SpanHandle) => T): T;
export function agentSpan<T>(tracer: Tracer, options: AgentSpanOptions, fn: (span: SpanHandle) => T): T;
export function agentSpan<T>(...args: [AgentSpanOptions, (span: SpanHandle) => T] | [Tracer, AgentSpanOptions, (span: SpanHandle) => T]): T {
  const [tracer, options, fn] = isTracer(args[0])
    ? (args as [Tracer, AgentSpanOptions, (span: SpanHandle) => T])
    : ([resolveTracer(), ...(args as [AgentSpanOptions, (span: SpanHandle) => T])] as const);
  const opts = options ?? {};
  const agentName = opts.agentName ?? opts.name;
  const identity: Record<string, unknown> = {
    [Attr.AGENT_ID]: opts.agentId,
    [Attr.AGENT_NAME]: agentName,
    [Attr.AGENT_ROLE]: opts.role,
    [Attr.SESSION_ID]: opts.sessionId,
    [Attr.USER_ID]: opts.userId,
    [Attr.METADATA]: opts.metadata,
    [Attr.TAGS]: opts.tags,
  };
  const parent = parentContext('api');
  // The kind is set at start so the identity processor knows not to hand the outer agent's id and name to this one.
  const span = tracer.startSpan(spanName(opts.spanName ?? agentName ?? 'agent'), { attributes: { [Attr.SPAN_KIND]: SpanKindValues.AGENT } }, parent);
  const ctx =
    safely('agentSpan', () => {
      writeAttributes(span, { [Attr.SPAN_KIND]: SpanKindValues.AGENT, ...identity, [Attr.LLM_SYSTEM]: opts.system });
      if (opts.input !== undefined) writeAttributes(span, inputAttributes(opts.input));
      return withAgentScope(parent, identity);
    }) ?? parent;
  return runInSpan(span, ctx, fn);
}

export function inputAttributes(input: unknown): Record<string, unknown> {
  const { text, json } = asText(input);
  return { [Attr.INPUT_VALUE]: text, [Attr.INPUT_MIME_TYPE]: json ? 'application/json' : 'text/plain' };
}

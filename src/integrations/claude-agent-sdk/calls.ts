import { context, SpanStatusCode, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { Attr } from '../../semconv/attr';
import { writeAttributes } from '../../trace/write';
import { parentContext } from '../../trace/parent-context';
import { traceparentOf } from '../../trace/traceparent';
import { spanName } from '../../trace/span-name';
import { safely } from '../../instrumentation/safe';
import { endIncomplete, endOk, endWithError, trackOpenSpan } from '../../instrumentation/span-lifecycle';
import { isObj, type Obj } from '../shape';
import { initAttributes, queryStartAttributes, resultAttributes, resultError, toolEndAttributes, toolStartAttributes, turnAttributes, type Turn } from './attributes';
import type { QueryFunction } from './patch';

/**
 * One traced `query()` loop: an AGENT span from the call to the `result`
 * message, an LLM span per model turn (the assistant messages of one API
 * message id) and a TOOL span per tool use, all children of the AGENT span
 * (a subagent's turns and tools nest under the Task tool that started it).
 *
 * Two sources, both the SDK's own: the messages it yields (observed on their
 * way to the app, never buffered or reordered), and PreToolUse / PostToolUse /
 * PostToolUseFailure hooks appended after the app's hooks (the binary calls
 * them as each tool starts and ends, which the messages alone would not time).
 */

const AGENT_SPAN_NAME = 'ClaudeAgentSDK.query';
const TURN_SPAN_NAME = 'ClaudeAgentSDK.turn';

export function runQuery(original: QueryFunction, thisArg: unknown, args: unknown[], getTracer: () => Tracer): unknown {
  const loop = safely('claude-agent-sdk.start', () => new Loop(getTracer(), args[0]));
  if (!loop) return original.apply(thisArg, args);
  const callArgs = safely('claude-agent-sdk.hooks', () => [loop.withHooks(args[0]), ...args.slice(1)]) ?? args;
  let returned: unknown;
  try {
    returned = context.with(loop.agentContext, () => original.apply(thisArg, callArgs));
  } catch (error) {
    loop.fail(error);
    throw error;
  }
  safely('claude-agent-sdk.observe', () => loop.observe(returned));
  return returned;
}

type HookCallback = (input: unknown, toolUseId: string | undefined, options: unknown) => Promise<Obj>;
interface HookMatcher {
  matcher?: string;
  hooks: HookCallback[];
}

class Loop {
  readonly agent: Span;
  readonly agentContext: Context;
  private readonly tracer: Tracer;
  private readonly release: () => void;
  private sessionId?: string;
  private done = false;
  /** The model turn being received, ended when anything else happens. */
  private turn?: { id: string; span?: Span; data: Turn; startedAt: number; lastAt: number; parent: Context };
  /** When the next model turn began: the loop's init, or the last tool result. */
  private turnStartsAt = Date.now();
  private readonly tools = new Map<string, Span>();
  private resultSeen = false;

  constructor(tracer: Tracer, params: unknown) {
    this.tracer = tracer;
    const parent = parentContext('api');
    this.agent = tracer.startSpan(spanName(AGENT_SPAN_NAME), { attributes: queryStartAttributes(params) as never }, parent);
    this.agentContext = trace.setSpan(parent, this.agent);
    this.release = trackOpenSpan(this.agent);
  }

  /**
   * The call's params with our tool hooks after the app's own (never replacing
   * them), and TRACEPARENT in the binary's environment (unless the app set one)
   * so the binary's own spans, when its telemetry is on, nest under the loop.
   * The SDK gives the binary `options.env`, else a copy of process.env: a copy
   * of either plus one variable is the same environment. The app's objects are
   * not modified.
   */
  withHooks(params: unknown): unknown {
    if (!isObj(params)) return params;
    const options: Obj = isObj(params.options) ? params.options : {};
    const hooks: Obj = isObj(options.hooks) ? options.hooks : {};
    const add = (event: string, fn: HookCallback): HookMatcher[] => [...(Array.isArray(hooks[event]) ? hooks[event] : []), { hooks: [fn] }];
    const merged = {
      ...hooks,
      PreToolUse: add('PreToolUse', async (input) => (safely('claude-agent-sdk.PreToolUse', () => this.toolStarted(input)), {})),
      PostToolUse: add('PostToolUse', async (input) => (safely('claude-agent-sdk.PostToolUse', () => this.toolEnded(input, false)), {})),
      PostToolUseFailure: add('PostToolUseFailure', async (input) => (safely('claude-agent-sdk.PostToolUseFailure', () => this.toolEnded(input, true)), {})),
    };
    const env: Obj = isObj(options.env) ? options.env : process.env;
    const traceparent = env.TRACEPARENT === undefined ? traceparentOf(this.agentContext) : undefined;
    return { ...params, options: { ...options, hooks: merged, ...(traceparent ? { env: { ...env, TRACEPARENT: traceparent } } : {}) } };
  }

  /**
   * Follows the returned Query without replacing it: its own next / return /
   * throw, and the iterator its [Symbol.asyncIterator]() hands `for await`
   * (the SDK returns an inner generator there, not the Query), each observed
   * through own properties that call the originals. A message reached by both
   * paths is seen once.
   */
  observe(query: unknown): void {
    if (!isObj(query) || typeof query.next !== 'function') {
      this.finish();
      return;
    }
    this.observeIterator(query);
    const iterate = (query as { [Symbol.asyncIterator]?: (this: unknown, ...a: unknown[]) => unknown })[Symbol.asyncIterator];
    if (typeof iterate !== 'function') return;
    Object.defineProperty(query, Symbol.asyncIterator, {
      value: (...a: unknown[]) => {
        const inner = iterate.apply(query, a);
        if (inner !== query && isObj(inner)) safely('claude-agent-sdk.observe', () => this.observeIterator(inner));
        return inner;
      },
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }

  private readonly observed = new WeakSet<object>();

  private observeIterator(it: Obj): void {
    if (this.observed.has(it) || typeof it.next !== 'function') return;
    this.observed.add(it);
    type Step = (this: unknown, ...a: unknown[]) => Promise<IteratorResult<unknown>>;
    const next = it.next as Step;
    const ret = it.return as Step | undefined;
    const thr = it.throw as Step | undefined;
    const own = (name: string, fn: (...a: unknown[]) => unknown): void => {
      Object.defineProperty(it, name, { value: fn, writable: true, configurable: true, enumerable: false });
    };
    own('next', (...a: unknown[]) => this.follow(next.apply(it, a)));
    if (typeof ret === 'function') own('return', (...a: unknown[]) => (safely('claude-agent-sdk.return', () => this.cancel()), ret.apply(it, a)));
    if (typeof thr === 'function') own('throw', (...a: unknown[]) => this.follow(thr.apply(it, a)));
  }

  /** Messages already seen: the Query's next() reads the same inner generator. */
  private readonly seenMessages = new WeakSet<object>();

  private follow(pending: Promise<IteratorResult<unknown>>): Promise<IteratorResult<unknown>> {
    if (this.done) return pending;
    pending.then(
      (r) => safely('claude-agent-sdk.message', () => (r.done ? this.finish() : this.onMessage(r.value))),
      (error) => safely('claude-agent-sdk.error', () => this.fail(error)),
    );
    return pending;
  }

  private onMessage(message: unknown): void {
    if (this.done || !isObj(message) || this.seenMessages.has(message)) return;
    this.seenMessages.add(message);
    if (typeof message.session_id === 'string' && !this.sessionId) {
      this.sessionId = message.session_id;
      writeAttributes(this.agent, { [Attr.SESSION_ID]: this.sessionId });
    }
    switch (message.type) {
      case 'system':
        if (message.subtype === 'init') {
          writeAttributes(this.agent, initAttributes(message));
          this.turnStartsAt = Date.now();
        }
        return;
      case 'assistant':
        return this.onAssistant(message);
      case 'user':
        return this.onUser(message);
      case 'result':
        return this.onResult(message);
      default:
    }
  }

  private onAssistant(message: Obj): void {
    const m = isObj(message.message) ? message.message : undefined;
    if (!m) return;
    const id = typeof m.id === 'string' ? m.id : `turn-${Date.now()}`;
    if (this.turn?.id !== id) {
      this.endTurn();
      this.turn = { id, data: { blocks: [] }, startedAt: this.turnStartsAt, lastAt: Date.now(), parent: this.parentFor(message) };
    }
    const t = this.turn!;
    t.lastAt = Date.now();
    if (typeof m.model === 'string') t.data.model = m.model;
    if (m.usage !== undefined) t.data.usage = m.usage;
    if (typeof m.stop_reason === 'string') t.data.stopReason = m.stop_reason;
    if (Array.isArray(m.content)) {
      for (const block of m.content) {
        if (!isObj(block)) continue;
        t.data.blocks.push(block);
        // A tool the hooks have not reported (yet) starts now; PreToolUse finds it open.
        if (block.type === 'tool_use' && typeof block.id === 'string' && !this.tools.has(block.id)) this.pendingTools.set(block.id, { name: block.name, input: block.input, at: Date.now(), parent: t.parent });
      }
    }
  }

  /** Tool uses seen in a turn, by id, until their PreToolUse hook (or result) opens their span. */
  private readonly pendingTools = new Map<string, { name: unknown; input: unknown; at: number; parent: Context }>();

  private onUser(message: Obj): void {
    const m = isObj(message.message) ? message.message : undefined;
    const content = Array.isArray(m?.content) ? m.content : [];
    for (const block of content) {
      if (!isObj(block) || block.type !== 'tool_result' || typeof block.tool_use_id !== 'string') continue;
      this.endTurn();
      const span = this.openTool(block.tool_use_id, undefined, undefined);
      this.closeTool(block.tool_use_id, span, block.content, block.is_error === true);
    }
    this.turnStartsAt = Date.now();
  }

  private onResult(message: Obj): void {
    this.resultSeen = true;
    this.endTurn();
    this.endTools('the loop ended first');
    writeAttributes(this.agent, resultAttributes(message));
    const error = resultError(message);
    this.done = true;
    this.release();
    if (error) endWithError(this.agent, new ClaudeAgentError(error));
    else endOk(this.agent);
  }

  private toolStarted(input: unknown): void {
    if (this.done || !isObj(input)) return;
    const id = typeof input.tool_use_id === 'string' ? input.tool_use_id : undefined;
    if (!id) return;
    this.endTurn();
    this.openTool(id, input.tool_name, input.tool_input);
  }

  private toolEnded(input: unknown, failed: boolean): void {
    if (this.done || !isObj(input)) return;
    const id = typeof input.tool_use_id === 'string' ? input.tool_use_id : undefined;
    if (!id) return;
    const span = this.openTool(id, input.tool_name, input.tool_input);
    this.closeTool(id, span, failed ? input.error : input.tool_response, failed);
    this.turnStartsAt = Date.now();
  }

  /** The open TOOL span of a tool use, started now (or when its tool_use block arrived) if not yet open. */
  private openTool(id: string, name: unknown, input: unknown): Span | undefined {
    const open = this.tools.get(id);
    if (open) return open;
    if (this.closedTools.has(id)) return undefined;
    const pending = this.pendingTools.get(id);
    this.pendingTools.delete(id);
    const attributes = { ...toolStartAttributes(name ?? pending?.name, id, input ?? pending?.input), ...this.sessionAttr() };
    const span = this.tracer.startSpan(spanName(String(name ?? pending?.name ?? 'tool')), { startTime: pending && !name ? pending.at : undefined }, pending?.parent ?? this.agentContext);
    writeAttributes(span, attributes);
    this.tools.set(id, span);
    return span;
  }

  private readonly closedTools = new Set<string>();

  private closeTool(id: string, span: Span | undefined, output: unknown, failed: boolean): void {
    if (!span) return;
    this.tools.delete(id);
    this.closedTools.add(id);
    if (failed) {
      const text = typeof output === 'string' ? output : toolEndAttributes(output)[Attr.OUTPUT_VALUE];
      endWithError(span, new ClaudeToolError(typeof text === 'string' && text !== '' ? text : 'the tool failed'));
    } else {
      writeAttributes(span, toolEndAttributes(output));
      endOk(span);
    }
  }

  /** A subagent's messages name the Task tool use they run under. */
  private parentFor(message: Obj): Context {
    const toolId = typeof message.parent_tool_use_id === 'string' ? message.parent_tool_use_id : undefined;
    const tool = toolId ? this.tools.get(toolId) : undefined;
    return tool ? trace.setSpan(this.agentContext, tool) : this.agentContext;
  }

  private sessionAttr(): Obj {
    return this.sessionId ? { [Attr.SESSION_ID]: this.sessionId } : {};
  }

  /** The turn's LLM span, made when the turn is over (its messages are all in), with the turn's real start and end. */
  private endTurn(): void {
    const t = this.turn;
    if (!t) return;
    this.turn = undefined;
    const span = this.tracer.startSpan(spanName(TURN_SPAN_NAME), { startTime: t.startedAt }, t.parent);
    writeAttributes(span, { ...turnAttributes(t.data), ...this.sessionAttr() });
    safely('span.end', () => {
      span.setStatus({ code: SpanStatusCode.OK });
      span.end(t.lastAt);
    });
    this.turnStartsAt = t.lastAt;
  }

  private endTools(reason: string): void {
    for (const [id, span] of this.tools) {
      this.closedTools.add(id);
      endIncomplete(span, reason);
    }
    this.tools.clear();
  }

  /** The generator finished without a result message. */
  finish(): void {
    if (this.done) return;
    this.endTurn();
    this.endTools('the loop ended first');
    this.done = true;
    this.release();
    if (this.resultSeen) return;
    endWithError(this.agent, new ClaudeAgentError('the agent loop ended without a result'));
  }

  /** query() threw, or the generator rejected (a failed binary, an abort). */
  fail(error: unknown): void {
    if (this.done) return;
    this.endTurn();
    this.endTools('the loop failed');
    this.done = true;
    this.release();
    endWithError(this.agent, error);
  }

  /** The app stopped reading before the result (break, return()). */
  private cancel(): void {
    if (this.done) return;
    this.endTurn();
    this.endTools('the app stopped reading');
    this.done = true;
    this.release();
    endIncomplete(this.agent, 'the app stopped reading before the result');
  }
}

/** What an ERROR span records when the loop or a tool reports failure in a message rather than by throwing. */
class ClaudeAgentError extends Error {
  override name = 'ClaudeAgentError';
}
class ClaudeToolError extends Error {
  override name = 'ClaudeToolError';
}

import { context, trace, type Span } from '@opentelemetry/api';
import type { PatchContext } from '../types';
import { Attr, SpanKindValues } from '../../semconv/attr';
import { parentContext } from '../../trace/parent-context';
import { writeAttributes } from '../../trace/write';
import { safely } from '../../instrumentation/safe';
import { dataSnapshot, safeJson } from '../../trace/encode';
import { endOk, endWithError } from '../../instrumentation/span-lifecycle';
import { isObj, str, type Obj } from '../shape';
import { ElevenLabsAttr, clientToolCall, incomingTurn, toolResult, toolResultAttributes, toolStartAttributes, type ClientToolCall } from '../elevenlabs/attributes';
import { addTurn, ended, failed, openSession, refreshIdentity, started, type Session } from '../elevenlabs/calls';

/**
 * What a traced `@elevenlabs/elevenlabs-js` Conversation does: the same AGENT
 * span, transcript and TOOL child spans as `@elevenlabs/client` sessions (the
 * session bookkeeping is elevenlabs/calls.ts's), fed from the server SDK's own
 * methods. Each Conversation instance is one session, followed by the
 * instance itself: startSession() opens the span, _handleMessage() sees every
 * parsed server message, _onWebSocketClose() ends it. A client tool runs in
 * ClientTools.executeToolAsync(), which _handleMessage() calls synchronously,
 * so the call it handles is known there. patch.ts loads this file at the first
 * startSession().
 */

type AnyFn = (...args: any[]) => any;

interface OpenTool {
  session: Session;
  id: string;
  span: Span;
  error?: unknown;
}

const byConversation = new WeakMap<object, Session>();
/** Tool calls by the parameters object the SDK builds for each one (it hands the same object to ClientTools.handle()). */
const byParameters = new WeakMap<object, OpenTool>();
/** The client_tool_call _handleMessage() is handling right now, for the executeToolAsync() it calls. */
let handling: { session: Session; call: ClientToolCall } | undefined;

function live(conversation: unknown): Session | undefined {
  const session = isObj(conversation) ? byConversation.get(conversation) : undefined;
  return session && !session.ended ? session : undefined;
}

/** Own data property of the SDK's instance: never runs a getter. */
function field(o: unknown, key: string): unknown {
  if (!isObj(o)) return undefined;
  const d = Object.getOwnPropertyDescriptor(o, key);
  return d && 'value' in d ? d.value : undefined;
}

/** Conversation.prototype.startSession(): one AGENT span per instance, from here to the socket's close. */
export function tracedStartSession(ctx: PatchContext, original: AnyFn, self: unknown, args: unknown[]): unknown {
  // A second start on the same instance rejects in the SDK ("Session already started"): nothing to trace.
  if (!isObj(self) || byConversation.has(self) || field(self, 'ws')) return original.apply(self, args);
  const session = safely('elevenlabs-js.start', () => {
    const s = openSession(ctx, parentContext('provider'));
    byConversation.set(self, s);
    const agentId = str(field(self, 'agentId'));
    writeAttributes(s.span, {
      [Attr.LLM_SYSTEM]: 'elevenlabs',
      [ElevenLabsAttr.AGENT_ID]: agentId,
      [ElevenLabsAttr.AUTH_MODE]: field(self, 'requiresAuth') === true ? 'signed_url' : 'public',
    });
    refreshIdentity(s, { [Attr.AGENT_ID]: agentId });
    return s;
  });
  if (!session) return original.apply(self, args);
  let returned: unknown;
  try {
    returned = context.with(session.children, () => original.apply(self, args));
  } catch (error) {
    failed(session, error);
    throw error;
  }
  safely('elevenlabs-js.observe', () => {
    // startSession is async: its promise is observed on a branch of its own (the app's await is untouched).
    if (returned instanceof Promise) returned.then(() => started(session), (error: unknown) => failed(session, error));
    else started(session);
  });
  return returned;
}

/** Conversation.prototype._handleMessage(message): a parsed server message, seen before the SDK handles it. */
export function tracedHandleMessage(original: AnyFn, self: unknown, args: unknown[]): unknown {
  const session = live(self);
  if (!session) return original.apply(self, args);
  const message = args[0];
  safely('elevenlabs-js.event', () => {
    if (isObj(message) && message.type === 'interruption') session.interruptions++;
    else addTurn(session, incomingTurn(message));
    const call = clientToolCall(message);
    if (call) handling = { session, call };
  });
  try {
    return original.apply(self, args);
  } finally {
    handling = undefined;
    if (isObj(message) && message.type === 'conversation_initiation_metadata')
      safely('elevenlabs-js.event', () => {
        const id = str(field(self, 'conversationId'));
        writeAttributes(session.span, { [ElevenLabsAttr.CONVERSATION_ID]: id });
        refreshIdentity(session, { [Attr.SESSION_ID]: id });
      });
  }
}

/** Conversation.prototype.sendUserMessage(text): the user's typed turn, once the SDK has sent it. */
export function sentUserMessage(self: unknown, text: unknown): void {
  const session = live(self);
  if (session && typeof text === 'string') addTurn(session, { role: 'user', text, source: 'user_message' });
}

/** Conversation.prototype._onWebSocketClose(code, reason): the session is over; the app's listeners have run. */
export function closed(self: unknown, code: unknown, reason: unknown): void {
  const session = live(self);
  if (!session) return;
  const message = Buffer.isBuffer(reason) ? reason.toString() : str(reason);
  // endSession() sets shouldStop before closing; a server's normal close is the agent ending it; anything else is an error.
  const why = field(self, 'shouldStop') === true ? 'user' : code === 1000 ? 'agent' : 'error';
  ended(session, { reason: why, closeCode: typeof code === 'number' ? code : undefined, message: message || undefined });
}

/**
 * ClientTools.prototype.executeToolAsync(name, parameters, callback): a TOOL
 * span from the call to the callback the SDK hands the `client_tool_result`
 * to (already formatted from the tool's return, so nothing of the app's
 * result runs again). The tool runs in a later tick, inside the span's context.
 */
export function tracedExecuteTool(ctx: PatchContext, original: AnyFn, self: unknown, args: unknown[]): unknown {
  const pending = handling;
  handling = undefined;
  const prepared = pending && safely('elevenlabs-js.tool', () => prepareTool(ctx, pending.session, pending.call, self, args));
  if (!prepared) return original.apply(self, args);
  return context.with(trace.setSpan(prepared.session.children, prepared.span), () => original.apply(self, prepared.args));
}

function prepareTool(ctx: PatchContext, session: Session, call: ClientToolCall, tools: unknown, args: unknown[]) {
  const [name, parameters, callback] = args;
  // An unregistered tool is answered with an error by the SDK: no tool of the app's runs.
  const registry = field(tools, 'tools');
  if (name !== call.name || !isObj(parameters) || typeof callback !== 'function' || !(registry instanceof Map) || !registry.has(name)) return undefined;
  const span = ctx.getTracer().startSpan(call.name, { attributes: { [Attr.SPAN_KIND]: SpanKindValues.TOOL } }, session.children);
  writeAttributes(span, toolStartAttributes(call));
  const id = call.id ?? `${call.name}#${session.tools.size}`;
  const open: OpenTool = { session, id, span };
  session.tools.set(id, open);
  byParameters.set(parameters, open);
  const answered = function toolAnswered(this: unknown, ...response: unknown[]) {
    try {
      return (callback as AnyFn).apply(this, response);
    } finally {
      safely('elevenlabs-js.tool', () => finishTool(open, response[0]));
    }
  };
  return { session, span, args: [name, parameters, answered, ...args.slice(3)] };
}

function finishTool(open: OpenTool, response: unknown): void {
  if (open.session.tools.get(open.id) !== open) return;
  open.session.tools.delete(open.id);
  const result = toolResult(asSent(response));
  if (result) writeAttributes(open.span, toolResultAttributes(result));
  if (result?.isError) endWithError(open.span, open.error ?? new Error(result.result ?? 'client tool failed'));
  else endOk(open.span);
}

/**
 * The SDK's `client_tool_result` with its result as text: this SDK passes the
 * tool's return value through as it is (an object, unless the tool returned
 * nothing), so an object is encoded from a snapshot of its own data properties
 * (no getter or toJSON of the app's runs again).
 */
function asSent(response: unknown): unknown {
  if (!isObj(response) || response.result === undefined || typeof response.result === 'string') return response;
  return { ...response, result: safeJson(dataSnapshot(response.result)) };
}

/** ClientTools.prototype.handle(name, parameters): runs the app's tool; what it throws is noted for the TOOL span. */
export function tracedHandle(original: AnyFn, self: unknown, args: unknown[]): unknown {
  const open = isObj(args[1]) ? byParameters.get(args[1] as Obj) : undefined;
  const returned = original.apply(self, args);
  if (open)
    safely('elevenlabs-js.tool', () => {
      if (returned instanceof Promise)
        returned.then(undefined, (error: unknown) => {
          open.error = error;
        });
    });
  return returned;
}

import { context, trace, SpanStatusCode, type Context, type Span } from '@opentelemetry/api';
import type { PatchContext } from '../types';
import { Attr, SpanKindValues } from '../../semconv/attr';
import { getIdentity, withAgentScope } from '../../trace/identity';
import { parentContext } from '../../trace/parent-context';
import { writeAttributes } from '../../trace/write';
import { scrubSecrets } from '../../diagnostics/secrets';
import { safely } from '../../instrumentation/safe';
import { endIncomplete, endOk, endWithError, trackOpenSpan } from '../../instrumentation/span-lifecycle';
import { isObj, str, type Obj } from '../shape';
import {
  ElevenLabsAttr,
  SESSION_SPAN_NAME,
  agentIdOf,
  clientToolCall,
  disconnectAttributes,
  disconnectError,
  incomingTurn,
  outgoingTurn,
  sessionStartAttributes,
  toolResult,
  toolResultAttributes,
  toolStartAttributes,
  transcriptAttributes,
  type TranscriptEntry,
} from './attributes';

/**
 * What a traced ElevenLabs session does: one AGENT span from startSession()
 * to the disconnect, its transcript gathered from the events the SDK handles,
 * and a TOOL child span per client tool call. patch.ts loads this file at the
 * first startSession().
 *
 * How a session is followed without touching the app's objects: startSession()
 * builds its own options object (BaseConversation.getFullOptions, called
 * synchronously at the start) and every conversation keeps it as
 * `this.options`; the span is bound to that object, and the conversation's
 * connection to the span when the SDK marks it connected (before it delivers
 * any queued event). The SDK calls `options.onDisconnect(details)` on that
 * object at the very end of every session, so a wrapper there ends the span
 * with the reason.
 */

type AnyFn = (...args: any[]) => any;

/** Turns kept per session: a conversation can run for hours; later turns are counted, not kept. */
const MAX_TURNS = 500;

export interface Session {
  readonly span: Span;
  readonly parent: Context;
  /** Where tool spans (and anything the tools call) start: the session span, with the session's identity. */
  children: Context;
  readonly transcript: TranscriptEntry[];
  dropped: number;
  interruptions: number;
  /** Open tool spans by tool_call_id, with the error the tool threw, if it threw one we saw. */
  readonly tools: Map<string, { span: Span; error?: unknown }>;
  ended: boolean;
  /** startSession() has settled; until then a disconnect waits for it (a start that fails after connecting disconnects first). */
  settled: boolean;
  /** A disconnect that came before startSession() settled. */
  pendingDisconnect?: { details: unknown };
  release: () => void;
  /** Identity the session carries to its children. */
  identity: Record<string, unknown>;
}

const byOptions = new WeakMap<object, Session>();
const byConnection = new WeakMap<object, Session>();
/** The session whose startSession() is running its synchronous start, when getFullOptions() is called. */
let starting: Session | undefined;

/** One call of a wrapped static startSession (TextConversation's or VoiceConversation's). */
export function tracedStartSession(ctx: PatchContext, original: AnyFn, self: unknown, args: unknown[]): unknown {
  const parent = parentContext('provider');
  const session = safely('elevenlabs.start', () => openSession(ctx, parent));
  if (!session) return original.apply(self, args);
  const previous = starting;
  starting = session;
  let returned: unknown;
  try {
    returned = context.with(session.children, () => original.apply(self, args));
  } catch (error) {
    failed(session, error);
    throw error;
  } finally {
    starting = previous;
  }
  safely('elevenlabs.observe', () => {
    // startSession is an async function: a native promise, observed on a branch of its own (the app's await is untouched).
    if (returned instanceof Promise) returned.then(() => started(session), (error: unknown) => failed(session, error));
    else started(session);
  });
  return returned;
}

export function openSession(ctx: PatchContext, parent: Context): Session {
  const span = ctx.getTracer().startSpan(SESSION_SPAN_NAME, { attributes: { [Attr.SPAN_KIND]: SpanKindValues.AGENT } }, parent);
  // An AGENT span starts a new agent scope, so the identity processor leaves the enclosing agent's id off it;
  // a session started inside an agentSpan belongs to that agent, so its id is carried over here.
  const outer = getIdentity(parent);
  const identity: Record<string, unknown> = {
    [Attr.AGENT_ID]: outer?.[Attr.AGENT_ID],
    [Attr.SESSION_ID]: outer?.[Attr.SESSION_ID],
    [Attr.USER_ID]: outer?.[Attr.USER_ID],
  };
  writeAttributes(span, identity);
  const session: Session = {
    span,
    parent,
    children: trace.setSpan(withAgentScope(parent, identity), span),
    transcript: [],
    dropped: 0,
    interruptions: 0,
    tools: new Map(),
    ended: false,
    settled: false,
    release: () => undefined,
    identity,
  };
  session.release = trackOpenSpan(span);
  return session;
}

/** Identity the session's own values fill in where the enclosing scope set none. */
export function refreshIdentity(session: Session, own: Record<string, unknown>): void {
  let changed = false;
  for (const [k, v] of Object.entries(own)) {
    if (v !== undefined && session.identity[k] === undefined) {
      session.identity[k] = v;
      changed = true;
    }
  }
  if (!changed) return;
  writeAttributes(session.span, session.identity);
  session.children = trace.setSpan(withAgentScope(session.parent, session.identity), session.span);
}

/** BaseConversation.getFullOptions(): binds the options object the SDK built to the session starting now. */
export function tracedFullOptions(original: AnyFn, self: unknown, args: unknown[]): unknown {
  const full = original.apply(self, args);
  const session = starting;
  if (session && isObj(full) && !byOptions.has(full)) safely('elevenlabs.options', () => bindOptions(session, full));
  return full;
}

function bindOptions(session: Session, full: Obj): void {
  byOptions.set(full, session);
  // Read from the SDK's copy: plain values, so no getter of the app's options runs again.
  writeAttributes(session.span, sessionStartAttributes(full));
  const userId = str(full.userId);
  // The session's own user wins over the enclosing scope's, on its children as on the span itself.
  if (userId !== undefined) session.identity[Attr.USER_ID] = undefined;
  refreshIdentity(session, { [Attr.AGENT_ID]: agentIdOf(full), [Attr.USER_ID]: userId });
  const onDisconnect: unknown = full.onDisconnect;
  // The SDK calls `options.onDisconnect(details)` last thing in every session; the app's callback (or the
  // SDK's no-op default) runs first, exactly as before, then the span ends.
  full.onDisconnect = function onDisconnectTraced(this: unknown, ...details: unknown[]) {
    try {
      if (typeof onDisconnect === 'function') return onDisconnect.apply(this, details);
    } finally {
      safely('elevenlabs.disconnect', () => ended(session, details[0]));
    }
  };
}

/** BaseConversation.prototype.markConnected(): the session is up; its connection and conversation id are known. */
export function connected(conversation: unknown): void {
  if (!isObj(conversation)) return;
  const session = isObj(conversation.options) ? byOptions.get(conversation.options) : undefined;
  if (!session || session.ended) return;
  const connection = conversation.connection;
  if (isObj(connection)) byConnection.set(connection, session);
  const id = isObj(connection) ? str(connection.conversationId) : undefined;
  writeAttributes(session.span, { [ElevenLabsAttr.CONVERSATION_ID]: id });
  refreshIdentity(session, { [Attr.SESSION_ID]: id });
}

function sessionOf(conversation: unknown): Session | undefined {
  if (!isObj(conversation) || !isObj(conversation.options)) return undefined;
  const session = byOptions.get(conversation.options);
  return session && !session.ended ? session : undefined;
}

export function addTurn(session: Session, turn: TranscriptEntry | undefined): void {
  if (!turn) return;
  if (session.transcript.length < MAX_TURNS) session.transcript.push(turn);
  else session.dropped++;
}

/** An event the conversation is about to handle (agent response, correction, user transcript, interruption). */
export function incoming(conversation: unknown, event: unknown): void {
  const session = sessionOf(conversation);
  if (!session) return;
  if (isObj(event) && event.type === 'interruption') session.interruptions++;
  else addTurn(session, incomingTurn(event));
}

/** A message the SDK sends on a connection: the user's typed text, or a client tool's result. */
export function outgoing(connection: unknown, message: unknown): void {
  const session = isObj(connection) ? byConnection.get(connection) : undefined;
  if (!session || session.ended) return;
  addTurn(session, outgoingTurn(message));
  const result = toolResult(message);
  const open = result && session.tools.get(result.id);
  if (!result || !open) return;
  session.tools.delete(result.id);
  writeAttributes(open.span, toolResultAttributes(result));
  if (result.isError) endWithError(open.span, open.error ?? new Error(result.result ?? 'client tool failed'));
  else endOk(open.span);
}

/**
 * BaseConversation.prototype.handleClientToolCall(event): a TOOL span around
 * the app's tool. The SDK looks the tool up in `this.options.clientTools` (its
 * own options object, holding the app's tools object) and calls it before its
 * first await; for that synchronous moment it finds a stand-in holding one
 * function, which calls the app's tool on the app's object, as the SDK would,
 * and notes what it throws. The result is read from the `client_tool_result`
 * the SDK then sends, formatted by the SDK, so nothing of the app's result
 * (toJSON, getters) runs again.
 */
export function tracedToolCall(ctx: PatchContext, original: AnyFn, self: unknown, args: unknown[]): unknown {
  const prepared = safely('elevenlabs.tool', () => prepareTool(ctx, self, args[0]));
  if (!prepared) return original.apply(self, args);
  const { span, options, tools, standIn, open } = prepared;
  let returned: unknown;
  options.clientTools = standIn;
  try {
    returned = context.with(trace.setSpan(prepared.session.children, span), () => original.apply(self, args));
  } finally {
    options.clientTools = tools;
  }
  safely('elevenlabs.tool', () => {
    // No result sent (the socket went away meanwhile): the span still ends once the SDK is done with the call.
    if (returned instanceof Promise)
      returned.then(
        () => closeUnanswered(prepared.session, prepared.id, open),
        () => closeUnanswered(prepared.session, prepared.id, open),
      );
  });
  return returned;
}

function prepareTool(ctx: PatchContext, conversation: unknown, event: unknown) {
  const session = sessionOf(conversation);
  const call = session ? clientToolCall(event) : undefined;
  if (!session || !call) return undefined;
  const options = (conversation as Obj).options as Obj;
  const tools: unknown = options.clientTools;
  // An unknown tool goes to the app's onUnhandledClientToolCall or is answered with an error by the SDK: no tool of the app's runs.
  if (!tools || (typeof tools !== 'object' && typeof tools !== 'function') || !Object.prototype.hasOwnProperty.call(tools, call.name)) return undefined;
  const span = ctx.getTracer().startSpan(call.name, { attributes: { [Attr.SPAN_KIND]: SpanKindValues.TOOL } }, session.children);
  writeAttributes(span, toolStartAttributes(call));
  const id = call.id ?? `${call.name}#${session.tools.size}`;
  const open: { span: Span; error?: unknown } = { span };
  session.tools.set(id, open);
  const note = (error: unknown) => {
    open.error = error;
  };
  const standIn = Object.create(null) as Obj;
  Object.defineProperty(standIn, call.name, {
    enumerable: true,
    value: function clientToolTraced(this: unknown, ...params: unknown[]) {
      let result: unknown;
      try {
        result = Reflect.apply((tools as Obj)[call.name], tools, params);
      } catch (error) {
        note(error);
        throw error;
      }
      // A native promise is observed on a branch of its own; the SDK awaits the very object the tool returned.
      if (result instanceof Promise && Object.getPrototypeOf(result) === Promise.prototype) result.then(undefined, note);
      return result;
    },
  });
  return { session, span, options, tools, standIn, open, id };
}

function closeUnanswered(session: Session, id: string, open: { span: Span; error?: unknown }): void {
  safely('elevenlabs.tool', () => {
    if (session.tools.get(id) !== open) return;
    session.tools.delete(id);
    if (open.error !== undefined) endWithError(open.span, open.error);
    else endIncomplete(open.span, 'no client_tool_result was sent');
  });
}

export function started(session: Session): void {
  safely('elevenlabs.started', () => {
    session.settled = true;
    if (session.pendingDisconnect) ended(session, session.pendingDisconnect.details);
  });
}

export function ended(session: Session, details: unknown): void {
  if (session.ended) return;
  if (!session.settled) {
    session.pendingDisconnect = { details };
    return;
  }
  session.ended = true;
  session.release();
  for (const [, open] of session.tools) endIncomplete(open.span, 'the conversation ended');
  session.tools.clear();
  writeAttributes(session.span, {
    ...transcriptAttributes(session.transcript),
    ...disconnectAttributes(details),
    [ElevenLabsAttr.INTERRUPTIONS]: session.interruptions || undefined,
    [ElevenLabsAttr.TRANSCRIPT_DROPPED]: session.dropped || undefined,
  });
  const error = disconnectError(details);
  if (error === undefined) return endOk(session.span);
  const message = scrubSecrets(error);
  session.span.setStatus({ code: SpanStatusCode.ERROR, message });
  session.span.end();
}

/** startSession() rejected (refused agent, bad signed URL, socket error): the span says why; the app gets the same rejection. */
export function failed(session: Session, error: unknown): void {
  safely('elevenlabs.failed', () => {
    session.settled = true;
    if (session.ended) return;
    session.ended = true;
    session.release();
    const e = isObj(error) ? (error as Obj) : undefined;
    for (const [, open] of session.tools) endIncomplete(open.span, 'the conversation ended');
    session.tools.clear();
    writeAttributes(session.span, {
      ...transcriptAttributes(session.transcript),
      ...(session.pendingDisconnect ? disconnectAttributes(session.pendingDisconnect.details) : {}),
    });
    if (typeof e?.closeCode === 'number') writeAttributes(session.span, { [ElevenLabsAttr.DISCONNECT_CLOSE_CODE]: e.closeCode });
    endWithError(session.span, error);
  });
}

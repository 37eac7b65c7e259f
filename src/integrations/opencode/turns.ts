import { context, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { writeAttributes } from '../../trace/write';
import { spanName } from '../../trace/span-name';
import { endIncomplete, endOk, endWithError } from '../../instrumentation/span-lifecycle';
import { isObj, str, type Obj } from '../shape';
import {
  errorText,
  inputMessagesAttributes,
  modelRef,
  partsText,
  STEP_SPAN_NAME,
  stepEndAttributes,
  stepStartAttributes,
  toolEndAttributes,
  toolStartAttributes,
  TURN_SPAN_NAME,
  turnEndAttributes,
  turnStartAttributes,
  type TurnInfo,
} from './attributes';

/**
 * The spans of OpenCode sessions, made from what the plugin hooks see. One
 * trace per user turn: an AGENT span from the user's message (chat.message)
 * until the session is idle again; under it an LLM span per model step (from
 * the request, chat.params, to the step's `step-finish` part, or the error on
 * its assistant message) and a TOOL span per tool execution (its tool part,
 * running → completed | error). A subagent's session (a `task` tool) nests
 * under that tool's span.
 *
 * Helper calls OpenCode makes by itself (the `title` and `summary` agents)
 * are left out: they have no message in the session and would only add a
 * stray LLM span to the user's turn.
 */

/** OpenCode's own agents for helper calls, not turns of the conversation. */
const HELPER_AGENTS = new Set(['title', 'summary']);

interface Step {
  span: Span;
  /** The assistant message it writes, once its `step-start` part names it. */
  messageID?: string;
  /** The message's parts since the step started, by part id (each update replaces the last). */
  parts: Map<string, Obj>;
}

interface Turn {
  span: Span;
  ctx: Context;
  info: TurnInfo;
  /** A step requested (chat.params) whose `step-start` has not come yet. */
  pending?: Step;
  steps: Map<string, Step>;
  tools: Map<string, { span: Span; name?: string }>;
  /** The text of the last step that had any: the turn's answer. */
  finalText?: string;
  error?: string;
}

interface Session {
  parentID?: string;
  turn?: Turn;
  /** The newest system prompt and messages OpenCode prepared for the next model call of this session. */
  system?: string[];
  messages?: unknown;
}

export interface TurnSink {
  /** The tracer, started on first need; undefined when tracing is off. */
  tracer(): Tracer | undefined;
  /** Called after each turn ends: the spans of a finished turn are sent then, not at exit. */
  turnEnded(): void;
}

export class OpenCodeTurns {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly sink: TurnSink) {}

  /** chat.message: the user's message starts a turn. */
  userMessage(input: Obj, output: Obj): void {
    const sessionID = str(input.sessionID);
    if (!sessionID) return;
    const message = isObj(output.message) ? output.message : {};
    const model = modelRef(input.model ?? message.model);
    const info: TurnInfo = { sessionID, agent: str(input.agent) ?? str(message.agent), ...model };
    const session = this.session(sessionID);
    // A message typed while the last turn still runs is queued by OpenCode and answered in the same run.
    if (session.turn) return;
    this.startTurn(session, info, partsText(output.parts));
  }

  /** experimental.chat.system.transform: the system prompt of the next model call. */
  system(input: Obj, output: Obj): void {
    const sessionID = str(input.sessionID);
    if (!sessionID || !Array.isArray(output.system)) return;
    this.session(sessionID).system = output.system.filter((s: unknown): s is string => typeof s === 'string');
  }

  /** experimental.chat.messages.transform: the conversation of the next model call (its input has no session id; the messages have). */
  messages(output: Obj): void {
    const list = Array.isArray(output.messages) ? output.messages : undefined;
    const last = list?.[list.length - 1];
    const sessionID = isObj(last) && isObj(last.info) ? str(last.info.sessionID) : undefined;
    if (sessionID) this.session(sessionID).messages = list;
  }

  /** chat.params: a model call is about to be made. */
  modelCall(input: Obj, output: Obj): void {
    const sessionID = str(input.sessionID);
    const agent = str(input.agent);
    if (!sessionID || (agent && HELPER_AGENTS.has(agent))) return;
    const session = this.session(sessionID);
    const turn = session.turn ?? this.startTurn(session, { sessionID, agent, ...modelRef(input.model) }, undefined);
    if (!turn) return;
    // A request that never started a step (an attempt OpenCode retries) ended with the retry; this is a new one.
    if (turn.pending) endIncomplete(turn.pending.span, 'superseded by a new model call');
    const tracer = this.sink.tracer();
    if (!tracer) return;
    const info: TurnInfo = { sessionID, agent: agent ?? turn.info.agent, ...modelRef(input.model) };
    const span = tracer.startSpan(spanName(STEP_SPAN_NAME), {}, turn.ctx);
    writeAttributes(span, { ...stepStartAttributes(info, output), ...inputMessagesAttributes(session.system, session.messages) });
    session.system = undefined;
    session.messages = undefined;
    turn.pending = { span, parts: new Map() };
  }

  /** A bus event (the plugin's `event` hook). */
  event(event: Obj): void {
    const props = isObj(event.properties) ? event.properties : {};
    switch (event.type) {
      case 'message.part.updated':
        if (isObj(props.part)) this.part(props.part);
        return;
      case 'message.updated':
        if (isObj(props.info)) this.message(props.info);
        return;
      case 'session.created':
      case 'session.updated':
        if (isObj(props.info) && str(props.info.id) && str(props.info.parentID)) this.session(props.info.id).parentID = props.info.parentID;
        return;
      case 'session.status':
        if (!isObj(props.status) || !str(props.sessionID)) return;
        if (props.status.type === 'idle') this.endTurn(props.sessionID);
        else if (props.status.type === 'retry') this.retry(props.sessionID, str(props.status.message));
        return;
      case 'session.idle':
        if (str(props.sessionID)) this.endTurn(props.sessionID);
        return;
      case 'session.error': {
        const turn = str(props.sessionID) ? this.sessions.get(props.sessionID)?.turn : undefined;
        if (!turn) return;
        turn.error = errorText(props.error);
        if (turn.pending) {
          endWithError(turn.pending.span, new Error(turn.error));
          turn.pending = undefined;
        }
        return;
      }
      case 'session.deleted':
        if (isObj(props.info) && str(props.info.id)) {
          this.endTurn(props.info.id);
          this.sessions.delete(props.info.id);
        }
        return;
    }
  }

  /** Every turn still open ends (OpenCode is shutting down). */
  endAll(reason: string): void {
    for (const [id, session] of this.sessions) {
      const turn = session.turn;
      if (!turn) continue;
      session.turn = undefined;
      this.closeChildren(turn, reason);
      endIncomplete(turn.span, reason);
      this.sessions.delete(id);
    }
  }

  private session(id: string): Session {
    let s = this.sessions.get(id);
    if (!s) {
      s = {};
      this.sessions.set(id, s);
    }
    return s;
  }

  private startTurn(session: Session, info: TurnInfo, prompt: string | undefined): Turn | undefined {
    const tracer = this.sink.tracer();
    if (!tracer) return undefined;
    const parent = this.parentOf(session);
    const span = tracer.startSpan(spanName(TURN_SPAN_NAME), {}, parent);
    writeAttributes(span, turnStartAttributes(info, prompt));
    const turn: Turn = { span, ctx: trace.setSpan(parent, span), info, steps: new Map(), tools: new Map() };
    session.turn = turn;
    return turn;
  }

  /** A subagent's session nests under the parent's running `task` tool, else the parent's turn; any other session is a trace of its own. */
  private parentOf(session: Session): Context {
    const root = context.active();
    const parentTurn = session.parentID ? this.sessions.get(session.parentID)?.turn : undefined;
    if (!parentTurn) return trace.deleteSpan(root);
    const tasks = [...parentTurn.tools.values()].filter((t) => t.name === 'task');
    const task = tasks[tasks.length - 1];
    return task ? trace.setSpan(root, task.span) : parentTurn.ctx;
  }

  private part(part: Obj): void {
    const sessionID = str(part.sessionID);
    const messageID = str(part.messageID);
    const turn = sessionID ? this.sessions.get(sessionID)?.turn : undefined;
    if (!turn || !sessionID || !messageID) return;
    if (part.type === 'step-start') {
      const step = turn.pending ?? this.unrequestedStep(turn);
      turn.pending = undefined;
      if (!step) return;
      step.messageID = messageID;
      const previous = turn.steps.get(messageID);
      if (previous) endIncomplete(previous.span, 'a new step started');
      turn.steps.set(messageID, step);
      return;
    }
    const step = turn.steps.get(messageID);
    if (part.type === 'step-finish') {
      if (!step) return;
      turn.steps.delete(messageID);
      const parts = [...step.parts.values()];
      writeAttributes(step.span, stepEndAttributes(parts, part));
      const text = partsText(parts);
      if (text !== undefined) turn.finalText = text;
      endOk(step.span);
      return;
    }
    if (step && str(part.id)) step.parts.set(part.id, part);
    if (part.type === 'tool') this.tool(turn, sessionID, part);
  }

  /** A step whose request was not seen (the plugin loaded mid-turn): timed from its start. */
  private unrequestedStep(turn: Turn): Step | undefined {
    const tracer = this.sink.tracer();
    if (!tracer) return undefined;
    const span = tracer.startSpan(spanName(STEP_SPAN_NAME), {}, turn.ctx);
    writeAttributes(span, stepStartAttributes(turn.info, undefined));
    return { span, parts: new Map() };
  }

  private tool(turn: Turn, sessionID: string, part: Obj): void {
    const callID = str(part.callID);
    const state = isObj(part.state) ? part.state : {};
    if (!callID || state.status === 'pending') return;
    let open = turn.tools.get(callID);
    if (!open) {
      const tracer = this.sink.tracer();
      if (!tracer) return;
      const started = isObj(state.time) && typeof state.time.start === 'number' ? state.time.start : undefined;
      const span = tracer.startSpan(spanName(str(part.tool) ?? 'tool'), { startTime: started }, turn.ctx);
      writeAttributes(span, toolStartAttributes(sessionID, part));
      open = { span, name: str(part.tool) };
      turn.tools.set(callID, open);
    }
    if (state.status !== 'completed' && state.status !== 'error') return;
    turn.tools.delete(callID);
    if (state.status === 'completed') {
      writeAttributes(open.span, toolEndAttributes(part));
      endOk(open.span);
    } else {
      endWithError(open.span, new Error(str(state.error) ?? 'the tool failed'));
    }
  }

  /** An assistant message that failed: its step (or the request that never started one) ends with the error. */
  private message(info: Obj): void {
    if (info.role !== 'assistant' || !isObj(info.error)) return;
    const turn = str(info.sessionID) ? this.sessions.get(info.sessionID)?.turn : undefined;
    if (!turn) return;
    const message = errorText(info.error) ?? 'the model call failed';
    turn.error ??= message;
    const id = str(info.id);
    const step = (id ? turn.steps.get(id) : undefined) ?? turn.pending;
    if (!step) return;
    if (id) turn.steps.delete(id);
    if (step === turn.pending) turn.pending = undefined;
    writeAttributes(step.span, stepEndAttributes([...step.parts.values()], undefined));
    endWithError(step.span, new Error(message));
  }

  /** OpenCode retries a failed model call: the failed attempt's span ends with why. */
  private retry(sessionID: string, message: string | undefined): void {
    const turn = this.sessions.get(sessionID)?.turn;
    if (!turn?.pending) return;
    endWithError(turn.pending.span, new Error(message ?? 'the model call failed; OpenCode retries it'));
    turn.pending = undefined;
  }

  private endTurn(sessionID: string): void {
    const session = this.sessions.get(sessionID);
    const turn = session?.turn;
    if (!session || !turn) return;
    session.turn = undefined;
    this.closeChildren(turn, 'the turn ended first');
    writeAttributes(turn.span, turnEndAttributes(turn.finalText));
    if (turn.error) endWithError(turn.span, new Error(turn.error));
    else endOk(turn.span);
    this.sink.turnEnded();
  }

  private closeChildren(turn: Turn, reason: string): void {
    if (turn.pending) endIncomplete(turn.pending.span, reason);
    turn.pending = undefined;
    for (const step of turn.steps.values()) endIncomplete(step.span, reason);
    turn.steps.clear();
    for (const tool of turn.tools.values()) endIncomplete(tool.span, reason);
    turn.tools.clear();
  }
}

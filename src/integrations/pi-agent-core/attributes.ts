import { Attr, MimeTypes, SpanKindValues } from '../../semconv/attr';
import { safeJson } from '../../trace/encode';
import { isObj, str, type Attrs, type Obj } from '../shape';
import { assistantText } from '../pi-ai/messages';

/**
 * pi-agent-core runs -> OpenInference attributes. Pure functions of the
 * events an `Agent` emits (`agent_end`, `tool_execution_start`,
 * `tool_execution_end`): no spans, no I/O.
 */

export const AGENT_SPAN_NAME = 'pi-agent.run';

/** The AGENT span at the start of a run: its kind and the session it belongs to (the Agent's `sessionId`). */
export function runStartAttributes(agent: unknown): Attrs {
  const out: Attrs = { [Attr.SPAN_KIND]: SpanKindValues.AGENT };
  const sessionId = isObj(agent) ? str(agent.sessionId) : undefined;
  if (sessionId) out[Attr.SESSION_ID] = sessionId;
  return out;
}

/** Text of a user message (a string, or its text parts). */
function userText(message: Obj): string {
  if (typeof message.content === 'string') return message.content;
  const parts: unknown[] = Array.isArray(message.content) ? message.content : [];
  return parts.filter((p): p is Obj => isObj(p) && p.type === 'text' && typeof p.text === 'string').map((p) => p.text as string).join('');
}

/** The run's end (`agent_end`, whose `messages` are the run's new messages): the prompt in, the last answer out. */
export function runEndAttributes(event: unknown): Attrs {
  const out: Attrs = {};
  const messages: unknown[] = isObj(event) && Array.isArray(event.messages) ? event.messages : [];
  const users = messages.filter((m): m is Obj => isObj(m) && m.role === 'user');
  if (users.length) {
    out[Attr.INPUT_VALUE] = users.map(userText).join('\n');
    out[Attr.INPUT_MIME_TYPE] = MimeTypes.TEXT;
  }
  const text = assistantText(lastAssistant(messages) ?? {});
  if (text) {
    out[Attr.OUTPUT_VALUE] = text;
    out[Attr.OUTPUT_MIME_TYPE] = MimeTypes.TEXT;
  }
  return out;
}

function lastAssistant(messages: unknown[]): Obj | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (isObj(m) && m.role === 'assistant') return m;
  }
  return undefined;
}

/** A run that ended on a failed or aborted model turn: its message. */
export function runFailure(event: unknown): string | undefined {
  const messages: unknown[] = isObj(event) && Array.isArray(event.messages) ? event.messages : [];
  const last = lastAssistant(messages);
  if (!last || (last.stopReason !== 'error' && last.stopReason !== 'aborted')) return undefined;
  return str(last.errorMessage) ?? `the run ${last.stopReason === 'aborted' ? 'was aborted' : 'failed'}`;
}

/** A TOOL span at `tool_execution_start`: the tool, its call id, its arguments. */
export function toolStartAttributes(event: unknown): Attrs {
  const out: Attrs = { [Attr.SPAN_KIND]: SpanKindValues.TOOL };
  if (!isObj(event)) return out;
  if (str(event.toolName)) out[Attr.TOOL_NAME] = event.toolName;
  if (str(event.toolCallId)) out[Attr.TOOL_CALL_ID] = event.toolCallId;
  if (event.args !== undefined) {
    out[Attr.INPUT_VALUE] = safeJson(event.args);
    out[Attr.INPUT_MIME_TYPE] = MimeTypes.JSON;
  }
  return out;
}

/** The tool's result at `tool_execution_end`: its text content (the model's view of it). */
export function toolEndAttributes(event: unknown): Attrs {
  const out: Attrs = {};
  const result = isObj(event) && isObj(event.result) ? event.result : undefined;
  if (!result) return out;
  const parts: unknown[] = Array.isArray(result.content) ? result.content : [];
  const text = parts.filter((p): p is Obj => isObj(p) && p.type === 'text' && typeof p.text === 'string').map((p) => p.text as string);
  if (text.length) {
    out[Attr.OUTPUT_VALUE] = text.join('\n');
    out[Attr.OUTPUT_MIME_TYPE] = MimeTypes.TEXT;
  } else if (result.content !== undefined) {
    out[Attr.OUTPUT_VALUE] = safeJson(result.content);
    out[Attr.OUTPUT_MIME_TYPE] = MimeTypes.JSON;
  }
  return out;
}

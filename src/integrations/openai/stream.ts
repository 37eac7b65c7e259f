/**
 * Stream accumulators: each folds the chunks the app reads into the object a
 * non-streamed call would have returned, so the same response mapper writes
 * the span for both paths.
 */
type Obj = Record<string, any>;

export interface Accumulator<T> {
  add(chunk: T): void;
  /** The assembled response, or undefined when nothing arrived. */
  result(): Obj | undefined;
}

interface ChoiceState {
  index: number;
  role?: string;
  content: string;
  refusal: string;
  hasContent: boolean;
  toolCalls: Map<number, { id?: string; type?: string; function: { name: string; arguments: string } }>;
  finish_reason?: string | null;
}

/** Read-only stand-ins for a missing list or delta, so that a chunk without them allocates nothing. */
const NONE: readonly never[] = Object.freeze([]);
const NO_DELTA: Obj = Object.freeze({});

/** chat.completions chunks -> a ChatCompletion (content and tool-call arguments concatenated, usage from the final chunk). */
export function chatCompletionAccumulator(): Accumulator<Obj> {
  // Fields are copied out of chunks, never written into them: the chunks belong to the app.
  let head: { id?: string; created?: number; model?: string } | undefined;
  let usage: Obj | undefined;
  const choices = new Map<number, ChoiceState>();
  return {
    add(chunk) {
      if (!chunk || typeof chunk !== 'object') return;
      head ??= { id: chunk.id, created: chunk.created };
      if (chunk.model) head.model = chunk.model;
      if (chunk.usage) usage = chunk.usage;
      const chunkChoices: readonly unknown[] = Array.isArray(chunk.choices) ? chunk.choices : NONE;
      for (let ci = 0; ci < chunkChoices.length; ci++) {
        const c = chunkChoices[ci] as Obj | null | undefined;
        if (!c || typeof c !== 'object') continue;
        const index = typeof c.index === 'number' ? c.index : 0;
        let s = choices.get(index);
        if (!s) {
          s = { index, content: '', refusal: '', hasContent: false, toolCalls: new Map() };
          choices.set(index, s);
        }
        const d: Obj = c.delta ?? NO_DELTA;
        if (d.role) s.role = d.role;
        if (typeof d.content === 'string') {
          s.content += d.content;
          s.hasContent = true;
        }
        if (typeof d.refusal === 'string') s.refusal += d.refusal;
        const deltaCalls: readonly Obj[] = Array.isArray(d.tool_calls) ? d.tool_calls : NONE;
        for (let ti0 = 0; ti0 < deltaCalls.length; ti0++) {
          const tc = deltaCalls[ti0];
          const ti = typeof tc?.index === 'number' ? tc.index : s.toolCalls.size;
          let call = s.toolCalls.get(ti);
          if (!call) {
            call = { function: { name: '', arguments: '' } };
            s.toolCalls.set(ti, call);
          }
          if (tc.id) call.id = tc.id;
          if (tc.type) call.type = tc.type;
          if (tc.function?.name) call.function.name += tc.function.name;
          if (tc.function?.arguments) call.function.arguments += tc.function.arguments;
        }
        if (c.finish_reason) s.finish_reason = c.finish_reason;
      }
    },
    result() {
      if (!head) return undefined;
      return {
        id: head.id,
        object: 'chat.completion',
        created: head.created,
        model: head.model,
        choices: [...choices.values()]
          .sort((a, b) => a.index - b.index)
          .map((s) => ({
            index: s.index,
            message: {
              role: s.role ?? 'assistant',
              content: s.hasContent ? s.content : null,
              ...(s.refusal ? { refusal: s.refusal } : {}),
              ...(s.toolCalls.size ? { tool_calls: [...s.toolCalls.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => ({ type: 'function', ...c })) } : {}),
            },
            finish_reason: s.finish_reason ?? null,
          })),
        ...(usage ? { usage } : {}),
      };
    },
  };
}

/**
 * Responses API events -> the final Response. `response.completed` (or
 * `.incomplete` / `.failed`) carries the whole response; if the stream stops
 * before it, text deltas and function-call arguments are assembled instead.
 */
export function responsesAccumulator(): Accumulator<Obj> {
  let final: Obj | undefined;
  let started: Obj | undefined;
  let text = '';
  const calls = new Map<string, Obj>();
  return {
    add(event) {
      if (!event || typeof event !== 'object') return;
      switch (event.type) {
        case 'response.created':
        case 'response.in_progress':
          started = event.response;
          break;
        case 'response.completed':
        case 'response.incomplete':
        case 'response.failed':
          final = event.response;
          break;
        case 'response.output_text.delta':
          if (typeof event.delta === 'string') text += event.delta;
          break;
        case 'response.output_item.added':
        case 'response.output_item.done':
          if (event.item?.type === 'function_call') calls.set(event.item.id ?? event.item.call_id, { ...calls.get(event.item.id), ...event.item });
          break;
        case 'response.function_call_arguments.delta': {
          const call = calls.get(event.item_id);
          if (call && typeof event.delta === 'string' && !call.argumentsDone) call.arguments = (call.arguments ?? '') + event.delta;
          break;
        }
        case 'response.function_call_arguments.done': {
          const call = calls.get(event.item_id);
          if (call) {
            call.arguments = event.arguments;
            call.argumentsDone = true;
          }
          break;
        }
      }
    },
    result() {
      if (final) return final;
      if (!started && !text && calls.size === 0) return undefined;
      const output: Obj[] = [];
      if (text) output.push({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] });
      for (const c of calls.values()) output.push({ type: 'function_call', call_id: c.call_id, name: c.name, arguments: c.arguments });
      return { ...(started ?? {}), status: 'incomplete', output };
    },
  };
}

/** Legacy completions chunks -> a Completion. */
export function completionAccumulator(): Accumulator<Obj> {
  let head: { id?: string; model?: string } | undefined;
  let text = '';
  let finish: string | undefined;
  let usage: Obj | undefined;
  return {
    add(chunk) {
      if (!chunk || typeof chunk !== 'object') return;
      head ??= { id: chunk.id, model: chunk.model };
      if (chunk.usage) usage = chunk.usage;
      const c = chunk.choices?.[0];
      if (typeof c?.text === 'string') text += c.text;
      if (c?.finish_reason) finish = c.finish_reason;
    },
    result() {
      if (!head) return undefined;
      return { id: head.id, model: head.model, choices: [{ index: 0, text, finish_reason: finish ?? null }], ...(usage ? { usage } : {}) };
    },
  };
}

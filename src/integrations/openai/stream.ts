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
  return new ChatCompletionAccumulator();
}

/**
 * The accumulators are classes, not closures made per stream, so that the
 * optimised code of the per-chunk path lives as long as the module
 * (instrumentation/observe-iterator.ts).
 */
interface ChatHead {
  id?: string;
  created?: number;
  model?: string;
}

class ChatCompletionAccumulator implements Accumulator<Obj> {
  // Fields are copied out of chunks, never written into them: the chunks belong to the app.
  private head: ChatHead | undefined;
  private usage: Obj | undefined;
  private readonly choices = new Map<number, ChoiceState>();

  add(chunk: Obj): void {
    if (!chunk || typeof chunk !== 'object') return;
    const head: ChatHead = (this.head ??= { id: chunk.id, created: chunk.created });
    if (chunk.model) head.model = chunk.model;
    if (chunk.usage) this.usage = chunk.usage;
    const chunkChoices: readonly unknown[] = Array.isArray(chunk.choices) ? chunk.choices : NONE;
    for (let ci = 0; ci < chunkChoices.length; ci++) {
      const c = chunkChoices[ci] as Obj | null | undefined;
      if (!c || typeof c !== 'object') continue;
      const index = typeof c.index === 'number' ? c.index : 0;
      let s = this.choices.get(index);
      if (!s) {
        s = { index, content: '', refusal: '', hasContent: false, toolCalls: new Map() };
        this.choices.set(index, s);
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
  }

  result(): Obj | undefined {
    const head = this.head;
    if (!head) return undefined;
    const usage = this.usage;
    return {
      id: head.id,
      object: 'chat.completion',
      created: head.created,
      model: head.model,
      choices: [...this.choices.values()]
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
  }
}

/**
 * Responses API events -> the final Response. `response.completed` (or
 * `.incomplete` / `.failed`) carries the whole response; if the stream stops
 * before it, text deltas and function-call arguments are assembled instead.
 */
export function responsesAccumulator(): Accumulator<Obj> {
  return new ResponsesAccumulator();
}

class ResponsesAccumulator implements Accumulator<Obj> {
  private final: Obj | undefined;
  private started: Obj | undefined;
  private text = '';
  private readonly calls = new Map<string, Obj>();

  add(event: Obj): void {
    if (!event || typeof event !== 'object') return;
    switch (event.type) {
      case 'response.created':
      case 'response.in_progress':
        this.started = event.response;
        break;
      case 'response.completed':
      case 'response.incomplete':
      case 'response.failed':
        this.final = event.response;
        break;
      case 'response.output_text.delta':
        if (typeof event.delta === 'string') this.text += event.delta;
        break;
      case 'response.output_item.added':
      case 'response.output_item.done':
        if (event.item?.type === 'function_call') this.calls.set(event.item.id ?? event.item.call_id, { ...this.calls.get(event.item.id), ...event.item });
        break;
      case 'response.function_call_arguments.delta': {
        const call = this.calls.get(event.item_id);
        if (call && typeof event.delta === 'string' && !call.argumentsDone) call.arguments = (call.arguments ?? '') + event.delta;
        break;
      }
      case 'response.function_call_arguments.done': {
        const call = this.calls.get(event.item_id);
        if (call) {
          call.arguments = event.arguments;
          call.argumentsDone = true;
        }
        break;
      }
    }
  }

  result(): Obj | undefined {
    if (this.final) return this.final;
    const { started, text, calls } = this;
    if (!started && !text && calls.size === 0) return undefined;
    const output: Obj[] = [];
    if (text) output.push({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] });
    for (const c of calls.values()) output.push({ type: 'function_call', call_id: c.call_id, name: c.name, arguments: c.arguments });
    return { ...(started ?? {}), status: 'incomplete', output };
  }
}

/** Legacy completions chunks -> a Completion. */
export function completionAccumulator(): Accumulator<Obj> {
  return new CompletionAccumulator();
}

class CompletionAccumulator implements Accumulator<Obj> {
  private head: { id?: string; model?: string } | undefined;
  private text = '';
  private finish: string | undefined;
  private usage: Obj | undefined;

  add(chunk: Obj): void {
    if (!chunk || typeof chunk !== 'object') return;
    this.head ??= { id: chunk.id, model: chunk.model };
    if (chunk.usage) this.usage = chunk.usage;
    const c = chunk.choices?.[0];
    if (typeof c?.text === 'string') this.text += c.text;
    if (c?.finish_reason) this.finish = c.finish_reason;
  }

  result(): Obj | undefined {
    const { head, usage } = this;
    if (!head) return undefined;
    return { id: head.id, model: head.model, choices: [{ index: 0, text: this.text, finish_reason: this.finish ?? null }], ...(usage ? { usage } : {}) };
  }
}

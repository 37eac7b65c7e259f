/**
 * Anthropic stream handling: the accumulator that folds raw Messages stream
 * events into the Message a non-streamed call would have returned (so the same
 * response mapper writes the span for both paths), and a small server-sent
 * events decoder for the one path where the SDK parses a response body we never
 * see as events (see patch.ts, `observeResponseBody`).
 */
type Obj = Record<string, any>;

export interface MessageAccumulator {
  add(event: Obj): void;
  /** The assembled Message, or undefined when nothing arrived. */
  result(): Obj | undefined;
  /** `message_stop` arrived: the message is whole. */
  complete(): boolean;
  /** The payload of an `error` event, when the stream carried one. */
  error(): Obj | undefined;
}

interface BlockState {
  block: Obj;
  /** Streamed `input_json_delta` fragments of a tool_use block. */
  json?: string;
}

const TOOL_INPUT_BLOCKS = new Set(['tool_use', 'server_tool_use', 'mcp_tool_use']);

/**
 * Raw events (`message_start`, `content_block_start|delta|stop`,
 * `message_delta`, `message_stop`, `error`) -> a Message. Text and thinking
 * deltas are concatenated, tool input JSON is assembled from its fragments,
 * usage is `message_start`'s overlaid with `message_delta`'s (which is
 * cumulative). Events are read, never written: they belong to the app and to
 * the SDK's own stream helper.
 */
export function messageStreamAccumulator(): MessageAccumulator {
  return new MessageStreamAccumulator();
}

/**
 * A class, not closures made per stream, so that the optimised code of the
 * per-event path lives as long as the module (instrumentation/observe-iterator.ts).
 */
class MessageStreamAccumulator implements MessageAccumulator {
  private head: Obj | undefined;
  private usage: Obj | undefined;
  private stopReason: unknown;
  private stopSequence: unknown;
  private stopped = false;
  private errorPayload: Obj | undefined;
  private readonly blocks = new Map<number, BlockState>();

  private blockAt(index: unknown): BlockState | undefined {
    return typeof index === 'number' ? this.blocks.get(index) : undefined;
  }

  add(event: Obj): void {
    if (!event || typeof event !== 'object') return;
    switch (event.type) {
      case 'message_start': {
        const m = event.message ?? {};
        const { content: _content, ...rest } = m;
        this.head = rest;
        if (m.usage && typeof m.usage === 'object') this.usage = { ...m.usage };
        if (m.stop_reason != null) this.stopReason = m.stop_reason;
        break;
      }
      case 'content_block_start': {
        if (typeof event.index !== 'number' || !event.content_block) break;
        const block = { ...event.content_block };
        const state: BlockState = { block };
        if (TOOL_INPUT_BLOCKS.has(block.type)) state.json = '';
        this.blocks.set(event.index, state);
        break;
      }
      case 'content_block_delta': {
        const state = this.blockAt(event.index);
        const d = event.delta;
        if (!state || !d) break;
        if (d.type === 'text_delta' && typeof d.text === 'string') state.block.text = (state.block.text ?? '') + d.text;
        else if (d.type === 'input_json_delta' && typeof d.partial_json === 'string') state.json = (state.json ?? '') + d.partial_json;
        else if (d.type === 'thinking_delta' && typeof d.thinking === 'string') state.block.thinking = (state.block.thinking ?? '') + d.thinking;
        else if (d.type === 'signature_delta' && typeof d.signature === 'string') state.block.signature = d.signature;
        else if (d.type === 'citations_delta' && d.citation) state.block.citations = [...(state.block.citations ?? []), d.citation];
        break;
      }
      case 'message_delta': {
        if (event.delta?.stop_reason != null) this.stopReason = event.delta.stop_reason;
        if (event.delta?.stop_sequence != null) this.stopSequence = event.delta.stop_sequence;
        if (event.usage && typeof event.usage === 'object') {
          const usage: Obj = { ...(this.usage ?? {}) };
          for (const [k, v] of Object.entries(event.usage)) if (v != null) usage[k] = v;
          this.usage = usage;
        }
        break;
      }
      case 'message_stop':
        this.stopped = true;
        break;
      case 'error':
        this.errorPayload = event.error ?? event;
        break;
    }
  }

  result(): Obj | undefined {
    const { head, usage, blocks } = this;
    if (!head && blocks.size === 0) return undefined;
    const content = [...blocks.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([, s]) => {
        if (s.json === undefined) return s.block;
        // Whole JSON is parsed back to the object the SDK gives; a stream cut short keeps the text it had.
        let input: unknown = s.json === '' ? (s.block.input ?? {}) : s.json;
        if (s.json !== '') {
          try {
            input = JSON.parse(s.json);
          } catch {
            input = s.json;
          }
        }
        return { ...s.block, input };
      });
    const { stop_reason: _r, stop_sequence: startSequence, usage: _u, ...rest } = head ?? { type: 'message', role: 'assistant' };
    return {
      ...rest,
      content,
      stop_reason: this.stopReason ?? null,
      stop_sequence: this.stopSequence ?? startSequence ?? null,
      ...(usage ? { usage } : {}),
    };
  }

  complete(): boolean {
    return this.stopped;
  }

  error(): Obj | undefined {
    return this.errorPayload;
  }
}

/**
 * Server-sent events from text chunks: `event:` and `data:` fields, dispatched
 * on a blank line, as the SDK's own decoder reads them.
 */
export interface SseDecoder {
  push(text: string): void;
  end(): void;
}

export function sseDecoder(onEvent: (event: string | null, data: string) => void): SseDecoder {
  let buffer = '';
  let event: string | null = null;
  let data: string[] = [];
  const dispatch = (): void => {
    if (event !== null || data.length) onEvent(event, data.join('\n'));
    event = null;
    data = [];
  };
  const line = (l: string): void => {
    if (l === '') return dispatch();
    if (l.startsWith(':')) return;
    const colon = l.indexOf(':');
    const field = colon < 0 ? l : l.slice(0, colon);
    let value = colon < 0 ? '' : l.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  };
  return {
    push(text) {
      buffer += text;
      let match: RegExpExecArray | null;
      const re = /\r\n|\r(?!$)|\n/g;
      let start = 0;
      while ((match = re.exec(buffer))) {
        line(buffer.slice(start, match.index));
        start = match.index + match[0].length;
      }
      buffer = buffer.slice(start);
    },
    end() {
      if (buffer) line(buffer.endsWith('\r') ? buffer.slice(0, -1) : buffer);
      buffer = '';
      dispatch();
    },
  };
}

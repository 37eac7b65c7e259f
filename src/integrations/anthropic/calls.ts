import type { Context, Span } from '@opentelemetry/api';
import type { PatchContext } from '../types';
import { isStainlessStream, rememberClientCredentials, traceApiPromise, type CallHandlers, type StreamEnd, type StreamSink } from '../../instrumentation/stainless';
import { callInSpan, endOk, endWithError, trackOpenSpan } from '../../instrumentation/span-lifecycle';
import { safely } from '../../instrumentation/safe';
import { writeAttributes } from '../../trace/write';
import * as map from './attributes';
import { messageStreamAccumulator, sseDecoder } from './stream';
import { optionsForCreate, optionsForStreamHelper } from './native-telemetry';
import { parentContext } from '../../trace/parent-context';
import { writeRequestAttributes } from '../../instrumentation/sent-body';

/**
 * What the wrapped `create` and `stream` do, per call: the span, its
 * attributes, the SDK's native span switched off, and the taps on the
 * APIPromise, the stream and the raw response body. patch.ts loads this file
 * at the first call (see instrumentation/deferred.ts).
 */
export type Resource = { _client?: { baseURL?: string; _tracer?: unknown } };

function withOptions(args: any[], options: Record<string, unknown> | undefined): any[] {
  if (!options) return args;
  const next = [...args];
  next[1] = options;
  return next;
}

/** One call of a wrapped `create`: `original` applied to `self` and `args`, traced. */
export function tracedCreate(spanName: string, ctx: PatchContext, original: (...args: any[]) => any, self: Resource | undefined, args: any[]): unknown {
  const client = self?._client;
  // Resolved once, so the span and the call it wraps share one parent.
  const parent = parentContext('provider');
  const span = safely('anthropic.start', () => {
    rememberClientCredentials(client);
    return ctx.getTracer().startSpan(spanName, undefined, parent);
  });
  if (!span) return original.apply(self, args);
  const context = safely('anthropic.request', () => requestAttributes(span, args[0], client, parent)) ?? parent;
  const callArgs = withOptions(args, safely('anthropic.native', () => optionsForCreate(client, args[1], span)));
  const returned = callInSpan(span, context, () => original.apply(self, callArgs));
  const call = new CallObserver(span);
  const traced = safely('anthropic.wrap', () => traceApiPromise(span, returned, call.handlers()));
  if (traced === undefined) return returned;
  safely('anthropic.props', () => tapResponseProps(traced, call));
  return traced;
}

/** `stream()` helpers start the native span before they call `create`; hand them the stand-in first. */
export function tracedStreamHelper(original: (...args: any[]) => any, self: Resource | undefined, args: any[]): unknown {
  const options = safely('anthropic.native', () => optionsForStreamHelper(self?._client, args[1]));
  return original.apply(self, withOptions(args, options));
}

function requestAttributes(span: Span, body: unknown, client: Resource['_client'], parent: Context): Context {
  const provider = map.providerFromBaseURL(client?.baseURL);
  return writeRequestAttributes(span, client, body, parent, (request) => map.messagesRequestAttributes(request, provider));
}

/** One call's observation of its result: a parsed Message, or a stream of raw events. */
class CallObserver {
  /** Set once a stream is being observed, so two readers of the same response never feed two accumulators. */
  observing = false;
  /** The SDK stream object, to tell an abort from a completed read. */
  private stream: { controller?: { signal?: { aborted?: boolean } } } | undefined;

  constructor(readonly span: Span) {}

  handlers(): CallHandlers<Record<string, any>> {
    return {
      isStream: (result) => {
        const is = isStainlessStream(result);
        if (is) this.stream = result as CallObserver['stream'];
        return is;
      },
      onResult: (span, result) => writeAttributes(span, map.messageResponseAttributes(result)),
      streamObserver: () => this.sink(),
    };
  }

  /**
   * A sink for raw stream events. The span ends at `message_stop` (an app that
   * stops reading there still gets its span), else when the read ends.
   */
  sink(): StreamSink<Record<string, any>> {
    if (this.observing) return IGNORED;
    this.observing = true;
    return new MessageStreamSink(this);
  }

  /** Whether the SDK stream's request was aborted. */
  streamAborted(): boolean {
    return !!this.stream?.controller?.signal?.aborted;
  }
}

/** The sink for a second reader of a response already observed. */
const IGNORED: StreamSink<Record<string, any>> = { onItem: () => undefined, finish: () => undefined };

/**
 * Raw stream events folded into the Message, written once. A class, not
 * closures made per stream, so that the optimised code of the per-event path
 * lives as long as the module (instrumentation/observe-iterator.ts).
 */
class MessageStreamSink implements StreamSink<Record<string, any>> {
  private readonly acc = messageStreamAccumulator();
  private written = false;

  private readonly span: Span;

  constructor(private readonly call: CallObserver) {
    this.span = call.span;
  }

  onItem(event: Record<string, any>): void {
    this.acc.add(event);
    if (event?.type === 'message_stop') {
      this.write();
      endOk(this.span);
    }
  }

  finish(how?: StreamEnd): void {
    this.write();
    // The SDK ends an aborted stream quietly, as if it were whole: say it was cut short.
    if (how === 'done' && !this.acc.complete() && this.call.streamAborted()) safely('stream.cancel', () => this.span.addEvent('cancelled'));
  }

  private write(): void {
    if (this.written) return;
    this.written = true;
    const message = this.acc.result();
    if (message) writeAttributes(this.span, map.messageResponseAttributes(message));
  }
}

/**
 * Message threads (and so the streaming tool runner) take a streamed call's
 * raw response with `_responseProps()` and parse its body themselves, never
 * reading the parsed stream we observe. For them the response body is observed
 * on its way to the SDK's parser instead: same bytes, same pace, same
 * cancellation. Whether the call streams is the SDK's own resolved option
 * (`props.options.stream`), not a second read of the app's params.
 */
function tapResponseProps(traced: unknown, call: CallObserver): void {
  const promise = traced as { _responseProps?: () => Promise<unknown> };
  const original = promise._responseProps;
  if (typeof original !== 'function') return;
  let tapped = false;
  promise._responseProps = function tappedResponseProps(this: unknown) {
    const props = original.call(this);
    if (tapped) return props;
    tapped = true;
    return props.then((p) => {
      safely('anthropic.body', () => {
        if ((p as { options?: { stream?: unknown } })?.options?.stream === true) observeResponseBody(call, p);
      });
      return p;
    });
  };
}

function observeResponseBody(call: CallObserver, props: unknown): void {
  const p = props as { response?: Response; controller?: AbortController };
  const response = p?.response;
  const body = response?.body;
  if (!response || !body || typeof body.getReader !== 'function' || call.observing || typeof ReadableStream !== 'function') return;
  const span = call.span;
  const sink = call.sink();
  const decoder = new TextDecoder();
  let streamError: Record<string, any> | undefined;
  const sse = sseDecoder((event, data) => {
    if (event === 'ping' || !data) return;
    let parsed: Record<string, any>;
    try {
      parsed = JSON.parse(data);
    } catch {
      return;
    }
    // An `error` event makes the SDK's parser throw; the span fails with what the server said.
    if (event === 'error') streamError = parsed?.error ?? parsed;
    else sink.onItem(parsed);
  });
  let release = (): void => undefined;
  let ended = false;
  const end = (how: 'done' | 'cancel' | 'error', error?: unknown): void => {
    if (ended) return;
    ended = true;
    release();
    safely('stream.finish', () => sink.finish(how));
    if (streamError) {
      endWithError(span, Object.assign(new Error(String(streamError.message ?? 'stream error')), { type: streamError.type }));
    } else if (how === 'error' && !p.controller?.signal?.aborted) {
      endWithError(span, error);
    } else {
      if (how !== 'done') safely('stream.cancel', () => span.addEvent('cancelled'));
      endOk(span);
    }
  };
  // The original body is locked only once the SDK reads: if the swap below fails, the SDK reads it untouched.
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const observed = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        reader ??= body.getReader();
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (error) {
          end('error', error);
          throw error;
        }
        if (chunk.done) {
          safely('stream.decode', () => {
            sse.push(decoder.decode());
            sse.end();
          });
          end('done');
          controller.close();
          return;
        }
        safely('stream.decode', () => sse.push(decoder.decode(chunk.value, { stream: true })));
        controller.enqueue(chunk.value);
      },
      cancel(reason) {
        end('cancel');
        return (reader ?? body).cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  try {
    Object.defineProperty(response, 'body', { value: observed, configurable: true });
  } catch {
    // A response we cannot annotate: its events go unseen; end the span rather than leave it open.
    ended = true;
    endOk(span);
    return;
  }
  release = trackOpenSpan(span);
}


import type { Context, Span } from '@opentelemetry/api';
import type { PatchContext } from '../types';
import { isStainlessStream, rememberClientCredentials, traceApiPromise, type CallHandlers, type StreamSink } from '../../instrumentation/stainless';
import { callInSpan } from '../../instrumentation/span-lifecycle';
import { safely } from '../../instrumentation/safe';
import { writeAttributes } from '../../trace/write';
import * as map from './attributes';
import { chatCompletionAccumulator, completionAccumulator, responsesAccumulator, type Accumulator } from './stream';
import { parentContext } from '../../trace/parent-context';
import { writeRequestAttributes } from '../../instrumentation/sent-body';
import type { Operation } from './patch';

/**
 * What a traced `create` does, per call: the span, its attributes, and the
 * tap on the SDK's APIPromise or stream. patch.ts loads this file at the
 * first call (see instrumentation/deferred.ts).
 */
interface Mapping {
  spanName: string;
  request(body: unknown, provider: string): Record<string, unknown>;
  response(result: unknown): Record<string, unknown>;
  accumulator?: () => Accumulator<Record<string, any>>;
}

const MAPPINGS: Record<Operation, Mapping> = {
  chat: {
    spanName: 'OpenAI Chat Completions',
    request: map.chatRequestAttributes,
    response: map.chatResponseAttributes,
    accumulator: chatCompletionAccumulator,
  },
  responses: {
    spanName: 'OpenAI Responses',
    request: map.responsesRequestAttributes,
    response: map.responsesResponseAttributes,
    accumulator: responsesAccumulator,
  },
  embeddings: {
    spanName: 'OpenAI Embeddings',
    request: map.embeddingsRequestAttributes,
    response: map.embeddingsResponseAttributes,
  },
  completions: {
    spanName: 'OpenAI Completions',
    request: map.completionsRequestAttributes,
    response: map.completionsResponseAttributes,
    accumulator: completionAccumulator,
  },
};

/** Each operation's handlers, built once: they depend on the mapping only (the span comes with each call). */
const HANDLERS = Object.fromEntries(Object.entries(MAPPINGS).map(([op, m]) => [op, handlersFor(m)])) as Record<Operation, CallHandlers<Record<string, any>>>;

/** One call of a wrapped `create`: `original` applied to `self` and `args`, traced. */
export function tracedCreate(operation: Operation, ctx: PatchContext, original: (...args: any[]) => any, self: { _client?: unknown } | undefined, args: any[]): unknown {
  const target = MAPPINGS[operation];
  // Resolved once, so the span and the call it wraps share one parent.
  const parent = parentContext('provider');
  const span = safely('openai.start', () => ctx.getTracer().startSpan(target.spanName, undefined, parent));
  if (!span) return original.apply(self, args);
  const context = safely('openai.request', () => requestAttributes(span, target, args[0], self?._client, parent)) ?? parent;
  const returned = callInSpan(span, context, () => original.apply(self, args));
  return safely('openai.wrap', () => traceApiPromise(span, returned, HANDLERS[operation])) ?? returned;
}

function requestAttributes(span: Span, target: Mapping, body: unknown, client: unknown, parent: Context): Context {
  rememberClientCredentials(client);
  const provider = map.providerOfClient(client);
  return writeRequestAttributes(span, client, body, parent, (request) => target.request(request, provider));
}

function handlersFor(target: Mapping): CallHandlers<Record<string, any>> {
  return {
    isStream: (result) => !!target.accumulator && isStainlessStream(result),
    onResult: (span, result) => writeAttributes(span, target.response(result)),
    streamObserver: (span) => new FoldingStreamSink(span, target.accumulator!(), target.response),
  };
}

/**
 * A stream's chunks folded into the reply, written as a plain call's reply is.
 * A class, not closures made per stream, so that the optimised code of the
 * per-chunk path lives as long as the module (instrumentation/observe-iterator.ts).
 */
class FoldingStreamSink implements StreamSink<Record<string, any>> {
  constructor(
    private readonly span: Span,
    private readonly acc: Accumulator<Record<string, any>>,
    private readonly response: (result: unknown) => Record<string, unknown>,
  ) {}

  onItem(chunk: Record<string, any>): void {
    this.acc.add(chunk);
  }

  finish(): void {
    const assembled = this.acc.result();
    if (assembled) writeAttributes(this.span, this.response(assembled));
  }
}

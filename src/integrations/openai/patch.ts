import { context, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { resolveClass } from '../shape';
import type { IntegrationPatcher, PatchContext } from '../types';
import { wrapMethod, unwrapMethod } from '../../instrumentation/wrap-method';
import { traceApiPromise, type CallHandlers } from '../../instrumentation/stainless';
import { endWithError } from '../../instrumentation/span-lifecycle';
import { safely } from '../../instrumentation/safe';
import { writeAttributes } from '../../trace/write';
import * as map from './attributes';
import { chatCompletionAccumulator, completionAccumulator, responsesAccumulator, type Accumulator } from './stream';
import { parentContext } from '../../trace/parent-context';

/**
 * Where and what to wrap in `openai`: the `create` method of four resource
 * classes, reached from the client class both builds export (ESM index.mjs and
 * CJS index.js hold different class objects; each is patched when it loads).
 * `parse()`, `stream()`, `runTools()` and the Responses stream helper all call
 * `create`, so each model call gives exactly one span.
 */
interface Target {
  /** Static path from the client class to the resource class. */
  path: readonly string[];
  spanName: string;
  request(body: unknown, provider: string): Record<string, unknown>;
  response(result: unknown): Record<string, unknown>;
  accumulator?: () => Accumulator<Record<string, any>>;
}

const TARGETS: readonly Target[] = [
  {
    path: ['Chat', 'Completions'],
    spanName: 'OpenAI Chat Completions',
    request: map.chatRequestAttributes,
    response: map.chatResponseAttributes,
    accumulator: chatCompletionAccumulator,
  },
  {
    path: ['Responses'],
    spanName: 'OpenAI Responses',
    request: map.responsesRequestAttributes,
    response: map.responsesResponseAttributes,
    accumulator: responsesAccumulator,
  },
  {
    path: ['Embeddings'],
    spanName: 'OpenAI Embeddings',
    request: map.embeddingsRequestAttributes,
    response: map.embeddingsResponseAttributes,
  },
  {
    path: ['Completions'],
    spanName: 'OpenAI Completions',
    request: map.completionsRequestAttributes,
    response: map.completionsResponseAttributes,
    accumulator: completionAccumulator,
  },
];

/** The client class from a module namespace, CJS exports, or the class itself. */
export function findClientClass(moduleExports: unknown): Record<string, any> | undefined {
  const m = moduleExports as any;
  if (!m) return undefined;
  if (typeof m === 'function' && m.Chat) return m as Record<string, any>;
  for (const candidate of [m.OpenAI, m.default, m.default?.OpenAI]) {
    if (typeof candidate === 'function' && candidate.Chat) return candidate;
  }
  return undefined;
}

function makeCreateWrapper(target: Target, ctx: PatchContext) {
  return (original: (...args: any[]) => any) =>
    function tracedCreate(this: { _client?: { baseURL?: string } }, ...args: any[]) {
      const body = args[0];
      // Resolved once, so the span and the call it wraps share one parent.
      const parent = parentContext('provider');
      const span = safely('openai.start', () => startSpan(ctx.getTracer(), target, body, this?._client?.baseURL, parent));
      if (!span) return original.apply(this, args);
      let returned: unknown;
      try {
        returned = context.with(trace.setSpan(parent, span), () => original.apply(this, args));
      } catch (error) {
        endWithError(span, error);
        throw error;
      }
      return safely('openai.wrap', () => traceApiPromise(span, returned, handlersFor(target))) ?? returned;
    };
}

function startSpan(tracer: Tracer, target: Target, body: unknown, baseURL: unknown, parent: Context): Span {
  const span = tracer.startSpan(target.spanName, undefined, parent);
  writeAttributes(span, target.request(body, map.providerFromBaseURL(baseURL)));
  return span;
}

function handlersFor(target: Target): CallHandlers<Record<string, any>> {
  return {
    isStream: (result) =>
      !!target.accumulator && !!result && typeof result === 'object' && typeof (result as any).controller === 'object' && (typeof (result as any).iterator === 'function' || typeof (result as any)[Symbol.asyncIterator] === 'function'),
    onResult: (span, result) => writeAttributes(span, target.response(result)),
    streamObserver: (span) => {
      const acc = target.accumulator!();
      return {
        onItem: (chunk) => acc.add(chunk),
        finish: () => {
          const assembled = acc.result();
          if (assembled) writeAttributes(span, target.response(assembled));
        },
      };
    },
  };
}

export const openaiPatcher: IntegrationPatcher = {
  patch(moduleExports, ctx) {
    const client = findClientClass(moduleExports);
    if (!client) throw new Error('no OpenAI client class with Chat resources in this module');
    let wrapped = 0;
    for (const target of TARGETS) {
      const proto = resolveClass(client, target.path)?.prototype;
      if (proto && wrapMethod(proto, 'create', makeCreateWrapper(target, ctx))) wrapped++;
    }
    return wrapped;
  },
  unpatch(moduleExports) {
    const client = findClientClass(moduleExports);
    if (!client) return;
    for (const target of TARGETS) {
      const proto = resolveClass(client, target.path)?.prototype;
      if (proto) unwrapMethod(proto, 'create');
    }
  },
};

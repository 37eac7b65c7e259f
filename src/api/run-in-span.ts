import { context, trace, type Context, type Span } from '@opentelemetry/api';
import { endOk, endWithError } from '../instrumentation/span-lifecycle';
import { SpanHandle } from './span-handle';

/**
 * Runs `fn` inside `span` (made active in `ctx`) and ends the span when `fn`
 * settles: at once for a sync function, when the promise settles for an async
 * one. A throw or rejection marks the span ERROR with an exception event and is
 * rethrown unchanged. Returns exactly what `fn` returns (a promise for async).
 */
export function runInSpan<T>(span: Span, ctx: Context, fn: (handle: SpanHandle) => T): T {
  const handle = new SpanHandle(span);
  let result: T;
  try {
    result = context.with(trace.setSpan(ctx, span), () => fn(handle));
  } catch (error) {
    endWithError(span, error);
    throw error;
  }
  if (isPromiseLike(result)) {
    return result.then(
      (value) => {
        endOk(span);
        return value;
      },
      (error: unknown) => {
        endWithError(span, error);
        throw error;
      },
    ) as T;
  }
  endOk(span);
  return result;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return !!value && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';
}

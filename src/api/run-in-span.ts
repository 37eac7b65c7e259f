import type { Context, Span } from '@opentelemetry/api';
import { callInSpan, endOk, endWithError, trackOpenSpan } from '../instrumentation/span-lifecycle';
import { SpanHandle } from './span-handle';

/**
 * Runs `fn` inside `span` (made active in `ctx`) and ends the span when `fn`
 * settles: at once for a sync function, when the promise settles for an async
 * one. A throw or rejection marks the span ERROR with an exception event and is
 * rethrown unchanged. Returns exactly what `fn` returns (a promise for async).
 */
export function runInSpan<T>(span: Span, ctx: Context, fn: (handle: SpanHandle) => T): T {
  const handle = new SpanHandle(span);
  const result = callInSpan(span, ctx, () => fn(handle));
  if (isPromiseLike(result)) {
    // Still running when the process exits (process.exit, a crash elsewhere): the exit path ends it, so its
    // children are not orphaned in the trace.
    const release = trackOpenSpan(span);
    return result.then(
      (value) => {
        release();
        endOk(span);
        return value;
      },
      (error: unknown) => {
        release();
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

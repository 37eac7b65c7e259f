/**
 * Wraps an async iterator so each item can be seen on its way to the app,
 * without buffering, reordering or delaying it: next(), return() and throw() are
 * forwarded one for one, so pace, back-pressure and cancellation (a `break`
 * that aborts the HTTP request) are the SDK's own.
 */
export interface IteratorObserver<T> {
  onItem(item: T): void;
  /** The source finished normally. */
  onDone(): void;
  onError(error: unknown): void;
  /** The consumer stopped early (break, return, abort). */
  onCancel(): void;
}

export function observeAsyncIterator<T>(source: AsyncIterator<T>, observer: IteratorObserver<T>): AsyncIterableIterator<T> {
  let finished = false;
  const finish = (fn: () => void): void => {
    if (finished) return;
    finished = true;
    try {
      fn();
    } catch {
      // observers are tracing code; they report their own failures
    }
  };
  const iterator: AsyncIterableIterator<T> = {
    async next(...args: [] | [unknown]) {
      let result: IteratorResult<T>;
      try {
        result = await source.next(...args);
      } catch (error) {
        finish(() => observer.onError(error));
        throw error;
      }
      if (result.done) finish(() => observer.onDone());
      else if (!finished) {
        try {
          observer.onItem(result.value);
        } catch {
          // see above
        }
      }
      return result;
    },
    async return(value?: unknown) {
      finish(() => observer.onCancel());
      return source.return ? source.return(value) : { done: true, value: value as T };
    },
    async throw(error?: unknown) {
      finish(() => observer.onError(error));
      if (source.throw) return source.throw(error);
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return iterator;
}

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
  const onResult = (result: IteratorResult<T>): IteratorResult<T> => {
    if (result.done) finish(() => observer.onDone());
    else if (!finished) {
      try {
        observer.onItem(result.value);
      } catch {
        // see above
      }
    }
    return result;
  };
  const onFailure = (error: unknown): never => {
    finish(() => observer.onError(error));
    throw error;
  };
  const iterator: AsyncIterableIterator<T> = {
    // One promise per item: the source's own, chained once (an async function around `await` would add a second).
    next(...args: [] | [unknown]): Promise<IteratorResult<T>> {
      let pending: PromiseLike<IteratorResult<T>> | IteratorResult<T>;
      try {
        // for await calls next() with no argument: no spread on that path.
        pending = args.length === 0 ? source.next() : source.next(...args);
      } catch (error) {
        finish(() => observer.onError(error));
        return Promise.reject(error);
      }
      return Promise.resolve(pending).then(onResult, onFailure);
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

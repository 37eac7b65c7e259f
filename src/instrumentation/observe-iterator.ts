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
  return new ObservedIterator(source, observer);
}

/**
 * One observed iteration. A class, not closures made per stream: with the
 * callbacks made per stream, V8 compiled them again and again in a long run
 * (Node 20: ~150 TurboFan compiles per 3,000 streams, each a few
 * milliseconds on a background thread; the compiled code did not outlive the
 * stream's closures by much, a full collection or two), where methods that
 * live as long as the module were compiled once (docs/performance.md).
 */
class ObservedIterator<T> implements AsyncIterableIterator<T> {
  // Private fields: the app holds this iterator, and sees only its methods.
  readonly #source: AsyncIterator<T>;
  readonly #observer: IteratorObserver<T>;
  #finished = false;
  // The two callbacks of the one `.then` per item: bound once per stream to functions that live with the class.
  readonly #settleItem: (result: IteratorResult<T>) => IteratorResult<T>;
  readonly #settleFailure: (error: unknown) => never;

  constructor(source: AsyncIterator<T>, observer: IteratorObserver<T>) {
    this.#source = source;
    this.#observer = observer;
    this.#settleItem = (ObservedIterator.#onResult as (this: ObservedIterator<T>, result: IteratorResult<T>) => IteratorResult<T>).bind(this);
    this.#settleFailure = (ObservedIterator.#onFailure as (this: ObservedIterator<T>, error: unknown) => never).bind(this);
  }

  // One promise per item: the source's own, chained once (an async function around `await` would add a second).
  next(...args: [] | [unknown]): Promise<IteratorResult<T>> {
    let pending: PromiseLike<IteratorResult<T>> | IteratorResult<T>;
    try {
      // for await calls next() with no argument: no spread on that path.
      pending = args.length === 0 ? this.#source.next() : this.#source.next(...args);
    } catch (error) {
      this.#finish(END_ERROR, error);
      return Promise.reject(error);
    }
    return Promise.resolve(pending).then(this.#settleItem, this.#settleFailure);
  }

  async return(value?: unknown): Promise<IteratorResult<T>> {
    this.#finish(END_CANCEL);
    const source = this.#source;
    return source.return ? source.return(value) : { done: true, value: value as T };
  }

  async throw(error?: unknown): Promise<IteratorResult<T>> {
    this.#finish(END_ERROR, error);
    const source = this.#source;
    if (source.throw) return source.throw(error);
    throw error;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  static #onResult(this: ObservedIterator<unknown>, result: IteratorResult<unknown>): IteratorResult<unknown> {
    if (result.done) this.#finish(END_DONE);
    else if (!this.#finished) {
      try {
        this.#observer.onItem(result.value);
      } catch {
        // observers are tracing code; they report their own failures
      }
    }
    return result;
  }

  static #onFailure(this: ObservedIterator<unknown>, error: unknown): never {
    this.#finish(END_ERROR, error);
    throw error;
  }

  /** Tells the observer how the iteration ended, once. */
  #finish(how: number, error?: unknown): void {
    if (this.#finished) return;
    this.#finished = true;
    const observer = this.#observer;
    try {
      if (how === END_DONE) observer.onDone();
      else if (how === END_CANCEL) observer.onCancel();
      else observer.onError(error);
    } catch {
      // see #onResult
    }
  }
}

const END_DONE = 0;
const END_CANCEL = 1;
const END_ERROR = 2;

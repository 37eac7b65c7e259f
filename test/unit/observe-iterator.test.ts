import { describe, expect, it } from 'vitest';
import { observeAsyncIterator, type IteratorObserver } from '../../src/instrumentation/observe-iterator';

/** An observer that writes down what it is told, in order. */
function recorder(options: { throwOnItem?: boolean } = {}): IteratorObserver<number> & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    onItem(item) {
      log.push(`item ${item}`);
      if (options.throwOnItem) throw new Error('observer bug');
    },
    onDone: () => log.push('done'),
    onError: (error) => log.push(`error ${(error as Error).message}`),
    onCancel: () => log.push('cancel'),
  };
}

async function* numbers(n: number, failAt?: number): AsyncGenerator<number> {
  for (let i = 1; i <= n; i++) {
    if (i === failAt) throw new Error(`failed at ${i}`);
    yield i;
  }
}

describe('observeAsyncIterator', () => {
  it('hands every item through in order and reports the end once', async () => {
    const observer = recorder();
    const seen: number[] = [];
    for await (const n of observeAsyncIterator(numbers(3), observer)) seen.push(n);
    expect(seen).toEqual([1, 2, 3]);
    expect(observer.log).toEqual(['item 1', 'item 2', 'item 3', 'done']);
  });

  it("passes the source's failure on, the same error, after telling the observer", async () => {
    const observer = recorder();
    const seen: number[] = [];
    const error = await (async () => {
      try {
        for await (const n of observeAsyncIterator(numbers(5, 3), observer)) seen.push(n);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toBe('failed at 3');
    expect(seen).toEqual([1, 2]);
    expect(observer.log).toEqual(['item 1', 'item 2', 'error failed at 3']);
  });

  it('reports a break as a cancel and forwards return() to the source', async () => {
    const observer = recorder();
    let returned = false;
    const source: AsyncIterator<number> = {
      next: async () => ({ done: false, value: 1 }),
      return: async () => {
        returned = true;
        return { done: true, value: undefined };
      },
    };
    for await (const _ of observeAsyncIterator(source, observer)) break;
    expect(returned).toBe(true);
    expect(observer.log).toEqual(['item 1', 'cancel']);
  });

  it('forwards throw() and next(value) to the source', async () => {
    const observer = recorder();
    const sent: unknown[] = [];
    const source: AsyncIterator<number> = {
      next: async (...args: unknown[]) => {
        sent.push(...args);
        return { done: false, value: 7 };
      },
      throw: async (e?: unknown) => {
        throw e;
      },
    };
    const it = observeAsyncIterator(source, observer);
    await it.next('hello');
    await expect(it.throw!(new Error('from app'))).rejects.toThrow('from app');
    expect(sent).toEqual(['hello']);
    expect(observer.log).toEqual(['item 7', 'error from app']);
    // Items after the end are still the app's, but no longer observed.
    expect(await it.next()).toEqual({ done: false, value: 7 });
    expect(observer.log).toEqual(['item 7', 'error from app']);
  });

  it("never lets the observer's failure reach the app", async () => {
    const observer = recorder({ throwOnItem: true });
    const seen: number[] = [];
    for await (const n of observeAsyncIterator(numbers(2), observer)) seen.push(n);
    expect(seen).toEqual([1, 2]);
    expect(observer.log).toEqual(['item 1', 'item 2', 'done']);
  });

  it('shows the app an iterator of methods only, its own iterator', () => {
    const it = observeAsyncIterator(numbers(1), recorder());
    expect(Reflect.ownKeys(it)).toEqual([]);
    expect(it[Symbol.asyncIterator]()).toBe(it);
  });
});

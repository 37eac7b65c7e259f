import { unwrapMethod, wrapMethod } from '../../instrumentation/wrap-method';

/**
 * The SDK's agent and run classes are not exported: their prototypes are
 * reached from the first agent `Agent.create()` / `Agent.resume()` returns and
 * the first run its `send()` returns, and wrapped then (calls.ts). They are
 * remembered here, where patch.ts's unpatch finds them without loading calls.ts.
 */
const wrapped: Array<{ target: object; name: string }> = [];

type AnyFn = (...args: any[]) => any;

/** The object in `instance`'s prototype chain that holds method `name` (not Object.prototype). */
export function methodOwner(instance: unknown, name: string): object | undefined {
  let node = instance && typeof instance === 'object' ? Object.getPrototypeOf(instance) : undefined;
  while (node && node !== Object.prototype) {
    const d = Object.getOwnPropertyDescriptor(node, name);
    if (d) return typeof d.value === 'function' ? node : undefined;
    node = Object.getPrototypeOf(node);
  }
  return undefined;
}

export function wrapPrototypeMethod(target: object, name: string, makeWrapper: (original: AnyFn) => AnyFn): void {
  if (wrapMethod(target, name, makeWrapper)) wrapped.push({ target, name });
}

export function unwrapPrototypes(): void {
  for (const { target, name } of wrapped.splice(0)) unwrapMethod(target, name);
}

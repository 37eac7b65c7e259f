import * as shimmer from 'shimmer';
import { getState } from '../state';

/**
 * Wraps `target[name]` once per process. A wrapper we made is remembered in the
 * global state (shared by every copy of the package), so a second hook fire,
 * the CJS and ESM builds reaching the same object, or preload plus setup()
 * never stack two wrappers.
 */
type AnyFn = (...args: any[]) => any;

export function wrapMethod(target: object, name: string, makeWrapper: (original: AnyFn) => AnyFn): boolean {
  const holder = target as Record<string, unknown>;
  const current = holder[name];
  if (typeof current !== 'function') return false;
  const patched = getState().patched;
  if (patched.has(current)) return false;
  shimmer.wrap(holder, name, (original: unknown) => {
    const wrapper = makeWrapper(original as AnyFn);
    patched.add(wrapper);
    return wrapper;
  });
  return true;
}

export function unwrapMethod(target: object, name: string): void {
  const holder = target as Record<string, unknown>;
  const current = holder[name] as { __unwrap?: () => void } | undefined;
  if (typeof current === 'function' && getState().patched.has(current)) {
    getState().patched.delete(current);
    shimmer.unwrap(holder, name);
  }
}

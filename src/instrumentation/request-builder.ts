import { reportInternalError } from '../diagnostics/report';
import { unwrapMethod, wrapMethod } from './wrap-method';

/**
 * Where a Stainless SDK serialises a request: its client's `buildRequest`.
 * The wrapper is installed when the SDK loads, so this file holds only the
 * wrapping; what happens to each body (the OTel context, the receiver) is in
 * sent-body.ts, required at the first request built, so that an app's start-up
 * does not compile the span-writing code.
 */
type AnyFn = (...args: any[]) => any;

let perRequest: typeof import('./sent-body') | undefined;

/** Wraps `buildRequest` where the client class (or a base class) defines it. Returns whether it is now observed. */
export function observeRequestBuilder(clientClass: unknown): boolean {
  const owner = builderOwner((clientClass as { prototype?: object } | undefined)?.prototype);
  if (!owner) return false;
  wrapMethod(owner, 'buildRequest', (original) => makeBuilderWrapper(original));
  return true;
}

export function unobserveRequestBuilder(clientClass: unknown): void {
  const owner = builderOwner((clientClass as { prototype?: object } | undefined)?.prototype);
  if (owner) unwrapMethod(owner, 'buildRequest');
}

/** The nearest prototype that defines `buildRequest`: the client class's own, or the base class it inherits. */
function builderOwner(proto: object | undefined): object | undefined {
  for (let p = proto; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    if (Object.prototype.hasOwnProperty.call(p, 'buildRequest') && typeof (p as Record<string, unknown>).buildRequest === 'function') return p;
  }
  return undefined;
}

function makeBuilderWrapper(original: AnyFn): AnyFn {
  return function observedBuildRequest(this: unknown, ...args: unknown[]) {
    const built = original.apply(this, args);
    try {
      perRequest ??= require('./sent-body') as typeof import('./sent-body');
      perRequest.observeBuilt(built);
    } catch (error) {
      // Never the app's problem: said once, and the span has no request body.
      reportInternalError('request.body', error);
    }
    return built;
  };
}


import { resolveClass } from '../shape';
import type { IntegrationPatcher, PatchContext } from '../types';
import { wrapMethod, unwrapMethod } from '../../instrumentation/wrap-method';
import { deferred } from '../../instrumentation/deferred';
import { observeRequestBuilder, unobserveRequestBuilder } from '../../instrumentation/request-builder';
import type { Resource } from './calls';

/**
 * Where and what to wrap in `@anthropic-ai/sdk`: `create` and `stream` of the
 * Messages resource and of the beta Messages resource, reached from the client
 * class both builds export (ESM index.mjs and CJS index.js hold different class
 * objects; each is patched when it loads).
 *
 * `create` makes the span. Everything else reaches it: `parse()`, the
 * `stream()` helpers (MessageStream / BetaMessageStream call `create`), the
 * beta tool runner and message threads (they call `beta.messages.create`), so
 * each model call gives exactly one span. `stream` is wrapped only to keep the
 * SDK's native span off (native-telemetry.ts). The client's `buildRequest` is
 * observed too: request attributes come from the body it serialises
 * (instrumentation/sent-body.ts). What a call does is in calls.ts, loaded at
 * the first call.
 */
interface Target {
  /** Static path from the client class to the resource class. */
  path: readonly string[];
  spanName: string;
}

const TARGETS: readonly Target[] = [
  { path: ['Messages'], spanName: 'Anthropic Messages' },
  { path: ['Beta', 'Messages'], spanName: 'Anthropic Beta Messages' },
];

const calls = deferred('anthropic.calls', () => require('./calls') as typeof import('./calls'));

/** The client class from a module namespace, CJS exports, or the class itself. */
export function findClientClass(moduleExports: unknown): Record<string, any> | undefined {
  const m = moduleExports as any;
  if (!m) return undefined;
  const isClient = (c: any): boolean => typeof c === 'function' && typeof c.Messages === 'function' && typeof c.Messages.prototype?.create === 'function';
  if (isClient(m)) return m;
  for (const candidate of [m.Anthropic, m.default, m.default?.Anthropic, m.default?.default]) {
    if (isClient(candidate)) return candidate;
  }
  return undefined;
}

function makeCreateWrapper(target: Target, ctx: PatchContext) {
  return (original: (...args: any[]) => any) =>
    function tracedCreate(this: Resource, ...args: any[]) {
      const c = calls();
      return c ? c.tracedCreate(target.spanName, ctx, original, this, args) : original.apply(this, args);
    };
}

function makeStreamHelperWrapper() {
  return (original: (...args: any[]) => any) =>
    function tracedStreamHelper(this: Resource, ...args: any[]) {
      const c = calls();
      return c ? c.tracedStreamHelper(original, this, args) : original.apply(this, args);
    };
}

export const anthropicPatcher: IntegrationPatcher = {
  patch(moduleExports, ctx) {
    const client = findClientClass(moduleExports);
    if (!client) throw new Error('no Anthropic client class with a Messages resource in this module');
    let wrapped = 0;
    for (const target of TARGETS) {
      const proto = resolveClass(client, target.path)?.prototype;
      if (!proto) continue;
      if (wrapMethod(proto, 'create', makeCreateWrapper(target, ctx))) wrapped++;
      if (wrapMethod(proto, 'stream', makeStreamHelperWrapper())) wrapped++;
    }
    observeRequestBuilder(client);
    return wrapped;
  },
  unpatch(moduleExports) {
    const client = findClientClass(moduleExports);
    if (!client) return;
    for (const target of TARGETS) {
      const proto = resolveClass(client, target.path)?.prototype;
      if (!proto) continue;
      unwrapMethod(proto, 'create');
      unwrapMethod(proto, 'stream');
    }
    unobserveRequestBuilder(client);
  },
};

import { resolveClass } from '../shape';
import type { IntegrationPatcher, PatchContext } from '../types';
import { wrapMethod, unwrapMethod } from '../../instrumentation/wrap-method';
import { deferred } from '../../instrumentation/deferred';
import { observeRequestBuilder, unobserveRequestBuilder } from '../../instrumentation/request-builder';

/**
 * Where to wrap in `openai`: the `create` method of four resource classes,
 * reached from the client class both builds export (ESM index.mjs and CJS
 * index.js hold different class objects; each is patched when it loads).
 * `parse()`, `stream()`, `runTools()` and the Responses stream helper all call
 * `create`, so each model call gives exactly one span. The client's
 * `buildRequest` is observed too: request attributes come from the body it
 * serialises (instrumentation/sent-body.ts). What a call does is in calls.ts,
 * loaded at the first call.
 */
export type Operation = 'chat' | 'responses' | 'embeddings' | 'completions';

/** Static path from the client class to the resource class whose `create` is wrapped. */
const TARGETS: readonly { operation: Operation; path: readonly string[] }[] = [
  { operation: 'chat', path: ['Chat', 'Completions'] },
  { operation: 'responses', path: ['Responses'] },
  { operation: 'embeddings', path: ['Embeddings'] },
  { operation: 'completions', path: ['Completions'] },
];

const calls = deferred('openai.calls', () => require('./calls') as typeof import('./calls'));

/** The client class from a module namespace, CJS exports, or the class itself. */
export function findClientClass(moduleExports: unknown): Record<string, any> | undefined {
  const m = moduleExports as any;
  if (!m) return undefined;
  if (typeof m === 'function' && m.Chat) return m as Record<string, any>;
  for (const candidate of [m.OpenAI, m.default, m.default?.OpenAI]) {
    if (typeof candidate === 'function' && candidate.Chat) return candidate;
  }
  return undefined;
}

function makeCreateWrapper(operation: Operation, ctx: PatchContext) {
  return (original: (...args: any[]) => any) =>
    function tracedCreate(this: { _client?: unknown }, ...args: any[]) {
      const c = calls();
      return c ? c.tracedCreate(operation, ctx, original, this, args) : original.apply(this, args);
    };
}

export const openaiPatcher: IntegrationPatcher = {
  patch(moduleExports, ctx) {
    const client = findClientClass(moduleExports);
    if (!client) throw new Error('no OpenAI client class with Chat resources in this module');
    let wrapped = 0;
    for (const target of TARGETS) {
      const proto = resolveClass(client, target.path)?.prototype;
      if (proto && wrapMethod(proto, 'create', makeCreateWrapper(target.operation, ctx))) wrapped++;
    }
    observeRequestBuilder(client);
    return wrapped;
  },
  unpatch(moduleExports) {
    const client = findClientClass(moduleExports);
    if (!client) return;
    for (const target of TARGETS) {
      const proto = resolveClass(client, target.path)?.prototype;
      if (proto) unwrapMethod(proto, 'create');
    }
    unobserveRequestBuilder(client);
  },
};

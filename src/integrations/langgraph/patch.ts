import { context } from '@opentelemetry/api';
import type { IntegrationPatcher } from '../types';
import { wrapMethod, unwrapMethod } from '../../instrumentation/wrap-method';
import { safely } from '../../instrumentation/safe';
import { isObj, type Obj } from '../shape';
import { getState } from '../../state';
import { withGraph } from './context';

/**
 * LangGraph's runs, nodes and tools reach us through LangChain's callbacks
 * (the `langchain` integration); what LangChain cannot say is which graph
 * object a graph run is, so an agent graph (one with a ToolNode) could not be
 * told from any other. This patch wraps `Pregel.prototype._streamIterator`,
 * the generator every invoke / stream / streamEvents of a compiled graph runs
 * through, so its body starts in a context that carries the graph
 * (context.ts). Nothing else changes: same generator, same chunks.
 *
 * Found from `@langchain/langgraph` (CompiledStateGraph, whose prototype
 * chain holds Pregel's) or from `dist/pregel/index` (Pregel itself). An ESM
 * app that imports only `@langchain/langgraph/prebuilt` never loads either by
 * name: there `createReactAgent` is wrapped, and the first graph it returns
 * leads to the prototype.
 */
type AnyFn = (...args: any[]) => any;

/** The prototype in `cls`'s chain that defines `_streamIterator`. */
function pregelPrototype(cls: unknown): Obj | undefined {
  let proto = typeof cls === 'function' ? (cls as Obj).prototype : undefined;
  for (let i = 0; proto && i < 10; i++, proto = Object.getPrototypeOf(proto)) {
    if (Object.prototype.hasOwnProperty.call(proto, '_streamIterator') && typeof proto._streamIterator === 'function') return proto;
  }
  return undefined;
}

export function findPregelPrototype(moduleExports: unknown): Obj | undefined {
  const m = moduleExports as Obj | undefined;
  if (!m) return undefined;
  for (const candidate of [m, m.Pregel, m.CompiledStateGraph, m.CompiledGraph, m.default?.Pregel, m.default?.CompiledStateGraph]) {
    const proto = pregelPrototype(candidate);
    if (proto) return proto;
  }
  return undefined;
}

function makeStreamIteratorWrapper() {
  return (original: AnyFn) =>
    function tracedStreamIterator(this: object, ...args: unknown[]) {
      const generator = original.apply(this, args);
      const ctx = safely('langgraph.marker', () => withGraph(context.active(), this));
      if (!ctx || !isObj(generator) || typeof generator.next !== 'function') return generator;
      // The graph's run starts during the first step; only that step needs to see the marker.
      const next = generator.next;
      let first = true;
      generator.next = function markedNext(this: unknown, ...nextArgs: unknown[]) {
        if (!first) return next.apply(this, nextArgs);
        first = false;
        delete (generator as { next?: unknown }).next;
        return context.with(ctx, () => next.apply(this, nextArgs));
      };
      return generator;
    };
}

function patchPrototype(proto: Obj): boolean {
  return wrapMethod(proto, '_streamIterator', makeStreamIteratorWrapper());
}

function makeFactoryWrapper() {
  return (original: AnyFn) =>
    function tracedCreateReactAgent(this: unknown, ...args: unknown[]) {
      const graph = original.apply(this, args);
      safely('langgraph.prototype', () => {
        const proto = pregelPrototype(isObj(graph) ? graph.constructor : undefined);
        if (proto) patchPrototype(proto);
      });
      return graph;
    };
}

/**
 * Replaces a module export by assignment (CommonJS exports). A real ESM
 * namespace, as the loader's source tap hands over, refuses it: that is
 * reported as nothing wrapped, and the Pregel class the prebuilt agent loads
 * is patched through its own module instead. Remembered in the shared state
 * like wrapMethod's wrappers.
 */
function wrapExport(m: Obj, name: string, makeWrapper: (original: AnyFn) => AnyFn): boolean {
  const current = m[name];
  if (typeof current !== 'function' || getState().patched.has(current)) return false;
  const wrapper = makeWrapper(current);
  Object.defineProperty(wrapper, ORIGINAL, { value: current });
  getState().patched.add(wrapper);
  try {
    m[name] = wrapper;
  } catch {
    return false;
  }
  return m[name] === wrapper;
}

function unwrapExport(m: Obj, name: string): void {
  const current = m[name];
  if (typeof current === 'function' && getState().patched.has(current) && current[ORIGINAL]) {
    getState().patched.delete(current);
    m[name] = current[ORIGINAL];
  }
}

const ORIGINAL = Symbol.for('@catalyst/tracing.original');

export const langgraphPatcher: IntegrationPatcher = {
  patch(moduleExports) {
    const proto = findPregelPrototype(moduleExports);
    if (proto) return patchPrototype(proto) ? 1 : 0;
    const m = moduleExports as Obj | undefined;
    if (m && typeof m.createReactAgent === 'function') return wrapExport(m, 'createReactAgent', makeFactoryWrapper()) ? 1 : 0;
    throw new Error('no Pregel graph class in this module');
  },
  unpatch(moduleExports) {
    const proto = findPregelPrototype(moduleExports);
    if (proto) unwrapMethod(proto, '_streamIterator');
    if (moduleExports) unwrapExport(moduleExports as Obj, 'createReactAgent');
  },
};

// The off-thread loader (module.register), for Node versions without working
// synchronous hooks: the source tap of hooks/tap.ts behind Node's async hook
// interface. The build bundles this file to dist/hooks/esm-loader.mjs, a real
// file because module.register takes a URL.
import { createTap, type SourceTap, type TapData } from './tap';

let tap: SourceTap | undefined;

export async function initialize(data: TapData): Promise<void> {
  tap = createTap(data);
}

export async function resolve(specifier: string, context: unknown, nextResolve: (s: string, c: unknown) => Promise<any>): Promise<any> {
  const result = await nextResolve(specifier, context);
  return tap ? tap.resolved(specifier, result) : result;
}

export async function load(url: string, context: unknown, nextLoad: (u: string, c: unknown) => Promise<any>): Promise<any> {
  const result = await nextLoad(url, context);
  return tap ? tap.loaded(url, result) : result;
}

/**
 * Reading SDK objects whose shape we do not control: the small guards every
 * integration's mapper and patcher use, in one place.
 */
export type Obj = Record<string, any>;
export type Attrs = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object';
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The class at a static path from a client class (e.g. ['Chat', 'Completions']), if it is there. */
export function resolveClass(root: Obj, path: readonly string[]): { prototype?: object } | undefined {
  let node: any = root;
  for (const key of path) node = node?.[key];
  return typeof node === 'function' ? node : undefined;
}

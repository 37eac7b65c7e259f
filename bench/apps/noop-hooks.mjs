// The hooks module noop-loader.mjs registers: runs on the loader thread.
export async function resolve(specifier, context, nextResolve) {
  return nextResolve(specifier, context);
}

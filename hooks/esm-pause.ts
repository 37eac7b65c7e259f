// Not `import Module from`: the bundler's interop would copy every property of node:module at start-up.
import Module = require('node:module');
import type { Hook, RegisterHooks } from './tap';

type RequireFn = (this: { path?: string } | undefined, id: string) => unknown;

/**
 * Registers the in-thread resolve hook, and steps it aside while a package
 * requires its own files.
 *
 * Why: while any module.registerHooks resolve hook is registered, Node sends
 * every require() through the hook chain, converting each path to a URL and
 * back (Node's fast path is "no resolve hooks at all"). On Node 24 a no-op
 * resolve hook alone added ~40 ms, about 10 %, to a CommonJS app that loads
 * the openai and Anthropic SDKs, whose hundreds of internal require()s paid
 * it. The ESM tap only needs to see where an ES module can load, and a
 * package requiring its own files by relative id (`require('./core/x')` from
 * inside node_modules) loads CommonJS; CommonJS packages are traced by the
 * require hook (hooks/cjs.ts). So the hook is deregistered for the duration
 * of such a require and registered again when it returns. A bare or absolute
 * id inside it (another package, which may be an ES module loaded with
 * require(esm)) brings the hook back for its own duration; builtins change
 * nothing.
 *
 * Cost of the switch itself: a push and a splice on Node's hook arrays at
 * each boundary between a package and what it requires. Left as it is: an
 * ES module a package requires from its own files by relative id (rare) is
 * not tapped, and our hook, re-registered, runs before hooks the app
 * registered after it (it only observes results, so the order does not
 * change what either sees).
 */
export function registerResolveHookOutsidePackages(resolve: Hook, registerHooks: RegisterHooks): void {
  let handle: { deregister(): void } | undefined = registerHooks({ resolve });
  const setActive = (active: boolean): void => {
    if (active) handle ??= registerHooks({ resolve });
    else if (handle) {
      handle.deregister();
      handle = undefined;
    }
  };

  const proto = Module.prototype as unknown as { require: RequireFn };
  const inner = proto.require;
  const isBuiltin = (Module as unknown as { isBuiltin?: (id: string) => boolean }).isBuiltin ?? (() => false);
  proto.require = function require(this: { path?: string } | undefined, id: string) {
    const wanted = typeof id !== 'string' || isBuiltin(id) ? undefined : !(id.charCodeAt(0) === 46 /* . */ && inPackage(this?.path));
    const was = handle !== undefined;
    if (wanted === undefined || wanted === was) {
      // eslint-disable-next-line prefer-rest-params
      return inner.apply(this, arguments as unknown as [string]);
    }
    setActive(wanted);
    try {
      // eslint-disable-next-line prefer-rest-params
      return inner.apply(this, arguments as unknown as [string]);
    } finally {
      setActive(was);
    }
  };
}

function inPackage(dir: string | undefined): boolean {
  return !!dir && (dir.includes('/node_modules/') || dir.includes('\\node_modules\\'));
}

// Not `import Module from`: the bundler's interop would copy every property of node:module at start-up.
import Module = require('node:module');
import { reportInternalError } from '../src/diagnostics/report';
import type { IntegrationSpec } from '../src/integrations/types';
import type { OnModuleLoad } from './cjs';

/**
 * Integrations that patch a Node builtin (`child_process` for the Claude Code
 * CLI), applied when the app first loads that builtin, never before: loading
 * node:child_process costs ~3-4 ms, which an app that never spawns must not
 * pay. The CommonJS require hook and the in-thread ESM resolve hook tell the
 * watcher each id they see; a builtin's ES module exports are synced after the
 * patch, so `import { spawn } from 'node:child_process'` sees it too.
 *
 * Not seen: an ES module's import of the builtin under the off-thread loader
 * (Node < 22.15, where the resolve hook runs in another thread), and
 * process.getBuiltinModule(); a later require() of it by anything applies the patch.
 */
export interface BuiltinWatcher {
  /** The ids (`child_process`, `node:child_process`) that apply an integration. */
  readonly ids: ReadonlySet<string>;
  /** Called with a watched id once the app loads it (with its exports when the caller has them). */
  seen(id: string, moduleExports?: unknown): void;
}

export function builtinWatcher(specs: readonly IntegrationSpec[], onLoad: OnModuleLoad): BuiltinWatcher | undefined {
  const byId = new Map<string, IntegrationSpec[]>();
  for (const spec of specs) {
    if (!spec.builtin) continue;
    for (const id of [spec.builtin, `node:${spec.builtin}`]) byId.set(id, [...(byId.get(id) ?? []), spec]);
  }
  if (byId.size === 0) return undefined;
  const applied = new Set<string>();
  const ids = new Set(byId.keys());
  const watcher: BuiltinWatcher = {
    ids,
    seen(id, moduleExports) {
      const name = id.startsWith('node:') ? id.slice(5) : id;
      if (applied.has(name)) return;
      applied.add(name);
      try {
        const exportsOf = moduleExports ?? require(`node:${name}`);
        for (const spec of byId.get(id) ?? []) onLoad(spec, exportsOf, undefined);
        // ES module imports of a builtin read a copy of its exports, refreshed here.
        (Module as unknown as { syncBuiltinESMExports?: () => void }).syncBuiltinESMExports?.();
      } catch (error) {
        reportInternalError(`patching node:${name}`, error);
      }
    },
  };
  // Already loaded (setup() in a running app): patched now, at no load cost. Node lists each builtin it has loaded.
  const loaded = (process as { moduleLoadList?: readonly string[] }).moduleLoadList;
  for (const spec of specs) if (spec.builtin && loaded?.includes(`NativeModule ${spec.builtin}`)) watcher.seen(spec.builtin);
  return watcher;
}

import { promisify } from 'node:util';
import type { IntegrationPatcher, PatchContext } from '../types';
import { wrapMethod, unwrapMethod } from '../../instrumentation/wrap-method';
import { deferred } from '../../instrumentation/deferred';
import { claudeCommand, cliRequest, type SpawnKind } from './command';

/**
 * Where we plug into the Claude Code CLI: node:child_process, which the app
 * runs it with. spawn, execFile and exec (and the promisified execFile / exec)
 * and their Sync forms are wrapped; each call is checked for `claude` (a string test, then a parse
 * only for a command naming it) and anything else goes straight through. The
 * span code loads at the first `claude -p` the app runs.
 */
const calls = deferred('claude-code.calls', () => require('./calls') as typeof import('./calls'));

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

/** Set while a traced call runs, so exec's own call of execFile is not traced again. */
let inside = false;

function traced(kind: SpawnKind, original: AnyFn, ctx: PatchContext, promised: boolean): AnyFn {
  return function (this: unknown, ...args: unknown[]): unknown {
    if (inside) return original.apply(this, args);
    // The app's own variable naming the binary, read at each call as the app would.
    const command = claudeCommand(kind, args, process.env.CLAUDE_BIN);
    const request = command && cliRequest(command.argv);
    const c = request?.print ? calls() : undefined;
    if (!c || !command || !request) return original.apply(this, args);
    inside = true;
    try {
      const inv = { kind, original, thisArg: this, args, command, request, promised, getTracer: () => ctx.getTracer() };
      return kind.endsWith('Sync') ? c.traceSyncInvocation(inv) : c.traceInvocation(inv);
    } finally {
      inside = false;
    }
  };
}

function wrapWithPromisified(cp: Record<string, unknown>, name: 'execFile' | 'exec', ctx: PatchContext): boolean {
  const custom = (cp[name] as Record<symbol, unknown> | undefined)?.[promisify.custom] as AnyFn | undefined;
  const wrapped = wrapMethod(cp, name, (original) => {
    const fn = traced(name, original as AnyFn, ctx, false);
    // util.promisify(execFile) uses the original's custom form (it resolves { stdout, stderr }): keep one, traced.
    if (typeof custom === 'function') Object.defineProperty(fn, promisify.custom, { value: traced(name, custom, ctx, true), configurable: true });
    return fn as never;
  });
  return wrapped;
}

export const claudeCodePatcher: IntegrationPatcher = {
  patch(moduleExports: unknown, ctx: PatchContext): number {
    const cp = moduleExports as Record<string, unknown>;
    if (!cp || typeof cp.spawn !== 'function' || typeof cp.execFile !== 'function') throw new Error('no spawn or execFile in this module: not node:child_process');
    let count = 0;
    if (wrapMethod(cp, 'spawn', (original) => traced('spawn', original as AnyFn, ctx, false) as never)) count++;
    if (wrapWithPromisified(cp, 'execFile', ctx)) count++;
    if (typeof cp.exec === 'function' && wrapWithPromisified(cp, 'exec', ctx)) count++;
    for (const name of ['spawnSync', 'execFileSync', 'execSync'] as const) {
      if (wrapMethod(cp, name, (original) => traced(name, original as AnyFn, ctx, false) as never)) count++;
    }
    return count;
  },
  unpatch(moduleExports: unknown): void {
    for (const name of ['spawn', 'execFile', 'exec', 'spawnSync', 'execFileSync', 'execSync']) unwrapMethod(moduleExports as object, name);
  },
};

import type { Tracer } from '@opentelemetry/api';
import { safely } from '../../instrumentation/safe';
import { isObj, type Obj } from '../shape';
import { OpenCodeTurns } from './turns';

/**
 * The OpenCode plugin: the hooks OpenCode calls, each forwarding to the turn
 * tracker (turns.ts) inside `safely`, so a failure of ours is reported once on
 * stderr and never reaches OpenCode. Hooks only read what they are handed;
 * the outputs OpenCode lets plugins change are never written.
 *
 * OpenCode does not wait for an `event` hook, so a turn's spans are flushed
 * as it ends without being awaited; `dispose`, which it awaits as it shuts
 * down, ends what is still open and flushes within the flush budget; and at
 * the process's exit what is still queued goes the synchronous way.
 */

/** What the plugin needs from the export side, handed down by the entry (the layers below cannot reach the pipeline). */
export interface TracingHandle {
  /** The tracer, the pipeline built on first need. */
  tracer(): Tracer;
  /** Sends what is queued, within the flush budget; never rejects. */
  flush(): Promise<void>;
  /** OpenCode shuts down: the exit budget starts, and what is queued is sent within it; never rejects. */
  shutdown(): Promise<void>;
  /** Synchronously, at the process's exit: what is still queued, within what is left of the exit budget. */
  exit(): void;
}

/** The hooks this plugin registers (a subset of @opencode-ai/plugin's `Hooks`). */
export interface OpenCodeHooks {
  event?: (input: { event: unknown }) => Promise<void>;
  'chat.message'?: (input: unknown, output: unknown) => Promise<void>;
  'chat.params'?: (input: unknown, output: unknown) => Promise<void>;
  'experimental.chat.messages.transform'?: (input: unknown, output: unknown) => Promise<void>;
  'experimental.chat.system.transform'?: (input: unknown, output: unknown) => Promise<void>;
  dispose?: () => Promise<void>;
}

/** An OpenCode server plugin, as @opencode-ai/plugin's `Plugin` type has it. */
export type OpenCodePlugin = (input: unknown, options?: Record<string, unknown>) => Promise<OpenCodeHooks>;

const STARTED = Symbol.for('@catalyst/tracing.opencode');
type Global = typeof globalThis & { [STARTED]?: boolean };

export function openCodePlugin(start: () => TracingHandle | undefined): OpenCodePlugin {
  return async () => {
    // Listed twice (a path and a name, or OpenCode's two ways of reading a module's exports): one set of hooks.
    const g = globalThis as Global;
    if (g[STARTED]) return {};
    g[STARTED] = true;
    const handle = safely('opencode.start', start);
    if (!handle) return {};
    const turns = new OpenCodeTurns({
      tracer: () => handle.tracer(),
      turnEnded: () => void handle.flush(),
    });
    safely('opencode.exit', () =>
      process.on('exit', () => {
        safely('opencode.exit', () => turns.endAll('process exiting'));
        safely('opencode.exit', () => handle.exit());
      }),
    );
    const hook = (where: string, fn: (input: Obj, output: Obj) => void) => async (input: unknown, output: unknown): Promise<void> => {
      safely(`opencode.${where}`, () => fn(isObj(input) ? input : {}, isObj(output) ? output : {}));
    };
    return {
      event: async (input) => {
        safely('opencode.event', () => isObj(input) && isObj(input.event) && turns.event(input.event));
      },
      'chat.message': hook('chat.message', (input, output) => turns.userMessage(input, output)),
      'chat.params': hook('chat.params', (input, output) => turns.modelCall(input, output)),
      'experimental.chat.messages.transform': hook('messages', (_input, output) => turns.messages(output)),
      'experimental.chat.system.transform': hook('system', (input, output) => turns.system(input, output)),
      dispose: async () => {
        safely('opencode.dispose', () => turns.endAll('OpenCode shut down'));
        await handle.shutdown();
      },
    };
  };
}

import type { IntegrationPatcher, PatchContext } from '../types';
import { wrapMethod, unwrapMethod } from '../../instrumentation/wrap-method';
import { deferred } from '../../instrumentation/deferred';
import { safely } from '../../instrumentation/safe';

/**
 * Where to wrap in `@elevenlabs/elevenlabs-js` (CommonJS). Its conversation
 * classes live in api/resources/conversationalAi/conversation/: Conversation
 * (Conversation.js) and ClientTools (ClientTools.js), each file handed to the
 * patch as it loads (or both through that folder's index, for setup({ modules })).
 * Wrapped on the prototypes: startSession, _handleMessage (every parsed server
 * message), _onWebSocketClose, sendUserMessage, and ClientTools'
 * executeToolAsync and handle. What a session does is in calls.ts, loaded at
 * the first startSession().
 */
type Cls = Function & { prototype: Record<string, unknown> };

const calls = deferred('elevenlabs-js.calls', () => require('./calls') as typeof import('./calls'));

const isClass = (v: unknown): v is Cls => typeof v === 'function' && !!(v as { prototype?: unknown }).prototype;

export function findTargets(moduleExports: unknown): { conversation?: Cls; clientTools?: Cls } | undefined {
  const m = moduleExports as Record<string, unknown> | undefined;
  if (!m || (typeof m !== 'object' && typeof m !== 'function')) return undefined;
  const c = m.Conversation;
  const t = m.ClientTools;
  const conversation = isClass(c) && typeof c.prototype.startSession === 'function' && typeof c.prototype._handleMessage === 'function' ? c : undefined;
  const clientTools = isClass(t) && typeof t.prototype.executeToolAsync === 'function' ? t : undefined;
  return conversation || clientTools ? { conversation, clientTools } : undefined;
}

const CONVERSATION_METHODS = ['startSession', '_handleMessage', '_onWebSocketClose', 'sendUserMessage'] as const;
const TOOL_METHODS = ['executeToolAsync', 'handle'] as const;

export const elevenlabsJsPatcher: IntegrationPatcher = {
  patch(moduleExports, ctx: PatchContext) {
    const t = findTargets(moduleExports);
    if (!t) throw new Error('no Conversation or ClientTools class in this module');
    let wrapped = 0;
    const wrap = (target: Record<string, unknown>, name: string, make: (original: (...args: any[]) => any) => (...args: any[]) => any) => {
      if (wrapMethod(target, name, make)) wrapped++;
    };
    const p = t.conversation?.prototype;
    if (p) {
      wrap(p, 'startSession', (original) =>
        function startSession(this: unknown, ...args: unknown[]) {
          const c = calls();
          return c ? c.tracedStartSession(ctx, original, this, args) : original.apply(this, args);
        },
      );
      wrap(p, '_handleMessage', (original) =>
        function _handleMessage(this: unknown, ...args: unknown[]) {
          const c = calls();
          return c ? c.tracedHandleMessage(original, this, args) : original.apply(this, args);
        },
      );
      wrap(p, '_onWebSocketClose', (original) =>
        function _onWebSocketClose(this: unknown, ...args: unknown[]) {
          try {
            return original.apply(this, args);
          } finally {
            const c = calls();
            if (c) safely('elevenlabs-js.close', () => c.closed(this, args[0], args[1]));
          }
        },
      );
      wrap(p, 'sendUserMessage', (original) =>
        function sendUserMessage(this: unknown, ...args: unknown[]) {
          const returned = original.apply(this, args);
          const c = calls();
          if (c) safely('elevenlabs-js.send', () => c.sentUserMessage(this, args[0]));
          return returned;
        },
      );
    }
    const tp = t.clientTools?.prototype;
    if (tp) {
      wrap(tp, 'executeToolAsync', (original) =>
        function executeToolAsync(this: unknown, ...args: unknown[]) {
          const c = calls();
          return c ? c.tracedExecuteTool(ctx, original, this, args) : original.apply(this, args);
        },
      );
      wrap(tp, 'handle', (original) =>
        function handle(this: unknown, ...args: unknown[]) {
          const c = calls();
          return c ? c.tracedHandle(original, this, args) : original.apply(this, args);
        },
      );
    }
    return wrapped;
  },
  unpatch(moduleExports) {
    const t = findTargets(moduleExports);
    if (!t) return;
    if (t.conversation) for (const name of CONVERSATION_METHODS) unwrapMethod(t.conversation.prototype, name);
    if (t.clientTools) for (const name of TOOL_METHODS) unwrapMethod(t.clientTools.prototype, name);
  },
};

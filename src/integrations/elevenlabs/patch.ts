import type { IntegrationPatcher, PatchContext } from '../types';
import { wrapMethod, unwrapMethod } from '../../instrumentation/wrap-method';
import { deferred } from '../../instrumentation/deferred';
import { safely } from '../../instrumentation/safe';

/**
 * Where to wrap in `@elevenlabs/client` (ESM only). The loader hook hands us
 * the package's module namespace; `Conversation` there is a plain object whose
 * startSession() calls the static startSession() of TextConversation or
 * VoiceConversation, both exported. Wrapping those two statics (rather than
 * `Conversation.startSession`) traces a session however the app starts it, and
 * once. Everything else is reached from them by the prototype chain, not by
 * name: BaseConversation (their parent class: its static getFullOptions and
 * the prototype methods that handle socket events and client tool calls) and
 * BaseConnection (the parent of the exported WebSocketConnection: every
 * message the SDK sends passes its handleOutgoingMessage). What a session does
 * is in calls.ts, loaded at the first startSession().
 */
type Cls = Function & { prototype: Record<string, unknown> } & Record<string, unknown>;

const calls = deferred('elevenlabs.calls', () => require('./calls') as typeof import('./calls'));

/** Socket events the conversation handles that make up the transcript: observed as each is handled, in order. */
const TURN_HANDLERS = ['handleAgentResponse', 'handleAgentResponseCorrection', 'handleUserTranscript', 'handleInterruption'] as const;

interface Targets {
  sessions: Cls[];
  base?: Cls;
  connectionBase?: Cls;
}

const isClass = (v: unknown): v is Cls => typeof v === 'function' && !!(v as { prototype?: unknown }).prototype;

/** The classes from the module namespace (or a user's `import * as client`). */
export function findTargets(moduleExports: unknown): Targets | undefined {
  const m = moduleExports as Record<string, unknown> | undefined;
  if (!m || (typeof m !== 'object' && typeof m !== 'function')) return undefined;
  const sessions = [m.TextConversation, m.VoiceConversation].filter((c): c is Cls => isClass(c) && typeof c.startSession === 'function');
  if (!sessions.length) return undefined;
  const parent = Object.getPrototypeOf(sessions[0]) as unknown;
  const base = isClass(parent) && typeof parent.getFullOptions === 'function' ? parent : undefined;
  const socket = m.WebSocketConnection;
  const connectionParent = isClass(socket) ? (Object.getPrototypeOf(socket) as unknown) : undefined;
  const connectionBase = isClass(connectionParent) && typeof connectionParent.prototype.handleOutgoingMessage === 'function' ? connectionParent : undefined;
  return { sessions, base, connectionBase };
}

/** Calls `observe` (tracing-side, never throwing into the app) and then the SDK's method, unchanged. */
function observing(observe: (c: NonNullable<ReturnType<typeof calls>>, self: unknown, args: unknown[]) => void) {
  return (original: (...args: any[]) => any) =>
    function observed(this: unknown, ...args: unknown[]) {
      const c = calls();
      if (c) safely('elevenlabs.event', () => observe(c, this, args));
      return original.apply(this, args);
    };
}

export const elevenlabsPatcher: IntegrationPatcher = {
  patch(moduleExports, ctx: PatchContext) {
    const t = findTargets(moduleExports);
    if (!t) throw new Error('no TextConversation or VoiceConversation with startSession in this module');
    let wrapped = 0;
    for (const cls of t.sessions) {
      const done = wrapMethod(cls, 'startSession', (original) =>
        function startSession(this: unknown, ...args: unknown[]) {
          const c = calls();
          return c ? c.tracedStartSession(ctx, original, this, args) : original.apply(this, args);
        },
      );
      if (done) wrapped++;
    }
    if (t.base) {
      if (
        wrapMethod(t.base, 'getFullOptions', (original) =>
          function getFullOptions(this: unknown, ...args: unknown[]) {
            const c = calls();
            return c ? c.tracedFullOptions(original, this, args) : original.apply(this, args);
          },
        )
      )
        wrapped++;
      const proto = t.base.prototype;
      if (wrapMethod(proto, 'markConnected', observing((c, self) => c.connected(self)))) wrapped++;
      for (const name of TURN_HANDLERS) if (wrapMethod(proto, name, observing((c, self, args) => c.incoming(self, args[0])))) wrapped++;
      if (
        wrapMethod(proto, 'handleClientToolCall', (original) =>
          function handleClientToolCall(this: unknown, ...args: unknown[]) {
            const c = calls();
            return c ? c.tracedToolCall(ctx, original, this, args) : original.apply(this, args);
          },
        )
      )
        wrapped++;
    }
    if (t.connectionBase && wrapMethod(t.connectionBase.prototype, 'handleOutgoingMessage', observing((c, self, args) => c.outgoing(self, args[0])))) wrapped++;
    return wrapped;
  },
  unpatch(moduleExports) {
    const t = findTargets(moduleExports);
    if (!t) return;
    for (const cls of t.sessions) unwrapMethod(cls, 'startSession');
    if (t.base) {
      unwrapMethod(t.base, 'getFullOptions');
      for (const name of ['markConnected', 'handleClientToolCall', ...TURN_HANDLERS]) unwrapMethod(t.base.prototype, name);
    }
    if (t.connectionBase) unwrapMethod(t.connectionBase.prototype, 'handleOutgoingMessage');
  },
};

import { getState } from '../state';
import { warnOnce } from '../diagnostics/report';

/**
 * Never silent about a call it cannot see. An SDK a bundler inlined is no
 * longer a module the loader hooks see, so its calls go out untraced, and
 * without this the app would run on as if tracing worked. While the agent
 * runs, each outgoing HTTP request (fetch through undici, and node:http) is
 * looked at through node:diagnostics_channel: its path alone, no header and no
 * body. A request to a provider's model API (OpenAI's and compatible ones'
 * chat completions and responses, Anthropic's messages) sent outside a traced
 * call (trace/traced-call.ts) gets one line on stderr, once per process, and
 * the watch ends there.
 *
 * The cost: subscribing loads nothing (Node has the module loaded already);
 * per request, one function call and a suffix compare of the path; per
 * provider request, one read of the active context.
 */
const PROVIDER_PATHS = ['/v1/chat/completions', '/v1/responses', '/v1/messages'];
const CHANNELS = ['undici:request:create', 'http.client.request.start'] as const;

/** What both channels publish: `{ request }`, undici's Request (`origin`, `path`) or node's ClientRequest (`host`, `path`). */
interface RequestMessage {
  request?: { origin?: unknown; host?: unknown; path?: unknown };
}

type DiagnosticsChannel = typeof import('node:diagnostics_channel');

export function watchUntracedRequests(): void {
  let dc: DiagnosticsChannel;
  try {
    dc = require('node:diagnostics_channel') as DiagnosticsChannel;
  } catch {
    return;
  }
  const onRequest = (message: unknown): void => {
    // A subscriber's throw would reach the app as an uncaught exception: nothing may escape.
    try {
      const request = (message as RequestMessage | undefined)?.request;
      const path = request?.path;
      // A framework that traces its own bundled model calls into our pipeline (Eve's instrumentation file): not a miss.
      if (typeof path !== 'string' || !isProviderPath(path) || getState().hostFramework || sentInTracedCall()) return;
      for (const name of CHANNELS) dc.unsubscribe(name, onRequest);
      const where = `${hostOf(request!.origin ?? request!.host)}${path.split('?')[0]}`;
      warnOnce(
        'untraced-provider-request',
        `a request to ${where} was not traced: the code that sent it was not patched (an SDK inlined by a bundler such as esbuild, webpack or Next.js?). See node_modules/@catalyst/tracing/docs/bundlers.md: the esbuild plugin, or keep the SDK external.`,
      );
    } catch {
      // Only a hint: never worth a failure.
    }
  };
  for (const name of CHANNELS) dc.subscribe(name, onRequest);
}

/** Whether a request path (query and all) ends with a model API's path. Allocation-free: this runs per request. */
export function isProviderPath(path: string): boolean {
  const query = path.indexOf('?');
  const end = query < 0 ? path.length : query;
  for (const p of PROVIDER_PATHS) if (end >= p.length && path.startsWith(p, end - p.length)) return true;
  return false;
}

/**
 * Whether the request goes out inside a traced call. No pipeline yet means no
 * traced call has started in this process; otherwise the trace code is loaded
 * already, and the active context says.
 */
let inTracedCall: (() => boolean) | undefined;
function sentInTracedCall(): boolean {
  if (!getState().pipeline) return false;
  try {
    inTracedCall ??= (require('./traced-call-check') as typeof import('./traced-call-check')).inTracedCall;
    return inTracedCall();
  } catch {
    return false;
  }
}

/** `host[:port]` of an origin (`https://api.openai.com`, a URL) or a host name; never credentials. */
function hostOf(origin: unknown): string {
  const text = typeof origin === 'string' ? origin : origin instanceof URL ? origin.href : '';
  if (!text.includes('://')) return text;
  try {
    return new URL(text).host;
  } catch {
    return '';
  }
}

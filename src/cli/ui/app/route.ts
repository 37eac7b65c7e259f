/**
 * The viewer's routes, kept in the URL's hash so that every view has a link
 * that can be shared and reloaded, and the server only ever serves one page:
 *   #/traces?service=..&agent=..&session=..&status=..&range=..&q=..&offset=..
 *   #/trace/<traceId>[/<spanId>]
 *   #/sessions, #/session/<sessionId>
 *   #/agents
 */
export type Route =
  | { view: 'traces'; query: TraceQuery }
  | { view: 'trace'; traceId: string; spanId?: string }
  | { view: 'sessions'; offset: number }
  | { view: 'session'; sessionId: string }
  | { view: 'agents' }
  | { view: 'unknown'; path: string };

export interface TraceQuery {
  range?: string;
  service?: string;
  agent?: string;
  session?: string;
  status?: string;
  q?: string;
  offset?: number;
}

const QUERY_KEYS = ['range', 'service', 'agent', 'session', 'status', 'q'] as const;

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [pathPart = '', queryPart = ''] = splitOnce(raw, '?');
  const parts = pathPart.split('/').filter(Boolean).map(safeDecode);
  const params = new URLSearchParams(queryPart);
  const offset = Math.max(0, Math.floor(Number(params.get('offset') ?? 0)) || 0);
  if (parts.length === 0 || (parts[0] === 'traces' && parts.length === 1)) {
    const query: TraceQuery = {};
    for (const key of QUERY_KEYS) {
      const v = params.get(key);
      if (v) query[key] = v;
    }
    if (offset) query.offset = offset;
    return { view: 'traces', query };
  }
  if (parts[0] === 'trace' && (parts.length === 2 || parts.length === 3)) return { view: 'trace', traceId: parts[1]!, spanId: parts[2] };
  if (parts[0] === 'sessions' && parts.length === 1) return { view: 'sessions', offset };
  if (parts[0] === 'session' && parts.length === 2) return { view: 'session', sessionId: parts[1]! };
  if (parts[0] === 'agents' && parts.length === 1) return { view: 'agents' };
  return { view: 'unknown', path: pathPart };
}

export function tracesHref(query: TraceQuery = {}): string {
  const params = new URLSearchParams();
  for (const key of QUERY_KEYS) if (query[key]) params.set(key, query[key]!);
  if (query.offset) params.set('offset', String(query.offset));
  const qs = params.toString();
  return `#/traces${qs ? `?${qs}` : ''}`;
}

export function traceHref(traceId: string, spanId?: string): string {
  return `#/trace/${encodeURIComponent(traceId)}${spanId ? `/${encodeURIComponent(spanId)}` : ''}`;
}

export function sessionHref(sessionId: string): string {
  return `#/session/${encodeURIComponent(sessionId)}`;
}

export function sessionsHref(offset = 0): string {
  return `#/sessions${offset ? `?offset=${offset}` : ''}`;
}

/** The API query for a trace list (the same keys as the route's). */
export function apiQuery(query: TraceQuery, limit: number): string {
  const params = new URLSearchParams();
  for (const key of QUERY_KEYS) if (query[key]) params.set(key, query[key]!);
  params.set('offset', String(query.offset ?? 0));
  params.set('limit', String(limit));
  return params.toString();
}

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i === -1 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

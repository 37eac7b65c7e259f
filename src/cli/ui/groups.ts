import type { TraceSummary } from '../trace-summary';

/** What the viewer's lists are made of: traces filtered, and grouped by session and by agent. */

export interface TraceFilter {
  /** Only traces started at or after this time (ms since the epoch). */
  since?: number;
  service?: string;
  /** agent.id or agent.name */
  agent?: string;
  session?: string;
  status?: 'error' | 'ok';
  /** Only these traces (the ones a text search found). */
  ids?: ReadonlySet<string>;
}

export function filterTraces(traces: readonly TraceSummary[], f: TraceFilter): TraceSummary[] {
  return traces.filter(
    (t) =>
      (f.since === undefined || t.startTime >= f.since) &&
      (f.service === undefined || t.service === f.service) &&
      (f.agent === undefined || t.agentId === f.agent || t.agent === f.agent) &&
      (f.session === undefined || t.sessionId === f.session) &&
      (f.status === undefined || (f.status === 'error') === t.errorCount > 0) &&
      (f.ids === undefined || f.ids.has(t.traceId)),
  );
}

/** The values each filter can take, most recent first, for the filter menus. */
export function facets(traces: readonly TraceSummary[], max = 200): { services: string[]; agents: string[]; sessions: string[] } {
  const services = new Set<string>();
  const agents = new Set<string>();
  const sessions = new Set<string>();
  for (const t of traces) {
    if (t.service && services.size < max) services.add(t.service);
    const agent = agentKey(t);
    if (agent && agents.size < max) agents.add(agent);
    if (t.sessionId && sessions.size < max) sessions.add(t.sessionId);
  }
  return { services: [...services].sort(), agents: [...agents].sort(), sessions: [...sessions] };
}

export interface SessionRow {
  sessionId: string;
  traces: number;
  firstStart: number;
  lastStart: number;
  errors: number;
  totalTokens: number;
  agents: string[];
  users: string[];
}

/** One row per session.id, the most recently active first. */
export function sessionRows(traces: readonly TraceSummary[]): SessionRow[] {
  const by = new Map<string, SessionRow>();
  for (const t of traces) {
    if (!t.sessionId) continue;
    let row = by.get(t.sessionId);
    if (!row) by.set(t.sessionId, (row = { sessionId: t.sessionId, traces: 0, firstStart: t.startTime, lastStart: t.startTime, errors: 0, totalTokens: 0, agents: [], users: [] }));
    row.traces++;
    row.firstStart = Math.min(row.firstStart, t.startTime);
    row.lastStart = Math.max(row.lastStart, t.startTime);
    if (t.errorCount > 0) row.errors++;
    row.totalTokens += t.totalTokens;
    if (t.agent && !row.agents.includes(t.agent)) row.agents.push(t.agent);
    if (t.userId && !row.users.includes(t.userId)) row.users.push(t.userId);
  }
  return [...by.values()].sort((a, b) => b.lastStart - a.lastStart || (a.sessionId < b.sessionId ? -1 : 1));
}

export interface AgentRow {
  /** agent.id, else agent.name: what the row stands for and what its runs are filtered by. */
  key: string;
  name?: string;
  id?: string;
  runs: number;
  errors: number;
  errorRate: number;
  totalTokens: number;
  p50Ms: number;
  p95Ms: number;
  lastSeen: number;
}

export function agentKey(t: TraceSummary): string | undefined {
  return t.agentId ?? t.agent;
}

/** One row per agent (a trace is a run of the agent its first agent span names), the most recently seen first. */
export function agentRows(traces: readonly TraceSummary[]): AgentRow[] {
  const by = new Map<string, { row: AgentRow; durations: number[] }>();
  for (const t of traces) {
    const key = agentKey(t);
    if (!key) continue;
    let g = by.get(key);
    if (!g) by.set(key, (g = { row: { key, name: t.agent, id: t.agentId, runs: 0, errors: 0, errorRate: 0, totalTokens: 0, p50Ms: 0, p95Ms: 0, lastSeen: t.startTime }, durations: [] }));
    g.row.runs++;
    if (t.errorCount > 0) g.row.errors++;
    g.row.totalTokens += t.totalTokens;
    g.row.lastSeen = Math.max(g.row.lastSeen, t.endTime);
    g.durations.push(t.durationMs);
  }
  return [...by.values()]
    .map(({ row, durations }) => {
      durations.sort((a, b) => a - b);
      return { ...row, errorRate: row.errors / row.runs, p50Ms: percentile(durations, 50), p95Ms: percentile(durations, 95) };
    })
    .sort((a, b) => b.lastSeen - a.lastSeen || (a.key < b.key ? -1 : 1));
}

/** The nearest-rank percentile of sorted values: a value that occurred, never an interpolation. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

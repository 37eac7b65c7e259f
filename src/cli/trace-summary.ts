import type { StoredSpan, StoredStatusCode } from '../store/format';
import { K } from './keys';
import { agentLabel, errorMessage, isError, serviceName, spanKind, str, tokens } from './span-fields';

/**
 * One trace's facts for `trace list`, folded span by span as the store streams
 * by, so that listing never holds spans in memory, only one summary per trace.
 */
export interface TraceSummary {
  traceId: string;
  /** Milliseconds since the epoch. */
  startTime: number;
  endTime: number;
  durationMs: number;
  rootName: string;
  rootSpanId: string;
  /** False when no span without a parent was found (the root is elsewhere, or not finished). */
  hasRoot: boolean;
  agent?: string;
  agentId?: string;
  sessionId?: string;
  userId?: string;
  service?: string;
  spanCount: number;
  llmCalls: number;
  totalTokens: number;
  errorCount: number;
  status: StoredStatusCode;
  errorMessage?: string;
}

export interface SummaryFilter {
  service?: string;
  agent?: string;
  session?: string;
}

interface Acc {
  summary: TraceSummary;
  rootStart: number;
  agentStart: number;
  anyAgent?: string;
  anyAgentId?: string;
  anySession?: string;
  anyUser?: string;
  anyService?: string;
  errorStart: number;
  matchService: boolean;
  matchAgent: boolean;
  matchSession: boolean;
}

export class TraceSummaries {
  private readonly traces = new Map<string, Acc>();

  constructor(private readonly filter: SummaryFilter = {}) {}

  add(span: StoredSpan): void {
    let acc = this.traces.get(span.traceId);
    if (!acc) {
      acc = {
        summary: {
          traceId: span.traceId,
          startTime: span.startTime,
          endTime: span.endTime,
          durationMs: 0,
          rootName: span.name,
          rootSpanId: span.spanId,
          hasRoot: false,
          spanCount: 0,
          llmCalls: 0,
          totalTokens: 0,
          errorCount: 0,
          status: 'UNSET',
        },
        rootStart: Infinity,
        agentStart: Infinity,
        errorStart: Infinity,
        matchService: this.filter.service === undefined,
        matchAgent: this.filter.agent === undefined,
        matchSession: this.filter.session === undefined,
      };
      this.traces.set(span.traceId, acc);
    }
    const s = acc.summary;
    const a = span.attributes;
    s.spanCount++;
    if (span.startTime < s.startTime) s.startTime = span.startTime;
    if (span.endTime > s.endTime) s.endTime = span.endTime;

    if (span.parentSpanId === undefined) {
      if (!s.hasRoot || span.startTime < acc.rootStart) {
        s.hasRoot = true;
        acc.rootStart = span.startTime;
        s.rootName = span.name;
        s.rootSpanId = span.spanId;
        const svc = serviceName(span);
        if (svc) s.service = svc;
      }
    } else if (!s.hasRoot && span.startTime < acc.rootStart) {
      // Until a real root shows up, the earliest span stands in for it.
      acc.rootStart = span.startTime;
      s.rootName = span.name;
      s.rootSpanId = span.spanId;
    }

    const kind = spanKind(span);
    if (kind === 'LLM') {
      s.llmCalls++;
      s.totalTokens += tokens(span).total ?? 0;
    }
    const agentName = agentLabel(span);
    if (kind === 'AGENT' && span.startTime < acc.agentStart && agentName) {
      acc.agentStart = span.startTime;
      s.agent = agentName;
      s.agentId = str(a[K.AGENT_ID]);
    }
    if (acc.anyAgent === undefined && agentName) acc.anyAgent = agentName;
    if (acc.anyAgentId === undefined) acc.anyAgentId = str(a[K.AGENT_ID]);
    if (acc.anySession === undefined) acc.anySession = str(a[K.SESSION_ID]);
    if (acc.anyUser === undefined) acc.anyUser = str(a[K.USER_ID]);
    if (acc.anyService === undefined) acc.anyService = serviceName(span);

    if (isError(span)) {
      s.errorCount++;
      if (span.startTime < acc.errorStart) {
        acc.errorStart = span.startTime;
        s.errorMessage = errorMessage(span);
      }
    } else if (span.status.code === 'OK' && s.status === 'UNSET') {
      s.status = 'OK';
    }

    const f = this.filter;
    if (!acc.matchService && serviceName(span) === f.service) acc.matchService = true;
    if (!acc.matchAgent && (str(a[K.AGENT_ID]) === f.agent || str(a[K.AGENT_NAME]) === f.agent)) acc.matchAgent = true;
    if (!acc.matchSession && str(a[K.SESSION_ID]) === f.session) acc.matchSession = true;
  }

  get size(): number {
    return this.traces.size;
  }

  /** Finished summaries (fresh copies) of the traces that passed the service/agent/session filters. */
  results(): TraceSummary[] {
    const out: TraceSummary[] = [];
    for (const acc of this.traces.values()) {
      if (!acc.matchService || !acc.matchAgent || !acc.matchSession) continue;
      const s = acc.summary;
      out.push({
        ...s,
        durationMs: Math.max(0, s.endTime - s.startTime),
        agent: s.agent ?? acc.anyAgent,
        agentId: s.agent !== undefined ? s.agentId : acc.anyAgentId,
        sessionId: acc.anySession,
        userId: acc.anyUser,
        service: s.service ?? acc.anyService,
        status: s.errorCount > 0 ? 'ERROR' : s.status,
      });
    }
    return out;
  }
}

/** Summarises the spans of one trace already in memory. */
export function summarize(spans: StoredSpan[]): TraceSummary | undefined {
  const acc = new TraceSummaries();
  for (const span of spans) acc.add(span);
  return acc.results()[0];
}

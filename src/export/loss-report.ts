import { safeEndpoint } from './export-faults';

/** What the exit line needs to know: the counts, and the settings that explain them. */
export interface LossCounts {
  /** Dropped because the queue was full. */
  droppedQueueFull: number;
  failed: number;
  unconfirmed: number;
  unconfirmedAtExit: number;
}

export interface LossContext {
  /** The OTLP traces URL; undefined for the local store. */
  endpoint?: string;
  maxQueueSize: number;
  maxQueueBytes: number;
  exportTimeoutMs: number;
  flushTimeoutMs: number;
}

/**
 * The one line printed at exit when spans were lost or may have been: how
 * many were dropped (queue full), failed, or were not confirmed, each only
 * when not zero. Undefined when nothing was lost: a healthy run prints nothing.
 * The per-fault warnings say why as it happens; this says how many, once.
 */
export function describeLosses(counts: LossCounts, ctx: LossContext): string | undefined {
  const parts: string[] = [];
  if (counts.droppedQueueFull > 0) parts.push(`${counts.droppedQueueFull} span(s) were dropped because the queue was full (CATALYST_MAX_QUEUE_SIZE=${ctx.maxQueueSize}, CATALYST_MAX_QUEUE_MB=${Math.round(ctx.maxQueueBytes / 1048576)})`);
  // The local store fails only as a whole (its line says that nothing is kept from then on); counting adds nothing.
  if (counts.failed > 0 && ctx.endpoint) parts.push(`${counts.failed} span(s) failed to export`);
  if (counts.unconfirmed > 0) {
    parts.push(`${counts.unconfirmed} span(s) got no answer within ${ctx.exportTimeoutMs} ms (OTEL_EXPORTER_OTLP_TIMEOUT) or a broken one, and may have arrived`);
  }
  if (counts.unconfirmedAtExit > 0) {
    parts.push(`the OTLP endpoint ${ctx.endpoint ? safeEndpoint(ctx.endpoint) : ''} did not confirm ${counts.unconfirmedAtExit} span(s) within ${ctx.flushTimeoutMs} ms (CATALYST_FLUSH_TIMEOUT_MS) as the process exited; they may be lost`);
  }
  if (parts.length === 0) return undefined;
  return `at exit: ${joinList(parts)}.`;
}

function joinList(parts: string[]): string {
  if (parts.length === 1) return parts[0];
  return `${parts.slice(0, -1).join('; ')}; and ${parts[parts.length - 1]}`;
}

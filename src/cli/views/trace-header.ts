import type { StoredSpan } from '../../store/format';
import type { Ctx } from '../context';
import { summarize } from '../trace-summary';
import { flowParts, formatDuration, formatInt, formatTime, terminalSafe, truncate } from '../text';

/** The lines above a trace's tree or timeline: id, when, how long, how much, who. `spans` come through forTerminal. */
export function traceHeader(ctx: Ctx, traceId: string, spans: StoredSpan[]): string[] {
  const { style } = ctx;
  const s = summarize(spans);
  if (!s) return [];
  const name = truncate(terminalSafe(s.rootName) || '(unnamed)', Math.max(20, ctx.width - 20));
  const plural = (n: number, word: string): string => `${formatInt(n)} ${word}${n === 1 ? '' : 's'}`;
  const errors = s.errorCount > 0 ? plural(s.errorCount, 'error') : 'ok';
  const facts: Array<[string, string]> = [
    [name, style.bold(name)],
    [formatTime(s.startTime), formatTime(s.startTime)],
    [formatDuration(s.durationMs), formatDuration(s.durationMs)],
    [plural(s.spanCount, 'span'), plural(s.spanCount, 'span')],
    [plural(s.llmCalls, 'LLM call'), plural(s.llmCalls, 'LLM call')],
    [`${formatInt(s.totalTokens)} tokens`, `${formatInt(s.totalTokens)} tokens`],
    [errors, s.errorCount > 0 ? style.red(errors) : style.green(errors)],
  ];
  const who = [
    s.service ? `service ${terminalSafe(s.service)}` : undefined,
    s.agent ? `agent ${terminalSafe(s.agent)}${s.agentId && s.agentId !== s.agent ? ` (${terminalSafe(s.agentId)})` : ''}` : undefined,
    s.sessionId ? `session ${terminalSafe(s.sessionId)}` : undefined,
    s.userId ? `user ${terminalSafe(s.userId)}` : undefined,
  ]
    .filter((x): x is string => x !== undefined)
    .map((x): [string, string] => [truncate(x, ctx.width), style.dim(truncate(x, ctx.width))]);
  const lines = [`${style.bold('Trace')} ${traceId}`, ...flowParts(facts, [' · ', style.dim(' · ')], ctx.width)];
  lines.push(...flowParts(who, [' · ', style.dim(' · ')], ctx.width));
  if (!s.hasRoot) lines.push(style.yellow(truncate('no root span stored: it is still running, failed to export, or was sent elsewhere', ctx.width)));
  return lines;
}

import { parseChoice } from '../args';
import { println, reportStats, type Ctx } from '../context';
import { jsonForTerminal } from '../text';
import { findSpan, loadTrace } from '../resolve';
import { renderAttributes } from '../views/attributes';
import { renderIo } from '../views/io';

/** `span get <traceId> <spanId>`: input/output as a conversation, all attributes, or JSON. */
export async function spanGet(ctx: Ctx): Promise<number> {
  const view = ctx.values.json ? 'json' : parseChoice('--view', ctx.values.view, ['io', 'attributes', 'json'] as const, 'io');
  const trace = await loadTrace(ctx.dir, ctx.args[0]!);
  const span = findSpan(trace, ctx.args[1]!);
  if (view === 'json') println(ctx, jsonForTerminal(span));
  else for (const l of view === 'io' ? renderIo(ctx, span) : renderAttributes(ctx, span)) println(ctx, l);
  reportStats(ctx, trace.stats);
  return 0;
}

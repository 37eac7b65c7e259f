import { parseChoice } from '../args';
import { println, reportStats, type Ctx } from '../context';
import { jsonForTerminal } from '../text';
import { loadTrace } from '../resolve';
import { renderTimeline } from '../views/timeline';
import { renderTree } from '../views/tree';

/** `trace get <traceId|prefix|last>`: the tree, the timeline, or the spans as JSON. */
export async function traceGet(ctx: Ctx): Promise<number> {
  const view = ctx.values.json ? 'json' : parseChoice('--view', ctx.values.view, ['tree', 'timeline', 'json'] as const, 'tree');
  const trace = await loadTrace(ctx.dir, ctx.args[0]!);
  if (view === 'json') {
    println(ctx, jsonForTerminal(trace.spans));
  } else {
    const lines = view === 'tree' ? renderTree(ctx, trace.traceId, trace.spans) : renderTimeline(ctx, trace.traceId, trace.spans);
    for (const l of lines) println(ctx, l);
  }
  reportStats(ctx, trace.stats);
  return 0;
}

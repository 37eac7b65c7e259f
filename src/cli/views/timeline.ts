import type { StoredSpan } from '../../store/format';
import { kindPaint } from '../colors';
import type { Ctx } from '../context';
import { duration, isError, spanKind } from '../span-fields';
import { formatDuration, padEnd, padStart, shortId, terminalSafe, textWidth, truncate } from '../text';
import { forTerminal } from './terminal-safe-span';
import { traceHeader } from './trace-header';
import { treeRows } from './tree-model';

/**
 * `trace get --view timeline`: a waterfall. Each span is a bar placed by its
 * start and end relative to the trace, scaled so that the trace fills the
 * columns the terminal has left after the names; names are indented by depth
 * and every bar starts on the same column.
 */
export function renderTimeline(ctx: Ctx, traceId: string, stored: StoredSpan[]): string[] {
  const { style, width } = ctx;
  const spans = stored.map(forTerminal);
  const rows = treeRows(spans);
  const t0 = Math.min(...spans.map((s) => s.startTime));
  const t1 = Math.max(...spans.map((s) => s.endTime));
  const total = Math.max(t1 - t0, 1e-3);

  const items = rows.map((r) => {
    const kind = spanKind(r.span);
    return { r, kind, label: `${r.indent}${kind} ${terminalSafe(r.span.name) || '(unnamed)'}`, dur: formatDuration(duration(r.span)) };
  });
  const idW = 8;
  const durW = Math.max(...items.map((i) => i.dur.length));
  // Names get what they need up to 40% of the line; bars get the rest (at least 10 columns).
  const labelNatural = Math.max(...items.map((i) => textWidth(i.label)));
  const labelW = Math.max(10, Math.min(labelNatural, Math.floor(width * 0.4), width - idW - 2 - 2 - 10 - 2 - durW - 2));
  const barW = Math.max(10, width - idW - 2 - labelW - 2 - 2 - durW - 2);

  const lines = [...traceHeader(ctx, traceId, spans), ''];
  lines.push(style.dim(`${' '.repeat(idW + 2 + labelW + 2)}${axis(total, barW)}`.trimEnd()));
  for (const it of items) {
    const s = it.r.span;
    const from = Math.min(barW - 1, Math.max(0, Math.floor(((s.startTime - t0) / total) * barW)));
    const to = Math.min(barW, Math.max(from + 1, Math.round(((s.endTime - t0) / total) * barW)));
    const err = isError(s);
    const paint = err ? style.red : kindPaint(style, it.kind);
    const label = truncate(it.label, labelW);
    const labelStyled = label.startsWith(it.r.indent + it.kind)
      ? it.r.indent + kindPaint(style, it.kind)(it.kind) + label.slice(it.r.indent.length + it.kind.length)
      : label;
    const bar = ' '.repeat(from) + paint('█'.repeat(to - from)) + ' '.repeat(barW - to);
    const line = `${style.dim(shortId(s.spanId))}  ${labelStyled}${' '.repeat(labelW - textWidth(label))}  ${bar}  ${padStart(it.dur, durW)}${err ? ` ${style.red('✗')}` : ''}`;
    lines.push(line.trimEnd());
  }
  return lines;
}

/** Tick labels at 0, ¼, ½, ¾ and the end, left-aligned on their column (the last right-aligned). */
function axis(total: number, barW: number): string {
  const cells = Array.from({ length: barW }, () => ' ');
  const put = (col: number, text: string): boolean => {
    if (col < 0 || col + text.length > barW) return false;
    for (let i = Math.max(0, col - 1); i < Math.min(barW, col + text.length + 1); i++) if (cells[i] !== ' ') return false;
    for (let i = 0; i < text.length; i++) cells[col + i] = text[i]!;
    return true;
  };
  const end = formatDuration(total);
  put(barW - end.length, end);
  put(0, '0');
  for (const f of [0.5, 0.25, 0.75]) put(Math.round(f * barW), formatDuration(f * total));
  return padEnd(cells.join(''), barW);
}

import type { Paint, Style } from './colors';
import { padEnd, padStart, terminalSafe, textWidth, truncate } from './text';

/**
 * A plain-text table that fits the terminal: columns get their natural width,
 * then the flexible ones (names, agents, sessions) give up room, widest first,
 * down to their minimum. Colour is applied after padding so alignment holds.
 * Cells are text from span data: each is made one terminal-safe line here.
 */
export interface Column {
  header: string;
  align?: 'left' | 'right';
  /** Can shrink (with an ellipsis) when the table is too wide. */
  flex?: boolean;
  min?: number;
  /** Columns with a drop rank are removed, highest rank first, when shrinking is not enough. */
  drop?: number;
  paint?: (cell: string, row: number) => Paint | undefined;
}

export function renderTable(allColumns: Column[], rawRows: string[][], width: number, style: Style): string[] {
  const gap = 2;
  const allRows = rawRows.map((r) => r.map((cell) => terminalSafe(cell)));
  const minOf = (c: Column): number => c.min ?? (c.flex ? Math.max(6, Math.min(textWidth(c.header), 10)) : Math.max(textWidth(c.header), ...allRows.map((r) => textWidth(r[allColumns.indexOf(c)] ?? ''))));
  // Drop minor columns while even their minimum widths cannot fit.
  const kept = allColumns.map((_, i) => i);
  const minTotal = (): number => kept.reduce((s, i) => s + minOf(allColumns[i]!), 0) + gap * (kept.length - 1);
  while (minTotal() > width) {
    let worst = -1;
    for (const i of kept) if (allColumns[i]!.drop !== undefined && (worst === -1 || allColumns[i]!.drop! > allColumns[worst]!.drop!)) worst = i;
    if (worst === -1) break;
    kept.splice(kept.indexOf(worst), 1);
  }
  const columns = kept.map((i) => allColumns[i]!);
  const rows = allRows.map((r) => kept.map((i) => r[i] ?? ''));
  const widths = columns.map((c, i) => Math.max(textWidth(c.header), ...rows.map((r) => textWidth(r[i] ?? ''))));
  let total = widths.reduce((s, w) => s + w, 0) + gap * (columns.length - 1);
  while (total > width) {
    let widest = -1;
    for (let i = 0; i < columns.length; i++) {
      const min = minOf(columns[i]!);
      if (columns[i]!.flex && widths[i]! > min && (widest === -1 || widths[i]! > widths[widest]!)) widest = i;
    }
    if (widest === -1) break;
    widths[widest]!--;
    total--;
  }
  const cell = (text: string, i: number): string => {
    const w = widths[i]!;
    const t = truncate(text, w);
    return columns[i]!.align === 'right' ? padStart(t, w) : padEnd(t, w);
  };
  const lines = [style.dim(columns.map((c, i) => cell(c.header, i)).join(' '.repeat(gap)).trimEnd())];
  rows.forEach((r, ri) => {
    const parts = columns.map((c, i) => {
      const text = cell(r[i] ?? '', i);
      const paint = c.paint?.(r[i] ?? '', ri);
      return paint ? paint(text) : text;
    });
    lines.push(parts.join(' '.repeat(gap)).trimEnd());
  });
  return lines;
}

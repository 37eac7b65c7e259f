import type { StoredAttributeValue, StoredSpan } from '../../store/format';
import { kindPaint, type Style } from '../colors';
import type { Ctx } from '../context';
import { isRedacted, splitTruncated } from '../markers';
import { duration, spanKind } from '../span-fields';
import { formatDuration, formatInt, formatTime, padEnd, terminalSafe, textWidth, truncate } from '../text';
import { forTerminal } from './terminal-safe-span';

/** `span get --view attributes`: every attribute, the resource and the events, keys in natural order. */
export function renderAttributes(ctx: Ctx, stored: StoredSpan): string[] {
  const { style, width } = ctx;
  const span = forTerminal(stored);
  const kind = spanKind(span);
  const lines: string[] = [];
  lines.push(`${kindPaint(style, kind)(kind)} ${style.bold(terminalSafe(span.name) || '(unnamed)')}`);
  const status = span.status.code === 'ERROR' ? style.red(`ERROR${span.status.message ? `: ${terminalSafe(span.status.message)}` : ''}`) : span.status.code;
  const facts: Array<[string, string]> = [
    ['trace', span.traceId],
    ['span', span.spanId],
    ['parent', span.parentSpanId ?? '(root)'],
    ['kind', span.kind],
    ['start', `${formatTime(span.startTime)} (${span.startTime})`],
    ['duration', formatDuration(duration(span))],
    ['status', status],
  ];
  if (span.scope) facts.push(['scope', terminalSafe(`${span.scope.name}${span.scope.version ? ` ${span.scope.version}` : ''}`)]);
  for (const [k, v] of facts) lines.push(`${style.dim(padEnd(k, 9))}${v}`);

  lines.push('', style.bold('Attributes'));
  pushRecord(lines, span.attributes, style, width);
  lines.push('', style.bold('Resource'));
  pushRecord(lines, span.resource, style, width);
  if (span.events?.length) {
    lines.push('', style.bold('Events'));
    for (const e of span.events) {
      lines.push(`  ${style.dim(`+${formatDuration(e.time - span.startTime)}`)} ${style.bold(terminalSafe(e.name))}`);
      if (e.attributes) pushRecord(lines, e.attributes, style, width, '    ');
    }
  }
  return lines;
}

/** Compares keys with their numeric parts as numbers: `messages.2` before `messages.10`. */
export function naturalCompare(a: string, b: string): number {
  const pa = a.split(/(\d+)/);
  const pb = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    if (i % 2 === 1) return Number(x) - Number(y) || x.length - y.length;
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

function pushRecord(lines: string[], record: Record<string, StoredAttributeValue>, style: Style, width: number, indent = '  '): void {
  const keys = Object.keys(record).sort(naturalCompare);
  const label = (key: string): string => terminalSafe(key);
  if (keys.length === 0) {
    lines.push(`${indent}${style.dim('(none)')}`);
    return;
  }
  const keyW = Math.min(Math.max(...keys.map((k) => textWidth(label(k)))), Math.max(16, Math.floor(width * 0.45)));
  const valueW = Math.max(20, width - indent.length - keyW - 2);
  for (const key of keys) {
    const value = record[key]!;
    const k = textWidth(label(key)) > keyW ? truncate(label(key), keyW) : padEnd(label(key), keyW);
    lines.push(`${indent}${style.cyan(k)}  ${formatValue(value, style, valueW)}`);
  }
}

function formatValue(value: StoredAttributeValue, style: Style, width: number): string {
  if (isRedacted(value)) return style.yellow('[hidden]');
  if (typeof value !== 'string') return truncate(JSON.stringify(value), width);
  const cut = splitTruncated(value);
  const text = terminalSafe(cut ? cut.text : value);
  if (cut) {
    const mark = `[truncated: ${formatInt(cut.removed)} more chars not stored]`;
    return `${truncate(text, Math.max(8, width - mark.length - 1))} ${style.yellow(mark)}`;
  }
  return truncate(text, width);
}

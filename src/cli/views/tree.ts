import type { StoredSpan } from '../../store/format';
import { kindPaint } from '../colors';
import type { Ctx } from '../context';
import { duration, errorMessage, isError, modelName, spanKind, tokens } from '../span-fields';
import { formatDuration, formatInt, padEnd, padStart, shortId, terminalSafe, textWidth, truncate } from '../text';
import { forTerminal } from './terminal-safe-span';
import { traceHeader } from './trace-header';
import { treeRows } from './tree-model';

/**
 * `trace get --view tree`: one line per span, indented under its parent, with
 * its span id, kind, name, duration, model, tokens, and a ✗ with the error.
 *
 *   4a7c0e1f  AGENT travel-agent              4.82s
 *   9d1e2f30  ├─ LLM openai.chat              1.21s  gpt-4o-mini    450 tok
 */
export function renderTree(ctx: Ctx, traceId: string, stored: StoredSpan[]): string[] {
  const { style, width } = ctx;
  const spans = stored.map(forTerminal);
  const rows = treeRows(spans).map((row) => {
    const s = row.span;
    const t = tokens(s);
    const err = isError(s);
    return {
      row,
      id: shortId(s.spanId),
      kind: spanKind(s),
      name: terminalSafe(s.name) || '(unnamed)',
      dur: formatDuration(duration(s)),
      model: terminalSafe(modelName(s) ?? ''),
      tok: t.total !== undefined ? `${formatInt(t.total)} tok` : '',
      err,
      errText: err ? terminalSafe(errorMessage(s) ?? 'error') : '',
    };
  });

  const kindW = Math.max(...rows.map((r) => r.kind.length));
  const durW = Math.max(...rows.map((r) => r.dur.length));
  const modelW = Math.min(24, Math.max(0, ...rows.map((r) => r.model.length)));
  const tokW = Math.max(0, ...rows.map((r) => r.tok.length));
  const idW = 8;
  // id, label, ✗ mark, duration, model, tokens; the error text takes what is left.
  const fixed = idW + 2 + 2 + durW + (modelW ? 2 + modelW : 0) + (tokW ? 2 + tokW : 0);
  const labelNatural = Math.max(...rows.map((r) => textWidth(r.row.prefix) + kindW + 1 + textWidth(r.name)));
  const labelW = Math.max(12, Math.min(labelNatural, width - fixed - 2));

  const lines = [...traceHeader(ctx, traceId, spans), ''];
  for (const r of rows) {
    const paint = kindPaint(style, r.kind);
    const nameRoom = Math.max(1, labelW - textWidth(r.row.prefix) - kindW - 1);
    const name = truncate(r.name, nameRoom);
    const labelPlain = `${r.row.prefix}${padEnd(r.kind, kindW)} ${name}`;
    let line = `${style.dim(r.id)}  ${style.gray(r.row.prefix)}${paint(padEnd(r.kind, kindW))} ${r.err ? style.red(name) : name}`;
    line += ' '.repeat(Math.max(0, labelW - textWidth(labelPlain)));
    line += r.err ? ` ${style.red('✗')}` : '  ';
    line += ` ${padStart(r.dur, durW)}`;
    let used = idW + 2 + labelW + 2 + 1 + durW;
    // Model and tokens are columns, written only as far as the row has something in them;
    // a row without either lets its error text start right after the duration.
    if (r.model || r.tok) {
      if (modelW) line += `  ${style.dim(padEnd(truncate(r.model, modelW), modelW))}`;
      used += modelW ? 2 + modelW : 0;
      if (r.tok) {
        line += `  ${padStart(r.tok, tokW)}`;
        used += 2 + tokW;
      }
    }
    if (r.err) {
      const room = width - used - 2;
      if (room >= 8) line += `  ${style.red(truncate(r.errText, room))}`;
    } else if (r.row.orphan) {
      line += style.dim('  (parent not stored)');
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

import type { StoredSpan } from '../../store/format';

/** Spans arranged parent to children, children in start order. */
export interface TreeRow {
  span: StoredSpan;
  depth: number;
  /** Box-drawing prefix, e.g. `│  ├─ `. */
  prefix: string;
  /** Indent-only prefix of the same width, for views that draw no lines. */
  indent: string;
  /** Its parent is not among the stored spans (not exported here, or not finished). */
  orphan: boolean;
}

export function treeRows(spans: StoredSpan[]): TreeRow[] {
  const byId = new Map<string, StoredSpan>();
  for (const s of spans) byId.set(s.spanId, s);
  const children = new Map<string, StoredSpan[]>();
  const roots: StoredSpan[] = [];
  for (const s of spans) {
    if (s.parentSpanId && byId.has(s.parentSpanId) && s.parentSpanId !== s.spanId) {
      let list = children.get(s.parentSpanId);
      if (!list) children.set(s.parentSpanId, (list = []));
      list.push(s);
    } else {
      roots.push(s);
    }
  }
  const order = (a: StoredSpan, b: StoredSpan): number => a.startTime - b.startTime || a.endTime - b.endTime;
  roots.sort(order);
  for (const list of children.values()) list.sort(order);

  const rows: TreeRow[] = [];
  const seen = new Set<string>();
  const walk = (span: StoredSpan, depth: number, lead: string, last: boolean, isRoot: boolean): void => {
    if (seen.has(span.spanId)) return;
    seen.add(span.spanId);
    const prefix = isRoot ? '' : `${lead}${last ? '└─ ' : '├─ '}`;
    rows.push({ span, depth, prefix, indent: ' '.repeat(depth * 2), orphan: isRoot && span.parentSpanId !== undefined });
    const kids = children.get(span.spanId) ?? [];
    const nextLead = isRoot ? '' : `${lead}${last ? '   ' : '│  '}`;
    kids.forEach((kid, i) => walk(kid, depth + 1, nextLead, i === kids.length - 1, false));
  };
  for (const root of roots) walk(root, 0, '', true, true);
  // Spans caught in a parent cycle (malformed data) are still shown, at the top level.
  for (const s of spans) if (!seen.has(s.spanId)) walk(s, 0, '', true, true);
  return rows;
}

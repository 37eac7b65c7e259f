import { REDACTED, truncatedSuffix } from '../trace/markers';

/**
 * How the agent marks values it hid or cut. The constants live in the agent
 * (src/trace/markers.ts); the CLI only recognises them, so it derives its
 * pattern from the agent's own suffix function rather than retyping it.
 */
export { REDACTED };

const probe = truncatedSuffix(987654321);
const at = probe.indexOf('987654321');
const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const TRUNCATED_RE = new RegExp(`${esc(probe.slice(0, at))}(\\d+)${esc(probe.slice(at + '987654321'.length))}$`);

export function isRedacted(value: unknown): boolean {
  return value === REDACTED;
}

/** A value cut by the agent: the kept text and how many characters were removed. */
export function splitTruncated(value: string): { text: string; removed: number } | undefined {
  const m = TRUNCATED_RE.exec(value);
  if (!m) return undefined;
  return { text: value.slice(0, m.index), removed: Number(m[1]) };
}

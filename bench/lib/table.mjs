// The one table: a Markdown table, printed and pasted as is into docs/performance.md.

/**
 * @typedef {{
 *   section: string, measure: string, variant: string, unit: string,
 *   median: number, min: number, max: number, runs: number,
 *   budget?: string, verdict?: string,
 * }} Row
 */

/** @param {number} v @param {string} unit */
export function fmt(v, unit) {
  if (!Number.isFinite(v)) return 'n/a';
  const abs = Math.abs(v);
  const decimals = unit === 'x' ? 2 : unit === 'MiB' || unit === '%' ? 1 : abs >= 100 || Number.isInteger(v) ? 0 : abs >= 10 ? 1 : 2;
  const text = v.toFixed(decimals);
  return abs >= 10_000 ? Number(text).toLocaleString('en-US') : text;
}

/** @param {Row[]} rows @returns {string} */
export function renderTable(rows) {
  const header = ['#', 'Measurement', 'Variant', 'Median', 'Min', 'Max', 'Unit', 'Runs', 'Budget', 'Verdict'];
  const lines = [
    `| ${header.join(' | ')} |`,
    `|${header.map((h, i) => (i >= 3 && i <= 5 ? '---:' : '---')).join('|')}|`,
  ];
  for (const r of rows) {
    const cells = [r.section, r.measure, r.variant, fmt(r.median, r.unit), fmt(r.min, r.unit), fmt(r.max, r.unit), r.unit, String(r.runs), r.budget ?? '', r.verdict ?? ''];
    lines.push(`| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`);
  }
  return lines.join('\n');
}

/** Where a budget is below what OpenTelemetry's span code alone costs (the floor), ours is held to this multiple of it. */
export const FLOOR_FACTOR = 1.5;

/**
 * A row comparing what ours adds with what the floor (OpenTelemetry's span
 * code alone, same attributes) adds, as a ratio of the two medians, judged
 * against `factor`: the fallback budget where the absolute one is below the floor.
 * @param {{ section: string, measure: string, ours: number, floor: number, unit: string, factor: number, runs: number }} figures
 * @returns {Row}
 */
export function floorRatioRow({ section, measure, ours, floor, unit, factor, runs }) {
  const ratio = floor > 0 ? ours / floor : NaN;
  return {
    section,
    measure: `${measure} (${fmt(ours, unit)} / ${fmt(floor, unit)} ${unit}, medians)`,
    variant: 'ours / floor',
    unit: 'x',
    median: ratio,
    min: ratio,
    max: ratio,
    runs,
    budget: `<= ${factor}x`,
    verdict: verdict(ratio, factor, 'x'),
  };
}

/**
 * A budget verdict: `ok (margin)` or `MISSED by (excess)`.
 * @param {number} value @param {number} limit @param {string} unit
 */
export function verdict(value, limit, unit) {
  if (!Number.isFinite(value)) return 'n/a';
  return value <= limit ? `ok (${fmt(limit - value, unit)} ${unit} to spare)` : `MISSED by ${fmt(value - limit, unit)} ${unit}`;
}

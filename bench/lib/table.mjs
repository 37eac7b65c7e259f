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
  const decimals = unit === 'MiB' || unit === '%' || unit === 'x' ? 1 : abs >= 100 || Number.isInteger(v) ? 0 : abs >= 10 ? 1 : 2;
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

/**
 * A budget verdict: `ok (margin)` or `MISSED by (excess)`.
 * @param {number} value @param {number} limit @param {string} unit
 */
export function verdict(value, limit, unit) {
  if (!Number.isFinite(value)) return 'n/a';
  return value <= limit ? `ok (${fmt(limit - value, unit)} ${unit} to spare)` : `MISSED by ${fmt(value - limit, unit)} ${unit}`;
}

// Summaries: every figure in the table is the median of its runs, with min and max.

/** @param {number[]} values @returns {{ median: number, min: number, max: number, runs: number }} */
export function summarize(values) {
  const s = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (s.length === 0) return { median: NaN, min: NaN, max: NaN, runs: 0 };
  const m = s.length >> 1;
  return { median: s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2, min: s[0], max: s[s.length - 1], runs: s.length };
}

/** Element-wise a[i] - b[i]: paired differences of variants measured side by side in the same round. */
export function pairedDiff(a, b) {
  return a.map((v, i) => v - b[i]);
}

/** @param {number} kib */
export const mib = (kib) => kib / 1024;

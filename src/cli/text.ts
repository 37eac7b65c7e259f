/** Small formatting helpers shared by the commands and views. */

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1) return `${(Math.round(ms * 100) / 100).toString()}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`;
  if (ms < 3_600_000) {
    const m = Math.floor(ms / 60_000);
    const s = Math.floor((ms % 60_000) / 1000);
    return `${m}m${String(s).padStart(2, '0')}s`;
  }
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  return `${h}h${String(m).padStart(2, '0')}m`;
}

/** 1234567 → `1,234,567` (toLocaleString would load ICU data on first use). */
export function formatInt(n: number): string {
  const r = Math.round(n);
  const digits = String(Math.abs(r)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return r < 0 ? `-${digits}` : digits;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Local time, `YYYY-MM-DD HH:MM:SS`. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '?';
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** Local time, `MM-DD HH:MM:SS`, for narrow columns. */
export function formatShortTime(ms: number): string {
  const full = formatTime(ms);
  return full === '?' ? full : full.slice(5);
}

export function shortId(id: string, n = 8): string {
  return id.slice(0, n);
}

/** Cuts `text` to `width` characters, ending with an ellipsis when cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = Array.from(text);
  if (chars.length <= width) return text;
  if (width === 1) return '…';
  return `${chars.slice(0, width - 1).join('')}…`;
}

/** Length in characters (code points), the unit the views lay out in. */
export function textWidth(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

export function padEnd(text: string, width: number): string {
  const w = textWidth(text);
  return w >= width ? text : text + ' '.repeat(width - w);
}

export function padStart(text: string, width: number): string {
  const w = textWidth(text);
  return w >= width ? text : ' '.repeat(width - w) + text;
}

/**
 * What must not reach a terminal from stored data, as it would drive the
 * terminal rather than be shown: C0 controls (ESC starts colour, cursor, title
 * and clipboard sequences; CR moves back over what was written; BEL rings),
 * DEL, C1 controls (U+009B is a one-character CSI), and the bidirectional
 * overrides and isolates that make a line show in another order than it reads.
 * Newline and tab are handled apart, as layout.
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const ANY_CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function visible(c: string): string {
  if (c === '\r') return '\\r';
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Text from span data made safe to print on a terminal: every control
 * character shown as a visible escape (`\x1b`, `\r`, `\x07`, `\u202e`), so what
 * is stored is what is seen. One line (the default): line breaks become ` ⏎ `
 * and tabs spaces. `multiline`, for views that print text as paragraphs: line
 * breaks are kept, a CRLF's CR removed (a lone CR is shown as `\r`), and tabs
 * kept for the wrapper to expand.
 */
export function terminalSafe(text: string, opts: { multiline?: boolean } = {}): string {
  if (!ANY_CONTROL.test(text)) return text;
  if (opts.multiline) return text.replace(/\r\n/g, '\n').replace(UNSAFE, visible);
  return text.replace(/\r?\n/g, ' ⏎ ').replace(/\t/g, ' ').replace(UNSAFE, visible);
}

/**
 * JSON for stdout: as JSON.stringify writes it, with the characters it leaves
 * raw but a terminal acts on (DEL, C1 controls, bidirectional controls, line and
 * paragraph separators) written as \u escapes. Parses to the same value.
 */
export function jsonForTerminal(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Word-wraps one paragraph (no newlines) to `width`, hard-breaking words longer than a line. */
export function wrapLine(text: string, width: number): string[] {
  if (width < 8) width = 8;
  if (textWidth(text) <= width) return [text];
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/(\s+)/)) {
    if (word === '') continue;
    if (textWidth(line) + textWidth(word) <= width) {
      line += word;
      continue;
    }
    if (line.trim() !== '') out.push(line.trimEnd());
    line = /^\s+$/.test(word) ? '' : word;
    while (textWidth(line) > width) {
      const chars = Array.from(line);
      out.push(chars.slice(0, width).join(''));
      line = chars.slice(width).join('');
    }
  }
  if (line.trim() !== '' || out.length === 0) out.push(line.trimEnd());
  return out;
}

/** Wraps multi-line text, keeping its own line breaks. */
export function wrapText(text: string, width: number): string[] {
  const out: string[] = [];
  for (const para of text.replace(/\r\n/g, '\n').split('\n')) out.push(...wrapLine(para.replace(/\t/g, '  '), width));
  return out;
}

/** Lays out `[plain, styled]` parts separated by `sep`, wrapping to new lines so that none exceeds `width`. */
export function flowParts(parts: Array<[string, string]>, sep: [string, string], width: number): string[] {
  const lines: string[] = [];
  let plainLen = 0;
  let line = '';
  for (const [plain, styled] of parts) {
    const w = textWidth(plain);
    if (line !== '' && plainLen + textWidth(sep[0]) + w > width) {
      lines.push(line);
      line = '';
      plainLen = 0;
    }
    if (line !== '') {
      line += sep[1];
      plainLen += textWidth(sep[0]);
    }
    line += styled;
    plainLen += w;
  }
  if (line !== '') lines.push(line);
  return lines;
}

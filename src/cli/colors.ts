/**
 * A few ANSI styles, all of them the identity when colour is off. Colour is on
 * only for a terminal, and never with --no-color or NO_COLOR; FORCE_COLOR turns
 * it on for a pipe.
 */
export type Paint = (text: string) => string;

export interface Style {
  readonly enabled: boolean;
  bold: Paint;
  dim: Paint;
  red: Paint;
  green: Paint;
  yellow: Paint;
  blue: Paint;
  magenta: Paint;
  cyan: Paint;
  gray: Paint;
}

const sgr = (open: number, close: number): Paint => (text) => (text === '' ? text : `\u001b[${open}m${text}\u001b[${close}m`);
const plain: Paint = (text) => text;

export function makeStyle(enabled: boolean): Style {
  if (!enabled) {
    return { enabled, bold: plain, dim: plain, red: plain, green: plain, yellow: plain, blue: plain, magenta: plain, cyan: plain, gray: plain };
  }
  return {
    enabled,
    bold: sgr(1, 22),
    dim: sgr(2, 22),
    red: sgr(31, 39),
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    blue: sgr(34, 39),
    magenta: sgr(35, 39),
    cyan: sgr(36, 39),
    gray: sgr(90, 39),
  };
}

export function colorWanted(opts: { noColor: boolean; isTTY: boolean; env: Record<string, string | undefined> }): boolean {
  if (opts.noColor) return false;
  if (opts.env.NO_COLOR !== undefined && opts.env.NO_COLOR !== '') return false;
  const force = opts.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  return opts.isTTY && opts.env.TERM !== 'dumb';
}

/** Colour per OpenInference span kind, shared by the views. */
export function kindPaint(style: Style, kind: string): Paint {
  switch (kind) {
    case 'AGENT':
      return style.magenta;
    case 'LLM':
      return style.cyan;
    case 'TOOL':
      return style.yellow;
    case 'CHAIN':
      return style.blue;
    case 'RETRIEVER':
    case 'RERANKER':
    case 'EMBEDDING':
      return style.green;
    default:
      return style.gray;
  }
}

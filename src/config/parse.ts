/**
 * Small parsers for environment values. Each returns the parsed value or a
 * problem sentence naming what was expected; the caller decides the fallback and
 * reports the problem once. None of them throws.
 */
export type Parsed<T> = { value: T } | { problem: string };

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

export function parseBoolean(raw: string): Parsed<boolean> {
  const v = raw.trim().toLowerCase();
  if (TRUE.has(v)) return { value: true };
  if (FALSE.has(v)) return { value: false };
  return { problem: 'expected true or false (also 1/0, yes/no, on/off)' };
}

export function parsePositiveInt(raw: string): Parsed<number> {
  const v = raw.trim();
  if (!/^\d+$/.test(v)) return { problem: 'expected a whole number greater than 0' };
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0) return { problem: 'expected a whole number greater than 0' };
  return { value: n };
}

export function parseHttpUrl(raw: string): Parsed<URL> {
  const v = raw.trim();
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return { problem: 'expected an http:// or https:// URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { problem: `expected an http:// or https:// URL, not ${url.protocol}//` };
  }
  return { value: url };
}

export function parseList(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s.length > 0);
}

/** `key1=value1,key2=value2`, values percent-decoded: the W3C baggage-like form OTel uses for headers and resource attributes. */
export function parseKeyValueList(raw: string): Parsed<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const part of raw.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) return { problem: 'expected key=value pairs separated by commas' };
    const key = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      return { problem: `the value of ${key} is not valid percent-encoding` };
    }
    out[key] = value;
  }
  return { value: out };
}

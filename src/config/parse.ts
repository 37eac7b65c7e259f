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

export function parsePositiveInt(raw: string, max = Number.MAX_SAFE_INTEGER): Parsed<number> {
  const v = raw.trim();
  const expected = max === Number.MAX_SAFE_INTEGER ? 'expected a whole number greater than 0' : `expected a whole number from 1 to ${max}`;
  if (!/^\d+$/.test(v)) return { problem: expected };
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0 || n > max) return { problem: expected };
  return { value: n };
}

export function parseHttpUrl(raw: string): Parsed<URL> {
  const v = raw.trim();
  // `localhost:4318` or `ingest.example.com` parse as URLs with an odd scheme (or not at all): say what is missing.
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) {
    return { problem: /^[\w.-]+(:\d+)?(\/|$)/.test(v) ? 'expected an http:// or https:// URL; it has no scheme (write http://... or https://...)' : 'expected an http:// or https:// URL' };
  }
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

/** Characters Node refuses in a header value (it would throw at request time); names must be RFC 7230 tokens. */
const BAD_HEADER_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
const HEADER_NAME = /^[\^_`a-zA-Z\-0-9!#$%&'*+.|~]+$/;

export function isSendableHeaderValue(value: string): boolean {
  return !BAD_HEADER_VALUE.test(value);
}

export function isHeaderName(name: string): boolean {
  return HEADER_NAME.test(name);
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

/** The HTTP headers form of parseKeyValueList: names and values Node can send. Never names a value in the problem. */
export function parseHeaderList(raw: string): Parsed<Record<string, string>> {
  const parsed = parseKeyValueList(raw);
  if (!('value' in parsed)) return parsed;
  for (const [name, value] of Object.entries(parsed.value)) {
    if (!isHeaderName(name)) return { problem: 'a header name contains characters not allowed in HTTP header names' };
    if (!isSendableHeaderValue(value)) return { problem: `the value of ${name} contains characters not allowed in an HTTP header (a line break?)` };
  }
  return parsed;
}

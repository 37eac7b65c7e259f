/**
 * The one place that decides what a secret looks like in text the agent shows
 * or records: configuration values quoted in a problem line, error messages and
 * stack traces written into a span, the agent's own stderr lines. It only ever
 * replaces characters with `***`; it never throws and never reads anything but
 * the string it is given.
 */
const MASK = '***';

// Kept on globalThis: the preload and the API bundles must share one list of known secrets.
const KEY = Symbol.for('@catalyst/tracing.secrets');
type SecretState = { known: Set<string> };
const shared = ((globalThis as Record<symbol, unknown>)[KEY] ??= { known: new Set<string>() }) as SecretState;

/** Shorter values are too likely to be ordinary words to be replaced wherever they appear. */
const MIN_KNOWN_LENGTH = 8;
/** A process holds a handful of keys; the cap only bounds memory if a client is made per request with a fresh key. */
const MAX_KNOWN = 64;

/**
 * A value that must never be shown or recorded: the API key of a client we
 * trace, the OTLP token. Exact occurrences are masked by scrubSecrets.
 */
export function rememberSecret(value: unknown): void {
  if (typeof value !== 'string') return;
  const v = value.trim();
  if (v.length < MIN_KNOWN_LENGTH || shared.known.has(v)) return;
  if (shared.known.size >= MAX_KNOWN) shared.known.delete(shared.known.values().next().value as string);
  shared.known.add(v);
}

/**
 * Every pattern runs in time linear in the text (no unbounded run before a
 * literal that may not come: a stack trace or a megabyte of message must not
 * stall the app's error path).
 *
 * Text patterns that carry a credential, whoever's it is:
 * - `scheme://user:password@`: URL user-info (the user name alone may be a token);
 * - `Bearer <token>`: an Authorization value quoted in a message;
 * - `api-key: v`, `x-api-key=v`, `"apiKey": "v"`, `authorization: Basic v`,
 *   `access_token=v`, `client_secret=v`: a header or parameter and its value;
 * - `sk-` followed by 20 or more key characters: the shape of OpenAI
 *   (`sk-`, `sk-proj-`) and Anthropic (`sk-ant-`) keys. Twenty characters with
 *   no space after a standalone `sk-` does not occur in prose or in stack frames.
 * Words like "token" or "secret" alone are left: "max_tokens: 5" is not a secret.
 */
const PATTERNS: Array<[RegExp, string]> = [
  [/\b([a-z][a-z0-9+.-]{0,31}:\/\/)[^\s/?#@]+@/gi, `$1${MASK}@`],
  [/\b((?:x-)?api[-_]?key|(?:proxy-)?authorization|access[-_]token|client[-_]secret)(["']?\s*[:=]\s*["']?)(?:(?:bearer|basic)\s+)?[^\s"',;&)}\]]+/gi, `$1$2${MASK}`],
  [/\b(bearer)\s+[A-Za-z0-9\-._~+/]+=*/gi, `$1 ${MASK}`],
  [/(?<![A-Za-z0-9])sk-[A-Za-z0-9_-]{20,}/g, `sk-${MASK}`],
];

/** `text` with the known secrets and anything shaped like a credential masked. */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const secret of shared.known) if (out.includes(secret)) out = out.split(secret).join(MASK);
  for (const [re, to] of PATTERNS) out = out.replace(re, to);
  return out;
}

/**
 * A configuration value as it may be quoted in a problem line. On top of
 * scrubSecrets, whatever the value is meant to be:
 * - everything before its last `@` is user-info, whether or not it parses as a
 *   URL (`user:pw@host`, `//user:pw@host`, `http:\\user:pw@host`, a password
 *   holding an `@`): only a leading `scheme://` is kept;
 * - a query or fragment may hold a token: masked;
 * - `name=value` and `name: value` are header forms: the value is masked.
 */
export function maskConfigValue(raw: string): string {
  let out = scrubSecrets(raw);
  const at = out.lastIndexOf('@');
  if (at >= 0) {
    const scheme = /^\s*[a-z][a-z0-9+.-]*:[\\/]+/i.exec(out)?.[0] ?? '';
    out = `${scheme}${MASK}${out.slice(at)}`;
  }
  out = out.replace(/([?#])[^]*$/, `$1${MASK}`);
  out = out
    .split(/([,;])/)
    .map((part) => (part.includes('=') ? `${part.slice(0, part.indexOf('=') + 1)}${MASK}` : part))
    .join('');
  out = out.replace(/^(\s*[\w-]+):\s+[^]*$/, `$1: ${MASK}`);
  return out;
}

/** Test seam: forget the remembered secrets. */
export function forgetSecrets(): void {
  shared.known.clear();
}

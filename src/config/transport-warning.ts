/**
 * A credential for the endpoint (the OTLP token, an Authorization or API-key
 * header) sent over plain http:// can be read by anyone on the way. To this
 * machine that is fine and common (a local collector); to any other host it
 * deserves one line. The line names the variables and the host, never a value.
 */
const CREDENTIAL_HEADER = /^(?:(?:proxy-)?authorization|(?:x-)?api[-_]?key|x-goog-api-key)$/i;

export function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_HEADER.test(name);
}

/** 127.0.0.0/8, ::1 (also as an IPv4-mapped 127.x address) and localhost, as the URL parser normalises them (`127.1` becomes `127.0.0.1`). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return h === 'localhost' || h === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(h);
}

/**
 * The warning for `credentialSources` (variable or option names) sent to
 * `endpoint`, or undefined when the endpoint is https:// or on this machine.
 */
export function plainTextCredentialWarning(endpoint: string | undefined, endpointSource: string | undefined, credentialSources: string[]): string | undefined {
  if (!endpoint || credentialSources.length === 0) return undefined;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' || isLoopbackHost(url.hostname)) return undefined;
  const what = credentialSources.join(' and ');
  const verb = credentialSources.length > 1 ? 'are' : 'is';
  return `${what} ${verb} sent in clear text: ${endpointSource ?? 'the endpoint'} is a plain http:// URL to ${url.host}, which is not this machine; use https:// so it cannot be read on the way`;
}

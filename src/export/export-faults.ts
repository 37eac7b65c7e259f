/**
 * Turns an export failure into one user-facing sentence per kind of fault, so
 * an endpoint that is down for an hour costs one line in the app's log, not
 * one per batch. Never prints the token or header values.
 */
export interface FaultReport {
  key: string;
  message: string;
}

export function describeExportFault(error: unknown, endpoint: string): FaultReport {
  const e = error as { code?: unknown; message?: unknown } | undefined;
  const code = e?.code;
  const text = typeof e?.message === 'string' ? e.message : String(error);
  const where = safeEndpoint(endpoint);
  if (typeof code === 'number') {
    if (code === 401 || code === 403) {
      return { key: `http-${code}`, message: `the OTLP endpoint ${where} refused the token (HTTP ${code}); check CATALYST_OTLP_TOKEN. Spans are dropped until it is accepted.` };
    }
    if (code === 413) return { key: 'http-413', message: `the OTLP endpoint ${where} says a batch is too large (HTTP 413); lower CATALYST_MAX_ATTRIBUTE_LENGTH.` };
    return { key: `http-${code}`, message: `the OTLP endpoint ${where} answered HTTP ${code}; spans of that batch were dropped. Export continues.` };
  }
  if (typeof code === 'string') {
    return { key: `net-${code}`, message: `cannot reach the OTLP endpoint ${where} (${code}); spans are dropped while it is unreachable. Export continues.` };
  }
  if (/timeout|timed out/i.test(text)) {
    return { key: 'timeout', message: `the OTLP endpoint ${where} did not answer in time; spans of that batch were dropped.` };
  }
  if (/certificate|self[- ]signed|CERT_|unable to verify/i.test(text)) {
    return { key: 'tls', message: `TLS error talking to ${where} (${text}); for a private CA set NODE_EXTRA_CA_CERTS.` };
  }
  return { key: `other:${text.slice(0, 40)}`, message: `exporting spans to ${where} failed: ${text}` };
}

/** Origin and path only: a URL can carry credentials in its user-info or query. */
function safeEndpoint(endpoint: string): string {
  try {
    const u = new URL(endpoint);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(endpoint)';
  }
}

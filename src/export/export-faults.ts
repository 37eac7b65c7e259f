import type { SendOutcome } from './http-send';

/**
 * Turns an export failure into one user-facing sentence per kind of fault, so
 * an endpoint that is down for an hour costs one line in the app's log, not
 * one per batch. Never prints the token, header values, or the URL's
 * credentials or query.
 */
export interface FaultReport {
  /** One warning per key for the life of the process. */
  key: string;
  message: string;
  /** Worth trying again later (the OTLP spec's retryable statuses, network errors, timeouts). */
  retryable: boolean;
}

type Failure = Extract<SendOutcome, { ok: false }>;

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const RETRYABLE_NET = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'ENETUNREACH', 'EHOSTUNREACH', 'ECONNABORTED', 'CATALYST_TIMEOUT']);
const TLS_CODE = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS|ERR_SSL|EPROTO|HOSTNAME_MISMATCH/;

const RESUMES = 'export resumes by itself when it recovers';

export function describeExportFault(failure: Failure, endpoint: string): FaultReport {
  const where = safeEndpoint(endpoint);
  const status = failure.status;
  if (status !== undefined && status !== 0 && !failure.error) {
    if (status === 401 || status === 403) {
      return { key: `http-${status}`, retryable: false, message: `the OTLP endpoint ${where} refused the credentials (HTTP ${status}); check CATALYST_OTLP_TOKEN. Spans are dropped until it accepts them.` };
    }
    if (status === 404) {
      return { key: 'http-404', retryable: false, message: `the OTLP endpoint ${where} answered HTTP 404; check the URL (a base URL gets /v1/traces appended; OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is used as given). Spans are dropped.` };
    }
    if (status === 413) {
      return { key: 'http-413', retryable: false, message: `the OTLP endpoint ${where} says a batch is too large (HTTP 413); lower CATALYST_MAX_ATTRIBUTE_LENGTH. Those spans are dropped.` };
    }
    if (status === 415) {
      return { key: 'http-415', retryable: false, message: `the OTLP endpoint ${where} does not take this encoding (HTTP 415); OTEL_EXPORTER_OTLP_PROTOCOL chooses http/protobuf (the default) or http/json. Spans are dropped until it accepts them.` };
    }
    if (status === 429) {
      const after = failure.retryAfterMs !== undefined ? `, retry after ${Math.ceil(failure.retryAfterMs / 1000)} s` : '';
      return { key: 'http-429', retryable: true, message: `the OTLP endpoint ${where} is rate-limiting exports (HTTP 429${after}); spans are dropped while it does, and ${RESUMES}.` };
    }
    const retryable = RETRYABLE_STATUS.has(status);
    return {
      key: `http-${status}`,
      retryable,
      message: retryable
        ? `the OTLP endpoint ${where} is unavailable (HTTP ${status}); spans are dropped while it is, and ${RESUMES}.`
        : `the OTLP endpoint ${where} rejected a batch (HTTP ${status}); those spans are dropped. Export continues.`,
    };
  }
  const error = failure.error;
  const code = typeof error?.code === 'string' ? error.code : undefined;
  const text = error?.message ?? 'unknown error';
  if ((code && TLS_CODE.test(code)) || /certificate|self[- ]signed/i.test(text)) {
    return {
      key: 'tls',
      retryable: false,
      message: `TLS error talking to ${where} (${code ? `${code}: ` : ''}${text}); for a private CA set NODE_EXTRA_CA_CERTS (or OTEL_EXPORTER_OTLP_CERTIFICATE) to its certificate file. Spans are dropped until this is fixed.`,
    };
  }
  if (failure.timedOut || code === 'CATALYST_TIMEOUT') {
    return { key: 'timeout', retryable: true, message: `the OTLP endpoint ${where} did not answer in time; spans are dropped while it does not, and ${RESUMES}.` };
  }
  if (code === 'ECONNREFUSED') {
    return { key: 'net-ECONNREFUSED', retryable: true, message: `nothing is listening at the OTLP endpoint ${where} (connection refused); spans are dropped while it is down, and ${RESUMES}.` };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return { key: `net-${code}`, retryable: true, message: `the OTLP endpoint's host in ${where} cannot be resolved (${code}); spans are dropped while it cannot, and ${RESUMES}.` };
  }
  if (failure.midResponse) {
    return { key: 'net-mid-response', retryable: true, message: `the OTLP endpoint ${where} broke the connection in the middle of its answer (${code ?? text}); those spans may be lost, and ${RESUMES}.` };
  }
  if (code) {
    const what = code === 'ECONNRESET' ? 'the connection was reset' : code;
    return { key: `net-${code}`, retryable: RETRYABLE_NET.has(code), message: `cannot export to the OTLP endpoint ${where} (${what}); spans are dropped while this lasts, and ${RESUMES}.` };
  }
  if (status) {
    return { key: `http-${status}`, retryable: RETRYABLE_STATUS.has(status), message: `the OTLP endpoint ${where} failed mid-answer (HTTP ${status}: ${text}); those spans are dropped. Export continues.` };
  }
  return { key: `other:${text.slice(0, 40)}`, retryable: false, message: `exporting spans to ${where} failed: ${text}. Export continues.` };
}

/** A fault's sentence with the endpoint's own words after it, when it gave any. */
export function withEndpointMessage(message: string, said: string | undefined): string {
  return said ? `${message} The endpoint said: ${JSON.stringify(said)}` : message;
}

/** A batch accepted in part (OTLP partial_success): the spans it did not keep, and why, in its words. */
export function describeRejectedSpans(count: number, said: string | undefined, endpoint: string): FaultReport {
  return {
    key: 'partial-success',
    retryable: false,
    message: withEndpointMessage(`the OTLP endpoint ${safeEndpoint(endpoint)} rejected ${count} span(s) of a batch it accepted (partial success); those spans are dropped. Export continues.`, said),
  };
}

/** Origin and path only: a URL can carry credentials in its user-info or query. */
export function safeEndpoint(endpoint: string): string {
  try {
    const u = new URL(endpoint);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(endpoint)';
  }
}

// An in-process OTLP/HTTP trace collector: accepts what the OpenTelemetry OTLP
// exporters POST to /v1/traces (JSON or protobuf, optionally gzipped), flattens it
// into plain span objects tests can assert on, and can misbehave on demand
// (error status, hang, connection reset, slow) to test the exporter's resilience.
import { createServer } from 'node:http';
import { gunzipSync, inflateSync } from 'node:zlib';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * @typedef {{
 *   traceId: string, spanId: string, parentSpanId: string | undefined,
 *   name: string, kind: number, startTimeUnixNano: string, endTimeUnixNano: string,
 *   attributes: Record<string, unknown>,
 *   events: { name: string, attributes: Record<string, unknown>, timeUnixNano?: string }[],
 *   status: { code: number, message: string | undefined },
 *   resource: Record<string, unknown>, scope: { name: string, version: string | undefined },
 * }} DecodedSpan  kind uses OTLP numbering: see SPAN_KIND.
 * @typedef {{ headers: import('node:http').IncomingHttpHeaders, contentType: string, bytes: number, body: Buffer, error?: string }} CollectorRequest
 * @typedef {'ok' | 'hang' | 'reset' | { status: number, retryAfter?: string, answer?: Answer } | { delayMs: number } | { partialSuccess: { rejectedSpans: number, errorMessage: string }, answer?: Answer }} CollectorBehavior
 *   An error status is answered with a google.rpc.Status as JSON unless `answer` says otherwise
 *   ('protobuf': a binary Status; 'text': text/plain; 'request': in the request's encoding).
 *   `partialSuccess` keeps the spans and answers 200 with an ExportTraceServiceResponse carrying
 *   it, in the request's encoding unless `answer` says otherwise.
 * @typedef {'json' | 'protobuf' | 'text' | 'request'} Answer
 */

/**
 * @param {{ port?: number }} [options]
 */
export async function startCollector(options = {}) {
  /** @type {DecodedSpan[]} */
  const spans = [];
  /** @type {CollectorRequest[]} */
  const requests = [];
  /** @type {CollectorBehavior} */
  let behavior = 'ok';
  /** @type {Set<() => void>} re-checked whenever spans arrive */
  const waiters = new Set();
  /** @type {Set<import('node:http').ServerResponse>} responses held open by 'hang' */
  const hanging = new Set();

  const server = createServer(async (req, res) => {
    let body;
    try {
      body = await readBody(req);
    } catch {
      return; // the exporter gave up mid-upload (its own timeout); nothing to answer
    }
    const contentType = String(req.headers['content-type'] ?? '').split(';')[0].trim();
    /** @type {CollectorRequest} */
    const record = { headers: req.headers, contentType, bytes: body.length, body };
    requests.push(record);

    const current = behavior;
    if (current === 'hang') {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if (current === 'reset') {
      req.socket.destroy();
      return;
    }
    if (typeof current === 'object' && 'status' in current) {
      const message = `collector configured to answer ${current.status}`;
      const as = current.answer === 'request' ? (contentType === 'application/x-protobuf' ? 'protobuf' : 'json') : (current.answer ?? 'json');
      const headers = /** @type {Record<string, string>} */ ({ 'content-type': as === 'protobuf' ? 'application/x-protobuf' : as === 'text' ? 'text/plain; charset=utf-8' : 'application/json' });
      if (current.retryAfter !== undefined) headers['retry-after'] = current.retryAfter;
      res.writeHead(current.status, headers);
      if (as === 'protobuf') res.end((await import('./otlp-proto.mjs')).encodeStatusProto(14, message));
      else if (as === 'text') res.end(`${current.status} ${message}`);
      else res.end(JSON.stringify({ code: 14, message }));
      return;
    }
    if (typeof current === 'object' && 'delayMs' in current) await sleep(current.delayMs);

    if ((req.url ?? '').split('?')[0] !== '/v1/traces') {
      record.error = `unexpected path ${req.url}`;
      res.writeHead(404).end();
      return;
    }
    try {
      spans.push(...(await decodeTraceRequest(body, contentType, req.headers['content-encoding'])));
    } catch (err) {
      record.error = /** @type {Error} */ (err).message;
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 3, message: record.error }));
      return;
    }
    if (typeof current === 'object' && 'partialSuccess' in current) {
      const as = !current.answer || current.answer === 'request' ? (contentType === 'application/x-protobuf' ? 'protobuf' : 'json') : current.answer;
      if (as === 'protobuf') {
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end((await import('./otlp-proto.mjs')).encodeTraceResponseProto(current.partialSuccess));
      } else {
        const { rejectedSpans, errorMessage } = current.partialSuccess;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ partialSuccess: { rejectedSpans: String(rejectedSpans), errorMessage } }));
      }
      for (const check of waiters) check();
      return;
    }
    // An empty ExportTraceServiceResponse means "all accepted", in the request's encoding.
    if (contentType === 'application/x-protobuf') {
      res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': 0 }).end();
    } else {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    }
    for (const check of waiters) check();
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve(undefined));
  });
  const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    port,
    tracesUrl: `${url}/v1/traces`,
    spans,
    requests,
    /**
     * Resolves with (a copy of) the spans once at least `count` have arrived.
     * @param {number} count @param {number} [timeoutMs]
     * @returns {Promise<DecodedSpan[]>}
     */
    waitForSpans(count, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (spans.length < count) return;
          cleanup();
          resolve(spans.slice());
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`collector: expected at least ${count} span(s) within ${timeoutMs}ms, got ${spans.length}${describe(spans, requests)}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    /** @param {CollectorBehavior} next */
    setBehavior(next) {
      behavior = next;
    },
    /** Forgets spans and requests (in place, so held references see it) and goes back to 'ok'. */
    reset() {
      spans.length = 0;
      requests.length = 0;
      behavior = 'ok';
    },
    /** @returns {Promise<void>} */
    close() {
      for (const res of hanging) res.destroy();
      return new Promise((resolve) => {
        server.close(() => resolve(undefined));
        server.closeAllConnections();
      });
    },
  };
}

/**
 * @param {Buffer} body @param {string} contentType @param {string | string[] | undefined} encoding
 * @returns {Promise<DecodedSpan[]>}
 */
export async function decodeTraceRequest(body, contentType, encoding) {
  let bytes = body;
  if (encoding === 'gzip') bytes = gunzipSync(body);
  else if (encoding === 'deflate') bytes = inflateSync(body);
  else if (encoding && encoding !== 'identity') throw new Error(`unsupported content-encoding ${encoding}`);

  let request;
  if (contentType === 'application/json') request = JSON.parse(bytes.toString('utf8'));
  else if (contentType === 'application/x-protobuf') {
    // Imported on first use: protobufjs costs start-up time most tests never need.
    const { decodeTraceRequestProto } = await import('./otlp-proto.mjs');
    request = decodeTraceRequestProto(bytes);
  }
  else throw new Error(`unsupported content-type "${contentType}"`);
  return flattenRequest(request);
}

/** @param {any} request @returns {DecodedSpan[]} */
function flattenRequest(request) {
  /** @type {DecodedSpan[]} */
  const out = [];
  for (const rs of request.resourceSpans ?? request.resource_spans ?? []) {
    const resource = toAttributes(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? rs.scope_spans ?? []) {
      const scope = { name: ss.scope?.name ?? '', version: ss.scope?.version || undefined };
      for (const s of ss.spans ?? []) {
        out.push({
          traceId: toHexId(s.traceId),
          spanId: toHexId(s.spanId),
          parentSpanId: toHexId(s.parentSpanId) || undefined,
          name: s.name,
          kind: toKind(s.kind),
          startTimeUnixNano: String(s.startTimeUnixNano ?? '0'),
          endTimeUnixNano: String(s.endTimeUnixNano ?? '0'),
          attributes: toAttributes(s.attributes),
          events: (s.events ?? []).map((/** @type {any} */ e) => ({
            name: e.name,
            attributes: toAttributes(e.attributes),
            timeUnixNano: e.timeUnixNano === undefined ? undefined : String(e.timeUnixNano),
          })),
          status: { code: Number(s.status?.code ?? 0), message: s.status?.message || undefined },
          resource,
          scope,
        });
      }
    }
  }
  return out;
}

/** @param {any[] | undefined} list @returns {Record<string, unknown>} */
function toAttributes(list) {
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const kv of list ?? []) out[kv.key] = toValue(kv.value);
  return out;
}

/** OTLP AnyValue → plain JS value. @param {any} v @returns {unknown} */
function toValue(v) {
  if (v == null) return undefined;
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('intValue' in v) {
    // JSON int64 may arrive as a string; keep it exact when it would not fit a double.
    const n = Number(v.intValue);
    return Number.isSafeInteger(n) ? n : String(v.intValue);
  }
  if ('doubleValue' in v) return Number(v.doubleValue); // "NaN"/"Infinity" are strings in proto3 JSON
  if ('arrayValue' in v) return (v.arrayValue?.values ?? []).map(toValue);
  if ('kvlistValue' in v) return toAttributes(v.kvlistValue?.values);
  if ('bytesValue' in v) return new Uint8Array(Buffer.from(v.bytesValue ?? '', 'base64'));
  return undefined;
}

/**
 * The JS JSON exporter sends ids as hex; the proto3 JSON mapping (other SDKs,
 * and our protobuf path) uses base64. Hex ids are exactly 16 or 32 hex digits.
 * @param {unknown} id
 */
function toHexId(id) {
  if (id == null || id === '') return '';
  if (typeof id !== 'string') return Buffer.from(/** @type {Uint8Array} */ (id)).toString('hex');
  if ((id.length === 16 || id.length === 32) && /^[0-9a-f]+$/i.test(id)) return id.toLowerCase();
  return Buffer.from(id, 'base64').toString('hex');
}

/**
 * Decoded spans keep OTLP's span kind numbers, which are the @opentelemetry/api
 * SpanKind values plus one (api CLIENT = 2, OTLP CLIENT = 3).
 */
export const SPAN_KIND = Object.freeze({ UNSPECIFIED: 0, INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 });
const KIND_NAMES = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];
/** @param {unknown} kind */
function toKind(kind) {
  if (typeof kind === 'string' && KIND_NAMES.includes(kind)) return KIND_NAMES.indexOf(kind);
  return Number(kind ?? 0);
}

/** @param {DecodedSpan[]} spans @param {CollectorRequest[]} requests */
function describe(spans, requests) {
  const lines = spans.map((s) => `  - ${s.name} (trace ${s.traceId}, span ${s.spanId}, parent ${s.parentSpanId ?? '-'})`);
  const errors = requests.filter((r) => r.error).map((r) => `  ! request rejected: ${r.error}`);
  return `${lines.length ? ':\n' : ''}${lines.join('\n')}\n  (${requests.length} export request(s) received)${errors.length ? '\n' + errors.join('\n') : ''}`;
}

/** @param {import('node:http').IncomingMessage} req @returns {Promise<Buffer>} */
async function readBody(req) {
  const parts = [];
  for await (const part of req) parts.push(part);
  return Buffer.concat(parts);
}

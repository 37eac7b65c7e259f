import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { OtlpProtocol } from '../config/types';
import { readStatusMessage } from './otlp-status';

/**
 * The one place that knows how spans look on the wire: the request's
 * content type and body, and how to read the endpoint's answer, for the
 * protocol the configuration chose. Bodies are made by OpenTelemetry's own
 * serializers, loaded on the first export (dist/vendor/otlp-http.js), never at
 * start-up.
 */
export interface OtlpEncoding {
  protocol: OtlpProtocol;
  contentType: string;
  /** The ExportTraceServiceRequest for `spans`, uncompressed. Throws when the serializer fails. */
  serialize(spans: ReadableSpan[]): Uint8Array;
  /** What the endpoint said about a request; never throws, whatever the body holds. */
  readAnswer(answer: EndpointAnswer): AnswerDetails;
}

export interface EndpointAnswer {
  status?: number;
  /** The response's Content-Type header, if any. */
  contentType?: string;
  /** The response body (possibly cut at a bound), if any. */
  body?: Uint8Array;
}

export interface AnswerDetails {
  /** From a 2xx ExportTraceServiceResponse's partial_success: spans the endpoint did not keep. */
  rejectedSpans?: number;
  /** The endpoint's own words (partial_success.error_message, or a google.rpc.Status message), made safe to print. */
  message?: string;
}

type Vendor = typeof import('./otlp-vendor');
let vendor: Vendor | undefined;
const loadVendor = (): Vendor => (vendor ??= require('./otlp-vendor') as Vendor);

const CONTENT_TYPES: Record<OtlpProtocol, string> = { 'http/protobuf': 'application/x-protobuf', 'http/json': 'application/json' };

export function otlpEncoding(protocol: OtlpProtocol): OtlpEncoding {
  const json = protocol === 'http/json';
  return {
    protocol,
    contentType: CONTENT_TYPES[protocol],
    serialize(spans) {
      const v = loadVendor();
      const body = (json ? v.JsonTraceSerializer : v.ProtobufTraceSerializer).serializeRequest(spans);
      if (!body) throw new Error('the OTLP serializer returned nothing');
      return body;
    },
    readAnswer: (answer) => readAnswer(answer, json),
  };
}

/**
 * OTLP/HTTP answers in the request's encoding, but not every receiver does: a
 * JSON (or plain-text) answer to a protobuf request is read for what it says,
 * by its Content-Type first and by its first byte when that is missing.
 */
function readAnswer(answer: EndpointAnswer, requestWasJson: boolean): AnswerDetails {
  const body = answer.body;
  if (!body || body.byteLength === 0) return {};
  const type = (answer.contentType ?? '').toLowerCase();
  const ok = answer.status !== undefined && answer.status >= 200 && answer.status < 300;
  // A protobuf message never starts with '{' (field 15, wire type 3 is not used by these messages).
  const kind = type.includes('json') ? 'json' : type.includes('protobuf') ? 'protobuf' : type.startsWith('text/') ? 'text' : body[0] === 0x7b || requestWasJson ? 'json' : 'protobuf';
  try {
    if (kind === 'json') return readJsonAnswer(body, ok);
    if (kind === 'text') return type.startsWith('text/plain') ? details(undefined, Buffer.from(body).toString('utf8')) : {};
    if (ok) {
      const partial = loadVendor().ProtobufTraceSerializer.deserializeResponse(body).partialSuccess;
      return details(partial?.rejectedSpans, partial?.errorMessage);
    }
    return details(undefined, readStatusMessage(body));
  } catch {
    // An answer we cannot read says nothing we could act on.
  }
  return {};
}

function readJsonAnswer(body: Uint8Array, ok: boolean): AnswerDetails {
  const parsed = JSON.parse(Buffer.from(body).toString('utf8')) as unknown;
  if (!isObject(parsed)) return {};
  if (ok) {
    const partial = parsed.partialSuccess ?? parsed.partial_success;
    if (!isObject(partial)) return {};
    return details(partial.rejectedSpans ?? partial.rejected_spans, partial.errorMessage ?? partial.error_message);
  }
  // google.rpc.Status in JSON ({ code, message }), or a web framework's error shape.
  return details(undefined, parsed.message ?? parsed.detail ?? parsed.error);
}

function details(rejected: unknown, message: unknown): AnswerDetails {
  const out: AnswerDetails = {};
  const count = typeof rejected === 'string' && /^\d+$/.test(rejected.trim()) ? Number(rejected) : typeof rejected === 'number' || typeof rejected === 'bigint' ? Number(rejected) : 0;
  if (Number.isSafeInteger(count) && count > 0) out.rejectedSpans = count;
  const text = typeof message === 'string' ? printable(message) : undefined;
  if (text) out.message = text;
  return out;
}

const MAX_MESSAGE_CHARS = 200;

/** One line, no terminal control characters, bounded: the endpoint's words go to the app's stderr. */
function printable(text: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  const line = text.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (!line) return undefined;
  return line.length > MAX_MESSAGE_CHARS ? `${line.slice(0, MAX_MESSAGE_CHARS - 3)}...` : line;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

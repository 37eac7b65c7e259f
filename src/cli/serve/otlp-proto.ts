import type { StoredEvent, StoredSpan } from '../../store/format';
import { bytesToHex, int64, MAX_VALUE_DEPTH, nanosToMs, spanKindName, statusCodeName, toStoredAttributes, validId, type Decoded, type DecodeResult } from './convert';

/**
 * OTLP/protobuf (opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest)
 * read straight off the wire: a small reader for the four wire types in use and the
 * dozen messages of the trace schema, field numbers as in
 * opentelemetry/proto/trace/v1/trace.proto and common/v1/common.proto. Unknown
 * fields are skipped, so newer senders still decode; 64-bit values are exact
 * (BigInt), so nanosecond times keep their microseconds.
 */
export class ProtoError extends Error {}

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

class Reader {
  pos: number;
  private readonly view: DataView;
  constructor(
    readonly buf: Buffer,
    pos: number,
    readonly end: number,
  ) {
    this.pos = pos;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** A varint up to 2^53 as a number (tags, lengths, enums, counts, bools). */
  uint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtoError('truncated varint');
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
    throw new ProtoError('varint longer than 10 bytes');
  }

  /** A varint as a signed 64-bit integer (two's complement, as int64 fields are written). */
  int64(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtoError('truncated varint');
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asIntN(64, result);
      shift += 7n;
    }
    throw new ProtoError('varint longer than 10 bytes');
  }

  fixed64(): bigint {
    this.need(8);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  double(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** The bounds of a length-delimited field. */
  len(): [number, number] {
    const n = this.uint();
    this.need(n);
    const start = this.pos;
    this.pos += n;
    return [start, this.pos];
  }

  string(): string {
    const [s, e] = this.len();
    return this.buf.toString('utf8', s, e);
  }

  bytes(): Buffer {
    const [s, e] = this.len();
    return this.buf.subarray(s, e);
  }

  sub(): Reader {
    const [s, e] = this.len();
    return new Reader(this.buf, s, e);
  }

  skip(wire: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.uint();
        return;
      case WIRE_I64:
        this.need(8);
        this.pos += 8;
        return;
      case WIRE_LEN:
        this.len();
        return;
      case WIRE_I32:
        this.need(4);
        this.pos += 4;
        return;
      default:
        throw new ProtoError(`unsupported wire type ${wire}`);
    }
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new ProtoError('truncated message');
  }
}

/** Calls `onField(field, wire)` for each field of the message; it must consume the field or return false to skip it. */
function fields(r: Reader, onField: (field: number, wire: number) => boolean): void {
  while (!r.done) {
    const tag = r.uint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (field === 0) throw new ProtoError('field number 0');
    if (!onField(field, wire)) r.skip(wire);
  }
}

export function decodeProtoRequest(body: Buffer): DecodeResult {
  const result: DecodeResult = { spans: [], rejected: 0 };
  const r = new Reader(body, 0, body.length);
  try {
    fields(r, (f, w) => {
      if (f !== 1 || w !== WIRE_LEN) return false;
      resourceSpans(r.sub(), result);
      return true;
    });
  } catch (error) {
    if (error instanceof ProtoError) throw new ProtoError(`the body is not a valid ExportTraceServiceRequest (${error.message})`);
    throw error;
  }
  return result;
}

type Scope = StoredSpan['scope'];

function resourceSpans(r: Reader, result: DecodeResult): void {
  // The resource may come after the spans on the wire: spans are decoded once the message is read.
  let resource: StoredSpan['resource'] = {};
  const scopeLists: Reader[] = [];
  fields(r, (f, w) => {
    if (w !== WIRE_LEN) return false;
    if (f === 1) resource = toStoredAttributes(attributesOf(r.sub(), 1));
    else if (f === 2) scopeLists.push(r.sub());
    else return false;
    return true;
  });
  for (const sr of scopeLists) {
    let scope: Scope;
    const spans: Reader[] = [];
    fields(sr, (f, w) => {
      if (w !== WIRE_LEN) return false;
      if (f === 1) scope = instrumentationScope(sr.sub());
      else if (f === 2) spans.push(sr.sub());
      else return false;
      return true;
    });
    for (const reader of spans) {
      const span = decodeSpan(reader, resource, scope);
      if (typeof span === 'string') {
        result.rejected++;
        result.firstProblem ??= span;
      } else {
        result.spans.push(span);
      }
    }
  }
}

function instrumentationScope(r: Reader): Scope {
  let name = '';
  let version = '';
  fields(r, (f, w) => {
    if (w !== WIRE_LEN) return false;
    if (f === 1) name = r.string();
    else if (f === 2) version = r.string();
    else return false;
    return true;
  });
  return { name, ...(version ? { version } : {}) };
}

/** The repeated KeyValue field `fieldNo` of a message; `depth` is how deep in AnyValues it sits. */
function attributesOf(r: Reader, fieldNo: number, depth = 0): Array<[string, Decoded]> {
  const out: Array<[string, Decoded]> = [];
  fields(r, (f, w) => {
    if (f !== fieldNo || w !== WIRE_LEN) return false;
    out.push(keyValue(r.sub(), depth));
    return true;
  });
  return out;
}

function keyValue(r: Reader, depth = 0): [string, Decoded] {
  let key = '';
  let value: Decoded = null;
  fields(r, (f, w) => {
    if (w !== WIRE_LEN) return false;
    if (f === 1) key = r.string();
    else if (f === 2) value = anyValue(r.sub(), depth + 1);
    else return false;
    return true;
  });
  return [key, value];
}

function anyValue(r: Reader, depth: number): Decoded {
  if (depth > MAX_VALUE_DEPTH) throw new ProtoError(`attribute values nested deeper than ${MAX_VALUE_DEPTH} levels`);
  let value: Decoded = null;
  fields(r, (f, w) => {
    switch (f) {
      case 1:
        if (w !== WIRE_LEN) return false;
        value = r.string();
        return true;
      case 2:
        if (w !== WIRE_VARINT) return false;
        value = r.uint() !== 0;
        return true;
      case 3:
        if (w !== WIRE_VARINT) return false;
        value = int64(r.int64());
        return true;
      case 4:
        if (w !== WIRE_I64) return false;
        value = r.double();
        return true;
      case 5: {
        if (w !== WIRE_LEN) return false;
        const sub = r.sub();
        const values: Decoded[] = [];
        fields(sub, (ff, ww) => {
          if (ff !== 1 || ww !== WIRE_LEN) return false;
          values.push(anyValue(sub.sub(), depth + 1));
          return true;
        });
        value = values;
        return true;
      }
      case 6:
        if (w !== WIRE_LEN) return false;
        value = Object.fromEntries(attributesOf(r.sub(), 1, depth));
        return true;
      case 7:
        if (w !== WIRE_LEN) return false;
        value = r.bytes().toString('base64');
        return true;
      default:
        return false;
    }
  });
  return value;
}

function decodeSpan(r: Reader, resource: StoredSpan['resource'], scope: Scope): StoredSpan | string {
  let traceId = '';
  let spanId = '';
  let parentSpanId = '';
  let name = '';
  let kind = 0;
  let start = 0n;
  let end = 0n;
  const attributes: Array<[string, Decoded]> = [];
  const events: StoredEvent[] = [];
  let statusCode = 0;
  let statusMessage = '';
  fields(r, (f, w) => {
    switch (f) {
      case 1:
        if (w !== WIRE_LEN) return false;
        traceId = bytesToHex(r.bytes());
        return true;
      case 2:
        if (w !== WIRE_LEN) return false;
        spanId = bytesToHex(r.bytes());
        return true;
      case 4:
        if (w !== WIRE_LEN) return false;
        parentSpanId = bytesToHex(r.bytes());
        return true;
      case 5:
        if (w !== WIRE_LEN) return false;
        name = r.string();
        return true;
      case 6:
        if (w !== WIRE_VARINT) return false;
        kind = r.uint();
        return true;
      case 7:
        if (w !== WIRE_I64) return false;
        start = r.fixed64();
        return true;
      case 8:
        if (w !== WIRE_I64) return false;
        end = r.fixed64();
        return true;
      case 9:
        if (w !== WIRE_LEN) return false;
        attributes.push(keyValue(r.sub()));
        return true;
      case 11:
        if (w !== WIRE_LEN) return false;
        events.push(decodeEvent(r.sub()));
        return true;
      case 15: {
        if (w !== WIRE_LEN) return false;
        const sr = r.sub();
        fields(sr, (ff, ww) => {
          if (ff === 2 && ww === WIRE_LEN) statusMessage = sr.string();
          else if (ff === 3 && ww === WIRE_VARINT) statusCode = sr.uint();
          else return false;
          return true;
        });
        return true;
      }
      default:
        return false;
    }
  });
  if (!validId(traceId, 32)) return 'a span has no valid trace_id (16 bytes)';
  if (!validId(spanId, 16)) return 'a span has no valid span_id (8 bytes)';
  return {
    traceId,
    spanId,
    ...(validId(parentSpanId, 16) ? { parentSpanId } : {}),
    name,
    kind: spanKindName(kind),
    startTime: nanosToMs(start),
    endTime: nanosToMs(end),
    status: { code: statusCodeName(statusCode), ...(statusMessage ? { message: statusMessage } : {}) },
    attributes: toStoredAttributes(attributes),
    ...(events.length ? { events } : {}),
    resource,
    ...(scope ? { scope } : {}),
  };
}

function decodeEvent(r: Reader): StoredEvent {
  let time = 0n;
  let name = '';
  const attributes: Array<[string, Decoded]> = [];
  fields(r, (f, w) => {
    if (f === 1 && w === WIRE_I64) time = r.fixed64();
    else if (f === 2 && w === WIRE_LEN) name = r.string();
    else if (f === 3 && w === WIRE_LEN) attributes.push(keyValue(r.sub()));
    else return false;
    return true;
  });
  const attrs = toStoredAttributes(attributes);
  return { name, time: nanosToMs(time), ...(Object.keys(attrs).length ? { attributes: attrs } : {}) };
}

/** Encoding the two small replies: ExportTraceServiceResponse.partial_success and google.rpc.Status. */
function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

function lenField(fieldNo: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([...varint(fieldNo * 8 + WIRE_LEN), ...varint(payload.length)]), payload]);
}

function uintField(fieldNo: number, n: number): Buffer {
  return Buffer.from([...varint(fieldNo * 8 + WIRE_VARINT), ...varint(n)]);
}

/** ExportTraceServiceResponse: empty when all spans were taken, else partial_success. */
export function encodeProtoResponse(rejected: number, message: string | undefined): Buffer {
  if (rejected === 0) return Buffer.alloc(0);
  const partial = Buffer.concat([uintField(1, rejected), ...(message ? [lenField(2, Buffer.from(message, 'utf8'))] : [])]);
  return lenField(1, partial);
}

/** google.rpc.Status { code, message }, the body of an OTLP error reply. */
export function encodeProtoStatus(code: number, message: string): Buffer {
  return Buffer.concat([uintField(1, code), lenField(2, Buffer.from(message, 'utf8'))]);
}

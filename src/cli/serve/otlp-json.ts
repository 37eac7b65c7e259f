import type { StoredEvent, StoredSpan } from '../../store/format';
import { bytesToHex, int64, MAX_VALUE_DEPTH, nanosToMs, spanKindName, statusCodeName, toStoredAttributes, validId, type Decoded, type DecodeResult } from './convert';

/**
 * OTLP/JSON (an ExportTraceServiceRequest in protobuf's JSON mapping) to stored
 * spans. Ids are hex as OTLP/JSON requires, or base64 as some older senders
 * write them; 64-bit numbers may be strings or numbers; enums numbers or names;
 * field names lowerCamelCase or the proto's snake_case. Unknown fields are ignored.
 */
type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
/** A field by its lowerCamelCase name or its snake_case one. */
function field(o: Json, camel: string): unknown {
  if (camel in o) return o[camel];
  return o[camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)];
}

export class OtlpJsonError extends Error {}

export function decodeJsonRequest(body: string | Buffer): DecodeResult {
  let root: unknown;
  try {
    root = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch (error) {
    throw new OtlpJsonError(`the body is not valid JSON (${(error as Error).message})`);
  }
  if (!isObj(root)) throw new OtlpJsonError('the body is not an ExportTraceServiceRequest object');
  const result: DecodeResult = { spans: [], rejected: 0 };
  for (const rs of arr(field(root, 'resourceSpans'))) {
    if (!isObj(rs)) continue;
    const resourceObj = field(rs, 'resource');
    const resource = toStoredAttributes(keyValues(isObj(resourceObj) ? field(resourceObj, 'attributes') : undefined));
    const scopeLists = [...arr(field(rs, 'scopeSpans')), ...arr(field(rs, 'instrumentationLibrarySpans'))];
    for (const ss of scopeLists) {
      if (!isObj(ss)) continue;
      const scopeObj = field(ss, 'scope') ?? field(ss, 'instrumentationLibrary');
      const scope = isObj(scopeObj) && typeof scopeObj.name === 'string' ? { name: scopeObj.name, ...(typeof scopeObj.version === 'string' && scopeObj.version ? { version: scopeObj.version } : {}) } : undefined;
      for (const s of arr(field(ss, 'spans'))) {
        if (!isObj(s)) continue;
        const span = toSpan(s, resource, scope);
        if (typeof span === 'string') {
          result.rejected++;
          result.firstProblem ??= span;
        } else {
          result.spans.push(span);
        }
      }
    }
  }
  return result;
}

function toSpan(s: Json, resource: StoredSpan['resource'], scope: StoredSpan['scope']): StoredSpan | string {
  const traceId = id(field(s, 'traceId'), 16);
  const spanId = id(field(s, 'spanId'), 8);
  if (!traceId) return 'a span has no valid traceId (16 bytes, hex)';
  if (!spanId) return 'a span has no valid spanId (8 bytes, hex)';
  const parent = id(field(s, 'parentSpanId'), 8);
  const statusObj = field(s, 'status');
  const status = isObj(statusObj) ? statusObj : {};
  const message = typeof status.message === 'string' && status.message !== '' ? status.message : undefined;
  const events: StoredEvent[] = [];
  for (const e of arr(field(s, 'events'))) {
    if (!isObj(e)) continue;
    const attributes = toStoredAttributes(keyValues(field(e, 'attributes')));
    events.push({ name: typeof e.name === 'string' ? e.name : '', time: nanosToMs(nanos(field(e, 'timeUnixNano'))), ...(Object.keys(attributes).length ? { attributes } : {}) });
  }
  return {
    traceId,
    spanId,
    ...(parent ? { parentSpanId: parent } : {}),
    name: typeof s.name === 'string' ? s.name : '',
    kind: spanKindName(field(s, 'kind')),
    startTime: nanosToMs(nanos(field(s, 'startTimeUnixNano'))),
    endTime: nanosToMs(nanos(field(s, 'endTimeUnixNano'))),
    status: { code: statusCodeName(status.code), ...(message ? { message } : {}) },
    attributes: toStoredAttributes(keyValues(field(s, 'attributes'))),
    ...(events.length ? { events } : {}),
    resource,
    ...(scope ? { scope } : {}),
  };
}

function nanos(v: unknown): string | number | undefined {
  return typeof v === 'string' || typeof v === 'number' ? v : undefined;
}

/** A hex id of `bytes` bytes, accepting base64 too; undefined when absent, empty or invalid. */
function id(v: unknown, bytes: number): string | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  const lower = v.toLowerCase();
  if (validId(lower, bytes * 2)) return lower;
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(v)) {
    const buf = Buffer.from(v, 'base64');
    if (buf.length === bytes) {
      const hex = bytesToHex(buf);
      if (validId(hex, bytes * 2)) return hex;
    }
  }
  return undefined;
}

/** A KeyValue list; `depth` is how deep in AnyValues it sits. */
function keyValues(list: unknown, depth = 0): Array<[string, Decoded]> {
  const out: Array<[string, Decoded]> = [];
  for (const kv of arr(list)) {
    if (isObj(kv) && typeof kv.key === 'string') out.push([kv.key, anyValue(kv.value, depth + 1)]);
  }
  return out;
}

function anyValue(v: unknown, depth: number): Decoded {
  if (!isObj(v)) return null;
  if (depth > MAX_VALUE_DEPTH) throw new OtlpJsonError(`attribute values nested deeper than ${MAX_VALUE_DEPTH} levels`);
  const str = field(v, 'stringValue');
  if (typeof str === 'string') return str;
  const bool = field(v, 'boolValue');
  if (typeof bool === 'boolean') return bool;
  const int = field(v, 'intValue');
  if (typeof int === 'number') return int;
  if (typeof int === 'string') {
    try {
      return int64(BigInt(int));
    } catch {
      return int;
    }
  }
  const dbl = field(v, 'doubleValue');
  if (typeof dbl === 'number') return dbl;
  if (typeof dbl === 'string') return Number.isFinite(Number(dbl)) ? Number(dbl) : dbl;
  const array = field(v, 'arrayValue');
  if (isObj(array)) return arr(array.values).map((x) => anyValue(x, depth + 1));
  const kvlist = field(v, 'kvlistValue');
  if (isObj(kvlist)) return Object.fromEntries(keyValues(kvlist.values, depth));
  const bytes = field(v, 'bytesValue');
  if (typeof bytes === 'string') return bytes;
  return null;
}

import type { StoredAttributeValue, StoredSpan, StoredStatusCode } from '../../store/format';

/**
 * What the JSON and protobuf decoders share: turning OTLP's pieces (nanosecond
 * times, binary ids, AnyValue attributes, enum numbers) into a StoredSpan.
 */

/** An AnyValue after decoding: kvlists become objects, bytes become base64, int64 a number (or a string beyond 2^53). */
export type Decoded = string | number | boolean | null | Decoded[] | { [key: string]: Decoded };

/**
 * How deep AnyValues may nest (arrays and key-value lists inside each other)
 * before a request is refused as malformed. OpenTelemetry's SDKs send flat
 * attributes (scalars and arrays of scalars); 32 levels leave room for the
 * nested values OTLP allows while keeping the decoders' recursion, and the JSON
 * a nested value is stored as, far from the stack's limit.
 */
export const MAX_VALUE_DEPTH = 32;

export interface DecodeResult {
  spans: StoredSpan[];
  /** Spans dropped because they lack a valid trace or span id. */
  rejected: number;
  firstProblem?: string;
}

const SPAN_KINDS = ['INTERNAL', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS_CODES: StoredStatusCode[] = ['UNSET', 'OK', 'ERROR'];

/** OTLP SpanKind (0 = unspecified, stored as INTERNAL like the SDKs do), by number or by enum name. */
export function spanKindName(kind: unknown): string {
  if (typeof kind === 'number') return SPAN_KINDS[kind] ?? 'INTERNAL';
  if (typeof kind === 'string') {
    const name = kind.replace(/^SPAN_KIND_/, '').toUpperCase();
    return SPAN_KINDS.includes(name) ? name : 'INTERNAL';
  }
  return 'INTERNAL';
}

export function statusCodeName(code: unknown): StoredStatusCode {
  if (typeof code === 'number') return STATUS_CODES[code] ?? 'UNSET';
  if (typeof code === 'string') {
    const name = code.replace(/^STATUS_CODE_/, '').toUpperCase();
    return (STATUS_CODES as string[]).includes(name) ? (name as StoredStatusCode) : 'UNSET';
  }
  return 'UNSET';
}

/** Nanoseconds since the epoch → milliseconds, fractional, kept to the microsecond. */
export function nanosToMs(nanos: bigint | number | string | undefined | null): number {
  if (nanos === undefined || nanos === null || nanos === '') return 0;
  try {
    const n = typeof nanos === 'bigint' ? nanos : typeof nanos === 'number' ? BigInt(Math.trunc(nanos)) : BigInt(nanos.trim());
    return Number(n / 1000n) / 1000;
  } catch {
    return 0;
  }
}

export function bytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** A valid id is the right length and not all zeros. */
export function validId(hex: string, length: number): boolean {
  return hex.length === length && /^[0-9a-f]+$/.test(hex) && !/^0+$/.test(hex);
}

/** A decoded AnyValue as a stored attribute value: scalars and flat arrays as they are, anything nested as JSON. */
export function toStoredValue(value: Decoded): StoredAttributeValue | undefined {
  if (value === null) return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) {
      return value as Array<string | number | boolean | null>;
    }
    return JSON.stringify(value);
  }
  return JSON.stringify(value);
}

export function toStoredAttributes(pairs: Array<[string, Decoded]>): Record<string, StoredAttributeValue> {
  const out: Record<string, StoredAttributeValue> = {};
  for (const [key, value] of pairs) {
    if (key === '') continue;
    const v = toStoredValue(value);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** int64 as a JS number when exact, else its decimal string. */
export function int64(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}

import { types } from 'node:util';
import { getState } from '../state';
import { truncatedSuffix } from './markers';
import { scrubSecrets } from '../diagnostics/secrets';

/** Longest string kept inside a JSON-encoded value (the whole is capped again by the privacy rules): the configured cap. */
function defaultMax(): number {
  return getState().config?.privacy.maxAttributeLength ?? 64 * 1024;
}

/**
 * JSON for attribute values that never throws: circular references, BigInt,
 * Maps, Sets, Buffers, typed arrays, Dates, symbols, functions, revoked proxies,
 * throwing getters and absurd depth all get a sensible string instead of an
 * exception in the app's call path. Long strings and long arrays inside the
 * value are cut while encoding, so a 50 MB string never becomes a 50 MB JSON
 * text on its way to being capped.
 */
export function safeJson(value: unknown, maxLength = defaultMax()): string {
  const maxItems = Math.max(100, Math.floor(maxLength / 8));
  if (knownValue !== undefined && value === knownValue && withinCaps(knownText, maxLength, maxItems)) return knownText;
  if (parsedValue !== undefined && value === parsedValue) {
    const text = stringifyParsed(value);
    if (text !== undefined && withinCaps(text, maxLength, maxItems)) return text;
  }
  // Plain data (what JSON.parse returns, object literals) encodes the same without the replacer, which costs a call per value.
  if (isPlainData(value, maxLength, maxItems)) return JSON.stringify(value) ?? String(value);
  return encodeWithReplacer(value, maxLength, maxItems);
}

/**
 * safeJson's path for anything that is not plain data. Its own function
 * because the replacer closes over these variables: in safeJson itself, V8
 * would allocate a context for them on every call, the plain path included.
 */
function encodeWithReplacer(value: unknown, maxLength: number, maxItems: number): string {
  const seen = new WeakSet<object>();
  try {
    const out = JSON.stringify(value, function replacer(this: unknown, key: string, v: unknown) {
      // `v` is after toJSON(): a Buffer has already become {type, data: [...]}; look at what the holder holds.
      const raw = (this as Record<string, unknown>)[key];
      if (isBinary(raw)) return describeBinary(raw);
      if (typeof v === 'string') return v.length > maxLength ? v.slice(0, maxLength) + truncatedSuffix(v.length - maxLength) : v;
      if (typeof v === 'bigint') return v.toString();
      if (typeof v === 'symbol') return v.toString();
      if (typeof v === 'function') return `[Function ${(v as { name?: string }).name || 'anonymous'}]`;
      if (v && typeof v === 'object') {
        if (seen.has(v)) return '[Circular]';
        seen.add(v);
        if (v instanceof Map) return Object.fromEntries([...v].slice(0, maxItems).map(([k, x]) => [typeof k === 'object' ? safeJson(k, 200) : String(k), x]));
        if (v instanceof Set) return [...v].slice(0, maxItems);
        // An error's message may quote a provider key back: recorded scrubbed.
        if (v instanceof Error) return { name: v.name, message: typeof v.message === 'string' ? scrubSecrets(v.message) : v.message };
        if (Array.isArray(v) && v.length > maxItems) return [...v.slice(0, maxItems), `…[${v.length - maxItems} more items]`];
      }
      return v;
    });
    return out === undefined ? String(value) : out;
  } catch (error) {
    return `[unserializable: ${describeError(error)}]`;
  }
}

/**
 * The JSON text known for one object of ours while a mapping runs: a request
 * parsed from the text the SDK sent, whose JSON is that text (sent-body.ts).
 * safeJson hands the text back instead of walking and encoding the object
 * again: per traced chat call that was one plain-data walk and one stringify
 * of the whole request. One slot for the length of a call, not a WeakMap: an
 * entry in a WeakMap for a new object each call cost ~0.3 µs (V8's ephemeron
 * table and its collection), half of what the known text saves on a short
 * two-message request. Two variables, so that a call allocates nothing here.
 */
let knownValue: object | undefined;
let knownText = '';

/**
 * Runs `fn` with `text` known to be exactly `JSON.stringify(value)`: for an
 * object only our code holds, built from `JSON.parse(text)` with the same keys
 * in the same order, where `text` itself came from `JSON.stringify` (no
 * indentation). Nothing of it is kept once `fn` returns.
 */
export function withJsonText<T>(value: object, text: string, fn: () => T): T {
  const outerValue = knownValue;
  const outerText = knownText;
  knownValue = value;
  knownText = text;
  try {
    return fn();
  } finally {
    knownValue = outerValue;
    knownText = outerText;
  }
}

/**
 * An object known to be what `JSON.parse` just returned for a provider's
 * reply, not yet handed to the app (instrumentation/stainless.ts). It holds
 * plain data only (no getter, no `toJSON`, no class, no object twice), so
 * safeJson skips the plain-data walk for it, whose getter lookup per property
 * was ~1 µs on a chat reply, and only checks the caps on the text. One slot
 * for the length of a mapping, like `knownValue`.
 */
let parsedValue: object | undefined;

/**
 * Runs `fn` with `value` known to be fresh `JSON.parse` output that only the
 * SDK and our code have seen. Anything else (a class instance, an array at
 * the top) is left to the usual checks.
 */
export function withParsedJson<T>(value: unknown, fn: () => T): T {
  if (!value || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return fn();
  const outer = parsedValue;
  parsedValue = value;
  try {
    return fn();
  } finally {
    parsedValue = outer;
  }
}

/** JSON.stringify of fresh JSON.parse output, which cannot throw; undefined if it does anyway (the usual path then decides). */
function stringifyParsed(value: object): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/**
 * Whether a JSON text is what safeJson would give its value under these caps:
 * no string in it can be longer than the text, and an array of more than
 * `maxItems` items has at least `maxItems` commas (a short text cannot hold
 * that many; a longer one has them counted).
 */
function withinCaps(text: string, maxLength: number, maxItems: number): boolean {
  if (text.length > maxLength) return false;
  if (text.length <= 2 * maxItems) return true;
  let commas = 0;
  for (let at = text.indexOf(','); at !== -1; at = text.indexOf(',', at + 1)) if (++commas >= maxItems) return false;
  return true;
}

/** Deeper than this, plain data is left to the replacer path (which reports absurd depth itself). */
const PLAIN_DEPTH = 64;

/**
 * The getter of a property, found without calling it. Reading it this way
 * allocates nothing, where a property descriptor is a new object per property
 * (~2.5 KB of garbage per chat reply, which every call paid).
 */
const lookupGetter = (Object.prototype as { __lookupGetter__?: (this: object, key: PropertyKey) => unknown }).__lookupGetter__;
const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Whether plain `JSON.stringify` gives exactly what the replacer below would:
 * only strings within the cap, finite or non-finite numbers, booleans, null,
 * undefined, arrays within the item cap and objects whose prototype is
 * Object.prototype or null, holding only own properties without a getter, no
 * `toJSON` anywhere on the chain and no object met twice (the replacer writes
 * a repeat as "[Circular]"). Runs none of the app's code: proxies are refused
 * before anything is read, and a property is read only once it is known to
 * have no getter (one with only a setter reads as undefined, as
 * JSON.stringify reads it).
 */
function isPlainData(value: unknown, maxLength: number, maxItems: number): boolean {
  // A runtime without __lookupGetter__: the replacer path decides.
  if (!lookupGetter) return false;
  try {
    return isPlainValue(value, 0, maxLength, maxItems, new Set<object>());
  } catch {
    return false;
  }
}

function isPlainValue(v: unknown, depth: number, maxLength: number, maxItems: number, seen: Set<object>): boolean {
  switch (typeof v) {
    case 'string':
      return v.length <= maxLength;
    case 'number':
    case 'boolean':
    case 'undefined':
      return true;
    case 'object':
      break;
    default:
      return false; // bigint, symbol, function
  }
  if (v === null) return true;
  if (depth > PLAIN_DEPTH || types.isProxy(v) || seen.has(v)) return false;
  seen.add(v);
  if (Array.isArray(v)) {
    if (Object.getPrototypeOf(v) !== Array.prototype || 'toJSON' in v || v.length > maxItems) return false;
    for (let i = 0; i < v.length; i++) {
      if (lookupGetter!.call(v, i) !== undefined) return false;
      if (!isPlainValue(v[i], depth + 1, maxLength, maxItems, seen)) return false;
    }
    return true;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  if ((proto !== Object.prototype && proto !== null) || 'toJSON' in v) return false;
  for (const key in v) {
    if (!hasOwn.call(v, key) || lookupGetter!.call(v, key) !== undefined) return false;
    if (!isPlainValue((v as Record<string, unknown>)[key], depth + 1, maxLength, maxItems, seen)) return false;
  }
  return true;
}

/**
 * The value of `o`'s own data property `name`, or undefined when it has none
 * or it is an accessor, read without running a getter and without a property
 * descriptor (a new object per read: this runs on every traced call, for the
 * SDK client's credentials and its `buildRequest`). An own property for which
 * no getter is found is data, or a setter alone, which reads as undefined
 * without running anything.
 */
export function ownDataValue(o: object, name: string): unknown {
  if (!hasOwn.call(o, name)) return undefined;
  if (lookupGetter) return lookupGetter.call(o, name) === undefined ? (o as Record<string, unknown>)[name] : undefined;
  // A runtime without __lookupGetter__: the descriptor says.
  const own = Object.getOwnPropertyDescriptor(o, name);
  return own && 'value' in own ? own.value : undefined;
}

/** Strings and scalars stay text; Dates and binary data are described; anything else becomes JSON. Never throws. */
export function asText(value: unknown, maxLength = defaultMax()): { text: string; json: boolean } {
  if (typeof value === 'string') return { text: value, json: false };
  // Scalars read better as themselves than as JSON ("123" in quotes for a BigInt, or nothing for a symbol).
  if (typeof value === 'bigint' || typeof value === 'symbol' || typeof value === 'number' || typeof value === 'boolean') return { text: value.toString(), json: false };
  if (typeof value === 'function') return { text: `[Function ${value.name || 'anonymous'}]`, json: false };
  // Buffers are usually serialised as {type:'Buffer',data:[...]} by toJSON; say what they are instead.
  if (isBinary(value)) return { text: describeBinary(value), json: false };
  if (isDate(value)) return { text: dateText(value), json: false };
  return { text: safeJson(value, maxLength), json: true };
}

export function isDate(value: unknown): value is Date {
  try {
    return value instanceof Date;
  } catch {
    return false; // a revoked proxy
  }
}

export function isBinary(value: unknown): value is ArrayBufferView | ArrayBuffer {
  try {
    return ArrayBuffer.isView(value) || value instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer);
  } catch {
    return false; // a revoked proxy
  }
}

export function describeBinary(value: ArrayBufferView | ArrayBuffer): string {
  const name = (typeof Buffer !== 'undefined' && Buffer.isBuffer(value) ? 'Buffer' : value.constructor?.name) || 'binary';
  return `[${name} ${value.byteLength} bytes]`;
}

export function dateText(value: Date): string {
  const time = value.getTime();
  return Number.isNaN(time) ? 'Invalid Date' : value.toISOString();
}

function describeError(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'unknown error';
  }
}

/**
 * A copy of the app's plain data that runs none of the app's code: plain
 * objects and arrays are copied through their property descriptors, leaving
 * out accessors (a getter is not called) and `toJSON` (so encoding the copy
 * does not call it). Anything else (a Date, a URL, binary data, a class
 * instance) is kept as it is. For values an SDK hands us that are still the
 * app's own objects, where every read of ours would be one the app can see.
 */
export function dataSnapshot(value: unknown, depth = 0, seen = new WeakMap<object, unknown>()): unknown {
  if (!value || typeof value !== 'object') return value;
  try {
    const done = seen.get(value);
    if (done !== undefined) return done;
    if (Array.isArray(value)) {
      if (depth > 64) return value;
      const out: unknown[] = [];
      seen.set(value, out);
      const length = (Object.getOwnPropertyDescriptor(value, 'length')?.value as number) ?? 0;
      for (let i = 0; i < length; i++) {
        const own = Object.getOwnPropertyDescriptor(value, i);
        out.push(own && 'value' in own ? dataSnapshot(own.value, depth + 1, seen) : undefined);
      }
      return out;
    }
    const proto = Object.getPrototypeOf(value);
    if ((proto !== Object.prototype && proto !== null) || depth > 64) return value;
    const out: Record<string, unknown> = {};
    seen.set(value, out);
    for (const [key, own] of Object.entries(Object.getOwnPropertyDescriptors(value))) {
      if (!own.enumerable || !('value' in own) || key === 'toJSON') continue;
      out[key] = dataSnapshot(own.value, depth + 1, seen);
    }
    return out;
  } catch {
    return undefined; // a revoked proxy
  }
}

/**
 * JSON for attribute values that never throws: circular references, BigInt,
 * Maps, Sets, Buffers, typed arrays, symbols and functions all get a sensible
 * string instead of an exception in the app's call path.
 */
export function safeJson(value: unknown): string {
  const seen = new WeakSet<object>();
  try {
    const out = JSON.stringify(value, function replacer(_key, v: unknown) {
      if (typeof v === 'bigint') return v.toString();
      if (typeof v === 'symbol') return v.toString();
      if (typeof v === 'function') return `[Function ${(v as { name?: string }).name || 'anonymous'}]`;
      if (v && typeof v === 'object') {
        if (seen.has(v)) return '[Circular]';
        seen.add(v);
        if (v instanceof Map) return Object.fromEntries(v);
        if (v instanceof Set) return [...v];
        if (ArrayBuffer.isView(v)) return `[${v.constructor.name} ${v.byteLength} bytes]`;
        if (v instanceof ArrayBuffer) return `[ArrayBuffer ${v.byteLength} bytes]`;
        if (v instanceof Error) return { name: v.name, message: v.message };
      }
      return v;
    });
    return out === undefined ? String(value) : out;
  } catch (error) {
    return `[unserializable: ${(error as Error).message}]`;
  }
}

/** Strings stay as they are; anything else becomes JSON. */
export function asText(value: unknown): { text: string; json: boolean } {
  if (typeof value === 'string') return { text: value, json: false };
  // Buffers are usually serialised as {type:'Buffer',data:[...]} by toJSON; say what they are instead.
  if (typeof Buffer !== 'undefined' && Buffer.isBuffer(value)) return { text: `[Buffer ${value.length} bytes]`, json: false };
  return { text: safeJson(value), json: true };
}

import { describe, expect, it } from 'vitest';
import { safeJson, withParsedJson } from '../../src/trace/encode';
import { truncatedSuffix } from '../../src/trace/markers';
import { scrubSecrets } from '../../src/diagnostics/secrets';

/** safeJson as it was when every value went through the replacer: the fast path must give the same text for every input. */
function replacerOnly(value: unknown, maxLength = 64 * 1024): string {
  const seen = new WeakSet<object>();
  const maxItems = Math.max(100, Math.floor(maxLength / 8));
  const isBinary = (v: unknown): v is ArrayBufferView | ArrayBuffer => {
    try {
      return ArrayBuffer.isView(v) || v instanceof ArrayBuffer || v instanceof SharedArrayBuffer;
    } catch {
      return false;
    }
  };
  try {
    const out = JSON.stringify(value, function replacer(this: unknown, key: string, v: unknown) {
      const raw = (this as Record<string, unknown>)[key];
      if (isBinary(raw)) return `[${(Buffer.isBuffer(raw) ? 'Buffer' : raw.constructor?.name) || 'binary'} ${raw.byteLength} bytes]`;
      if (typeof v === 'string') return v.length > maxLength ? v.slice(0, maxLength) + truncatedSuffix(v.length - maxLength) : v;
      if (typeof v === 'bigint') return v.toString();
      if (typeof v === 'symbol') return v.toString();
      if (typeof v === 'function') return `[Function ${(v as { name?: string }).name || 'anonymous'}]`;
      if (v && typeof v === 'object') {
        if (seen.has(v)) return '[Circular]';
        seen.add(v);
        if (v instanceof Map) return Object.fromEntries([...v].slice(0, maxItems).map(([k, x]) => [typeof k === 'object' ? replacerOnly(k, 200) : String(k), x]));
        if (v instanceof Set) return [...v].slice(0, maxItems);
        if (v instanceof Error) return { name: v.name, message: typeof v.message === 'string' ? scrubSecrets(v.message) : v.message };
        if (Array.isArray(v) && v.length > maxItems) return [...v.slice(0, maxItems), `…[${v.length - maxItems} more items]`];
      }
      return v;
    });
    return out === undefined ? String(value) : out;
  } catch (error) {
    return `[unserializable: ${error instanceof Error ? error.message : String(error)}]`;
  }
}

function corpus(): Record<string, unknown> {
  const circular: Record<string, unknown> = { name: 'loop', list: [] };
  circular.self = circular;
  (circular.list as unknown[]).push(circular);
  const shared = { x: 1 };
  const { proxy: revoked, revoke } = Proxy.revocable({}, {});
  revoke();
  let deep: Record<string, unknown> = {};
  for (let i = 0; i < 100_000; i++) deep = { d: deep };
  let deepish: Record<string, unknown> = { leaf: 'ok' };
  for (let i = 0; i < 70; i++) deepish = { d: deepish };
  const nullProto = Object.assign(Object.create(null), { a: 1, b: ['x'] });
  const holes = [1, , 3]; // eslint-disable-line no-sparse-arrays
  const withExtra = Object.assign([1, 2], { extra: 'ignored' });
  const withSymbolKey = { a: 1, [Symbol('k')]: 2 };
  const nonEnumerable = Object.defineProperty({ a: 1 }, 'hidden', { value: 2, enumerable: false });
  const arrayWithToJSON = Object.assign([1, 2], { toJSON: () => new Map([['m', 1]]) });
  return {
    chatResponse: { id: 'chatcmpl-1', choices: [{ index: 0, message: { role: 'assistant', content: 'Paris.', refusal: null, annotations: [] }, logprobs: null }], usage: { prompt_tokens: 1, completion_tokens: 2 } },
    request: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'héllo "quoted" \n\u2028 \ud800' }], temperature: 0.5, stream: false },
    string: 'plain text',
    longString: 'y'.repeat(70 * 1024),
    longInObject: { text: 'z'.repeat(70 * 1024), short: 'ok' },
    atCap: 'c'.repeat(64 * 1024),
    numbers: [0, -0, 1.5, NaN, Infinity, -Infinity, 1e21, Number.MAX_SAFE_INTEGER],
    undefinedTop: undefined,
    nullTop: null,
    booleans: [true, false],
    undefinedInside: { a: undefined, b: [undefined, null] },
    holes,
    withExtra,
    withSymbolKey,
    nonEnumerable,
    nullProto,
    circular,
    sharedTwice: { a: shared, b: shared },
    sharedInArray: [shared, shared],
    bigint: 12345678901234567890n,
    bigintInside: { n: 1n },
    date: new Date('2025-01-02T03:04:05.678Z'),
    dateInside: { at: new Date('2025-01-02T03:04:05.678Z'), bad: new Date('nope') },
    map: new Map<unknown, unknown>([['a', 1], [{ k: 1 }, 'object key']]),
    set: new Set([1, 'two']),
    buffer: Buffer.from('buffer-contents'),
    bufferInside: { data: Buffer.from('abc'), u8: new Uint8Array(4), ab: new ArrayBuffer(8), f64: new Float64Array([1.5]) },
    symbol: Symbol('sym'),
    symbolInside: { s: Symbol('s'), list: [Symbol('t')] },
    fn: function namedFn() {},
    fnInside: { f: () => 1, list: [function named() {}] },
    hugeArray: Array.from({ length: 100_000 }, (_, i) => i),
    arrayAtCap: Array.from({ length: 8192 }, (_, i) => i),
    revoked,
    proxy: new Proxy({ a: 1, b: { c: 2 } }, {}),
    proxyInside: { p: new Proxy([1, 2], {}) },
    getter: { plain: 1, get computed() { return 'from getter'; } },
    throwingGetter: { get boom(): never { throw new Error('getter says no'); } },
    setterOnly: Object.defineProperty({ kept: 1 }, 'writeOnly', { set() {}, enumerable: true }),
    getterInArray: Object.defineProperty([1, 2, 3], 1, { get: () => 'from getter', enumerable: true }),
    inheritedKey: Object.assign(Object.create({ inherited: 'from proto' }), { own: 1 }),
    toJSON: { toJSON: () => ({ replaced: 'yes', long: 'q'.repeat(70 * 1024) }) },
    throwingToJSON: { toJSON(): never { throw new Error('toJSON says no'); } },
    arrayWithToJSON,
    deep,
    deepish,
    error: new Error('sk-proj-abcdefghijklmnopqrstuvwxyz0123 rejected'),
    errorInside: { e: new TypeError('bad') },
    classInstance: new (class Point { x = 1; })(),
    mixedArray: [1, 'a', null, { x: 1 }],
  };
}

describe('safeJson', () => {
  const values = corpus();
  it.each(Object.keys(values))('writes %s exactly as the replacer-only encoder did', (name) => {
    expect(safeJson(values[name], 64 * 1024)).toBe(replacerOnly(values[name], 64 * 1024));
  });

  it.each([5, 200])('writes every value the same under a cap of %i characters', (cap) => {
    for (const [name, value] of Object.entries(values)) expect([name, safeJson(value, cap)]).toEqual([name, replacerOnly(value, cap)]);
  });

  it("runs the app's getters, toJSON and proxy traps no more often than the replacer-only encoder did", () => {
    const counted = () => {
      const calls = { getter: 0, toJSON: 0, trap: 0 };
      const value = {
        a: { get g() { calls.getter++; return 'g'; } },
        b: { toJSON() { calls.toJSON++; return 'j'; } },
        c: new Proxy({ p: 1 }, { get(target, key, receiver) { calls.trap++; return Reflect.get(target, key, receiver); } }),
      };
      return { calls, value };
    };
    const before = counted();
    replacerOnly(before.value);
    const after = counted();
    safeJson(after.value);
    expect(after.calls).toEqual(before.calls);
  });

  it('calls a getter inside otherwise plain data (an array item, a nested key) no more often than the replacer-only encoder did', () => {
    for (const place of ['array item', 'nested key']) {
      const counted = () => {
        const calls = { getter: 0 };
        const getter = { get: () => (calls.getter++, 'from getter'), enumerable: true };
        const value = place === 'array item' ? { list: Object.defineProperty([0, 1], 0, getter) } : { a: 1, b: { c: 2, d: Object.defineProperty({}, 'e', getter) } };
        return { calls, value };
      };
      const before = counted();
      const expected = replacerOnly(before.value);
      const after = counted();
      expect([place, safeJson(after.value), after.calls]).toEqual([place, expected, before.calls]);
    }
  });
});

describe('safeJson of a value marked as fresh JSON.parse output (withParsedJson)', () => {
  const parsedCorpus = {
    reply: JSON.parse(JSON.stringify({ id: 'c1', choices: [{ index: 0, message: { role: 'assistant', content: 'Paris.' } }], usage: { total_tokens: 3 } })),
    longString: JSON.parse(JSON.stringify({ text: 'x'.repeat(300) })),
    longArray: JSON.parse(JSON.stringify({ list: Array.from({ length: 150 }, (_, i) => i) })),
    unicode: JSON.parse(JSON.stringify({ text: 'café ☕ \u2028 "quoted" \\ back' })),
  };

  it.each([5, 200, 64 * 1024])('writes every parsed value as the replacer-only encoder does, under a cap of %i', (cap) => {
    for (const [name, value] of Object.entries(parsedCorpus)) {
      expect([name, withParsedJson(value, () => safeJson(value, cap))]).toEqual([name, replacerOnly(value, cap)]);
    }
  });

  it('holds for the marked value only, and only while the function runs', () => {
    const marked = JSON.parse('{"a":1}');
    const other = { m: new Map([['k', 1]]) };
    expect(withParsedJson(marked, () => safeJson(other))).toBe('{"m":{"k":1}}');
    // A class instance or an array at the top is not marked.
    const box = new (class Box { m = new Map([['k', 1]]); })();
    expect(withParsedJson(box, () => safeJson(box))).toBe('{"m":{"k":1}}');
    const list = [new Map([['k', 1]])];
    expect(withParsedJson(list, () => safeJson(list))).toBe('[{"k":1}]');
    marked.m = new Map([['k', 1]]);
    expect(safeJson(marked)).toBe('{"a":1,"m":{"k":1}}');
  });
});

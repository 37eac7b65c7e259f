import { describe, expect, it, vi } from 'vitest';
import { requestAsSent } from '../../src/instrumentation/sent-body';
import { dataSnapshot, safeJson, withJsonText } from '../../src/trace/encode';

/** A getter that counts its reads. */
function counted(target: Record<string, unknown>, key: string, value: unknown) {
  const reads = { n: 0 };
  Object.defineProperty(target, key, { enumerable: true, get: () => (reads.n++, value) });
  return reads;
}

describe('requestAsSent', () => {
  it('values every key of the params from the body the SDK sent, in the params order', () => {
    const params = { model: 'm', messages: [{ role: 'user', content: 'live' }], temperature: 0.2 };
    const sent = JSON.stringify({ messages: [{ role: 'user', content: 'sent' }], temperature: 0.2, model: 'm' });
    const out = requestAsSent(params, sent)?.request as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['model', 'messages', 'temperature']);
    expect(out.messages).toEqual([{ role: 'user', content: 'sent' }]);
  });

  it('keeps plain data the SDK sends elsewhere (betas), reading no getter, and leaves out what it added', () => {
    const params: Record<string, unknown> = { model: 'm', betas: ['b-1'], user_profile_id: 'u', format: { parse: () => 1 } };
    const reads = counted(params, 'workspace_id', 'w');
    const out = requestAsSent(params, JSON.stringify({ model: 'm', encoding_format: 'base64' }))?.request;
    expect(out).toEqual({ model: 'm', betas: ['b-1'], user_profile_id: 'u' });
    expect(reads.n).toBe(0);
  });

  it('encodes as the same JSON whether or not the text sent is reused', () => {
    const long = 'x'.repeat(70_000);
    const cases: Array<[Record<string, unknown>, string]> = [
      // Sent unchanged: the text itself comes back.
      [{ model: 'm', messages: [{ role: 'user', content: 'hé \u2028 "q" \n' }], n: 1e21, t: -0, u: null }, ''],
      [{ b: 2, 10: 'int key first', a: [1, 2.5, 'three', { d: true }] }, ''],
      // Reordered, added and dropped keys, pretty-printed text: encoded again.
      [{ model: 'm', temperature: 0.2 }, JSON.stringify({ temperature: 0.2, model: 'm' })],
      [{ model: 'm' }, JSON.stringify({ model: 'm', encoding_format: 'base64' })],
      [{ model: 'm', betas: ['b'] }, JSON.stringify({ model: 'm' })],
      [{ model: 'm', x: [1] }, JSON.stringify({ model: 'm', x: [1] }, null, 2)],
      // Over the caps: a long string, a long array (cut by the encoder, never reused).
      [{ model: 'm', content: long }, ''],
      [{ model: 'm', list: Array.from({ length: 9000 }, () => 1) }, ''],
      [{ model: 'm', list: Array.from({ length: 120 }, () => 1) }, ''],
      // Longer than twice the item cap, under the length cap: commas counted.
      [{ model: 'm', messages: Array.from({ length: 40 }, () => ({ role: 'user', content: 'a, b. '.repeat(200) })) }, ''],
    ];
    for (const [params, given] of cases) {
      const sent = given || JSON.stringify(params);
      const asSent = requestAsSent(params, sent)!;
      const out = asSent.request as Record<string, unknown>;
      const encode = (max?: number) => (asSent.json === undefined ? safeJson(out, max) : withJsonText(out, asSent.json, () => safeJson(out, max)));
      expect(encode()).toBe(safeJson(structuredClone(out)));
      expect(encode(100)).toBe(safeJson(structuredClone(out), 100));
    }
    const plain = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
    const sent = JSON.stringify(plain);
    const { request, json } = requestAsSent(plain, sent)!;
    expect(json).toBe(sent);
    const stringify = vi.spyOn(JSON, 'stringify');
    try {
      expect(withJsonText(request as object, sent, () => safeJson(request))).toBe(sent);
      expect(stringify).not.toHaveBeenCalled();
      // Known only while the mapping runs: afterwards the object is encoded again.
      expect(safeJson(request)).toBe(sent);
      expect(stringify).toHaveBeenCalledTimes(1);
    } finally {
      stringify.mockRestore();
    }
  });

  it('nothing for a body that is not JSON text', () => {
    expect(requestAsSent({ a: 1 }, undefined)).toBeUndefined();
    expect(requestAsSent({ a: 1 }, 'not json')).toBeUndefined();
  });
});

describe('dataSnapshot', () => {
  it('copies plain data without calling getters or toJSON', () => {
    const message: Record<string, unknown> = { role: 'user' };
    const reads = counted(message, 'content', 'secret');
    let toJSONCalls = 0;
    const part = { type: 'text', text: 'hi', toJSON: () => (toJSONCalls++, {}) };
    const copy = dataSnapshot([message, { role: 'assistant', content: [part] }]);
    expect(copy).toEqual([{ role: 'user' }, { role: 'assistant', content: [{ type: 'text', text: 'hi' }] }]);
    expect(JSON.stringify(copy)).toBe('[{"role":"user"},{"role":"assistant","content":[{"type":"text","text":"hi"}]}]');
    expect(reads.n).toBe(0);
    expect(toJSONCalls).toBe(0);
  });

  it('keeps class instances, dates and binary data as they are, and survives cycles', () => {
    const url = new URL('https://example.com/a.png');
    const bytes = new Uint8Array([1, 2]);
    const when = new Date(0);
    const cyclic: Record<string, unknown> = { url, bytes, when };
    cyclic.self = cyclic;
    const copy = dataSnapshot(cyclic) as Record<string, unknown>;
    expect(copy.url).toBe(url);
    expect(copy.bytes).toBe(bytes);
    expect(copy.when).toBe(when);
    expect(copy.self).toBe(copy);
  });
});

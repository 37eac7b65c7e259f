import { describe, expect, it } from 'vitest';
import { requestAsSent } from '../../src/instrumentation/sent-body';
import { dataSnapshot } from '../../src/trace/encode';

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
    const out = requestAsSent(params, sent) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['model', 'messages', 'temperature']);
    expect(out.messages).toEqual([{ role: 'user', content: 'sent' }]);
  });

  it('keeps plain data the SDK sends elsewhere (betas), reading no getter, and leaves out what it added', () => {
    const params: Record<string, unknown> = { model: 'm', betas: ['b-1'], user_profile_id: 'u', format: { parse: () => 1 } };
    const reads = counted(params, 'workspace_id', 'w');
    const out = requestAsSent(params, JSON.stringify({ model: 'm', encoding_format: 'base64' }));
    expect(out).toEqual({ model: 'm', betas: ['b-1'], user_profile_id: 'u' });
    expect(reads.n).toBe(0);
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

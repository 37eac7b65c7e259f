import { describe, expect, it } from 'vitest';
import { ownDataValue } from '../../src/trace/encode';

describe('ownDataValue', () => {
  it("reads an own data property, and nothing else, without running the object's code", () => {
    let getterRuns = 0;
    const base = { inherited: 'from the prototype' };
    const o = Object.create(base, {
      data: { value: 'sk-data', enumerable: false },
      viaGetter: { get: () => (getterRuns++, 'sk-getter'), enumerable: true },
      setterOnly: { set: () => undefined, enumerable: true },
    });
    expect(ownDataValue(o, 'data')).toBe('sk-data');
    expect(ownDataValue(o, 'viaGetter')).toBeUndefined();
    expect(ownDataValue(o, 'setterOnly')).toBeUndefined();
    expect(ownDataValue(o, 'inherited')).toBeUndefined();
    expect(ownDataValue(o, 'missing')).toBeUndefined();
    expect(getterRuns).toBe(0);
  });

  it('an own data property shadows a getter further up the chain', () => {
    let getterRuns = 0;
    const base = Object.defineProperty({}, 'apiKey', { get: () => (getterRuns++, 'inherited') });
    const o = Object.create(base, { apiKey: { value: 'own', writable: true } });
    expect(ownDataValue(o, 'apiKey')).toBe('own');
    expect(getterRuns).toBe(0);
  });
});

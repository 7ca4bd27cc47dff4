import { describe, expect, it } from 'vitest';
import { isoFromMs, rowMaker } from './sqlite-executor';

describe('isoFromMs', () => {
  it('prints what Date#toISOString prints, at the edges of days, years and centuries', () => {
    const edges = [0, 1, 999, 86_399_999, 86_400_000, 951_782_400_000, 951_868_799_999, 4_102_444_800_000];
    for (const ms of [...edges, 253_402_300_799_999]) expect(isoFromMs(ms)).toBe(new Date(ms).toISOString());
  });

  it('agrees with Date#toISOString on 100,000 instants spread over years 1970 to 9999', () => {
    let seed = 20261202;
    const disagreements: number[] = [];
    for (let i = 0; i < 100_000; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      const ms = Math.floor((seed / 2 ** 31) * 253_402_300_799_999);
      if (isoFromMs(ms) !== new Date(ms).toISOString()) disagreements.push(ms);
    }
    expect(disagreements).toEqual([]);
  });
});

describe('rowMaker', () => {
  it('makes each row from its values in column order, decoding the columns that have a decoder', () => {
    const make = rowMaker([
      { name: 'id', decode: undefined },
      { name: 'is public', decode: (value) => value === 1 },
      { name: 'quote"d', decode: undefined },
    ]);
    const row = make(['a', 1, null]);
    expect(row).toEqual({ id: 'a', 'is public': true, 'quote"d': null });
    expect(Object.keys(row)).toEqual(['id', 'is public', 'quote"d']);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
  });

  it('refuses a column named __proto__, which an object literal would take as the prototype', () => {
    expect(() => rowMaker([{ name: '__proto__', decode: undefined }])).toThrow(/__proto__/);
  });
});

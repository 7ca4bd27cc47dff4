import { describe, expect, it } from 'vitest';
import { timeOrderedUuid } from './ids';

describe('timeOrderedUuid', () => {
  it('is a version 7 UUID, and ids made one after another sort in that order', () => {
    const ids = Array.from({ length: 20_000 }, () => timeOrderedUuid());
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    const ms = Number.parseInt(ids[0]?.replace(/-/g, '').slice(0, 12) ?? '', 16);
    expect(Math.abs(ms - Date.now())).toBeLessThan(60_000);
  });
});

import { initTRPC, TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkedOutput } from './output-check';
import { DatasetPage } from './schemas/datasets';

const dataset = {
  id: '5f0c6a52-3b2f-4b7e-9a37-0f4f2a9d7c11',
  name: 'Jailbreak Prompts (sample)',
  description: null,
  category: 'jailbreak',
  trust_level: 'verified',
  source: 'znyx_sample',
  sample_count: 3,
  is_public: false,
  created_by: null,
  created_at: '2026-11-28T12:00:00.000Z',
  updated_at: '2026-11-28T12:00:00.000Z',
} as const;
type Page = ReturnType<typeof page>;
const page = () => ({ total: 1, limit: 50, offset: 0, next_cursor: null, datasets: [{ ...dataset }] });

describe('checkedOutput', () => {
  const checked = checkedOutput(DatasetPage);

  it('hands a valid answer on as it is: the same object, not a copy', () => {
    const answer = page();
    expect(checked.parse(answer)).toBe(answer);
    expect(DatasetPage.parse(answer)).not.toBe(answer); // what zod itself does
  });

  it.each([
    ['a wrong type', (p: Page) => Object.assign(p, { total: '1' }), ['total']],
    [
      'a value outside an enum',
      (p: Page) => Object.assign(p.datasets[0] as object, { source: 'other' }),
      ['datasets', '0', 'source'],
    ],
    [
      'a timestamp that is not ISO 8601 UTC',
      (p: Page) => Object.assign(p.datasets[0] as object, { created_at: '28/11/2026' }),
      ['datasets', '0', 'created_at'],
    ],
    ['a missing field', (p: Page) => Reflect.deleteProperty(p, 'next_cursor'), []],
    ['a fractional integer', (p: Page) => Object.assign(p, { limit: 1.5 }), ['limit']],
  ])('rejects %s, as zod does, with a ZodError at its path', (_name, spoil, path) => {
    const answer = page();
    spoil(answer);
    expect(() => DatasetPage.parse(answer)).toThrow(z.ZodError);
    expect(() => checked.parse(answer)).toThrow(z.ZodError);
    try {
      checked.parse(answer);
    } catch (error) {
      expect((error as z.ZodError).issues[0]?.path).toEqual(path);
    }
  });

  it('rejects a field the schema does not name (zod would drop it silently)', () => {
    const answer = page();
    Object.assign(answer.datasets[0] as object, { org_id: 'x' });
    expect(DatasetPage.parse(answer).datasets[0]).not.toHaveProperty('org_id');
    expect(() => checked.parse(answer)).toThrow(z.ZodError);
  });

  it('is the schema itself for everything but parsing: type, metadata, one wrapper per schema', () => {
    expect(checked.meta()).toEqual(DatasetPage.meta());
    expect(z.globalRegistry.get(checked)).toEqual(z.globalRegistry.get(DatasetPage));
    expect(checked.shape).toBe(DatasetPage.shape);
    expect(checked instanceof z.ZodObject).toBe(true);
    expect(checkedOutput(DatasetPage)).toBe(checked);
  });

  it('is what tRPC validates an answer with: a bad answer is a 500, a good one arrives unchanged', async () => {
    const t = initTRPC.create();
    const answers: unknown[] = [];
    const router = t.router({
      list: t.procedure.output(checked).query(() => answers.shift() as z.infer<typeof DatasetPage>),
    });
    const caller = t.createCallerFactory(router)({});
    const good = page();
    answers.push(good);
    expect(await caller.list()).toBe(good);
    const bad = page();
    Object.assign(bad, { secret: 'x' });
    answers.push(bad);
    const failure = await caller.list().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TRPCError);
    expect((failure as TRPCError).code).toBe('INTERNAL_SERVER_ERROR');
    expect((failure as TRPCError).message).toBe('Output validation failed');
    expect((failure as TRPCError).cause?.message).toContain('must NOT have additional properties');
  });
});

import { describe, expect, it } from 'vitest';
import { createAnswerCache } from './answers';

describe('createAnswerCache', () => {
  const answer = (bytes: number) => ({ orgId: 'o', version: 1, body: Buffer.alloc(bytes) });

  it('keeps answers up to its bound, dropping the least recently used first', () => {
    const cache = createAnswerCache(1);
    for (let i = 0; i < 4; i++) cache.set(`/answer/${i}`, answer(300_000));
    // 4 × 300 kB do not fit in 1 MiB: the oldest went.
    expect(cache.get('/answer/0')).toBeUndefined();
    expect(cache.get('/answer/3')).toBeDefined();
    cache.get('/answer/1');
    cache.set('/answer/4', answer(300_000));
    expect(cache.get('/answer/1')).toBeDefined();
    expect(cache.get('/answer/2')).toBeUndefined();
  });

  it('counts keys too, so many tiny answers stay within the bound', () => {
    const cache = createAnswerCache(1);
    for (let i = 0; i < 10_000; i++) cache.set(`/v1/orgs/some-org/datasets?q=${i}`, answer(10));
    const kept = Array.from({ length: 10_000 }, (_, i) =>
      cache.get(`/v1/orgs/some-org/datasets?q=${i}`),
    ).filter(Boolean);
    expect(kept.length).toBeGreaterThan(1_000);
    expect(kept.length).toBeLessThan(10_000);
  });

  it('forgets an answer on delete', () => {
    const cache = createAnswerCache(1);
    cache.set('/a', answer(1));
    cache.delete('/a');
    expect(cache.get('/a')).toBeUndefined();
  });
});

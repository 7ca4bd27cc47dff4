import { type AddressInfo, createServer } from 'node:net';
import {
  type ApiError,
  perMinuteFailedCredentialLimiter,
  perMinuteRateLimiter,
  type RateLimiter,
} from '@znyx/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from './env';
import { createLogger } from './logger';
import { connectRedis } from './redis';
import {
  bearer,
  connectTestRedis,
  createOrgWithTokens,
  redisRelay,
  startTestServer,
  uniqueRedisPrefix,
} from './test-support';

type TestRedis = Awaited<ReturnType<typeof connectTestRedis>>;

const budgetOf = (response: Response) => ({
  limit: response.headers.get('ratelimit-limit'),
  remaining: response.headers.get('ratelimit-remaining'),
  reset: response.headers.get('ratelimit-reset'),
});

describe('RateLimit-* headers on every authenticated answer', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await connectTestRedis();
  });
  afterAll(async () => {
    await redis.close();
  });

  it('counts down on 200, the kept answer, 304, 422, 403 and 404; a 429 has Retry-After; a 401 has none', async () => {
    const shared = { redis: redis.client, keyPrefix: redis.keyPrefix };
    const server = await startTestServer({ rateLimiter: perMinuteRateLimiter(7, shared) });
    try {
      const acme = await createOrgWithTokens(server.store, 'Acme');
      const other = await createOrgWithTokens(server.store, 'Other');
      const call = (path: string, headers: Record<string, string> = {}) =>
        fetch(server.url + path, { headers: { ...bearer(acme.runtime), ...headers } });
      const list = `/v1/orgs/${acme.org.id}/datasets`;

      const first = await call(list);
      expect(first.status).toBe(200);
      expect(budgetOf(first)).toEqual({ limit: '7', remaining: '6', reset: expect.stringMatching(/^\d+$/) });
      const reset = Number(budgetOf(first).reset);
      expect(reset).toBeGreaterThanOrEqual(1);
      expect(reset).toBeLessThanOrEqual(60);

      // The same URL again: served from the answer cache, before Express routes it.
      const kept = await call(list);
      expect(kept.status).toBe(200);
      expect(await kept.text()).toBe(await first.text());
      expect(budgetOf(kept).remaining).toBe('5');

      const notModified = await call(list, { 'If-None-Match': first.headers.get('etag') ?? '' });
      expect(notModified.status).toBe(304);
      expect(budgetOf(notModified).remaining).toBe('4');

      const invalid = await call(`${list}?limit=0`);
      expect(invalid.status).toBe(422);
      expect(budgetOf(invalid).remaining).toBe('3');

      const forbidden = await call(`/v1/orgs/${other.org.id}/datasets`);
      expect(forbidden.status).toBe(403);
      expect(budgetOf(forbidden).remaining).toBe('2');

      const missing = await call(`${list}/00000000-0000-4000-8000-000000000000`);
      expect(missing.status).toBe(404);
      expect(budgetOf(missing).remaining).toBe('1');

      const me = await call('/v1/me');
      expect(me.status).toBe(200);
      expect(budgetOf(me).remaining).toBe('0');

      for (const path of [list, '/v1/me']) {
        const limited = await call(path);
        expect(limited.status).toBe(429);
        expect(budgetOf(limited)).toMatchObject({ limit: '7', remaining: '0' });
        expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(limited.headers.get('retry-after')).toBe(budgetOf(limited).reset);
      }

      const unauthenticated = await fetch(server.url + list);
      expect(unauthenticated.status).toBe(401);
      expect(budgetOf(unauthenticated)).toEqual({ limit: null, remaining: null, reset: null });
      // Another token of the org has a budget of its own.
      expect(budgetOf(await fetch(server.url + list, { headers: bearer(acme.ci) })).remaining).toBe('6');
    } finally {
      await server.close();
    }
  });

  it('sends them on /trpc calls too', async () => {
    const server = await startTestServer({ rateLimiter: perMinuteRateLimiter(5) });
    try {
      const acme = await createOrgWithTokens(server.store, 'Acme');
      const response = await fetch(`${server.url}/trpc/auth.whoami`, { headers: bearer(acme.runtime) });
      expect(response.status).toBe(200);
      expect(budgetOf(response)).toMatchObject({ limit: '5', remaining: '4' });
    } finally {
      await server.close();
    }
  });

  it('without a rate limit, sends none', async () => {
    const server = await startTestServer({});
    try {
      const acme = await createOrgWithTokens(server.store, 'Acme');
      const response = await fetch(`${server.url}/v1/me`, { headers: bearer(acme.runtime) });
      expect(response.status).toBe(200);
      expect(budgetOf(response)).toEqual({ limit: null, remaining: null, reset: null });
    } finally {
      await server.close();
    }
  });
});

describe('a budget in Redis', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await connectTestRedis();
  });
  afterAll(async () => {
    await redis.close();
  });

  it('is one budget for every limiter over it: exactly the limit passes, wherever it is spent', async () => {
    const shared = { redis: redis.client, keyPrefix: uniqueRedisPrefix() };
    // As two processes would hold them: two limiters, one Redis.
    const limiters = [perMinuteRateLimiter(30, shared), perMinuteRateLimiter(30, shared)];
    const outcomes = await Promise.allSettled(
      Array.from({ length: 45 }, (_, i) => (limiters[i % 2] as RateLimiter).consume('token-1')),
    );
    const granted = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.remaining] : []));
    expect(granted).toHaveLength(30);
    // Each unit handed out once: the remaining counts are 29 … 0, each once.
    expect([...granted].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as ApiError] : []));
    expect(refused).toHaveLength(15);
    for (const error of refused) {
      expect(error.reason).toBe('rate_limited');
      expect(error.rateBudget).toMatchObject({ limit: 30, remaining: 0 });
    }
    expect(Number(await redis.client.get(`${shared.keyPrefix}:rate:token-1`))).toBe(45);
    // Another key has a budget of its own.
    expect((await (limiters[0] as RateLimiter).consume('token-2')).remaining).toBe(29);
  });

  it('shares the failed-credential budget of an address', async () => {
    const shared = { redis: redis.client, keyPrefix: uniqueRedisPrefix() };
    const a = await startTestServer({ failedCredentialLimiter: perMinuteFailedCredentialLimiter(3, shared) });
    const b = await startTestServer({ failedCredentialLimiter: perMinuteFailedCredentialLimiter(3, shared) });
    try {
      const bad = bearer(`znyx_rt_${'A'.repeat(43)}`);
      const statuses: number[] = [];
      for (const server of [a, b, a, b])
        statuses.push((await fetch(`${server.url}/v1/me`, { headers: bad })).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('Redis away', () => {
  it('unreachable from the start: the server serves with per-process budgets and says so once', async () => {
    // A port nothing listens on.
    const probe = createServer();
    const port = await new Promise<number>((resolve) =>
      probe.listen(0, '127.0.0.1', () => resolve((probe.address() as AddressInfo).port)),
    );
    await new Promise((resolve) => probe.close(resolve));
    const logLines: string[] = [];
    const redis = connectRedis(`redis://127.0.0.1:${port}`, {
      timeoutMs: 200,
      logger: createLogger('info', { write: (line: string) => void logLines.push(line) }),
    });
    const shared = { redis: redis.client, keyPrefix: uniqueRedisPrefix() };
    const server = await startTestServer({ rateLimiter: perMinuteRateLimiter(5, shared) });
    try {
      const acme = await createOrgWithTokens(server.store, 'Acme');
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) {
        statuses.push((await fetch(`${server.url}/v1/me`, { headers: bearer(acme.runtime) })).status);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      const said = logLines.map((l) => JSON.parse(l).msg as string).filter((m) => m.startsWith('redis'));
      expect(said).toEqual(['redis unreachable: rate budgets counted per process until it answers']);
      expect(logLines.join('\n')).not.toContain(String(port));
    } finally {
      await server.close();
      await redis.close();
    }
  });

  it('lost while serving: no 5xx, per-process counting, one line per change, shared again once back', async () => {
    const relay = await redisRelay();
    const redis = await connectTestRedis(relay.url);
    const shared = { redis: redis.client, keyPrefix: redis.keyPrefix };
    const server = await startTestServer({ rateLimiter: perMinuteRateLimiter(1000, shared) });
    try {
      const acme = await createOrgWithTokens(server.store, 'Acme');
      const call = () => fetch(`${server.url}/v1/me`, { headers: bearer(acme.runtime) });
      const key = `${redis.keyPrefix}:rate:${acme.runtimeId}`;
      expect((await call()).status).toBe(200);
      expect(Number(await redis.client.get(key))).toBe(1);

      await relay.cut();
      const during: Response[] = [];
      for (let i = 0; i < 20; i++) during.push(await call());
      expect(during.map((r) => r.status)).toEqual(Array(20).fill(200));
      // Counted in this process's memory meanwhile, from a whole budget.
      expect(budgetOf(during[19] as Response).remaining).toBe('980');

      await relay.restore();
      const deadline = Date.now() + 10_000;
      while (!redis.reachable() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      expect(redis.reachable()).toBe(true);
      const after = await call();
      expect(after.status).toBe(200);
      expect(budgetOf(after).remaining).toBe('998');
      expect(Number(await redis.client.get(key))).toBe(2);

      const said = redis.logLines
        .map((l) => JSON.parse(l).msg as string)
        .filter((m) => m.startsWith('redis'));
      expect(said).toEqual([
        'redis reachable: rate budgets shared by every process',
        'redis unreachable: rate budgets counted per process until it answers',
        'redis reachable: rate budgets shared by every process',
      ]);
    } finally {
      await server.close();
      await redis.close();
      await relay.close();
    }
  });
});

describe('the Redis settings', () => {
  it('take redis:// and rediss:// URLs, a key prefix and a timeout; anything else stops the start', () => {
    const env = loadEnv({ REDIS_URL: 'rediss://:secret@cache.internal:6380/2', REDIS_KEY_PREFIX: 'prod-eu' });
    expect(env).toMatchObject({
      REDIS_URL: 'rediss://:secret@cache.internal:6380/2',
      REDIS_KEY_PREFIX: 'prod-eu',
    });
    const defaults = loadEnv({});
    expect(defaults.REDIS_URL).toBeUndefined();
    expect(defaults).toMatchObject({ REDIS_KEY_PREFIX: 'znyx', REDIS_TIMEOUT_MS: 500 });
    expect(() => loadEnv({ REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(/REDIS_URL/);
    expect(() => loadEnv({ REDIS_KEY_PREFIX: 'has space' })).toThrow(/REDIS_KEY_PREFIX/);
    expect(() => loadEnv({ REDIS_TIMEOUT_MS: '0' })).toThrow(/REDIS_TIMEOUT_MS/);
  });
});

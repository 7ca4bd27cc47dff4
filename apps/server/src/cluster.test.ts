import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '@znyx/db';
import { createTestDatabase, type TestDatabase } from '@znyx/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { committedContract, describeViolation } from './openapi-contract';
import { logLines, type RunningServerProcess, startServerProcess } from './server-process';
import { bearer, connectTestRedis, createOrgWithTokens, redisRelay, uniqueRedisPrefix } from './test-support';

/**
 * Three real server processes (`node --import tsx src/main.ts`) over one PostgreSQL database and
 * one Redis, as production runs them behind a load balancer. The processes reach Redis through a
 * relay in this test process, so a test can take Redis away from them and give it back.
 */

const LIMIT = 300;

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** A request to one process; its answer is checked against openapi.json like every other test's. */
async function call(
  server: RunningServerProcess,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<Answer> {
  const response = await fetch(server.url + path, {
    method,
    headers: { ...bearer(token), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  const observed = { method, url: path, status: response.status, headers: response.headers, body: bytes };
  const result = committedContract().check(observed);
  expect(result.problems, describeViolation(observed, result)).toEqual([]);
  return {
    status: response.status,
    headers: response.headers,
    body: bytes.length > 0 ? JSON.parse(bytes.toString('utf8')) : undefined,
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `server` with `token` until it is refused; the time from `since`, in ms. */
async function refusedAfter(server: RunningServerProcess, token: string, since: number): Promise<number> {
  for (;;) {
    const answer = await call(server, 'GET', '/v1/me', token);
    if (answer.status === 401) return performance.now() - since;
    expect(answer.status).toBe(200);
    if (performance.now() - since > 5_000) throw new Error('still accepted 5 s after its revocation');
    await pause(5);
  }
}

describe('three server processes over one PostgreSQL and one Redis', () => {
  let db: TestDatabase;
  let store: Store;
  let relay: Awaited<ReturnType<typeof redisRelay>>;
  let servers: RunningServerProcess[];
  let acme: Awaited<ReturnType<typeof createOrgWithTokens>>;
  const prefix = uniqueRedisPrefix();

  beforeAll(async () => {
    // Fails loudly when Redis is not there.
    await (await connectTestRedis()).close();
    relay = await redisRelay();
    db = await createTestDatabase('postgres');
    store = await openStore(db.url, { poolSize: 2 });
    acme = await createOrgWithTokens(store, 'Cluster Acme');
    servers = await Promise.all(
      [1, 2, 3].map(() =>
        startServerProcess({
          DATABASE_URL: db.url,
          DB_POOL_SIZE: '4',
          REDIS_URL: relay.url,
          REDIS_KEY_PREFIX: prefix,
          RATE_LIMIT_PER_MINUTE: String(LIMIT),
        }),
      ),
    );
  }, 120_000);

  afterAll(async () => {
    await Promise.all((servers ?? []).map((server) => server.stop()));
    await store?.close();
    await relay?.close();
    await db?.drop();
  });

  it('a token’s 400 requests spread over the three see exactly its budget', async () => {
    const runner = await call(
      servers[0] as RunningServerProcess,
      'POST',
      `/v1/orgs/${acme.org.id}/tokens`,
      acme.admin,
      {
        kind: 'runtime',
        name: 'budget',
      },
    );
    const token = (runner.body as { token: string }).token;
    const path = `/v1/orgs/${acme.org.id}/datasets?limit=1`;
    const answers: Answer[] = [];
    // 400 requests, round-robin over the processes, 12 in flight at a time.
    let next = 0;
    await Promise.all(
      Array.from({ length: 12 }, async () => {
        for (let i = next++; i < 400; i = next++) {
          answers.push(await call(servers[i % 3] as RunningServerProcess, 'GET', path, token));
        }
      }),
    );
    const admitted = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 429);
    console.log(
      `[cluster] budget accuracy: ${admitted.length} of 400 requests over 3 processes admitted with a limit of ${LIMIT} per minute (${refused.length} × 429)`,
    );
    expect(admitted).toHaveLength(LIMIT);
    expect(refused).toHaveLength(400 - LIMIT);
    // Each unit of the one budget handed out once, whichever process spent it.
    const remaining = admitted.map((a) => Number(a.headers.get('ratelimit-remaining'))).sort((a, b) => a - b);
    expect(remaining).toEqual(Array.from({ length: LIMIT }, (_, i) => i));
    for (const answer of refused) {
      expect(answer.headers.get('ratelimit-remaining')).toBe('0');
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
  });

  it('a token revoked through one process is a 401 on the others within 1 s', async () => {
    const [first, second, third] = servers as [
      RunningServerProcess,
      RunningServerProcess,
      RunningServerProcess,
    ];
    const delays: number[] = [];
    for (let trial = 0; trial < 3; trial++) {
      const minted = await call(first, 'POST', `/v1/orgs/${acme.org.id}/tokens`, acme.admin, { kind: 'ci' });
      const { id, token } = minted.body as { id: string; token: string };
      // Each process has just looked the token up (and may keep it), the worst case for a cache.
      for (const server of [first, second, third])
        expect((await call(server, 'GET', '/v1/me', token)).status).toBe(200);
      const revoked = await call(first, 'DELETE', `/v1/orgs/${acme.org.id}/tokens/${id}`, acme.admin);
      expect(revoked.status).toBe(200);
      const at = performance.now();
      expect((await call(first, 'GET', '/v1/me', token)).status).toBe(401);
      const [onSecond, onThird] = await Promise.all([
        refusedAfter(second, token, at),
        refusedAfter(third, token, at),
      ]);
      delays.push(onSecond, onThird);
    }
    const worst = Math.max(...delays);
    console.log(
      `[cluster] revocation delay on the other processes: ${delays.map((d) => d.toFixed(0)).join(', ')} ms (worst ${worst.toFixed(0)} ms; the revoking process: at once)`,
    );
    expect(worst).toBeLessThan(1_000);
  });

  it('a dataset created through one process is listed by the others at once', async () => {
    const [first, second, third] = servers as [
      RunningServerProcess,
      RunningServerProcess,
      RunningServerProcess,
    ];
    const path = `/v1/orgs/${acme.org.id}/datasets?source=customer`;
    // The others answer (and keep) the list before the dataset exists.
    for (const server of [second, third]) {
      const before = await call(server, 'GET', path, acme.admin);
      expect((before.body as { total: number }).total).toBe(0);
    }
    const created = await call(first, 'POST', `/v1/orgs/${acme.org.id}/datasets`, acme.admin, {
      name: 'Made on the first process',
      samples: [{ input: 'hello' }],
    });
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    for (const server of [second, third]) {
      const after = await call(server, 'GET', path, acme.admin);
      expect(after.status).toBe(200);
      expect((after.body as { datasets: { id: string }[] }).datasets.map((d) => d.id)).toEqual([id]);
      expect((await call(server, 'GET', `/v1/orgs/${acme.org.id}/datasets/${id}`, acme.admin)).status).toBe(
        200,
      );
    }
  });

  it('Redis going away leaves them serving (no 5xx), each says so once, and back they share again', async () => {
    const minted = await call(
      servers[0] as RunningServerProcess,
      'POST',
      `/v1/orgs/${acme.org.id}/tokens`,
      acme.admin,
      {
        kind: 'runtime',
      },
    );
    const token = (minted.body as { token: string }).token;
    const path = `/v1/orgs/${acme.org.id}/datasets?limit=1`;
    await relay.cut();
    const during: Answer[] = [];
    for (let i = 0; i < 30; i++)
      during.push(await call(servers[i % 3] as RunningServerProcess, 'GET', path, token));
    expect(during.map((a) => a.status)).toEqual(Array(30).fill(200));
    // Each process counts alone meanwhile: 10 calls each.
    expect(during.slice(-3).map((a) => a.headers.get('ratelimit-remaining'))).toEqual(['290', '290', '290']);

    await relay.restore();
    const said = (server: RunningServerProcess) =>
      logLines(server)
        .map((line) => line.msg ?? '')
        .filter((msg) => msg.startsWith('redis '));
    const deadline = Date.now() + 15_000;
    while (servers.some((s) => said(s).length < 3) && Date.now() < deadline) await pause(50);
    for (const server of servers) {
      expect(said(server)).toEqual([
        'redis reachable: rate budgets shared by every process',
        'redis unreachable: rate budgets counted per process until it answers',
        'redis reachable: rate budgets shared by every process',
      ]);
    }
    // Shared again: the Redis count (taken before the outage: none) goes on from the three processes.
    const again = [];
    for (let i = 0; i < 3; i++)
      again.push(await call(servers[i] as RunningServerProcess, 'GET', path, token));
    expect(again.map((a) => a.headers.get('ratelimit-remaining'))).toEqual([
      String(LIMIT - 1),
      String(LIMIT - 2),
      String(LIMIT - 3),
    ]);
  });

  it('kill -9 of one leaves the others serving, with the budget still shared', async () => {
    const [first, second, third] = servers as [
      RunningServerProcess,
      RunningServerProcess,
      RunningServerProcess,
    ];
    const exit = await first.kill();
    expect(exit.signal).toBe('SIGKILL');
    const minted = await call(second, 'POST', `/v1/orgs/${acme.org.id}/tokens`, acme.admin, {
      kind: 'runtime',
    });
    const token = (minted.body as { token: string }).token;
    const path = `/v1/orgs/${acme.org.id}/datasets?limit=1`;
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await call(i % 2 ? third : second, 'GET', path, token));
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(200));
    expect(answers.map((a) => Number(a.headers.get('ratelimit-remaining')))).toEqual(
      Array.from({ length: 6 }, (_, i) => LIMIT - 1 - i),
    );
    for (const server of [second, third]) {
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    }
    expect(second.alive() && third.alive()).toBe(true);
  });
});

describe('two server processes over one SQLite file', () => {
  let dir: string;
  let servers: RunningServerProcess[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'znyx-cluster-'));
  });
  afterAll(async () => {
    await Promise.all((servers ?? []).map((server) => server.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('a token revoked through one is a 401 on the other within 1 s', async () => {
    const url = join(dir, 'shared.db');
    const store = await openStore(url);
    const acme = await createOrgWithTokens(store, 'Shared File');
    await store.close();
    servers = await Promise.all([1, 2].map(() => startServerProcess({ DATABASE_URL: url })));
    const [first, second] = servers as [RunningServerProcess, RunningServerProcess];
    expect((await call(second, 'GET', '/v1/me', acme.runtime)).status).toBe(200);
    const revoked = await call(
      first,
      'DELETE',
      `/v1/orgs/${acme.org.id}/tokens/${acme.runtimeId}`,
      acme.admin,
    );
    expect(revoked.status).toBe(200);
    const delay = await refusedAfter(second, acme.runtime, performance.now());
    console.log(`[cluster] SQLite: revocation delay on the other process: ${delay.toFixed(0)} ms`);
    expect(delay).toBeLessThan(1_000);
  });
});

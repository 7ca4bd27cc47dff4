import { spawn } from 'node:child_process';
import { createServer, type Server as NetServer, type Socket, connect as tcpConnect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createAnswerCache } from '@znyx/api';
import { openStore } from '@znyx/db';
import { createTestDatabase, type TestDatabase } from '@znyx/db/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from './logger';
import { type RunningServer, startServer } from './server';
import { type RunningServerProcess, startServerProcess } from './server-process';
import { bearer, collectOutput, createOrgWithTokens, startTestServer } from './test-support';

/**
 * The database in trouble under a running server: PostgreSQL going away and coming back (through
 * a real TCP proxy in this process: stopping it refuses new connections and cuts every open one,
 * as a restart or a network partition would), PostgreSQL terminating a real server process's
 * backends (a restart or failover), and another process holding SQLite's write lock.
 */

const POSTGRES_HOST = '127.0.0.1';
const POSTGRES_PORT = 5432;
const UNAVAILABLE = { detail: 'Database unavailable; retry shortly' };
const DRIVER_WORDS = /ECONNREFUSED|ECONNRESET|terminated|timeout|127\.0\.0\.1|5432|stack|pg-store|\.ts\b/i;

interface TcpProxy {
  /** The port it listens on; the same across stop() and start(). */
  readonly port: number;
  /** Listens (again) on the same port. */
  start(): Promise<void>;
  /** Stops listening and destroys every open connection, both sides. */
  stop(): Promise<void>;
  /** Keeps every connection open but forwards nothing more, and holds new ones silent. */
  freeze(): void;
}

async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let frozen = false;
  let port = 0;
  let listener: NetServer | undefined;

  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const onConnection = (client: Socket) => {
    track(client);
    if (frozen) return;
    const upstream = tcpConnect(targetPort, targetHost);
    track(upstream);
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', cut).on('close', cut);
    upstream.on('error', cut).on('close', cut);
    client.pipe(upstream);
    upstream.pipe(client);
  };

  const proxy: TcpProxy = {
    get port() {
      return port;
    },
    start() {
      return new Promise<void>((resolve, reject) => {
        const server = createServer(onConnection);
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          port = (server.address() as { port: number }).port;
          listener = server;
          resolve();
        });
      });
    },
    freeze() {
      frozen = true;
      for (const socket of sockets) {
        socket.unpipe();
        socket.pause();
      }
    },
    stop() {
      frozen = false;
      const server = listener;
      listener = undefined;
      return new Promise<void>((resolve) => {
        if (!server) return resolve();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
  await proxy.start();
  return proxy;
}

let proxy: TcpProxy;
let db: TestDatabase;
let running: RunningServer;
let tokens: Awaited<ReturnType<typeof createOrgWithTokens>>;

beforeAll(async () => {
  proxy = await startTcpProxy(POSTGRES_HOST, POSTGRES_PORT);
  db = await createTestDatabase('postgres');
  const throughProxy = new URL(db.url);
  throughProxy.port = String(proxy.port);
  const store = await openStore(throughProxy.toString(), {
    connectTimeoutMs: 500,
    statementTimeoutMs: 2000,
    poolSize: 3,
  });
  const logger = createLogger('silent');
  // With the answer cache on, as in production: a kept answer meets the fault too.
  running = await startServer({ store, logger, host: '127.0.0.1', port: 0, answers: createAnswerCache(8) });
  tokens = await createOrgWithTokens(store, 'Faulty');
});

afterAll(async () => {
  await proxy?.start().catch(() => undefined);
  await running?.close(1000);
  await proxy?.stop();
  await db?.drop();
});

const listPath = () => `/v1/orgs/${tokens.org.id}/datasets`;
/** Listed once while the database answers, so its answer is kept when the fault comes. */
const keptListPath = () => `${listPath()}?limit=7`;
const trpcListPath = () =>
  `/trpc/datasets.list?input=${encodeURIComponent(JSON.stringify({ org_id: tokens.org.id }))}`;

async function timedGet(path: string, headers: Record<string, string> = {}) {
  const started = performance.now();
  const res = await fetch(running.url + path, { headers });
  const text = await res.text();
  const elapsedMs = performance.now() - started;
  return {
    status: res.status,
    headers: res.headers,
    text,
    body: text ? JSON.parse(text) : undefined,
    elapsedMs,
  };
}

/** 503 with the documented body and Retry-After, well within 2 s, and no driver words. */
async function expectUnavailable(path: string, headers: Record<string, string>) {
  const res = await timedGet(path, headers);
  expect(res.status, res.text).toBe(503);
  expect(res.body).toEqual(UNAVAILABLE);
  expect(res.headers.get('retry-after')).toBe('1');
  expect(res.text).not.toMatch(DRIVER_WORDS);
  expect(res.elapsedMs).toBeLessThan(2000);
}

describe('PostgreSQL behind a TCP proxy', () => {
  it('answers normally while the proxy is up', async () => {
    const list = await timedGet(listPath(), bearer(tokens.runtime));
    expect(list.status, list.text).toBe(200);
    expect(list.body.total).toBe(6);
    expect((await timedGet(keptListPath(), bearer(tokens.runtime))).status).toBe(200);
    expect((await timedGet('/readyz')).status).toBe(200);
  });

  describe('with the proxy stopped', () => {
    beforeAll(async () => {
      await proxy.stop();
    });

    it('answers List Datasets with a quick 503 and Retry-After, every time', async () => {
      // A URL never answered, so no kept answer stands in for the procedure.
      for (let i = 0; i < 5; i++) await expectUnavailable(`${listPath()}?limit=3`, bearer(tokens.runtime));
    });

    it('answers a List whose answer is kept with the same 503: the kept answer needs the database too', async () => {
      for (let i = 0; i < 3; i++) await expectUnavailable(keptListPath(), bearer(tokens.runtime));
    });

    it('gives tRPC callers HTTP 503 with SERVICE_UNAVAILABLE', async () => {
      const res = await timedGet(trpcListPath(), bearer(tokens.runtime));
      expect(res.status, res.text).toBe(503);
      expect(res.body.error.data).toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        httpStatus: 503,
        detail: UNAVAILABLE.detail,
      });
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.text).not.toMatch(DRIVER_WORDS);
      expect(res.elapsedMs).toBeLessThan(2000);
    });

    it('answers 503, not 401, when the token cannot be checked', async () => {
      // A well-formed token needs the database to be judged: valid or not, it cannot be told apart now.
      await expectUnavailable(listPath(), bearer(tokens.admin));
      await expectUnavailable(listPath(), { 'X-API-Key': tokens.ci });
      await expectUnavailable(listPath(), bearer(`znyx_rt_${'x'.repeat(43)}`));
      // A malformed credential needs no database: still a 401.
      expect((await timedGet(listPath(), bearer('not-a-token'))).status).toBe(401);
      expect((await timedGet(listPath())).status).toBe(401);
    });

    it('reports /readyz 503 quickly, while /healthz stays 200', async () => {
      const ready = await timedGet('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body).toEqual({ detail: 'Database unavailable' });
      expect(ready.elapsedMs).toBeLessThan(2000);
      const health = await timedGet('/healthz');
      expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });
    });
  });

  describe('after the proxy comes back', () => {
    beforeAll(async () => {
      await proxy.start();
    });

    it('recovers without a restart: List Datasets 200 within a few seconds, /readyz 200', async () => {
      const deadline = Date.now() + 5000;
      let last = await timedGet(listPath(), bearer(tokens.runtime));
      while (last.status !== 200 && Date.now() < deadline) {
        expect(last.status, last.text).toBe(503);
        await new Promise((resolve) => setTimeout(resolve, 100));
        last = await timedGet(listPath(), bearer(tokens.runtime));
      }
      expect(last.status, last.text).toBe(200);
      expect(last.body.total).toBe(6);
      expect((await timedGet('/readyz')).status).toBe(200);
    });
  });
});

describe('PostgreSQL that stops answering', () => {
  it('answers 503 within the timeouts when connections go silent (a partition, not a refusal)', async () => {
    // Fresh pooled connections through the proxy, then silence in both directions: queries
    // on open connections get no reply, and new connections get no handshake.
    expect((await timedGet(listPath(), bearer(tokens.runtime))).status).toBe(200);
    proxy.freeze();
    try {
      for (let i = 0; i < 3; i++) {
        const res = await timedGet(listPath(), bearer(tokens.runtime));
        expect(res.status, res.text).toBe(503);
        expect(res.body).toEqual(UNAVAILABLE);
        // statement timeout 2 s + the client-side margin, or the 500 ms connect timeout
        expect(res.elapsedMs).toBeLessThan(4500);
      }
    } finally {
      await proxy.stop();
      await proxy.start();
    }
    const deadline = Date.now() + 5000;
    let last = await timedGet(listPath(), bearer(tokens.runtime));
    while (last.status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      last = await timedGet(listPath(), bearer(tokens.runtime));
    }
    expect(last.status, last.text).toBe(200);
  });

  it('answers 503 when a statement runs into the statement timeout (a table locked by a migration)', async () => {
    const store = await openStore(db.url, { statementTimeoutMs: 300, poolSize: 2 });
    const server = await startServer({ store, logger: createLogger('silent'), host: '127.0.0.1', port: 0 });
    try {
      expect((await fetch(server.url + listPath(), { headers: bearer(tokens.runtime) })).status).toBe(200);
      await db.query('BEGIN');
      await db.query('LOCK TABLE datasets IN ACCESS EXCLUSIVE MODE');
      const started = performance.now();
      const res = await fetch(server.url + listPath(), { headers: bearer(tokens.runtime) });
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual(UNAVAILABLE);
      expect(performance.now() - started).toBeLessThan(2000);
    } finally {
      await db.query('ROLLBACK');
    }
    try {
      expect((await fetch(server.url + listPath(), { headers: bearer(tokens.runtime) })).status).toBe(200);
    } finally {
      await server.close(1000);
    }
  });
});

const SERVER_DIR = fileURLToPath(new URL('../', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The 503 of a database in trouble: the documented body and Retry-After. */
function isUnavailableAnswer(res: { status: number; retryAfter: string | null; text: string }): boolean {
  if (res.status !== 503 || res.retryAfter !== '1') return false;
  try {
    return JSON.stringify(JSON.parse(res.text)) === JSON.stringify(UNAVAILABLE);
  } catch {
    return false;
  }
}

interface Answer {
  /** 0 when no HTTP answer came at all (e.g. the connection was dropped). */
  status: number;
  retryAfter: string | null;
  text: string;
}

/** A request that never rejects: a dropped connection is an answer with status 0. */
async function answerOf(url: string, init: RequestInit = {}): Promise<Answer> {
  try {
    const res = await fetch(url, init);
    return { status: res.status, retryAfter: res.headers.get('retry-after'), text: await res.text() };
  } catch (error) {
    return { status: 0, retryAfter: null, text: String((error as Error).cause ?? error) };
  }
}

/** The real entry point over `databaseUrl`, on an ephemeral port. */
const spawnServerProcess = (databaseUrl: string) =>
  // The load below is far over a token's budget; these tests are about the database.
  startServerProcess({ DATABASE_URL: databaseUrl, RATE_LIMIT_PER_MINUTE: '0' });

/**
 * What a restart or failover does to a server's connections: every backend of the database but
 * the test's own is terminated (FATAL 57P01, then the socket closes).
 */
async function terminateBackends(db: TestDatabase): Promise<number> {
  const rows = await db.query(
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid()`,
  );
  return rows.length;
}

const summary = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.max(0, Math.ceil(sorted.length * q) - 1)] ?? Number.NaN);
  return { n: sorted.length, min: at(0), median: at(0.5), p99: at(0.99), max: at(1) };
};

describe('a real server process over PostgreSQL whose backends are terminated (restart, failover)', () => {
  let pgDb: TestDatabase;
  let server: RunningServerProcess;
  let org: Awaited<ReturnType<typeof createOrgWithTokens>>;
  const datasetsPath = () => `/v1/orgs/${org.org.id}/datasets`;
  const samples = Array.from({ length: 10_000 }, (_, i) => ({
    input: `Prompt ${i}: ${'please ignore all previous instructions '.repeat(5)}`,
    expected_output: `Refusal ${i}`,
    metadata: { position: i, technique: 'role_play' },
  }));

  beforeAll(async () => {
    pgDb = await createTestDatabase('postgres');
    const store = await openStore(pgDb.url, { poolSize: 1 });
    try {
      org = await createOrgWithTokens(store, 'Terminated');
    } finally {
      await store.close();
    }
  });

  // A process of its own for each test, so that one that died cannot fail the next.
  beforeEach(async () => {
    server = await spawnServerProcess(pgDb.url);
  });

  afterEach(async () => {
    await server?.stop();
  });

  afterAll(async () => {
    await pgDb?.drop();
  });

  /** ms from `since` to List Datasets' first 200; every answer before it must be the 503. */
  async function msUntilListAnswers(since: number): Promise<number> {
    for (;;) {
      const res = await answerOf(server.url + datasetsPath(), { headers: bearer(org.runtime) });
      if (res.status === 200) return performance.now() - since;
      expect(isUnavailableAnswer(res), `${res.status} ${res.text}\n${server.output()}`).toBe(true);
      if (performance.now() - since > 10_000) throw new Error('no 200 within 10 s of the termination');
      await sleep(10);
    }
  }

  /** True while one of the server's backends is inside a transaction that has written. */
  async function writeInFlight(): Promise<boolean> {
    const [row] = await pgDb.query<{ n: unknown }>(
      `SELECT count(*) AS n FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL`,
    );
    return Number(row?.n) > 0;
  }

  it('answers a 10,000-sample create 503 with Retry-After, writes all or nothing, and serves 200 right after: 10 of 10', async () => {
    const recoveries: number[] = [];
    const answers: number[] = [];
    const statuses: number[] = [];
    for (let round = 0; round < 10; round += 1) {
      let landed = false;
      for (let attempt = 0; attempt < 5 && !landed; attempt += 1) {
        const name = `Big ${round}.${attempt}`;
        let settled = false;
        const created = answerOf(server.url + datasetsPath(), {
          method: 'POST',
          headers: { ...bearer(org.ci), 'Content-Type': 'application/json' },
          body: JSON.stringify({ name, samples }),
        }).finally(() => {
          settled = true;
        });
        // Terminate once the create's transaction has written its first rows, so it lands mid-create.
        let terminatedAt: number | undefined;
        while (!settled && terminatedAt === undefined) {
          if (await writeInFlight()) {
            terminatedAt = performance.now();
            await terminateBackends(pgDb);
          } else {
            await sleep(5);
          }
        }
        const res = await created;
        expect([201, 503], `${res.status} ${res.text}\n${server.output()}`).toContain(res.status);
        if (res.status === 503) expect(isUnavailableAnswer(res), res.text).toBe(true);
        const stored = await pgDb.query<{ samples: unknown }>(
          `SELECT (SELECT count(*) FROM dataset_samples s WHERE s.dataset_id = d.id) AS samples
             FROM datasets d WHERE d.org_id = ? AND d.name = ?`,
          [org.org.id, name],
        );
        expect(stored.length).toBeLessThanOrEqual(1);
        if (res.status === 201) expect(stored).toHaveLength(1);
        for (const row of stored) expect(Number(row.samples)).toBe(10_000);
        expect(server.alive(), server.output()).toBe(true);
        if (terminatedAt !== undefined) {
          landed = true;
          statuses.push(res.status);
          answers.push(performance.now() - terminatedAt);
          recoveries.push(await msUntilListAnswers(terminatedAt));
        }
      }
      expect(landed, `round ${round}: no termination landed mid-create in 5 attempts`).toBe(true);
    }
    console.log(
      `PostgreSQL backends terminated mid-create, 10 rounds: answers ${JSON.stringify(statuses)}; ` +
        `process alive: ${server.alive() ? 'yes' : 'no'}; ms from termination to the create's answer: ` +
        `${JSON.stringify(summary(answers))}, to the first 200 of List: ${JSON.stringify(summary(recoveries))}`,
    );
    expect(statuses.filter((status) => status === 503).length).toBeGreaterThan(0);
    expect(server.alive()).toBe(true);
  }, 180_000);

  it('under List load answers only 200 or 503 with Retry-After while backends are terminated: 10 rounds', async () => {
    const counts = { ok: 0, unavailable: 0 };
    const unexpected: string[] = [];
    let stop = false;
    const loop = async () => {
      while (!stop) {
        const res = await answerOf(server.url + datasetsPath(), { headers: bearer(org.runtime) });
        if (res.status === 200) counts.ok += 1;
        else if (isUnavailableAnswer(res)) counts.unavailable += 1;
        else {
          unexpected.push(`${res.status} ${res.text.slice(0, 200)}`);
          await sleep(50);
        }
      }
    };
    const loops = Array.from({ length: 4 }, loop);
    let recoveryMs: number;
    let terminated = 0;
    try {
      let lastTermination = 0;
      for (let round = 0; round < 10; round += 1) {
        await sleep(300);
        lastTermination = performance.now();
        terminated += await terminateBackends(pgDb);
      }
      recoveryMs = await msUntilListAnswers(lastTermination);
    } finally {
      stop = true;
      await Promise.all(loops);
    }
    console.log(
      `PostgreSQL backends terminated under List load, 10 rounds (${terminated} backends): ` +
        `${counts.ok} × 200, ${counts.unavailable} × 503, ${unexpected.length} other; ` +
        `process alive: ${server.alive() ? 'yes' : 'no'}; ms from the last termination to a 200: ${Math.round(recoveryMs)}`,
    );
    expect(unexpected, server.output()).toEqual([]);
    expect(counts.ok).toBeGreaterThan(0);
    expect(server.alive()).toBe(true);
  }, 60_000);
});

/**
 * A separate node process that takes SQLite's write lock on `path` (BEGIN IMMEDIATE) and holds it
 * for `holdMs` on its own clock (or until this process goes away and its stdin closes).
 * Resolves once the lock is held, to a promise of the holder's exit.
 */
async function holdSqliteWriteLock(path: string, holdMs: number): Promise<{ released: Promise<void> }> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.exec('BEGIN IMMEDIATE');
    process.stdout.write('locked\\n');
    const release = () => { if (db.open) { db.exec('COMMIT'); db.close(); } process.exit(0); };
    setTimeout(release, Number(process.argv[2]));
    process.stdin.on('end', release).resume();`;
  const child = spawn(process.execPath, ['-e', script, path, String(holdMs)], { cwd: SERVER_DIR });
  const { stdout, stderr } = collectOutput(child);
  const released = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  while (!stdout().includes('locked')) {
    if (child.exitCode !== null) throw new Error(`the lock holder exited: ${stderr()}`);
    await sleep(10);
  }
  return { released };
}

describe('SQLite with its write lock held by another process', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let org: Awaited<ReturnType<typeof createOrgWithTokens>>;
  const datasetsPath = () => `/v1/orgs/${org.org.id}/datasets`;

  beforeAll(async () => {
    server = await startTestServer({ engine: 'sqlite' });
    org = await createOrgWithTokens(server.store, 'Locked Out');
  });

  afterAll(async () => {
    await server?.close();
  });

  const create = (name: string) =>
    answerOf(server.url + datasetsPath(), {
      method: 'POST',
      headers: { ...bearer(org.ci), 'Content-Type': 'application/json' },
      body: JSON.stringify({ name, samples: [{ input: 'a prompt' }] }),
    });

  /** Times /healthz, /readyz and List Datasets in turn until `done()`; each must answer 200. */
  async function probeUntil(done: () => boolean): Promise<number[]> {
    const paths = ['/healthz', '/readyz', datasetsPath()];
    const latencies: number[] = [];
    for (let i = 0; !done(); i += 1) {
      const started = performance.now();
      const res = await answerOf(server.url + paths[i % paths.length], { headers: bearer(org.runtime) });
      latencies.push(performance.now() - started);
      expect(res.status, res.text).toBe(200);
      await sleep(10);
    }
    return latencies;
  }

  /** A create while the lock is held `holdMs`; health checks and reads timed meanwhile. */
  async function createWhileLocked(name: string, holdMs: number) {
    const { released } = await holdSqliteWriteLock(server.db.url, holdMs);
    const started = performance.now();
    let createMs = 0;
    const created = create(name).finally(() => {
      createMs = performance.now() - started;
    });
    const latencies = await probeUntil(() => createMs > 0);
    const res = await created;
    await released;
    return { res, createMs, probes: summary(latencies) };
  }

  it('lets a create wait for a lock released after 1 s without blocking health checks or reads, then 201', async () => {
    const { res, createMs, probes } = await createWhileLocked('Waited For The Lock', 1_000);
    console.log(
      `SQLite locked 1 s: create ${res.status} after ${Math.round(createMs)} ms; ` +
        `/healthz, /readyz, List meanwhile (ms): ${JSON.stringify(probes)}`,
    );
    expect(res.status, res.text).toBe(201);
    expect(createMs).toBeGreaterThan(900);
    expect(probes.n).toBeGreaterThan(10);
    expect(probes.p99).toBeLessThan(100);
  });

  it('answers a create 503 with Retry-After after 5 s when the lock is held 7 s, never blocking the rest', async () => {
    const { res, createMs, probes } = await createWhileLocked('Never Got The Lock', 7_000);
    console.log(
      `SQLite locked 7 s: create ${res.status} after ${Math.round(createMs)} ms; ` +
        `/healthz, /readyz, List meanwhile (ms): ${JSON.stringify(probes)}`,
    );
    expect(isUnavailableAnswer(res), `${res.status} ${res.text}`).toBe(true);
    expect(createMs).toBeGreaterThan(4_500);
    expect(createMs).toBeLessThan(6_500);
    expect(probes.p99).toBeLessThan(100);
    // Nothing was written, and once the lock is gone the same create succeeds.
    expect(await server.db.query('SELECT id FROM datasets WHERE name = ?', ['Never Got The Lock'])).toEqual(
      [],
    );
    const retried = await create('Never Got The Lock');
    expect(retried.status, retried.text).toBe(201);
  }, 30_000);
});

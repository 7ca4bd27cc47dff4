import { createServer, type Server as NetServer, type Socket, connect as tcpConnect } from 'node:net';
import { openStore } from '@znyx/db';
import { createTestDatabase, type TestDatabase } from '@znyx/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from './logger';
import { type RunningServer, startServer } from './server';
import { bearer, createOrgWithTokens } from './test-support';

/**
 * PostgreSQL going away under a running server, and coming back. The store connects through a
 * real TCP proxy in this process; stopping the proxy refuses new connections and cuts every
 * open one, as a database restart or a network partition would.
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
  running = await startServer({ store, logger, host: '127.0.0.1', port: 0 });
  tokens = await createOrgWithTokens(store, 'Faulty');
});

afterAll(async () => {
  await proxy?.start().catch(() => undefined);
  await running?.close(1000);
  await proxy?.stop();
  await db?.drop();
});

const listPath = () => `/v1/orgs/${tokens.org.id}/datasets`;
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
    expect((await timedGet('/readyz')).status).toBe(200);
  });

  describe('with the proxy stopped', () => {
    beforeAll(async () => {
      await proxy.stop();
    });

    it('answers List Datasets with a quick 503 and Retry-After, every time', async () => {
      for (let i = 0; i < 5; i++) await expectUnavailable(listPath(), bearer(tokens.runtime));
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

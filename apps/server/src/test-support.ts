import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { type AddressInfo, createServer, type Server, Socket } from 'node:net';
import {
  createAnswerCache,
  createOrgWithAdminToken,
  type Dataset,
  type FailedCredentialLimiter,
  issueToken,
  type RateLimiter,
} from '@znyx/api';
import { openStore, type Store, type StoreOptions } from '@znyx/db';
import { createTestDatabase, type TestEngine } from '@znyx/db/testing';
import { SETTING_NAMES } from './env';
import { createLogger } from './logger';
import { connectRedis, type SharedRedis } from './redis';
import { recordResponses, responsesAreChecked } from './response-recorder';
import { startServer } from './server';

export interface TestServerOptions {
  /** Which engine the server's fresh database runs on (default SQLite). */
  engine?: TestEngine;
  rateLimiter?: RateLimiter;
  failedCredentialLimiter?: FailedCredentialLimiter;
  trustProxy?: boolean | number | string;
  /** The answer cache's bound (default 64, as in production); 0 turns it off. */
  responseCacheMb?: number;
  /** Merged over `{ poolSize: 5 }` when opening the store (pool options apply to PostgreSQL). */
  storeOptions?: StoreOptions;
  corsOrigins?: string[];
}

/**
 * A real server on an ephemeral port over a fresh database of the given engine, with its log
 * lines captured. `db` gives raw SQL on that database, behind the server's back. Every response
 * it sends is checked against openapi.json after each test (see contract-setup.ts).
 */
export async function startTestServer(options: TestServerOptions = {}) {
  if (!responsesAreChecked()) {
    throw new Error(
      "startTestServer: this package's vitest config must list '@znyx/server/contract-setup' in " +
        'test.setupFiles, so that every response is checked against openapi.json',
    );
  }
  const { engine = 'sqlite', storeOptions, responseCacheMb = 64, ...appOptions } = options;
  const db = await createTestDatabase(engine);
  let store: Store;
  try {
    store = await openStore(db.url, { poolSize: 5, ...storeOptions });
  } catch (error) {
    await db.drop();
    throw error;
  }
  const logLines: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void logLines.push(line) });
  let running: Awaited<ReturnType<typeof startServer>>;
  try {
    running = await startServer({
      ...appOptions,
      answers: responseCacheMb > 0 ? createAnswerCache(responseCacheMb) : undefined,
      store,
      logger,
      host: '127.0.0.1',
      port: 0,
    });
  } catch (error) {
    await store.close();
    await db.drop();
    throw error;
  }
  recordResponses(running.server);
  return {
    url: running.url,
    engine,
    db,
    store,
    logLines,
    /** Closes the server (which closes the store), then drops the database. */
    async close() {
      try {
        await running.close(1000);
      } finally {
        await db.drop();
      }
    },
  };
}

/** An org (samples seeded) with one token of each kind. */
export async function createOrgWithTokens(store: Store, name: string) {
  const { org, admin } = await createOrgWithAdminToken(store, name);
  const ci = await issueToken(store, { orgId: org.id, kind: 'ci' });
  const runtime = await issueToken(store, { orgId: org.id, kind: 'runtime' });
  return { org, admin: admin.token, ci: ci.token, runtime: runtime.token, runtimeId: runtime.record.id };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** This process's environment without any of the service's settings, for spawning the CLI or server. */
export function envWithoutSettings(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of SETTING_NAMES) delete env[name];
  return env;
}

/** Collects a child's stdout and stderr as they arrive. */
export function collectOutput(child: ChildProcess): { stdout: () => string; stderr: () => string } {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return { stdout: () => stdout, stderr: () => stderr };
}

/** A Dataset as the wire carries it. */
export type DatasetJson = Dataset;
export interface PageJson {
  total: number;
  limit: number;
  offset: number;
  next_cursor: string | null;
  datasets: DatasetJson[];
}

/** The Dataset's keys, in the documented order. */
export const DATASET_KEYS = [
  'id',
  'name',
  'description',
  'category',
  'trust_level',
  'source',
  'sample_count',
  'is_public',
  'created_by',
  'created_at',
  'updated_at',
];

/** The Redis tests share (CI starts it on 127.0.0.1:6379); TEST_REDIS_URL points elsewhere. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test run uses, so parallel runs over one Redis never share a budget. */
export const uniqueRedisPrefix = () => `znyx-test-${process.pid}-${randomBytes(4).toString('hex')}`;

/**
 * A client of the test Redis, connected, with its log lines captured. Throws when Redis does
 * not answer: tests that need it fail loudly rather than skip.
 */
export async function connectTestRedis(
  url = TEST_REDIS_URL,
): Promise<SharedRedis & { logLines: string[]; keyPrefix: string }> {
  const logLines: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void logLines.push(line) });
  const redis = connectRedis(url, { timeoutMs: 500, logger });
  const deadline = Date.now() + 5_000;
  while (!redis.reachable()) {
    if (Date.now() > deadline) {
      await redis.close();
      throw new Error(
        `Redis for tests is not reachable at ${url} (start it: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no; or set TEST_REDIS_URL)`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { ...redis, logLines, keyPrefix: uniqueRedisPrefix() };
}

/** A TCP relay to the test Redis on a port of its own, which a test can cut and restore. */
export async function redisRelay() {
  const target = new URL(TEST_REDIS_URL);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const relay = createServer((client) => {
        const upstream = new Socket();
        sockets.add(client).add(upstream);
        upstream.connect(Number(target.port || 6379), target.hostname);
        client.pipe(upstream).pipe(client);
        const drop = () => {
          client.destroy();
          upstream.destroy();
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
      });
      relay.once('error', reject);
      relay.listen(port, '127.0.0.1', () => {
        server = relay;
        resolve((relay.address() as AddressInfo).port);
      });
    });
  const port = await listen(0);
  const cut = async () => {
    const closed = new Promise((resolve) => server?.close(resolve));
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    await closed;
  };
  return { url: `redis://127.0.0.1:${port}`, cut, restore: () => listen(port), close: cut };
}

/**
 * Test support shared by every package's tests: a fresh, empty database of either engine,
 * plus raw SQL access to it for what a test must see or break behind the store's back.
 * Not part of the runtime API (exported as `@znyx/db/testing`).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { ListDatasetsParams } from './model';
import { openExecutor } from './open-store';
import { listStatement } from './store';

export const TEST_ENGINES = ['sqlite', 'postgres'] as const;
export type TestEngine = (typeof TEST_ENGINES)[number];

/**
 * Where test databases are created: a PostgreSQL server and a database on it to connect to
 * first. CI and this machine run PostgreSQL on 127.0.0.1:5432 with trust auth.
 */
export const TEST_POSTGRES_ADMIN_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  engine: TestEngine;
  /** A DATABASE_URL for the store, the server or the CLI. */
  url: string;
  /** Raw SQL with `?` placeholders, on a connection of its own. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Closes the raw connection and deletes the database. */
  drop(): Promise<void>;
}

/**
 * The engine's plan for List Datasets with these parameters, one line per step: what the plan
 * checks (store tests, `explain:pg`) read. Opens an executor of its own on `databaseUrl`.
 */
export async function explainListDatasets(
  databaseUrl: string,
  params: ListDatasetsParams,
): Promise<string[]> {
  const executor = await openExecutor(databaseUrl);
  try {
    const { statement, values } = listStatement(params);
    return await executor.explain(statement, values);
  } finally {
    await executor.close();
  }
}

export async function createTestDatabase(engine: TestEngine): Promise<TestDatabase> {
  return engine === 'sqlite' ? createSqliteTestDatabase() : createPostgresTestDatabase();
}

async function createSqliteTestDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'znyx-test-'));
  const path = join(dir, 'test.db');
  let connection: Database.Database | undefined;
  return {
    engine: 'sqlite',
    url: path,
    async query<T>(text: string, params: unknown[] = []) {
      connection ??= new Database(path);
      const statement = connection.prepare(text);
      if (statement.reader) return statement.all(...params) as T[];
      statement.run(...params);
      return [];
    },
    async drop() {
      connection?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function createPostgresTestDatabase(): Promise<TestDatabase> {
  const name = `znyx_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_ADMIN_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL for tests is not reachable at ${TEST_POSTGRES_ADMIN_URL} (set TEST_DATABASE_URL): ${String(error)}`,
    );
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  let connection: pg.Client | undefined;
  return {
    engine: 'postgres',
    url: url.toString(),
    async query<T>(text: string, params: unknown[] = []) {
      if (!connection) {
        connection = new pg.Client({ connectionString: url.toString() });
        await connection.connect();
      }
      let n = 0;
      const result = await connection.query(
        text.replace(/\?/g, () => `$${++n}`),
        params,
      );
      return result.rows as T[];
    },
    async drop() {
      await connection?.end();
      const cleanup = new pg.Client({ connectionString: TEST_POSTGRES_ADMIN_URL });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

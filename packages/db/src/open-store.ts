import { resolve } from 'node:path';
import type { Executor } from './executor';
import { createPgStore, openPgExecutor, type PgStoreOptions } from './pg/pg-store';
import { createSqliteStore, openSqliteExecutor, type SqliteStoreOptions } from './sqlite/sqlite-store';
import type { Store } from './store';

export type StoreOptions = PgStoreOptions & SqliteStoreOptions;

export function isPostgresUrl(databaseUrl: string): boolean {
  return /^postgres(ql)?:\/\//i.test(databaseUrl);
}

/**
 * Picks the engine from a DATABASE_URL: `postgres://…` or `postgresql://…` selects PostgreSQL
 * (pool options apply there); `file:/abs/path.db` or a plain path selects the embedded SQLite
 * file (relative paths resolve against the working directory; `lockTimeoutMs` applies there).
 */
export async function openStore(databaseUrl: string, options: StoreOptions = {}): Promise<Store> {
  if (isPostgresUrl(databaseUrl)) return createPgStore(databaseUrl, options);
  return createSqliteStore(sqlitePathFrom(databaseUrl), options);
}

/** The executor under a store, for tools that look at statements themselves (plan checks). */
export async function openExecutor(databaseUrl: string, options: StoreOptions = {}): Promise<Executor> {
  if (isPostgresUrl(databaseUrl)) return openPgExecutor(databaseUrl, options);
  return openSqliteExecutor(sqlitePathFrom(databaseUrl), options);
}

export function sqlitePathFrom(databaseUrl: string): string {
  const path = databaseUrl.startsWith('file:') ? databaseUrl.slice('file:'.length) : databaseUrl;
  return path === ':memory:' ? path : resolve(path);
}

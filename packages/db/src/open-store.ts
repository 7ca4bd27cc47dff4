import { resolve } from 'node:path';
import { createSqliteStore } from './sqlite/sqlite-store';
import type { Store } from './store';

/**
 * Picks the engine from a DATABASE_URL. `file:/abs/path.db` or a plain path selects the
 * embedded SQLite file (relative paths resolve against the working directory).
 */
export function openStore(databaseUrl: string): Store {
  if (/^postgres(ql)?:\/\//i.test(databaseUrl)) {
    throw new Error('PostgreSQL is not available in this build; use a SQLite file path');
  }
  return createSqliteStore(sqlitePathFrom(databaseUrl));
}

export function sqlitePathFrom(databaseUrl: string): string {
  const path = databaseUrl.startsWith('file:') ? databaseUrl.slice('file:'.length) : databaseUrl;
  return path === ':memory:' ? path : resolve(path);
}

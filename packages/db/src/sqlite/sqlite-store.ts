import { mkdirSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { isBusy, openError } from '../errors';
import type { Executor } from '../executor';
import { SQLITE_MIGRATIONS_DIR } from '../migrations-dir';
import { type CommonStoreOptions, createStoreMethods, guardedStore, type Store } from '../store';
import { createSqliteExecutor } from './sqlite-executor';

export interface SqliteStoreOptions extends CommonStoreOptions {
  /**
   * How long an operation waits for a lock another process holds (e.g. the CLI writing beside
   * the server) before it fails with StoreUnavailableError, in ms (default 5,000).
   */
  lockTimeoutMs?: number;
}

/**
 * Opens (creating if needed) the SQLite file at `path`, applies pending migrations, and returns
 * the executor over it. `:memory:` works too, for throwaway use.
 */
export function openSqliteExecutor(path: string, options: SqliteStoreOptions = {}): Executor {
  const lockTimeoutMs = options.lockTimeoutMs ?? 5_000;
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  try {
    // While opening, SQLite's own wait for a lock is fine: nothing is served yet.
    sqlite.pragma(`busy_timeout = ${lockTimeoutMs}`);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    migrate(drizzle(sqlite), { migrationsFolder: SQLITE_MIGRATIONS_DIR });
    // From here on that wait would block the event loop (better-sqlite3 is synchronous) and with
    // it every other request: a busy database fails at once, and guardedStore retries on a timer.
    sqlite.pragma('busy_timeout = 0');
    optimize(sqlite, 'optimize = 0x10002');
  } catch (error) {
    sqlite.close();
    throw openError(error);
  }
  const executor = createSqliteExecutor(
    sqlite,
    path === ':memory:'
      ? undefined
      : {
          open: () => openBulkConnection(path),
          checkpointWal: () => checkpointInWorker(path),
          lockTimeoutMs,
        },
  );
  return {
    ...executor,
    async close() {
      optimize(sqlite, 'optimize');
      await executor.close();
    },
  };
}

/** The connection bulk transactions run on (the file is migrated and in WAL mode already). */
function openBulkConnection(path: string): Database.Database {
  const sqlite = new Database(path);
  sqlite.pragma('busy_timeout = 0');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('wal_autocheckpoint = 0');
  return sqlite;
}

/** A worker thread's own connection runs a PASSIVE checkpoint (readers and writers go on meanwhile). */
const CHECKPOINT_WORKER = `
const { workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
try {
  db.pragma('busy_timeout = 5000');
  db.pragma('wal_checkpoint(PASSIVE)');
} finally {
  db.close();
}`;

function checkpointInWorker(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(CHECKPOINT_WORKER, {
      eval: true,
      workerData: { path, driver: nodeModule.createRequire(import.meta.url).resolve('better-sqlite3') },
    });
    worker.once('error', reject);
    worker.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`checkpoint worker exited ${code}`)),
    );
  });
}

/** The store over the SQLite file at `path`; an operation meeting another process's lock is retried. */
export function createSqliteStore(path: string, options: SqliteStoreOptions = {}): Store {
  const executor = openSqliteExecutor(path, options);
  return guardedStore('sqlite', createStoreMethods(executor, options), {
    retryable: isBusy,
    forMs: options.lockTimeoutMs ?? 5_000,
  });
}

/**
 * Refreshes the planner's statistics where they are stale (SQLite's advice for long-lived
 * connections). Best effort: skipped while another process holds the lock, rather than keeping
 * this one from opening or closing.
 */
function optimize(sqlite: Database.Database, pragma: 'optimize' | 'optimize = 0x10002'): void {
  try {
    sqlite.pragma(pragma);
  } catch (error) {
    if (!isBusy(error)) throw error;
  }
}

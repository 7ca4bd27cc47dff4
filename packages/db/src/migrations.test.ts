/**
 * Migrations on a database that already holds data: each one is applied to a database migrated
 * only as far as the one before it, with rows written as that older schema knew them.
 */
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { PG_MIGRATIONS_DIR, SQLITE_MIGRATIONS_DIR } from './migrations-dir';
import { openStore } from './open-store';
import { createTestDatabase, TEST_ENGINES, type TestDatabase } from './testing';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A copy of the engine's migrations folder holding only the first `count` migrations. */
function firstMigrations(dir: string, count: number): string {
  const copy = mkdtempSync(join(tmpdir(), 'znyx-migrations-'));
  cleanups.push(() => rmSync(copy, { recursive: true, force: true }));
  cpSync(dir, copy, { recursive: true });
  const journalPath = join(copy, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: unknown[] };
  writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, count) }));
  return copy;
}

async function migrateTo(db: TestDatabase, count: number): Promise<void> {
  if (db.engine === 'sqlite') {
    const sqlite = new Database(db.url);
    migrateSqlite(drizzleSqlite(sqlite), { migrationsFolder: firstMigrations(SQLITE_MIGRATIONS_DIR, count) });
    sqlite.close();
    return;
  }
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await migratePg(drizzlePg(client), { migrationsFolder: firstMigrations(PG_MIGRATIONS_DIR, count) });
  await client.end();
}

describe.each(TEST_ENGINES)('migrations over %s', (engine) => {
  it('dataset_counts: an existing org gains exact counts, and later writes keep them', async () => {
    const db = await createTestDatabase(engine);
    cleanups.push(() => db.drop());
    await migrateTo(db, 1);

    const orgId = randomUUID();
    const now = engine === 'sqlite' ? Date.now() : new Date();
    await db.query('INSERT INTO orgs (id, name, created_at) VALUES (?, ?, ?)', [orgId, 'Old Org', now]);
    const categories = ['pii', 'pii', 'toxicity', null, null, null];
    for (const [i, category] of categories.entries()) {
      await db.query(
        `INSERT INTO datasets (id, org_id, name, category, trust_level, source, sample_count, is_public,
                               created_at, updated_at)
         VALUES (?, ?, ?, ?, 'unverified', 'customer', 0, ?, ?, ?)`,
        [randomUUID(), orgId, `Old ${i}`, category, engine === 'sqlite' ? 0 : false, now, now],
      );
    }

    const store = await openStore(db.url);
    cleanups.push(() => store.close());
    const counts = async () =>
      (
        await db.query<{ source: string; category: string; n: unknown }>(
          'SELECT source, category, n FROM dataset_counts WHERE org_id = ? ORDER BY category',
          [orgId],
        )
      ).map((row) => ({ ...row, n: Number(row.n) }));
    expect(await counts()).toEqual([
      { source: 'customer', category: '', n: 3 },
      { source: 'customer', category: 'pii', n: 2 },
      { source: 'customer', category: 'toxicity', n: 1 },
    ]);
    const page = await store.listDatasets({ orgId, limit: 10, offset: 0, categories: ['pii'] });
    expect(page.total).toBe(2);

    await store.insertDatasets(orgId, [
      {
        name: 'New',
        category: 'toxicity',
        trustLevel: 'unverified',
        source: 'customer',
        isPublic: false,
        samples: [],
      },
    ]);
    expect((await counts()).find((row) => row.category === 'toxicity')?.n).toBe(2);
  });
});

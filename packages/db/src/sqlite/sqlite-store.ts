import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { and, asc, count, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { znyxSampleDatasets } from '../catalog';
import { DatasetNameTakenError, isBusy, openError } from '../errors';
import { SQLITE_MIGRATIONS_DIR } from '../migrations-dir';
import type { DatasetRecord, ListDatasetsParams, NewDataset, OrgRecord, TokenRecord } from '../model';
import * as schema from '../schema/sqlite';
import {
  buildDatasetRows,
  buildTokenRow,
  type DatasetRow,
  datasetListOrder,
  datasetListWhere,
  guardedStore,
  SAMPLE_ROWS_PER_INSERT,
  type Same,
  type SampleRow,
  type Store,
  type StoreMethods,
  type TokenRow,
  toDatasetFacets,
  toDatasetRecord,
  tokenListOrder,
  tokenRecordColumns,
  toSampleRecord,
  toTokenRecord,
} from '../store';

const { apiTokens, datasetSamples, datasets, orgs } = schema;

// Compile-time check: the SQLite table yields exactly the shared row shapes.
const datasetRowMatches: Same<typeof datasets.$inferSelect, DatasetRow> = true;
const tokenRowMatches: Same<typeof apiTokens.$inferSelect, TokenRow> = true;
const sampleRowMatches: Same<typeof datasetSamples.$inferSelect, SampleRow> = true;
void datasetRowMatches;
void tokenRowMatches;
void sampleRowMatches;

/** List Datasets' two queries: the total and the page, over the same WHERE. */
function listQueries(db: Db, params: ListDatasetsParams) {
  const where = datasetListWhere(datasets, params);
  return {
    countQuery: db.select({ n: count() }).from(datasets).where(where),
    pageQuery: db
      .select()
      .from(datasets)
      .where(where)
      .orderBy(...datasetListOrder(datasets))
      .limit(params.limit)
      .offset(params.offset),
  };
}

type Db = BetterSQLite3Database<typeof schema>;

export interface SqliteStoreOptions {
  /**
   * How long an operation waits for a lock another process holds (e.g. the CLI writing beside
   * the server) before it fails with StoreUnavailableError, in ms (default 5,000).
   */
  lockTimeoutMs?: number;
}

/**
 * Opens (creating if needed) the SQLite file at `path` and applies pending migrations.
 * `:memory:` works too, for throwaway use.
 */
export function createSqliteStore(path: string, options: SqliteStoreOptions = {}): Store {
  const lockTimeoutMs = options.lockTimeoutMs ?? 5_000;
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  let db: Db;
  try {
    // While opening, SQLite's own wait for a lock is fine: nothing is served yet.
    sqlite.pragma(`busy_timeout = ${lockTimeoutMs}`);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    db = drizzle(sqlite, { schema });
    migrate(db, { migrationsFolder: SQLITE_MIGRATIONS_DIR });
    // From here on that wait would block the event loop (better-sqlite3 is synchronous) and with
    // it every other request: a busy database fails at once, and guardedStore retries on a timer.
    sqlite.pragma('busy_timeout = 0');
    optimize(sqlite, 'optimize = 0x10002');
  } catch (error) {
    sqlite.close();
    throw openError(error);
  }

  /** Writes take the lock up front (BEGIN IMMEDIATE), so a busy database fails before any work. */
  const write = <T>(run: (tx: Db) => T): T => db.transaction(run, { behavior: 'immediate' });

  const insertDatasetsTx = (tx: Db, orgId: string, input: readonly NewDataset[]) => {
    const now = new Date();
    const created: DatasetRecord[] = [];
    for (const item of input) {
      const { dataset, samples } = buildDatasetRows(orgId, item, now);
      // No conflict target: a clash on either unique key (catalog slug, name) inserts nothing,
      // and the check below tells the two apart.
      const inserted = tx
        .insert(datasets)
        .values(dataset)
        .onConflictDoNothing()
        .returning({ id: datasets.id })
        .get();
      if (!inserted) {
        if (dataset.catalogSlug && catalogEntryExists(tx, orgId, dataset.catalogSlug)) continue;
        throw new DatasetNameTakenError(dataset.name);
      }
      for (let i = 0; i < samples.length; i += SAMPLE_ROWS_PER_INSERT) {
        tx.insert(datasetSamples)
          .values(samples.slice(i, i + SAMPLE_ROWS_PER_INSERT))
          .run();
      }
      created.push(toDatasetRecord(dataset));
    }
    return created;
  };

  const createOrgTx = (tx: Db, name: string): OrgRecord => {
    const org: OrgRecord = { id: randomUUID(), name, createdAt: new Date() };
    tx.insert(orgs).values(org).run();
    insertDatasetsTx(tx, org.id, znyxSampleDatasets());
    return org;
  };

  const catalogEntryExists = (tx: Db, orgId: string, slug: string) =>
    tx
      .select({ id: datasets.id })
      .from(datasets)
      .where(and(eq(datasets.orgId, orgId), eq(datasets.catalogSlug, slug)))
      .get() !== undefined;

  const orgColumns = { id: orgs.id, name: orgs.name, createdAt: orgs.createdAt };
  const tokenColumns = tokenRecordColumns(apiTokens);

  const methods: StoreMethods = {
    ping() {
      db.get(sql`select 1`);
    },

    close() {
      optimize(sqlite, 'optimize');
      sqlite.close();
    },

    createOrg({ name }) {
      return write((tx) => createOrgTx(tx, name));
    },

    createOrgWithToken({ name, token }) {
      return write((tx) => {
        const org = createOrgTx(tx, name);
        const row = buildTokenRow({ ...token, orgId: org.id }, org.createdAt);
        tx.insert(apiTokens).values(row).run();
        return { org, token: toTokenRecord(row) };
      });
    },

    getOrg(id) {
      return db.select(orgColumns).from(orgs).where(eq(orgs.id, id)).get() ?? null;
    },

    findOrgByName(name) {
      return (
        db.select(orgColumns).from(orgs).where(eq(orgs.name, name)).orderBy(orgs.createdAt).get() ?? null
      );
    },

    seedSampleDatasets(orgId) {
      return write((tx) => insertDatasetsTx(tx, orgId, znyxSampleDatasets())).length;
    },

    createToken(input) {
      const row = buildTokenRow(input, new Date());
      db.insert(apiTokens).values(row).run();
      return toTokenRecord(row);
    },

    findTokenByHash(tokenHash) {
      return db.select(tokenColumns).from(apiTokens).where(eq(apiTokens.tokenHash, tokenHash)).get() ?? null;
    },

    revokeToken(id) {
      return write((tx): TokenRecord | null => {
        tx.update(apiTokens)
          .set({ revokedAt: new Date() })
          .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
          .run();
        return tx.select(tokenColumns).from(apiTokens).where(eq(apiTokens.id, id)).get() ?? null;
      });
    },

    listTokens(orgId, page) {
      // One read transaction, so the total and the page come from the same snapshot.
      return db.transaction((tx) => {
        const where = eq(apiTokens.orgId, orgId);
        const total = tx.select({ n: count() }).from(apiTokens).where(where).get()?.n ?? 0;
        const tokens = tx
          .select(tokenColumns)
          .from(apiTokens)
          .where(where)
          .orderBy(...tokenListOrder(apiTokens))
          .limit(page.limit)
          .offset(page.offset)
          .all();
        return { total, tokens };
      });
    },

    listDatasets(params) {
      // One read transaction, so the total and the page come from the same snapshot.
      return db.transaction((tx) => {
        const { countQuery, pageQuery } = listQueries(tx, params);
        const total = countQuery.get()?.n ?? 0;
        return { total, datasets: pageQuery.all().map(toDatasetRecord) };
      });
    },

    datasetFacets(filters) {
      return db.transaction((tx) => {
        const total =
          tx.select({ n: count() }).from(datasets).where(datasetListWhere(datasets, filters)).get()?.n ?? 0;
        const bySource = tx
          .select({ value: datasets.source, count: count() })
          .from(datasets)
          .where(datasetListWhere(datasets, { ...filters, source: undefined }))
          .groupBy(datasets.source)
          .all();
        const byCategory = tx
          .select({ value: datasets.category, count: count() })
          .from(datasets)
          .where(datasetListWhere(datasets, { ...filters, categories: undefined }))
          .groupBy(datasets.category)
          .all();
        return toDatasetFacets(total, bySource, byCategory);
      });
    },

    explainListDatasets(params) {
      const { countQuery, pageQuery } = listQueries(db, params);
      return Object.entries({ count: countQuery, page: pageQuery }).flatMap(([label, query]) => {
        const { sql: text, params: values } = query.toSQL();
        const plan = sqlite.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...values) as { detail: string }[];
        return plan.map((step) => `${label}: ${step.detail}`);
      });
    },

    getDataset(orgId, id) {
      const row = db
        .select()
        .from(datasets)
        .where(and(eq(datasets.orgId, orgId), eq(datasets.id, id)))
        .get();
      return row ? toDatasetRecord(row) : null;
    },

    listSamples(orgId, datasetId, page) {
      return db.transaction((tx) => {
        const owner = tx
          .select({ id: datasets.id })
          .from(datasets)
          .where(and(eq(datasets.orgId, orgId), eq(datasets.id, datasetId)))
          .get();
        if (!owner) return null;
        const where = eq(datasetSamples.datasetId, datasetId);
        const total = tx.select({ n: count() }).from(datasetSamples).where(where).get()?.n ?? 0;
        const rows = tx
          .select()
          .from(datasetSamples)
          .where(where)
          .orderBy(asc(datasetSamples.position))
          .limit(page.limit)
          .offset(page.offset)
          .all();
        return { total, samples: rows.map(toSampleRecord) };
      });
    },

    listCatalogInstallations(orgId) {
      const rows = db
        .select({ slug: datasets.catalogSlug, id: datasets.id })
        .from(datasets)
        .where(and(eq(datasets.orgId, orgId), isNotNull(datasets.catalogSlug)))
        .all();
      return new Map(rows.map((row) => [row.slug as string, row.id]));
    },

    installCatalogDataset(orgId, dataset) {
      const slug = dataset.catalogSlug;
      if (!slug) throw new Error('installCatalogDataset needs a catalogSlug');
      return write((tx) => {
        const [created] = insertDatasetsTx(tx, orgId, [dataset]);
        if (created) return { dataset: created, created: true };
        const row = tx
          .select()
          .from(datasets)
          .where(and(eq(datasets.orgId, orgId), eq(datasets.catalogSlug, slug)))
          .get();
        if (!row) throw new Error(`catalog entry ${slug} vanished during install`);
        return { dataset: toDatasetRecord(row), created: false };
      });
    },

    listDatasetNames(orgId) {
      const rows = db.select({ name: datasets.name }).from(datasets).where(eq(datasets.orgId, orgId)).all();
      return rows.map((row) => row.name);
    },

    insertDatasets(orgId, input) {
      return write((tx) => insertDatasetsTx(tx, orgId, input));
    },
  };
  return guardedStore('sqlite', methods, { retryable: isBusy, forMs: lockTimeoutMs });
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

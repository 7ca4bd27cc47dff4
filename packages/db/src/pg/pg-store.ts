import { randomUUID } from 'node:crypto';
import { and, asc, count, eq, isNotNull, isNull } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type { PgTransactionConfig } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { znyxSampleDatasets } from '../catalog';
import { DatasetNameTakenError, isUnavailable, openError } from '../errors';
import { PG_MIGRATIONS_DIR } from '../migrations-dir';
import type { DatasetRecord, ListDatasetsParams, NewDataset, OrgRecord } from '../model';
import * as schema from '../schema/pg';
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

// Compile-time check: the PostgreSQL tables yield exactly the shared row shapes.
const datasetRowMatches: Same<typeof datasets.$inferSelect, DatasetRow> = true;
const tokenRowMatches: Same<typeof apiTokens.$inferSelect, TokenRow> = true;
const sampleRowMatches: Same<typeof datasetSamples.$inferSelect, SampleRow> = true;
void datasetRowMatches;
void tokenRowMatches;
void sampleRowMatches;

type Db = NodePgDatabase;
type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Held while migrating, so N processes starting together migrate exactly once. */
const MIGRATION_LOCK_KEY = 7_242_001;

export interface PgStoreOptions {
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** Server-side limit for one statement, in ms (default 5,000). */
  statementTimeoutMs?: number;
  /** How long to wait for a new connection before answering "unavailable", in ms (default 2,000). */
  connectTimeoutMs?: number;
  /** Errors of idle pooled connections (e.g. the server went away); the next query reports it too. */
  onBackgroundError?: (error: Error) => void;
}

/** Connects a pool to `url`, applies pending migrations under an advisory lock, and returns the store. */
export async function createPgStore(url: string, options: PgStoreOptions = {}): Promise<Store> {
  const statementTimeoutMs = options.statementTimeoutMs ?? 5_000;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    statement_timeout: statementTimeoutMs,
    // The client-side net for a server that stops answering altogether (a partition): the
    // server-side statement_timeout cannot fire then.
    query_timeout: statementTimeoutMs + 1_000,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 2_000,
  });
  pool.on('error', (error) => options.onBackgroundError?.(error));
  // pg-pool listens to a client's errors only while it is idle. One that fails while checked out
  // (its backend terminated mid-transaction, the migration's client too) would emit an unhandled
  // 'error' and end the process. Nothing more to do: the query in flight, or the next one, fails
  // and reports it, and the pool closes the client on release as it is no longer queryable.
  pool.on('connect', (client) => client.on('error', ignoreCheckedOutClientError));
  try {
    await migrateUnderLock(pool);
  } catch (error) {
    await pool.end();
    throw openError(error);
  }
  const db: Db = drizzle(pool);

  /**
   * drizzle's transaction on a client checked out here: drizzle's own would hand the client back
   * to the pool as healthy whatever happened. One whose connection failed or timed out, or that is
   * still inside a transaction (its ROLLBACK failed), is closed instead of reaching the next caller.
   */
  const transaction = async <T>(run: (tx: Tx) => Promise<T>, config?: PgTransactionConfig): Promise<T> => {
    const client = await pool.connect();
    try {
      const result = await drizzle(client).transaction(run, config);
      client.release();
      return result;
    } catch (error) {
      client.release(isUnavailable(error) || client.getTransactionStatus() !== 'I');
      throw error;
    }
  };
  const readSnapshot: PgTransactionConfig = { isolationLevel: 'repeatable read', accessMode: 'read only' };

  const insertDatasetsTx = async (tx: Tx, orgId: string, input: readonly NewDataset[]) => {
    const now = new Date();
    const created: DatasetRecord[] = [];
    for (const item of input) {
      const { dataset, samples } = buildDatasetRows(orgId, item, now);
      // No conflict target: a clash on either unique key (catalog slug, name), even with a
      // concurrent transaction, inserts nothing once that transaction commits; the check below
      // tells the two apart.
      const [inserted] = await tx
        .insert(datasets)
        .values(dataset)
        .onConflictDoNothing()
        .returning({ id: datasets.id });
      if (!inserted) {
        if (dataset.catalogSlug && (await catalogEntryExists(tx, orgId, dataset.catalogSlug))) continue;
        throw new DatasetNameTakenError(dataset.name);
      }
      for (let i = 0; i < samples.length; i += SAMPLE_ROWS_PER_INSERT) {
        await tx.insert(datasetSamples).values(samples.slice(i, i + SAMPLE_ROWS_PER_INSERT));
      }
      created.push(toDatasetRecord(dataset));
    }
    return created;
  };

  const createOrgTx = async (tx: Tx, name: string): Promise<OrgRecord> => {
    const org: OrgRecord = { id: randomUUID(), name, createdAt: new Date() };
    await tx.insert(orgs).values(org);
    await insertDatasetsTx(tx, org.id, znyxSampleDatasets());
    return org;
  };

  const catalogEntryExists = async (tx: Tx, orgId: string, slug: string) => {
    const [row] = await tx
      .select({ id: datasets.id })
      .from(datasets)
      .where(and(eq(datasets.orgId, orgId), eq(datasets.catalogSlug, slug)));
    return row !== undefined;
  };

  const listQueries = (q: Db | Tx, params: ListDatasetsParams) => {
    const where = datasetListWhere(datasets, params);
    return {
      countQuery: q.select({ n: count() }).from(datasets).where(where),
      pageQuery: q
        .select()
        .from(datasets)
        .where(where)
        .orderBy(...datasetListOrder(datasets))
        .limit(params.limit)
        .offset(params.offset),
    };
  };

  const orgColumns = { id: orgs.id, name: orgs.name, createdAt: orgs.createdAt };
  const tokenColumns = tokenRecordColumns(apiTokens);

  const methods: StoreMethods = {
    async ping() {
      await pool.query('select 1');
    },

    async close() {
      await pool.end();
    },

    async createOrg({ name }) {
      return transaction((tx) => createOrgTx(tx, name));
    },

    async createOrgWithToken({ name, token }) {
      return transaction(async (tx) => {
        const org = await createOrgTx(tx, name);
        const row = buildTokenRow({ ...token, orgId: org.id }, org.createdAt);
        await tx.insert(apiTokens).values(row);
        return { org, token: toTokenRecord(row) };
      });
    },

    async getOrg(id) {
      const [org] = await db.select(orgColumns).from(orgs).where(eq(orgs.id, id));
      return org ?? null;
    },

    async findOrgByName(name) {
      const [org] = await db
        .select(orgColumns)
        .from(orgs)
        .where(eq(orgs.name, name))
        .orderBy(orgs.createdAt)
        .limit(1);
      return org ?? null;
    },

    async seedSampleDatasets(orgId) {
      return (await transaction((tx) => insertDatasetsTx(tx, orgId, znyxSampleDatasets()))).length;
    },

    async createToken(input) {
      const row = buildTokenRow(input, new Date());
      await db.insert(apiTokens).values(row);
      return toTokenRecord(row);
    },

    async findTokenByHash(tokenHash) {
      const [token] = await db.select(tokenColumns).from(apiTokens).where(eq(apiTokens.tokenHash, tokenHash));
      return token ?? null;
    },

    async revokeToken(id) {
      await db
        .update(apiTokens)
        .set({ revokedAt: new Date() })
        .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)));
      const [token] = await db.select(tokenColumns).from(apiTokens).where(eq(apiTokens.id, id));
      return token ?? null;
    },

    async listTokens(orgId, page) {
      // One snapshot for the total and the page.
      return transaction(async (tx) => {
        const where = eq(apiTokens.orgId, orgId);
        const [totalRow] = await tx.select({ n: count() }).from(apiTokens).where(where);
        const tokens = await tx
          .select(tokenColumns)
          .from(apiTokens)
          .where(where)
          .orderBy(...tokenListOrder(apiTokens))
          .limit(page.limit)
          .offset(page.offset);
        return { total: totalRow?.n ?? 0, tokens };
      }, readSnapshot);
    },

    async listDatasets(params) {
      // One snapshot for the total and the page.
      return transaction(async (tx) => {
        const { countQuery, pageQuery } = listQueries(tx, params);
        const [totalRow] = await countQuery;
        const rows = await pageQuery;
        return { total: totalRow?.n ?? 0, datasets: rows.map(toDatasetRecord) };
      }, readSnapshot);
    },

    async datasetFacets(filters) {
      return transaction(async (tx) => {
        const [totalRow] = await tx
          .select({ n: count() })
          .from(datasets)
          .where(datasetListWhere(datasets, filters));
        const bySource = await tx
          .select({ value: datasets.source, count: count() })
          .from(datasets)
          .where(datasetListWhere(datasets, { ...filters, source: undefined }))
          .groupBy(datasets.source);
        const byCategory = await tx
          .select({ value: datasets.category, count: count() })
          .from(datasets)
          .where(datasetListWhere(datasets, { ...filters, categories: undefined }))
          .groupBy(datasets.category);
        return toDatasetFacets(totalRow?.n ?? 0, bySource, byCategory);
      }, readSnapshot);
    },

    async explainListDatasets(params) {
      const { countQuery, pageQuery } = listQueries(db, params);
      const lines: string[] = [];
      for (const [label, query] of Object.entries({ count: countQuery, page: pageQuery })) {
        const { sql: text, params: values } = query.toSQL();
        const result = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, values);
        lines.push(...result.rows.map((row) => `${label}: ${row['QUERY PLAN']}`));
      }
      return lines;
    },

    async getDataset(orgId, id) {
      const [row] = await db
        .select()
        .from(datasets)
        .where(and(eq(datasets.orgId, orgId), eq(datasets.id, id)));
      return row ? toDatasetRecord(row) : null;
    },

    async listSamples(orgId, datasetId, page) {
      return transaction(async (tx) => {
        const [owner] = await tx
          .select({ id: datasets.id })
          .from(datasets)
          .where(and(eq(datasets.orgId, orgId), eq(datasets.id, datasetId)));
        if (!owner) return null;
        const where = eq(datasetSamples.datasetId, datasetId);
        const [totalRow] = await tx.select({ n: count() }).from(datasetSamples).where(where);
        const rows = await tx
          .select()
          .from(datasetSamples)
          .where(where)
          .orderBy(asc(datasetSamples.position))
          .limit(page.limit)
          .offset(page.offset);
        return { total: totalRow?.n ?? 0, samples: rows.map(toSampleRecord) };
      }, readSnapshot);
    },

    async listCatalogInstallations(orgId) {
      const rows = await db
        .select({ slug: datasets.catalogSlug, id: datasets.id })
        .from(datasets)
        .where(and(eq(datasets.orgId, orgId), isNotNull(datasets.catalogSlug)));
      return new Map(rows.map((row) => [row.slug as string, row.id]));
    },

    async installCatalogDataset(orgId, dataset) {
      const slug = dataset.catalogSlug;
      if (!slug) throw new Error('installCatalogDataset needs a catalogSlug');
      return transaction(async (tx) => {
        const [created] = await insertDatasetsTx(tx, orgId, [dataset]);
        if (created) return { dataset: created, created: true };
        const [row] = await tx
          .select()
          .from(datasets)
          .where(and(eq(datasets.orgId, orgId), eq(datasets.catalogSlug, slug)));
        if (!row) throw new Error(`catalog entry ${slug} vanished during install`);
        return { dataset: toDatasetRecord(row), created: false };
      });
    },

    async listDatasetNames(orgId) {
      const rows = await db.select({ name: datasets.name }).from(datasets).where(eq(datasets.orgId, orgId));
      return rows.map((row) => row.name);
    },

    async insertDatasets(orgId, input) {
      return transaction((tx) => insertDatasetsTx(tx, orgId, input));
    },
  };
  return guardedStore('postgres', methods);
}

function ignoreCheckedOutClientError(): void {}

async function migrateUnderLock(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await migrate(drizzle(client), { migrationsFolder: PG_MIGRATIONS_DIR });
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}

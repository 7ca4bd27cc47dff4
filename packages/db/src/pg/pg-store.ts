import { Placeholder, type SQL, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { PgDialect } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { isUnavailable, openError } from '../errors';
import {
  type ColumnType,
  type Dialect,
  driveAsync,
  type Executor,
  type Statement,
  type Values,
} from '../executor';
import { PG_MIGRATIONS_DIR } from '../migrations-dir';
import { copySamples, insertSampleRows, type SampleInsertRow, sampleRowValues } from '../statements';
import { type CommonStoreOptions, createStoreMethods, guardedStore, type Store } from '../store';

/** Held while migrating, so N processes starting together migrate exactly once. */
const MIGRATION_LOCK_KEY = 7_242_001;

export interface PgStoreOptions extends CommonStoreOptions {
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** Server-side limit for one statement, in ms (default 5,000). */
  statementTimeoutMs?: number;
  /** How long to wait for a new connection before answering "unavailable", in ms (default 2,000). */
  connectTimeoutMs?: number;
  /**
   * How an import writes its rows: `copy` (COPY … FROM STDIN, the default: the faster, see
   * apps/server/bench/import-export.ts) or `insert` (prepared multi-row INSERTs).
   */
  bulkInsert?: 'copy' | 'insert';
  /** Errors of idle pooled connections (e.g. the server went away); the next query reports it too. */
  onBackgroundError?: (error: Error) => void;
}

/** PostgreSQL's spelling of what differs: timestamps are timestamptz(3). */
const dialect: Dialect = {
  engine: 'postgres',
  isoTimestamp: (column: SQL) => sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
  rowKey: sql.raw('id'),
};

/** node-postgres types what it can itself (dates, booleans, arrays, JSON); int8 arrives as text. */
const DECODERS: Partial<Record<ColumnType, (value: unknown) => unknown>> = {
  bigint: (value) => (value === null ? null : Number(value)),
};

interface Compiled {
  text: string;
  params: unknown[];
  decoders: [string, (value: unknown) => unknown][];
}

/** Connects a pool to `url`, applies pending migrations under an advisory lock, and returns the executor. */
export async function openPgExecutor(url: string, options: PgStoreOptions = {}): Promise<Executor> {
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

  const compiler = new PgDialect();
  const compiled = new Map<string, Compiled>();
  const compile = (statement: Statement<unknown>): Compiled => {
    let found = statement.name === undefined ? undefined : compiled.get(statement.name);
    if (!found) {
      const query = compiler.sqlToQuery(statement.sql(dialect));
      found = {
        text: query.sql,
        params: query.params,
        decoders: Object.entries(statement.columns ?? {}).flatMap(([column, type]) => {
          const decode = DECODERS[type as ColumnType];
          return decode ? [[column, decode] as [string, (value: unknown) => unknown]] : [];
        }),
      };
      if (statement.name !== undefined) compiled.set(statement.name, found);
    }
    return found;
  };

  /** A named statement is prepared by the server once per connection and reused after. */
  const run = async (
    client: pg.Pool | pg.PoolClient,
    statement: Statement<unknown>,
    values: Values = {},
  ): Promise<unknown[]> => {
    const { text, params, decoders } = compile(statement);
    const args = params.map((param) => {
      const value = param instanceof Placeholder ? values[param.name] : param;
      return value === undefined ? null : value;
    });
    const result = await client.query(
      statement.name === undefined ? { text, values: args } : { name: statement.name, text, values: args },
    );
    const rows = result.rows as Record<string, unknown>[];
    if (decoders.length > 0) {
      for (const row of rows) {
        for (const [column, decode] of decoders) row[column] = decode(row[column]);
      }
    }
    return rows;
  };

  const copyText = compiler.sqlToQuery(copySamples.sql(dialect)).sql;
  const insertSamples =
    options.bulkInsert === 'insert'
      ? async (client: pg.PoolClient, rows: readonly SampleInsertRow[]) => {
          for (let i = 0; i < rows.length; i += BULK_ROWS_PER_INSERT) {
            const chunk = rows.slice(i, i + BULK_ROWS_PER_INSERT);
            await run(client, insertSampleRows(chunk.length), sampleRowValues(chunk));
          }
        }
      : async (client: pg.PoolClient, rows: readonly SampleInsertRow[]) => {
          const stream = client.query(copyFrom(copyText));
          const done = new Promise<void>((resolve, reject) => {
            stream.on('finish', resolve);
            stream.on('error', reject);
          });
          stream.end(copyRows(rows));
          await done;
        };

  return {
    dialect,
    query: <Row>(statement: Statement<Row>, values?: Values) =>
      run(pool, statement, values) as Promise<Row[]>,
    bulkTransaction: (work) =>
      inTransaction(pool, 'BEGIN', (client) =>
        work({
          run: (statement, values) => run(client, statement, values) as never,
          insertSamples: (rows) => insertSamples(client, rows),
        }),
      ),
    transaction: (mode, script) =>
      inTransaction(
        pool,
        mode === 'write' ? 'BEGIN' : 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
        (client) => driveAsync(script(), (step) => run(client, step.statement, step.values)),
      ),
    async explain(statement, values = {}) {
      const { text, params } = compile({ ...statement, name: undefined });
      const args = params.map((param) => (param instanceof Placeholder ? values[param.name] : param) ?? null);
      const result = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, args);
      return result.rows.map((row) => row['QUERY PLAN']);
    },
    async close() {
      await pool.end();
    },
  };
}

export async function createPgStore(url: string, options: PgStoreOptions = {}): Promise<Store> {
  return guardedStore('postgres', createStoreMethods(await openPgExecutor(url, options), options));
}

/** Sample rows per prepared INSERT of a bulk transaction (6 values each; PostgreSQL binds up to 65,535). */
const BULK_ROWS_PER_INSERT = 1_000;

/** Rows in COPY's text format: tab-separated, `\N` for null, backslash escapes. */
function copyRows(rows: readonly SampleInsertRow[]): string {
  let text = '';
  for (const row of rows) {
    text += `${row.id}\t${row.datasetId}\t${row.position}\t${copyField(row.input)}\t${
      row.expectedOutput === null ? '\\N' : copyField(row.expectedOutput)
    }\t${row.metadata === null ? '\\N' : copyField(JSON.stringify(row.metadata))}\n`;
  }
  return text;
}

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function copyField(value: string): string {
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c] as string) : value;
}

/** `work` on one client between `begin` and COMMIT; on failure rolled back, the client closed unless clean. */
async function inTransaction<T>(
  pool: pg.Pool,
  begin: string,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    client.release();
    return result;
  } catch (error) {
    // A client whose connection failed or timed out, or that is still inside a transaction
    // (its ROLLBACK failed too), is closed rather than handed to the next caller.
    const healthy = !isUnavailable(error) && (await rollback(client));
    client.release(!healthy);
    throw error;
  }
}

async function rollback(client: pg.PoolClient): Promise<boolean> {
  try {
    await client.query('ROLLBACK');
    return client.getTransactionStatus() === 'I';
  } catch {
    return false;
  }
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

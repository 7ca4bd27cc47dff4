import type Database from 'better-sqlite3';
import { Placeholder, type SQL, sql } from 'drizzle-orm';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { isBusy } from '../errors';
import {
  type BulkSession,
  type ColumnType,
  type Dialect,
  drive,
  type Executor,
  type Statement,
  type Values,
} from '../executor';
import { insertSampleRows, sampleRowArgs } from '../statements';

/**
 * SQLite's spelling of what differs: timestamps are integer milliseconds, selected as they are
 * and formatted by the `iso` decoder (strftime and printf per row cost SQLite four times more).
 */
const dialect: Dialect = {
  engine: 'sqlite',
  isoTimestamp: (column: SQL) => column,
  rowKey: sql.raw('rowid'),
};

/** How a value travels to SQLite: it binds numbers, strings, bigints, buffers and null only. */
function encode(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'object' && !Buffer.isBuffer(value)) return JSON.stringify(value);
  return value;
}

const DECODERS: Record<ColumnType, (value: unknown) => unknown> = {
  date: (value) => (value === null ? null : new Date(value as number)),
  boolean: (value) => (value === null ? null : value === 1),
  json: (value) => (value === null ? null : JSON.parse(value as string)),
  bigint: (value) => value,
  iso: (value) => (value === null ? null : isoOf(value as number)),
};

/**
 * Timestamps formatted lately. The rows a server reads are mostly the same from one request to
 * the next, and each fresh ISO string is a dozen allocations; this keeps the last few thousand
 * (well under a MiB) and starts afresh when full.
 */
const formatted = new Map<number, string>();
const MAX_FORMATTED = 8_192;

function isoOf(ms: number): string {
  let iso = formatted.get(ms);
  if (iso === undefined) {
    iso = isoFromMs(ms);
    if (formatted.size >= MAX_FORMATTED) formatted.clear();
    formatted.set(ms, iso);
  }
  return iso;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/**
 * Milliseconds since the epoch as `YYYY-MM-DDTHH:MM:SS.mmmZ`, what Date#toISOString prints for
 * years 0–9999, with integer arithmetic only (civil-from-days, after Howard Hinnant).
 */
export function isoFromMs(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  const inDay = ms - days * 86_400_000;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const msPart = inDay % 1000;
  const seconds = Math.floor(inDay / 1000);
  return `${year < 1000 ? String(year).padStart(4, '0') : year}-${pad2(month)}-${pad2(day)}T${pad2(Math.floor(seconds / 3600))}:${pad2(
    Math.floor(seconds / 60) % 60,
  )}:${pad2(seconds % 60)}.${msPart < 10 ? `00${msPart}` : msPart < 100 ? `0${msPart}` : msPart}Z`;
}

interface Compiled {
  statement: Database.Statement;
  /** For each bound parameter, where its value comes from: a placeholder's name, or inline. */
  params: unknown[];
  /** A reader's row made from its values in column order, each column decoded (see rowMaker). */
  makeRow: ((values: unknown[]) => Record<string, unknown>) | undefined;
}

/**
 * The function that makes a statement's row object from its values, generated once per statement:
 * one object literal of its columns, so every row is created whole in one shape. Filling an
 * empty object column by column went through a megamorphic keyed store and a map transition
 * per column, and cost more than reading the rows (callgrind). The names are the statement's own
 * result columns, written into the code as JSON string literals.
 */
export function rowMaker(
  columns: { name: string; decode: ((value: unknown) => unknown) | undefined }[],
): (values: unknown[]) => Record<string, unknown> {
  const fields = columns.map(({ name, decode }, i) => {
    // In an object literal this key would set the prototype instead of making a column.
    if (name === '__proto__') throw new Error('a result column cannot be named __proto__');
    return `${JSON.stringify(name)}: ${decode ? `decoders[${i}](values[${i}])` : `values[${i}]`}`;
  });
  const decoders = columns.map((column) => column.decode);
  return new Function('decoders', `return (values) => ({ ${fields.join(', ')} });`)(decoders);
}

/** Where bulk transactions run: a second connection to the same file, opened when first needed. */
export interface SqliteBulkOptions {
  /** Opens it (with wal_autocheckpoint = 0: its commits leave the checkpoint to checkpointWal). */
  open: () => Database.Database;
  /**
   * Copies the WAL into the database file away from the event loop (a worker thread): after a
   * bulk commit the WAL holds the whole import, and checkpointing it where it was written would
   * stall every request for seconds.
   */
  checkpointWal: () => Promise<void>;
  /** How long a bulk transaction waits for another process's write lock, in ms. */
  lockTimeoutMs: number;
}

/**
 * Sample rows per INSERT of a bulk transaction. Each statement runs synchronously, so this bounds
 * how long an import holds the event loop at a time (a few ms): other requests are served
 * between two statements.
 */
const BULK_ROWS_PER_INSERT = 500;

const compiler = new SQLiteSyncDialect();

/**
 * Runs statements on one better-sqlite3 connection, synchronously. Named statements are
 * prepared once and kept; a script runs whole inside BEGIN … COMMIT with nothing in between.
 * Bulk transactions (imports) run on a second connection, so that their work, spread over many
 * turns of the event loop, is neither seen nor disturbed by the statements of other requests on
 * this one; the WAL lets this one read meanwhile.
 */
export function createSqliteExecutor(sqlite: Database.Database, bulk?: SqliteBulkOptions): Executor {
  const run = statementRunner(sqlite);
  let bulkConnection: { sqlite: Database.Database; run: ReturnType<typeof statementRunner> } | undefined;
  /** One bulk transaction at a time: they share the connection, and only one can write anyway. */
  let bulkQueue: Promise<unknown> = Promise.resolve();
  let checkpointing: Promise<void> | undefined;

  const bulkTransaction = async <T>(work: (session: BulkSession) => Promise<T>): Promise<T> => {
    if (!bulk) throw new Error('this SQLite executor has no bulk connection');
    const options = bulk;
    const turn = bulkQueue.then(async () => {
      bulkConnection ??= (() => {
        const connection = options.open();
        return { sqlite: connection, run: statementRunner(connection) };
      })();
      const { sqlite: connection, run: runBulk } = bulkConnection;
      await beginImmediate(connection, options.lockTimeoutMs);
      try {
        const session: BulkSession = {
          run: async (statement, values) => runBulk(statement, values) as never,
          insertSamples: async (rows) => {
            for (let i = 0; i < rows.length; i += BULK_ROWS_PER_INSERT) {
              const chunk = rows.slice(i, i + BULK_ROWS_PER_INSERT);
              runBulk.positional(insertSampleRows(chunk.length), sampleRowArgs(chunk));
              // Other requests' turn between two statements.
              if (i + BULK_ROWS_PER_INSERT < rows.length) await yieldToEventLoop();
            }
          },
        };
        const result = await work(session);
        connection.exec('COMMIT');
        checkpointing ??= options
          .checkpointWal()
          .catch(() => undefined)
          .finally(() => {
            checkpointing = undefined;
          });
        return result;
      } catch (error) {
        if (connection.inTransaction) connection.exec('ROLLBACK');
        throw error;
      }
    });
    bulkQueue = turn.catch(() => undefined);
    return turn;
  };

  return {
    dialect,
    query: <Row>(statement: Statement<Row>, values?: Values) => run(statement, values) as Row[],
    transaction: (mode, script) => {
      // A write takes the lock up front, so a busy database fails before any work is done.
      sqlite.exec(mode === 'write' ? 'BEGIN IMMEDIATE' : 'BEGIN');
      try {
        const result = drive(script(), (step) => run(step.statement, step.values));
        sqlite.exec('COMMIT');
        return result;
      } catch (error) {
        if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
        throw error;
      }
    },
    bulkTransaction,
    async explain(statement, values = {}) {
      const query = compiler.sqlToQuery(statement.sql(dialect));
      const args = query.params.map((param) =>
        encode(param instanceof Placeholder ? values[param.name] : param),
      );
      const plan = sqlite.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...args) as { detail: string }[];
      return plan.map((step) => step.detail);
    },
    async close() {
      await bulkQueue;
      await checkpointing;
      bulkConnection?.sqlite.close();
      sqlite.close();
    },
  };
}

/** BEGIN IMMEDIATE, waiting on a timer (never blocking the event loop) while another process writes. */
async function beginImmediate(connection: Database.Database, lockTimeoutMs: number): Promise<void> {
  const startedAt = performance.now();
  for (let pauseMs = 2; ; pauseMs = Math.min(pauseMs * 2, 50)) {
    try {
      connection.exec('BEGIN IMMEDIATE');
      return;
    } catch (error) {
      const remainingMs = lockTimeoutMs - (performance.now() - startedAt);
      if (!isBusy(error) || remainingMs <= 0) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(pauseMs, remainingMs)));
    }
  }
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs statements on one connection, each named one prepared once and kept. */
function statementRunner(sqlite: Database.Database) {
  const prepared = new Map<string, Compiled>();

  const compile = (statement: Statement<unknown>): Compiled => {
    const query = compiler.sqlToQuery(statement.sql(dialect));
    const prepared = sqlite.prepare(query.sql);
    const types = (statement.columns ?? {}) as Record<string, ColumnType | undefined>;
    return {
      // Rows as arrays, made into objects below: better-sqlite3's own objects cost a third more.
      statement: prepared.reader ? prepared.raw(true) : prepared,
      params: query.params,
      makeRow: prepared.reader
        ? rowMaker(
            prepared.columns().map(({ name }) => {
              const type = types[name];
              return { name, decode: type ? DECODERS[type] : undefined };
            }),
          )
        : undefined,
    };
  };

  const run = (statement: Statement<unknown>, values: Values = {}): unknown[] => {
    let compiled = statement.name === undefined ? undefined : prepared.get(statement.name);
    if (!compiled) {
      compiled = compile(statement);
      if (statement.name !== undefined) prepared.set(statement.name, compiled);
    }
    const args = (compiled.params as unknown[]).map((param) =>
      encode(param instanceof Placeholder ? values[param.name] : param),
    );
    const { makeRow } = compiled;
    if (!makeRow) {
      compiled.statement.run(...args);
      return [];
    }
    return (compiled.statement.all(...args) as unknown[][]).map(makeRow);
  };

  /**
   * A statement whose placeholders are all named values, bound in their order from `args`
   * (which must list them in that order); for a writer of many values at once.
   */
  const positional = (statement: Statement<unknown>, args: unknown[]): void => {
    let compiled = statement.name === undefined ? undefined : prepared.get(statement.name);
    if (!compiled) {
      compiled = compile(statement);
      if (statement.name !== undefined) prepared.set(statement.name, compiled);
    }
    for (let i = 0; i < args.length; i++) args[i] = encode(args[i]);
    compiled.statement.run(...args);
  };

  return Object.assign(run, { positional });
}

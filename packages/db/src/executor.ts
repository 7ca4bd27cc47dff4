import type { SQL } from 'drizzle-orm';
import type { SampleInsertRow } from './statements';

/**
 * The one place the engines differ: how a statement is run, how values travel, and how the few
 * SQL expressions that are spelled differently are spelled. Every statement is written once
 * (statements.ts) over a Dialect; every operation once (store.ts) over an Executor.
 */

/** The SQL that is spelled differently per engine. */
export interface Dialect {
  readonly engine: 'sqlite' | 'postgres';
  /**
   * A timestamp column as the API prints it (ISO 8601, UTC, milliseconds, `Z`), once the column
   * is decoded as `iso`.
   */
  isoTimestamp(column: SQL): SQL;
  /** The cheapest key to find a `datasets` row again within a statement: SQLite's rowid, else its id. */
  readonly rowKey: SQL;
}

/**
 * How a result column is decoded where the engines return it differently; `iso` is a column
 * selected with Dialect.isoTimestamp, which an engine may format in SQL or leave to its decoder.
 */
export type ColumnType = 'date' | 'boolean' | 'json' | 'bigint' | 'iso';

export interface Statement<Row> {
  /**
   * Prepared once per connection under this name and kept; a statement whose text depends on
   * its values (a multi-row insert) has none and is prepared for each call.
   */
  readonly name?: string;
  /** Its SQL: values as `sql.placeholder(name)` (filled from `values` at run time) or inline. */
  readonly sql: (dialect: Dialect) => SQL;
  /** Result columns that need decoding; every other column is used as the driver returns it. */
  readonly columns?: Partial<Record<keyof Row & string, ColumnType>>;
  /** Keeps the row type attached; never read. */
  readonly row?: Row;
}

/** Values for a statement's placeholders, by name. Dates, booleans and JSON objects are encoded per engine. */
export type Values = Record<string, unknown>;

/** One statement to run as a step of a script. */
export interface Step {
  statement: Statement<unknown>;
  values: Values | undefined;
}

/**
 * An operation of several statements, written once as a generator: it yields each statement and
 * receives its rows. SQLite runs it synchronously inside its transaction (no other request's
 * statement can slip in between), PostgreSQL with an await per statement on one client.
 */
// biome-ignore lint/suspicious/noExplicitAny: each yield receives a different row type; `all()` types it at the yield.
export type Script<T> = Generator<Step, T, any>;

/** `const rows = yield* all(statement, values)` inside a Script: the statement's rows, typed. */
export function* all<Row>(statement: Statement<Row>, values?: Values): Generator<Step, Row[], Row[]> {
  return yield { statement: statement as Statement<unknown>, values };
}

/** The first row, or undefined. */
export function* first<Row>(
  statement: Statement<Row>,
  values?: Values,
): Generator<Step, Row | undefined, Row[]> {
  return (yield* all(statement, values))[0];
}

export type MaybePromise<T> = T | Promise<T>;

export interface Executor {
  readonly dialect: Dialect;
  /** One statement, as one snapshot of its own. SQLite answers synchronously. */
  query<Row>(statement: Statement<Row>, values?: Values): MaybePromise<Row[]>;
  /**
   * A script in one transaction: `write` takes the write lock up front (SQLite BEGIN IMMEDIATE);
   * `read` is one consistent snapshot (PostgreSQL REPEATABLE READ READ ONLY).
   */
  transaction<T>(mode: 'write' | 'read', script: () => Script<T>): MaybePromise<T>;
  /**
   * A write transaction that lasts while its caller streams rows in (an import): statements are
   * awaited one by one, and the other requests keep being served meanwhile. It runs where the
   * server's other statements cannot see its work before it commits (SQLite: a connection of
   * its own; PostgreSQL: a pooled client), and rolls back whole if `work` throws.
   */
  bulkTransaction<T>(work: (session: BulkSession) => Promise<T>): Promise<T>;
  /** The engine's plan for a statement, one line per step (for plan checks, not for serving). */
  explain(statement: Statement<unknown>, values?: Values): Promise<string[]>;
  close(): Promise<void>;
}

/** What a bulk transaction can do. */
export interface BulkSession {
  run<Row>(statement: Statement<Row>, values?: Values): Promise<Row[]>;
  /** Appends sample rows the engine's fastest way (see each executor). */
  insertSamples(rows: readonly SampleInsertRow[]): Promise<void>;
}

/** Runs a script without a transaction, each statement through `run` (for an executor's building blocks). */
export function drive<T>(script: Script<T>, run: (step: Step) => unknown[]): T {
  let next = script.next();
  while (!next.done) next = script.next(run(next.value));
  return next.value;
}

/** As drive, awaiting each statement. */
export async function driveAsync<T>(script: Script<T>, run: (step: Step) => Promise<unknown[]>): Promise<T> {
  let next = script.next();
  while (!next.done) next = script.next(await run(next.value));
  return next.value;
}

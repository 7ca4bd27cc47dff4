import type Database from 'better-sqlite3';
import { Placeholder, type SQL, sql } from 'drizzle-orm';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import {
  type ColumnType,
  type Dialect,
  drive,
  type Executor,
  type Statement,
  type Values,
} from '../executor';

/** SQLite's spelling of what differs: timestamps are integer milliseconds. */
const dialect: Dialect = {
  engine: 'sqlite',
  isoTimestamp: (column: SQL) =>
    sql`(strftime('%Y-%m-%dT%H:%M:%S', ${column} / 1000, 'unixepoch') || '.' || printf('%03d', ${column} % 1000) || 'Z')`,
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
};

interface Compiled {
  statement: Database.Statement;
  /** For each bound parameter, where its value comes from: a placeholder's name, or inline. */
  params: { name: string }[] | unknown[];
  decoders: [string, (value: unknown) => unknown][];
}

/**
 * Runs statements on one better-sqlite3 connection, synchronously. Named statements are
 * prepared once and kept; a script runs whole inside BEGIN … COMMIT with nothing in between.
 */
export function createSqliteExecutor(sqlite: Database.Database): Executor {
  const compiler = new SQLiteSyncDialect();
  const prepared = new Map<string, Compiled>();

  const compile = (statement: Statement<unknown>): Compiled => {
    const query = compiler.sqlToQuery(statement.sql(dialect));
    return {
      statement: sqlite.prepare(query.sql),
      params: query.params,
      decoders: Object.entries(statement.columns ?? {}).map(([column, type]) => [
        column,
        DECODERS[type as ColumnType],
      ]),
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
    if (!compiled.statement.reader) {
      compiled.statement.run(...args);
      return [];
    }
    const rows = compiled.statement.all(...args) as Record<string, unknown>[];
    if (compiled.decoders.length > 0) {
      for (const row of rows) {
        for (const [column, decode] of compiled.decoders) row[column] = decode(row[column]);
      }
    }
    return rows;
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
    async explain(statement, values = {}) {
      const query = compiler.sqlToQuery(statement.sql(dialect));
      const args = query.params.map((param) =>
        encode(param instanceof Placeholder ? values[param.name] : param),
      );
      const plan = sqlite.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...args) as { detail: string }[];
      return plan.map((step) => step.detail);
    },
    async close() {
      sqlite.close();
    },
  };
}

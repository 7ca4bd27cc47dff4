import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { Statement } from './executor';
import { openSqliteExecutor } from './sqlite/sqlite-store';
import * as q from './statements';

const executor = openSqliteExecutor(':memory:');
afterAll(() => executor.close());

/** Every statement of statements.ts: the constants, and the List statements of every shape. */
function everyStatement(): Statement<unknown>[] {
  const constants = (Object.values(q) as unknown[]).filter(
    (value): value is Statement<unknown> =>
      typeof value === 'object' && value !== null && typeof (value as Statement<unknown>).sql === 'function',
  );
  const shaped: Statement<unknown>[] = [];
  for (const source of [false, true])
    for (const categories of [0, 1, 2, 3])
      for (const nameContains of [false, true])
        for (const after of [false, true])
          for (const offset of [false, true]) {
            const shape = { source, categories, nameContains, after, offset };
            shaped.push(q.listDatasets(shape), q.listTotals(shape), q.datasetFacets(shape));
          }
  return [...constants, ...shaped];
}

describe('statements', () => {
  it('bind no LIMIT or OFFSET bare (SQLite would prepare such a statement again on every run)', () => {
    const compiler = new SQLiteSyncDialect();
    const texts = everyStatement().map(
      (statement) => compiler.sqlToQuery(statement.sql(executor.dialect)).sql,
    );
    const bare = texts.filter((text) => /\b(LIMIT|OFFSET)\s+\?/i.test(text));
    expect(bare).toEqual([]);
    // The check looks at the statements that page: the List, samples and tokens pages.
    expect(
      texts.filter((text) => /\bLIMIT CAST\(\? AS BIGINT\) OFFSET CAST\(\? AS BIGINT\)/.test(text)).length,
    ).toBeGreaterThan(30);
  });

  it('pick a page under an offset from index keys, and read only its rows from the table', () => {
    const compiler = new SQLiteSyncDialect();
    const text = (offset: boolean) =>
      compiler.sqlToQuery(
        q
          .listDatasets({ source: false, categories: 0, nameContains: false, after: false, offset })
          .sql(executor.dialect),
      ).sql;
    // From the start of one range the page is the range itself; skipping rows, the skipped ones
    // are keys only (PostgreSQL would read and format every skipped row).
    expect(text(false)).not.toMatch(/AS page\s+JOIN datasets/);
    expect(text(true)).toMatch(/\) AS page\s+JOIN datasets ON datasets\.\w+ = page\.key/);
  });
});

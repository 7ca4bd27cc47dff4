import { type SQL, sql } from 'drizzle-orm';
import type { Dialect, Statement, Values } from './executor';
import type { DatasetRecord, DatasetRow, DatasetSource, OrgRecord, SampleRecord, TokenRecord } from './model';

/**
 * Every statement of the store, written once for both engines. Columns are aliased to the
 * record's names (`org_id AS "orgId"`), so rows need no renaming; values are named placeholders.
 * What the engines spell differently comes from the Dialect (executor.ts).
 */

const $ = sql.placeholder;

/**
 * A LIMIT or OFFSET value, bound by name, behind a CAST. SQLite (3.51, as better-sqlite3 builds
 * it) reads a bare bound LIMIT or OFFSET parameter while it plans, to use its value, and so
 * marks the statement to be prepared again each time that parameter is bound: on every run
 * (sqlite3ExprIsInteger → sqlite3VdbeSetVarmask). For List Datasets that was a whole prepare per
 * request, about half of its SQL time (a first page of 50: 115 µs, 45 µs behind the CAST).
 * PostgreSQL plans both spellings alike; BIGINT holds any offset the API takes.
 */
const rowCount = (name: string) => sql`CAST(${$(name)} AS BIGINT)`;

function statement<Row>(
  name: string | undefined,
  build: (d: Dialect) => SQL,
  columns?: Statement<Row>['columns'],
): Statement<Row> {
  return { name, sql: build, columns };
}

export const ping = statement<{ one: number }>('ping', () => sql`SELECT 1 AS one`);

// ---------------------------------------------------------------------------------------------
// Orgs

const ORG_COLUMNS = sql.raw('id, name, created_at AS "createdAt"');
const ORG_DECODING = { createdAt: 'date' } as const;

export const insertOrg = statement<never>(
  'insertOrg',
  () => sql`INSERT INTO orgs (id, name, created_at) VALUES (${$('id')}, ${$('name')}, ${$('createdAt')})`,
);

export const orgById = statement<OrgRecord>(
  'orgById',
  () => sql`SELECT ${ORG_COLUMNS} FROM orgs WHERE id = ${$('id')}`,
  ORG_DECODING,
);

export const orgByName = statement<OrgRecord>(
  'orgByName',
  () => sql`SELECT ${ORG_COLUMNS} FROM orgs WHERE name = ${$('name')} ORDER BY created_at LIMIT 1`,
  ORG_DECODING,
);

export const orgVersion = statement<{ version: number }>(
  'orgVersion',
  () => sql`SELECT version FROM orgs WHERE id = ${$('id')}`,
  { version: 'bigint' },
);

// ---------------------------------------------------------------------------------------------
// Tokens: never the hash (an explicit column list)

const TOKEN_COLUMNS = sql.raw(
  'id, org_id AS "orgId", kind, scopes, token_prefix AS "tokenPrefix", created_at AS "createdAt", ' +
    'expires_at AS "expiresAt", revoked_at AS "revokedAt", name, last_used_at AS "lastUsedAt"',
);
const TOKEN_DECODING = {
  scopes: 'json',
  createdAt: 'date',
  expiresAt: 'date',
  revokedAt: 'date',
  lastUsedAt: 'date',
} as const;

export const insertToken = statement<never>(
  'insertToken',
  () => sql`INSERT INTO api_tokens (id, org_id, kind, scopes, token_hash, token_prefix, created_at, expires_at, revoked_at, name)
    VALUES (${$('id')}, ${$('orgId')}, ${$('kind')}, ${$('scopes')}, ${$('tokenHash')}, ${$('tokenPrefix')},
            ${$('createdAt')}, ${$('expiresAt')}, NULL, ${$('name')})`,
);

export const tokenByHash = statement<TokenRecord>(
  'tokenByHash',
  () => sql`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = ${$('hash')}`,
  TOKEN_DECODING,
);

export const tokenById = statement<TokenRecord>(
  'tokenById',
  () => sql`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE id = ${$('id')}`,
  TOKEN_DECODING,
);

/** The first revocation time wins. */
export const revokeToken = statement<never>(
  'revokeToken',
  () => sql`UPDATE api_tokens SET revoked_at = ${$('now')} WHERE id = ${$('id')} AND revoked_at IS NULL`,
);

/** Unless another process noted a use since `since`: then the row is left alone. */
export const touchToken = statement<never>(
  'touchToken',
  () => sql`UPDATE api_tokens SET last_used_at = ${$('now')}
    WHERE id = ${$('id')} AND (last_used_at IS NULL OR last_used_at < ${$('since')})`,
);

export const countTokens = statement<{ n: number }>(
  'countTokens',
  () => sql`SELECT CAST(count(*) AS INTEGER) AS n FROM api_tokens WHERE org_id = ${$('orgId')}`,
);

/** Newest first, then id. */
export const tokenPage = statement<TokenRecord>(
  'tokenPage',
  () => sql`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE org_id = ${$('orgId')}
    ORDER BY created_at DESC, id LIMIT ${rowCount('limit')} OFFSET ${rowCount('offset')}`,
  TOKEN_DECODING,
);

// ---------------------------------------------------------------------------------------------
// Datasets, as records (writes, single lookups)

const DATASET_COLUMNS = sql.raw(
  'id, org_id AS "orgId", name, description, category, trust_level AS "trustLevel", source, ' +
    'sample_count AS "sampleCount", is_public AS "isPublic", created_by AS "createdBy", ' +
    'catalog_slug AS "catalogSlug", created_at AS "createdAt", updated_at AS "updatedAt"',
);
const DATASET_DECODING = { isPublic: 'boolean', createdAt: 'date', updatedAt: 'date' } as const;

/** Inserts nothing on a clash with either unique key (catalog slug, name); the caller tells which. */
export const insertDataset = statement<{ id: string }>(
  'insertDataset',
  () => sql`INSERT INTO datasets (id, org_id, name, description, category, trust_level, source, sample_count,
                                  is_public, created_by, catalog_slug, created_at, updated_at)
    VALUES (${$('id')}, ${$('orgId')}, ${$('name')}, ${$('description')}, ${$('category')}, ${$('trustLevel')},
            ${$('source')}, ${$('sampleCount')}, ${$('isPublic')}, ${$('createdBy')}, ${$('catalogSlug')},
            ${$('createdAt')}, ${$('updatedAt')})
    ON CONFLICT DO NOTHING RETURNING id`,
);

export const datasetById = statement<DatasetRecord>(
  'datasetById',
  () => sql`SELECT ${DATASET_COLUMNS} FROM datasets WHERE org_id = ${$('orgId')} AND id = ${$('id')}`,
  DATASET_DECODING,
);

/** A dataset by id alone, whatever its org (operator tools). */
export const datasetByIdInAnyOrg = statement<DatasetRecord>(
  'datasetByIdInAnyOrg',
  () => sql`SELECT ${DATASET_COLUMNS} FROM datasets WHERE id = ${$('id')}`,
  DATASET_DECODING,
);

export const datasetByCatalogSlug = statement<DatasetRecord>(
  'datasetByCatalogSlug',
  () =>
    sql`SELECT ${DATASET_COLUMNS} FROM datasets WHERE org_id = ${$('orgId')} AND catalog_slug = ${$('slug')}`,
  DATASET_DECODING,
);

export const catalogInstallations = statement<{ slug: string; id: string }>(
  'catalogInstallations',
  () =>
    sql`SELECT catalog_slug AS slug, id FROM datasets WHERE org_id = ${$('orgId')} AND catalog_slug IS NOT NULL`,
);

export const datasetNames = statement<{ name: string }>(
  'datasetNames',
  () => sql`SELECT name FROM datasets WHERE org_id = ${$('orgId')}`,
);

/** A sample row as inserted. */
export interface SampleInsertRow {
  id: string;
  datasetId: string;
  position: number;
  input: string;
  expectedOutput: string | null;
  metadata: Record<string, unknown> | null;
}

/**
 * Sample rows per INSERT: each row binds 6 values, and SQLite allows 32,766 per statement
 * (PostgreSQL 65,535), so 5,000 rows fit both.
 */
export const SAMPLE_ROWS_PER_INSERT = 5_000;

/** A multi-row insert: its text depends on the number of rows, so it is not kept prepared. */
export function insertSamples(rows: readonly SampleInsertRow[]): Statement<never> {
  return statement(
    undefined,
    () =>
      sql`INSERT INTO dataset_samples (id, dataset_id, position, input, expected_output, metadata) VALUES ${sql.join(
        rows.map(
          (r) =>
            sql`(${r.id}, ${r.datasetId}, ${r.position}, ${r.input}, ${r.expectedOutput}, ${jsonValue(r.metadata)})`,
        ),
        sql`, `,
      )}`,
  );
}

/** An inline JSON value, as the executor would encode a placeholder's (objects become JSON text). */
const jsonValue = (value: Record<string, unknown> | null) => (value === null ? null : JSON.stringify(value));

export const countSamples = statement<{ n: number }>(
  'countSamples',
  () => sql`SELECT CAST(count(*) AS INTEGER) AS n FROM dataset_samples WHERE dataset_id = ${$('datasetId')}`,
);

export const samplePage = statement<SampleRecord>(
  'samplePage',
  () => sql`SELECT id, position, input, expected_output AS "expectedOutput", metadata FROM dataset_samples
    WHERE dataset_id = ${$('datasetId')} ORDER BY position LIMIT ${rowCount('limit')} OFFSET ${rowCount('offset')}`,
  { metadata: 'json' },
);

/** The row after a patch: every editable field as it will be (the caller merged the patch). */
export const updateDataset = statement<never>(
  'updateDataset',
  () => sql`UPDATE datasets SET name = ${$('name')}, description = ${$('description')}, category = ${$('category')},
      is_public = ${$('isPublic')}, updated_at = ${$('updatedAt')}
    WHERE org_id = ${$('orgId')} AND id = ${$('id')}`,
);

/** Another dataset of the org with this name, compared as the unique index compares it. */
export const otherDatasetNamed = statement<{ id: string }>(
  'otherDatasetNamed',
  () => sql`SELECT id FROM datasets
    WHERE org_id = ${$('orgId')} AND lower(name) = lower(${$('name')}) AND id <> ${$('id')}`,
);

/** Its samples go with it (ON DELETE CASCADE). */
export const deleteDataset = statement<{ id: string }>(
  'deleteDataset',
  () => sql`DELETE FROM datasets WHERE org_id = ${$('orgId')} AND id = ${$('id')} RETURNING id`,
);

/** Where appended rows start: after the last stored one. */
export const nextSamplePosition = statement<{ next: number }>(
  'nextSamplePosition',
  () => sql`SELECT CAST(coalesce(max(position), -1) + 1 AS INTEGER) AS next FROM dataset_samples
    WHERE dataset_id = ${$('datasetId')}`,
);

/** Counts appended rows in, in the appending transaction. */
export const addSampleCount = statement<never>(
  'addSampleCount',
  () => sql`UPDATE datasets SET sample_count = sample_count + ${$('added')}, updated_at = ${$('updatedAt')}
    WHERE org_id = ${$('orgId')} AND id = ${$('id')}`,
);

/** The stored rows after a position, in order: export walks a dataset by these pages. */
export const samplesAfter = statement<SampleRecord>(
  'samplesAfter',
  () => sql`SELECT id, position, input, expected_output AS "expectedOutput", metadata FROM dataset_samples
    WHERE dataset_id = ${$('datasetId')} AND position > ${$('after')} ORDER BY position LIMIT ${rowCount('limit')}`,
  { metadata: 'json' },
);

/** The columns of a sample row, in the order insertSampleRows and copySamples take them. */
export const SAMPLE_INSERT_COLUMNS = [
  'id',
  'datasetId',
  'position',
  'input',
  'expectedOutput',
  'metadata',
] as const;

/**
 * `rows` sample rows in one INSERT, prepared once per size: row i's values are the placeholders
 * `v{6i}` … `v{6i+5}` (see sampleRowValues).
 */
export function insertSampleRows(rows: number): Statement<never> {
  const width = SAMPLE_INSERT_COLUMNS.length;
  return statement(
    `insertSampleRows:${rows}`,
    () =>
      sql`INSERT INTO dataset_samples (id, dataset_id, position, input, expected_output, metadata) VALUES ${sql.join(
        Array.from(
          { length: rows },
          (_, i) =>
            sql`(${sql.join(
              Array.from({ length: width }, (_, c) => sql`${$(`v${i * width + c}`)}`),
              sql`, `,
            )})`,
        ),
        sql`, `,
      )}`,
  );
}

/**
 * The values of insertSampleRows(rows.length) in placeholder order, for an executor that binds
 * them by position (no lookup by name of thousands of placeholders).
 */
export function sampleRowArgs(rows: readonly SampleInsertRow[]): unknown[] {
  const args = new Array<unknown>(rows.length * SAMPLE_INSERT_COLUMNS.length);
  let n = 0;
  for (const row of rows) {
    args[n++] = row.id;
    args[n++] = row.datasetId;
    args[n++] = row.position;
    args[n++] = row.input;
    args[n++] = row.expectedOutput;
    args[n++] = row.metadata;
  }
  return args;
}

/** The values of insertSampleRows(rows.length). */
export function sampleRowValues(rows: readonly SampleInsertRow[]): Values {
  const values: Values = {};
  let n = 0;
  for (const row of rows) {
    values[`v${n++}`] = row.id;
    values[`v${n++}`] = row.datasetId;
    values[`v${n++}`] = row.position;
    values[`v${n++}`] = row.input;
    values[`v${n++}`] = row.expectedOutput;
    values[`v${n++}`] = row.metadata;
  }
  return values;
}

/** PostgreSQL's bulk path: rows in COPY's text format, columns as SAMPLE_INSERT_COLUMNS. */
export const copySamples = statement<never>(
  'copySamples',
  () => sql`COPY dataset_samples (id, dataset_id, position, input, expected_output, metadata) FROM STDIN`,
);

// ---------------------------------------------------------------------------------------------
// List Datasets and the facets

/** What a List Datasets statement's text depends on; each shape is prepared once. */
export interface ListShape {
  source: boolean;
  /** How many distinct categories are asked for (0: no category filter). */
  categories: number;
  nameContains: boolean;
  /** Keyset paging: only rows after the cursor's (created_at, name, id). */
  after: boolean;
  /** Rows skipped by `offset` (offset > 0): the page is picked from keys before its rows are read. */
  offset: boolean;
}

export const listShapeName = (s: ListShape) =>
  `list:${s.source ? 's' : ''}${s.categories}:${s.nameContains ? 'q' : ''}${s.after ? 'k' : ''}${s.offset ? 'o' : ''}`;

/** Placeholder names of the categories of a shape: c0, c1, … */
export const categoryPlaceholder = (i: number) => `c${i}`;

/** The wire shape of a dataset (what the API sends), selected as such: no mapping per row. */
const wireColumns = (d: Dialect, created: string, updated: string) =>
  sql`id, name, description, category, trust_level, source, sample_count, is_public, created_by,
      ${d.isoTimestamp(sql.raw(created))} AS created_at, ${d.isoTimestamp(sql.raw(updated))} AS updated_at`;

/** The filters, without the category (each branch of a multi-category page names its own). */
function filters(s: Pick<ListShape, 'source' | 'nameContains'>): SQL {
  return sql.join(
    [
      sql`org_id = ${$('orgId')}`,
      s.source ? sql`source = ${$('source')}` : undefined,
      // ASCII case folding on both engines (SQLite's lower(), PostgreSQL's under COLLATE "C").
      s.nameContains ? sql`lower(name) LIKE ${$('namePattern')} ESCAPE '\\'` : undefined,
    ].filter((part): part is SQL => part !== undefined),
    sql` AND `,
  );
}

/** The list order over the table: the one its org indexes are in. */
const TABLE_ORDER = sql.raw('ORDER BY datasets.created_at DESC, datasets.name, datasets.id');
/** The same order over the keys of ranges (RANGE_KEYS), for merging them. */
const KEY_ORDER = sql.raw('ORDER BY created DESC, sort_name, sort_id');
/** What a range reads: its rows' places in the list order and their keys, all in the org indexes. */
const rangeKeys = (d: Dialect) =>
  sql`${d.rowKey} AS key, created_at AS created, name AS sort_name, id AS sort_id`;

function where(s: ListShape, category: SQL | undefined, ...extra: SQL[]): SQL {
  return sql.join([filters(s), ...(category ? [sql`category = ${category}`] : []), ...extra], sql` AND `);
}

/**
 * One index range in the list order, cut at `limit`, as keys: read off the index alone, so the
 * rows a merge drops are never read from the table.
 */
const range = (d: Dialect, s: ListShape, category: SQL | undefined, limit: SQL, ...extra: SQL[]) =>
  sql`SELECT ${rangeKeys(d)} FROM datasets WHERE ${where(s, category, ...extra)} ${TABLE_ORDER} LIMIT ${limit}`;

/**
 * The ranges a page is merged from. After a cursor (created_at, name, id), the rows that follow
 * it are those of the same instant with a greater (name, id), then every older one: two ranges,
 * so a page at any depth reads at most 2 × limit index entries and no engine is tempted to sort
 * what follows the cursor. Several categories: those ranges for each category.
 */
function ranges(d: Dialect, s: ListShape, limit: SQL): SQL[] {
  const categories: (SQL | undefined)[] =
    s.categories === 0
      ? [undefined]
      : Array.from({ length: s.categories }, (_, i) => sql`${$(categoryPlaceholder(i))}`);
  return categories.flatMap((category) =>
    s.after
      ? [
          range(
            d,
            s,
            category,
            limit,
            sql`created_at = ${$('afterCreatedAt')}`,
            sql`(name, id) > (${$('afterName')}, ${$('afterId')})`,
          ),
          range(d, s, category, limit, sql`created_at < ${$('afterCreatedAt')}`),
        ]
      : [range(d, s, category, limit)],
  );
}

/** `total` as List Datasets counts it: a sum of counter rows, or a count when the name is searched. */
function total(s: ListShape): SQL {
  const categories =
    s.categories > 0
      ? sql` AND category IN (${sql.join(
          Array.from({ length: s.categories }, (_, i) => $(categoryPlaceholder(i))),
          sql`, `,
        )})`
      : sql``;
  if (s.nameContains) {
    return sql`SELECT CAST(count(*) AS INTEGER) FROM datasets WHERE ${filters(s)}${categories}`;
  }
  return sql`SELECT CAST(coalesce(sum(n), 0) AS INTEGER) FROM dataset_counts
    WHERE org_id = ${$('orgId')}${s.source ? sql` AND source = ${$('source')}` : sql``}${categories}`;
}

/** The total and the org's version, as scalar subqueries: computed once per statement, not per row. */
const totalAndVersion = (s: ListShape) =>
  sql`(${total(s)}) AS total, (SELECT version FROM orgs WHERE id = ${$('orgId')}) AS version`;

export interface ListRow extends DatasetRow {
  total: number;
  version: number;
}

export type ListStatement = Statement<ListRow>;

/**
 * List Datasets in one statement, so one snapshot and one round trip: each row a dataset of the
 * page in wire shape, with the total and the org's version (for the answer cache and ETags). An
 * empty page has no row to carry those: then listTotals answers them. The page holds `limit`
 * rows; callers ask one more to learn whether another page follows.
 */
export function listDatasets(shape: ListShape): ListStatement {
  return statement<ListRow>(
    listShapeName(shape),
    (d) => {
      const merged = ranges(d, shape, rowCount('branchLimit'));
      if (merged.length === 1 && !shape.offset) {
        // One range from its start: the page itself, read off the index with nothing to merge or sort.
        return sql`SELECT ${totalAndVersion(shape)}, ${wireColumns(d, 'created_at', 'updated_at')}
          FROM datasets WHERE ${where(shape, shape.categories === 1 ? sql`${$(categoryPlaceholder(0))}` : undefined)}
          ${TABLE_ORDER} LIMIT ${rowCount('limit')} OFFSET ${rowCount('offset')}`;
      }
      // The ranges' keys merged and cut at the page; then only the page's rows are read. Also for
      // one range under an offset: PostgreSQL would otherwise read every skipped row from the
      // table and format its timestamps (an offset of 900: 2.9 of its 4.6 ms).
      const union = sql.join(
        merged.map((part, i) => sql`SELECT * FROM (${part}) AS r${sql.raw(String(i))}`),
        sql` UNION ALL `,
      );
      return sql`SELECT ${totalAndVersion(shape)}, ${wireColumns(d, 'datasets.created_at', 'datasets.updated_at')}
        FROM (${union} ${KEY_ORDER} LIMIT ${rowCount('limit')} OFFSET ${rowCount('offset')}) AS page
        JOIN datasets ON datasets.${d.rowKey} = page.key ${KEY_ORDER}`;
    },
    { is_public: 'boolean', version: 'bigint', created_at: 'iso', updated_at: 'iso' },
  );
}

/** The total and version of a listing whose page is empty. */
export function listTotals(shape: ListShape): Statement<{ total: number; version: number }> {
  return statement<{ total: number; version: number }>(
    `${listShapeName(shape)}:totals`,
    () => sql`SELECT ${totalAndVersion(shape)}`,
    { version: 'bigint' },
  );
}

export interface FacetRow {
  kind: 'total' | 'source' | 'category';
  value: string | null;
  n: number;
}

/**
 * The facets in one statement: the total under every filter, the counts per source under all
 * but the source filter, per category under all but the category filter — sums of counter rows,
 * or counts over the org's datasets when the name is searched.
 */
export function datasetFacets(shape: ListShape): Statement<FacetRow> {
  const categories =
    shape.categories > 0
      ? sql`category IN (${sql.join(
          Array.from({ length: shape.categories }, (_, i) => $(categoryPlaceholder(i))),
          sql`, `,
        )})`
      : undefined;
  const source = shape.source ? sql`source = ${$('source')}` : undefined;
  const and = (...parts: (SQL | undefined)[]) => {
    const present = parts.filter((part): part is SQL => part !== undefined);
    return present.length > 0 ? sql` AND ${sql.join(present, sql` AND `)}` : sql``;
  };
  const from = shape.nameContains
    ? sql`(SELECT source, coalesce(category, '') AS category, 1 AS n FROM datasets WHERE ${filters({ source: false, nameContains: true })}) AS c`
    : sql`dataset_counts AS c`;
  const org = shape.nameContains ? sql`1 = 1` : sql`c.org_id = ${$('orgId')}`;
  return statement<FacetRow>(
    `facets:${shape.source ? 's' : ''}${shape.categories}:${shape.nameContains ? 'q' : ''}`,
    () => sql`SELECT 'total' AS kind, NULL AS value, CAST(coalesce(sum(n), 0) AS INTEGER) AS n
        FROM ${from} WHERE ${org}${and(source, categories)}
      UNION ALL
      SELECT 'source', CAST(source AS TEXT), CAST(sum(n) AS INTEGER) FROM ${from} WHERE ${org}${and(categories)}
        GROUP BY source
      UNION ALL
      SELECT 'category', category, CAST(sum(n) AS INTEGER) FROM ${from} WHERE ${org}${and(source)}
        GROUP BY category HAVING sum(n) > 0`,
  );
}

export type { DatasetSource };

import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { DATASET_SOURCES, type Scope, TOKEN_KINDS, TRUST_LEVELS } from '../model';

/** Timestamps are stored as integer milliseconds since the epoch (UTC). */
const timestampMs = (name: string) => integer(name, { mode: 'timestamp_ms' });

export const orgs = sqliteTable('orgs', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: timestampMs('created_at').notNull(),
  /**
   * Bumped in the same transaction as every change to the org's datasets (by triggers, see the
   * `counters` migration): what the answer cache and ETags compare.
   */
  version: integer('version').notNull().default(0),
});

export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: TOKEN_KINDS }).notNull(),
    scopes: text('scopes', { mode: 'json' }).$type<Scope[]>().notNull(),
    tokenHash: text('token_hash').notNull(),
    tokenPrefix: text('token_prefix').notNull(),
    createdAt: timestampMs('created_at').notNull(),
    expiresAt: timestampMs('expires_at'),
    revokedAt: timestampMs('revoked_at'),
    /** What the org calls it, e.g. "CI on main"; null when it was given none. */
    name: text('name'),
    /** When it last authenticated a request, to TOKEN_USE_GRANULARITY_MS (written at most that often). */
    lastUsedAt: timestampMs('last_used_at'),
  },
  (t) => [uniqueIndex('api_tokens_token_hash_key').on(t.tokenHash), index('api_tokens_org_idx').on(t.orgId)],
);

export const datasets = sqliteTable(
  'datasets',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description'),
    category: text('category'),
    trustLevel: text('trust_level', { enum: TRUST_LEVELS }).notNull(),
    source: text('source', { enum: DATASET_SOURCES }).notNull(),
    sampleCount: integer('sample_count').notNull().default(0),
    isPublic: integer('is_public', { mode: 'boolean' }).notNull().default(false),
    createdBy: text('created_by'),
    /** The catalog entry a seeded or installed dataset came from; null for customer datasets. */
    catalogSlug: text('catalog_slug'),
    createdAt: timestampMs('created_at').notNull(),
    updatedAt: timestampMs('updated_at').notNull(),
  },
  (t) => [
    // Each index leads with org_id and continues with the list order (created_at DESC, name, id),
    // so a page is read straight off an index without touching other orgs' rows or sorting.
    // The trailing filter columns let every filter and count be checked inside the index,
    // never in the table, whichever index the planner picks.
    index('datasets_org_order_idx').on(t.orgId, sql`${t.createdAt} desc`, t.name, t.id, t.source, t.category),
    index('datasets_org_source_order_idx').on(
      t.orgId,
      t.source,
      sql`${t.createdAt} desc`,
      t.name,
      t.id,
      t.category,
    ),
    index('datasets_org_category_order_idx').on(
      t.orgId,
      t.category,
      sql`${t.createdAt} desc`,
      t.name,
      t.id,
      t.source,
    ),
    // Both filters at once: a rare source within a common category is read off this, not scanned for.
    index('datasets_org_source_category_order_idx').on(
      t.orgId,
      t.source,
      t.category,
      sql`${t.createdAt} desc`,
      t.name,
      t.id,
    ),
    // One copy of a catalog entry per org: seeding and installing are idempotent by this key.
    uniqueIndex('datasets_org_catalog_slug_key').on(t.orgId, t.catalogSlug),
    // Names are unique within an org, compared case-insensitively.
    uniqueIndex('datasets_org_name_key').on(t.orgId, sql`lower(${t.name})`),
  ],
);

/**
 * How many datasets each org has per source and category ('' for none), kept by triggers in the
 * same transaction as every insert, update and delete of a dataset: any total List Datasets or
 * the facets need is a sum of a few of these rows, whatever the org's size.
 */
export const datasetCounts = sqliteTable(
  'dataset_counts',
  {
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    source: text('source', { enum: DATASET_SOURCES }).notNull(),
    category: text('category').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.source, t.category] })],
);

export const datasetSamples = sqliteTable(
  'dataset_samples',
  {
    id: text('id').primaryKey(),
    datasetId: text('dataset_id')
      .notNull()
      .references(() => datasets.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    input: text('input').notNull(),
    expectedOutput: text('expected_output'),
    metadata: text('metadata', { mode: 'json' }).$type<Record<string, unknown>>(),
  },
  (t) => [uniqueIndex('dataset_samples_dataset_position_key').on(t.datasetId, t.position)],
);

import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { DATASET_SOURCES, type Scope, TOKEN_KINDS, TRUST_LEVELS } from '../model';

export const tokenKind = pgEnum('token_kind', TOKEN_KINDS);
export const datasetSource = pgEnum('dataset_source', DATASET_SOURCES);
export const trustLevel = pgEnum('trust_level', TRUST_LEVELS);

/** Millisecond precision, UTC: what the API prints, and what SQLite keeps. */
const timestampMs = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

/**
 * Text compared byte-wise (COLLATE "C"), so `ORDER BY name` and the name index agree with
 * SQLite's default ordering whatever the database's locale.
 */
const byteOrderedText = customType<{ data: string }>({
  dataType: () => 'text COLLATE "C"',
});

export const orgs = pgTable('orgs', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: timestampMs('created_at').notNull(),
  /** Bumped with every change to the org's datasets (see schema/sqlite.ts); 64-bit, as SQLite's. */
  version: bigint('version', { mode: 'number' }).notNull().default(0),
});

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    kind: tokenKind('kind').notNull(),
    scopes: text('scopes').array().$type<Scope[]>().notNull(),
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

export const datasets = pgTable(
  'datasets',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    name: byteOrderedText('name').notNull(),
    description: text('description'),
    category: text('category'),
    trustLevel: trustLevel('trust_level').notNull(),
    source: datasetSource('source').notNull(),
    sampleCount: integer('sample_count').notNull().default(0),
    isPublic: boolean('is_public').notNull().default(false),
    createdBy: text('created_by'),
    /** The catalog entry a seeded or installed dataset came from; null for customer datasets. */
    catalogSlug: text('catalog_slug'),
    createdAt: timestampMs('created_at').notNull(),
    updatedAt: timestampMs('updated_at').notNull(),
  },
  (t) => [
    // The same indexes as SQLite's (see schema/sqlite.ts for why each exists); NULLS FIRST is what a
    // plain ORDER BY created_at DESC means, so the index order matches the query's exactly.
    index('datasets_org_order_idx').on(
      t.orgId,
      t.createdAt.desc().nullsFirst(),
      t.name,
      t.id,
      t.source,
      t.category,
    ),
    index('datasets_org_source_order_idx').on(
      t.orgId,
      t.source,
      t.createdAt.desc().nullsFirst(),
      t.name,
      t.id,
      t.category,
    ),
    index('datasets_org_category_order_idx').on(
      t.orgId,
      t.category,
      t.createdAt.desc().nullsFirst(),
      t.name,
      t.id,
      t.source,
    ),
    index('datasets_org_source_category_order_idx').on(
      t.orgId,
      t.source,
      t.category,
      t.createdAt.desc().nullsFirst(),
      t.name,
      t.id,
    ),
    uniqueIndex('datasets_org_catalog_slug_key').on(t.orgId, t.catalogSlug),
    uniqueIndex('datasets_org_name_key').on(t.orgId, sql`lower(${t.name})`),
  ],
);

/** Datasets per org, source and category ('' for none), kept by triggers (see schema/sqlite.ts). */
export const datasetCounts = pgTable(
  'dataset_counts',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    source: datasetSource('source').notNull(),
    category: text('category').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.source, t.category] })],
);

export const datasetSamples = pgTable(
  'dataset_samples',
  {
    id: uuid('id').primaryKey(),
    datasetId: uuid('dataset_id')
      .notNull()
      .references(() => datasets.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    input: text('input').notNull(),
    expectedOutput: text('expected_output'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>(),
  },
  (t) => [uniqueIndex('dataset_samples_dataset_position_key').on(t.datasetId, t.position)],
);

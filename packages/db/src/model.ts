/**
 * The vocabulary shared by every layer: closed sets stored in the database and the record
 * shapes the store returns. Plain TypeScript, no ORM types, so callers never see a row.
 */

export const TOKEN_KINDS = ['runtime', 'ci', 'admin'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

export const SCOPES = ['read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export const DATASET_SOURCES = ['znyx_sample', 'industry_standard', 'customer'] as const;
export type DatasetSource = (typeof DATASET_SOURCES)[number];

export const TRUST_LEVELS = ['verified', 'reviewed', 'unverified'] as const;
export type TrustLevel = (typeof TRUST_LEVELS)[number];

export interface OrgRecord {
  id: string;
  name: string;
  createdAt: Date;
}

/** A token as the store knows it. The secret itself is never stored, only its hash. */
export interface TokenRecord {
  id: string;
  orgId: string;
  kind: TokenKind;
  scopes: Scope[];
  tokenPrefix: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  /** What the org calls it; null when it was given none. */
  name: string | null;
  /** When it last authenticated a request, to TOKEN_USE_GRANULARITY_MS; null: never. */
  lastUsedAt: Date | null;
}

/**
 * `lastUsedAt` is written at most this often per token, per process (and not again while
 * another process wrote it within this time): using a token costs a write a minute, not a
 * write a request.
 */
export const TOKEN_USE_GRANULARITY_MS = 60_000;

/** One page of an org's tokens, newest first. */
export interface TokenPage {
  /** Every token of the org, revoked and expired ones too, ignoring limit and offset. */
  total: number;
  tokens: TokenRecord[];
}

export interface NewToken {
  orgId: string;
  kind: TokenKind;
  scopes: Scope[];
  tokenHash: string;
  tokenPrefix: string;
  expiresAt: Date | null;
  name?: string | null;
}

/** A token to store with an org that does not exist yet. */
export type NewOrgToken = Omit<NewToken, 'orgId'>;

export interface DatasetRecord {
  id: string;
  orgId: string;
  name: string;
  description: string | null;
  category: string | null;
  trustLevel: TrustLevel;
  source: DatasetSource;
  sampleCount: number;
  isPublic: boolean;
  createdBy: string | null;
  /** The catalog entry it was seeded or installed from; null for customer datasets. */
  catalogSlug: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewSample {
  input: string;
  expectedOutput?: string | null;
  metadata?: Record<string, unknown> | null;
}

export interface NewDataset {
  name: string;
  description?: string | null;
  category?: string | null;
  trustLevel: TrustLevel;
  source: DatasetSource;
  isPublic: boolean;
  createdBy?: string | null;
  catalogSlug?: string | null;
  /** Defaults to now; demo data spreads datasets over time. */
  createdAt?: Date;
  samples: readonly NewSample[];
  /** A benchmark's published size when its rows are not stored; defaults to samples.length. */
  publishedSampleCount?: number;
}

/** What a PATCH changes: only the fields present. */
export interface DatasetPatch {
  name?: string;
  description?: string | null;
  category?: string | null;
  isPublic?: boolean;
}

/** Rows appended to a dataset, and its sample_count after. */
export interface AppendedSamples {
  added: number;
  sampleCount: number;
}

export interface SampleRecord {
  id: string;
  position: number;
  input: string;
  expectedOutput: string | null;
  metadata: Record<string, unknown> | null;
}

export interface SamplePage {
  /** Rows stored for the dataset (may be fewer than its sampleCount for a benchmark). */
  total: number;
  samples: SampleRecord[];
}

/** The filters List Datasets and the facets share. */
export interface DatasetFilters {
  orgId: string;
  /** Matches any of these categories; empty or absent means no category filter. */
  categories?: readonly string[];
  source?: DatasetSource;
  /** Case-insensitive substring of the name. */
  nameContains?: string;
}

/** A position in the list order: the row a page continues after (keyset paging). */
export interface ListPosition {
  createdAt: Date;
  name: string;
  id: string;
}

export interface ListDatasetsParams extends DatasetFilters {
  limit: number;
  offset: number;
  /** Only datasets after this one in the list order (then `offset` is 0). */
  after?: ListPosition;
}

/**
 * Counts for a filter UI. Each facet is counted under every filter except its own, so the
 * choices next to the one picked stay visible: `categories` ignores the category filter,
 * `sources` ignores the source filter.
 */
export interface DatasetFacets {
  /** Matches of all the filters, as List Datasets' total. */
  total: number;
  sources: { value: DatasetSource; count: number }[];
  categories: { value: string | null; count: number }[];
}

/** A dataset as the API sends it (snake_case keys, ISO timestamps), selected in that shape. */
export interface DatasetRow {
  id: string;
  name: string;
  description: string | null;
  category: string | null;
  trust_level: TrustLevel;
  source: DatasetSource;
  sample_count: number;
  is_public: boolean;
  created_by: string | null;
  /** ISO 8601 UTC with milliseconds and `Z`. */
  created_at: string;
  updated_at: string;
}

export interface DatasetPage {
  total: number;
  /** The org's version in the same snapshot as the page (see orgVersion). */
  version: number;
  datasets: DatasetRow[];
  /** Where the next page starts, or null when this is the last. */
  next: ListPosition | null;
}

import { randomUUID } from 'node:crypto';
import { type AnyColumn, and, asc, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import { storeError } from './errors';
import type {
  DatasetFacets,
  DatasetFilters,
  DatasetPage,
  DatasetRecord,
  ListDatasetsParams,
  NewDataset,
  NewOrgToken,
  NewSample,
  NewToken,
  OrgRecord,
  SamplePage,
  SampleRecord,
  TokenPage,
  TokenRecord,
} from './model';
import { DATASET_SOURCES, type DatasetSource } from './model';

/**
 * Everything the API needs from persistence. One implementation per engine; each is thin
 * and shares the filter, order and mapping code below so both answer the same way.
 */
export interface Store {
  readonly engine: 'sqlite' | 'postgres';
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;

  /** Creates the org and seeds its ZNYX sample datasets in one transaction. */
  createOrg(input: { name: string }): Promise<OrgRecord>;
  /** As createOrg, and stores the org's first token in the same transaction. */
  createOrgWithToken(input: {
    name: string;
    token: NewOrgToken;
  }): Promise<{ org: OrgRecord; token: TokenRecord }>;
  getOrg(id: string): Promise<OrgRecord | null>;
  findOrgByName(name: string): Promise<OrgRecord | null>;
  /** Adds whichever ZNYX sample datasets the org lacks; returns how many were added. */
  seedSampleDatasets(orgId: string): Promise<number>;

  createToken(input: NewToken): Promise<TokenRecord>;
  findTokenByHash(tokenHash: string): Promise<TokenRecord | null>;
  /** Marks the token revoked (first revocation time wins); null when no such token. */
  revokeToken(id: string): Promise<TokenRecord | null>;
  /**
   * The org's tokens, revoked and expired ones included, newest first (createdAt descending,
   * then id); `total` counts them all. Never a hash: only the TokenRecord columns are read.
   */
  listTokens(orgId: string, page: { limit: number; offset: number }): Promise<TokenPage>;

  listDatasets(params: ListDatasetsParams): Promise<DatasetPage>;
  /** Counts per source and per category for a filter UI (see DatasetFacets). */
  datasetFacets(filters: DatasetFilters): Promise<DatasetFacets>;
  /**
   * The engine's plans for List Datasets' two queries, one line per plan step, each line
   * prefixed `count: ` or `page: `.
   */
  explainListDatasets(params: ListDatasetsParams): Promise<string[]>;
  getDataset(orgId: string, id: string): Promise<DatasetRecord | null>;
  /** A dataset's stored rows in position order; null when the org has no such dataset. */
  listSamples(
    orgId: string,
    datasetId: string,
    page: { limit: number; offset: number },
  ): Promise<SamplePage | null>;
  /** Catalog slug → dataset id, for every catalog entry the org has. */
  listCatalogInstallations(orgId: string): Promise<Map<string, string>>;
  /**
   * Adds a catalog entry's dataset unless the org has it already; either way returns the org's
   * one copy. Concurrent calls create it once. A name clash with another dataset throws
   * DatasetNameTakenError.
   */
  installCatalogDataset(
    orgId: string,
    dataset: NewDataset,
  ): Promise<{ dataset: DatasetRecord; created: boolean }>;
  /** Every dataset name in the org (for tools that must pick names not yet taken). */
  listDatasetNames(orgId: string): Promise<string[]>;
  /**
   * Inserts datasets with their samples, all or nothing. A catalog entry (catalogSlug) the org
   * already has is skipped; a name the org already uses throws DatasetNameTakenError.
   */
  insertDatasets(orgId: string, input: readonly NewDataset[]): Promise<DatasetRecord[]>;
}

type Operation = Exclude<keyof Store, 'engine'>;

/** An engine's implementation of the Store's methods; SQLite's answer synchronously. */
export type StoreMethods = {
  [K in Operation]: (...args: Parameters<Store[K]>) => ReturnType<Store[K]> | Awaited<ReturnType<Store[K]>>;
};

interface RetryPolicy {
  /** A failure after which the whole operation may run again (SQLite: another connection's lock). */
  retryable(error: unknown): boolean;
  /** How long after the first attempt the operation may be retried, in ms; then the last failure counts. */
  forMs: number;
}

const FIRST_PAUSE_MS = 2;
const LONGEST_PAUSE_MS = 50;

/**
 * The Store over an engine's methods, written once for every engine. What leaves it is one of
 * the store's own errors (see storeError), never a driver's: their messages carry SQL and every
 * bound value. With a retry policy, a retryable failure runs the operation again after a pause
 * that grows from 2 ms to 50 ms, each awaited on a timer so the event loop stays free; an
 * operation that succeeds at the first attempt sets no timer and makes no promise but its own.
 */
export function guardedStore(engine: Store['engine'], methods: StoreMethods, retry?: RetryPolicy): Store {
  const store = { engine } as Store;
  for (const operation of Object.keys(methods) as Operation[]) {
    const method = methods[operation] as (...args: unknown[]) => unknown;
    Object.assign(store, {
      [operation]: (...args: unknown[]): Promise<unknown> => {
        const startedAt = performance.now();
        const attempt = () => method(...args);
        const failed = (error: unknown) => retryOrThrow(operation, attempt, error, startedAt, retry);
        try {
          const result = attempt();
          return result instanceof Promise ? result.catch(failed) : Promise.resolve(result);
        } catch (error) {
          return failed(error);
        }
      },
    });
  }
  return store;
}

async function retryOrThrow(
  operation: Operation,
  attempt: () => unknown,
  firstError: unknown,
  startedAt: number,
  retry: RetryPolicy | undefined,
): Promise<unknown> {
  let error = firstError;
  for (
    let pauseMs = FIRST_PAUSE_MS;
    retry?.retryable(error);
    pauseMs = Math.min(pauseMs * 2, LONGEST_PAUSE_MS)
  ) {
    const remainingMs = retry.forMs - (performance.now() - startedAt);
    if (remainingMs <= 0) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(pauseMs, remainingMs)));
    try {
      return await attempt();
    } catch (next) {
      error = next;
    }
  }
  throw storeError(operation, error);
}

/** The dataset columns every dialect's table has, named as drizzle exposes them. */
export interface DatasetColumns {
  id: AnyColumn;
  orgId: AnyColumn;
  name: AnyColumn;
  category: AnyColumn;
  source: AnyColumn;
  createdAt: AnyColumn;
}

/**
 * Sample rows per INSERT: each row binds 6 parameters, and SQLite allows 32,766 per statement
 * (PostgreSQL 65,535), so 5,000 rows fit both.
 */
export const SAMPLE_ROWS_PER_INSERT = 5_000;

/** WHERE for List Datasets (and the facets): the org, then each filter that is set. */
export function datasetListWhere(t: DatasetColumns, params: DatasetFilters): SQL | undefined {
  const categories = params.categories ?? [];
  return and(
    eq(t.orgId, params.orgId),
    params.source ? eq(t.source, params.source) : undefined,
    categories.length > 0 ? inArray(t.category, [...new Set(categories)]) : undefined,
    params.nameContains ? nameContains(t.name, params.nameContains) : undefined,
  );
}

/**
 * Case-insensitive substring match on the name, the same on both engines (ASCII case folding,
 * as SQLite's lower() and LIKE do); `%`, `_` and `\` in the text match themselves.
 */
function nameContains(name: AnyColumn, text: string): SQL {
  const pattern = `%${asciiLowerCase(text).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql`lower(${name}) like ${pattern} escape '\\'`;
}

/** The contract's total order: newest first, then name, then id. */
export function datasetListOrder(t: DatasetColumns): SQL[] {
  return [desc(t.createdAt), asc(t.name), asc(t.id)];
}

/** True when A and B are the same type: each dialect's tables are checked against the shared rows. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** The row shape both dialects' dataset tables yield (checked at compile time in each). */
export interface DatasetRow {
  id: string;
  orgId: string;
  name: string;
  description: string | null;
  category: string | null;
  trustLevel: DatasetRecord['trustLevel'];
  source: DatasetRecord['source'];
  sampleCount: number;
  isPublic: boolean;
  createdBy: string | null;
  catalogSlug: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Rows out, records in: an explicit column list, never a row as-is. */
export function toDatasetRecord(row: DatasetRow): DatasetRecord {
  return {
    id: row.id,
    orgId: row.orgId,
    name: row.name,
    description: row.description,
    category: row.category,
    trustLevel: row.trustLevel,
    source: row.source,
    sampleCount: row.sampleCount,
    isPublic: row.isPublic,
    createdBy: row.createdBy,
    catalogSlug: row.catalogSlug,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The row shape both dialects' sample tables yield. */
export interface SampleRow extends SampleRecord {
  datasetId: string;
}

export function toSampleRecord(row: SampleRow): SampleRecord {
  return {
    id: row.id,
    position: row.position,
    input: row.input,
    expectedOutput: row.expectedOutput,
    metadata: row.metadata,
  };
}

export interface TokenRow extends TokenRecord {
  tokenHash: string;
}

export function toTokenRecord(row: TokenRow): TokenRecord {
  return {
    id: row.id,
    orgId: row.orgId,
    kind: row.kind,
    scopes: row.scopes,
    tokenPrefix: row.tokenPrefix,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
  };
}

/**
 * A token table's TokenRecord columns, for SELECTs: an explicit list, so the hash is never read.
 * Each dialect's column types are kept, so the rows come out typed as TokenRecord.
 */
export function tokenRecordColumns<T extends Record<keyof TokenRecord, AnyColumn>>(
  t: T,
): Pick<T, keyof TokenRecord> {
  return {
    id: t.id,
    orgId: t.orgId,
    kind: t.kind,
    scopes: t.scopes,
    tokenPrefix: t.tokenPrefix,
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    revokedAt: t.revokedAt,
  };
}

/** Token lists' total order: newest first, then id. */
export function tokenListOrder(t: { createdAt: AnyColumn; id: AnyColumn }): SQL[] {
  return [desc(t.createdAt), asc(t.id)];
}

/** The row of a new token, id and creation time set. */
export function buildTokenRow(input: NewToken, now: Date): TokenRow {
  return { id: randomUUID(), ...input, createdAt: now, revokedAt: null };
}

/** Turns a NewDataset into the dataset row and its sample rows, ids and timestamps set. */
export function buildDatasetRows(orgId: string, input: NewDataset, now: Date) {
  const createdAt = input.createdAt ?? now;
  const dataset: DatasetRow = {
    id: randomUUID(),
    orgId,
    name: input.name,
    description: input.description ?? null,
    category: input.category ?? null,
    trustLevel: input.trustLevel,
    source: input.source,
    sampleCount: input.publishedSampleCount ?? input.samples.length,
    isPublic: input.isPublic,
    createdBy: input.createdBy ?? null,
    catalogSlug: input.catalogSlug ?? null,
    createdAt,
    updatedAt: createdAt,
  };
  const samples = input.samples.map((sample: NewSample, position) => ({
    id: randomUUID(),
    datasetId: dataset.id,
    position,
    input: sample.input,
    expectedOutput: sample.expectedOutput ?? null,
    metadata: sample.metadata ?? null,
  }));
  return { dataset, samples };
}

const asciiLowerCase = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** Shapes the two GROUP BY results of the facets: every source (zeros too), categories by count. */
export function toDatasetFacets(
  total: number,
  bySource: readonly { value: DatasetSource; count: number }[],
  byCategory: readonly { value: string | null; count: number }[],
): DatasetFacets {
  const sourceCounts = new Map(bySource.map((row) => [row.value, Number(row.count)]));
  return {
    total,
    sources: DATASET_SOURCES.map((value) => ({ value, count: sourceCounts.get(value) ?? 0 })),
    categories: byCategory
      .map((row) => ({ value: row.value, count: Number(row.count) }))
      .sort(
        (a, b) =>
          b.count - a.count ||
          (a.value === null ? 1 : b.value === null ? -1 : a.value < b.value ? -1 : a.value > b.value ? 1 : 0),
      ),
  };
}

import { randomUUID } from 'node:crypto';
import { znyxSampleDatasets } from './catalog';
import { DatasetNameTakenError, isUniqueViolation, SampleSourceError, storeError } from './errors';
import { all, type Executor, first, type MaybePromise, type Script, type Values } from './executor';
import { timeOrderedUuid } from './ids';
import {
  type AppendedSamples,
  DATASET_SOURCES,
  type DatasetFacets,
  type DatasetFilters,
  type DatasetPage,
  type DatasetPatch,
  type DatasetRecord,
  type DatasetRow,
  type DatasetSource,
  type ListDatasetsParams,
  type NewDataset,
  type NewOrgToken,
  type NewSample,
  type NewToken,
  type OrgRecord,
  type SamplePage,
  type SampleRecord,
  TOKEN_USE_GRANULARITY_MS,
  type TokenPage,
  type TokenRecord,
} from './model';
import * as q from './statements';
import { cachingTokenLookups, DEFAULT_TOKEN_CACHE_MS, throttledTokenUses } from './token-cache';

/**
 * Everything the API needs from persistence, written once (createStoreMethods) over an
 * Executor; each engine only opens its executor (sqlite/, pg/).
 */
export interface Store {
  readonly engine: 'sqlite' | 'postgres';
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;

  /**
   * Creates the org and seeds its ZNYX sample datasets in one transaction, with the org's first
   * token when one is given.
   */
  createOrg(input: { name: string; token?: NewOrgToken }): Promise<{ org: OrgRecord; token?: TokenRecord }>;
  getOrg(id: string): Promise<OrgRecord | null>;
  findOrgByName(name: string): Promise<OrgRecord | null>;
  /**
   * A number that changes, in the same transaction, with every change to the org's datasets:
   * what a cached answer or an ETag is checked against. Null for an unknown org.
   */
  orgVersion(orgId: string): Promise<number | null>;

  createToken(input: NewToken): Promise<TokenRecord>;
  findTokenByHash(tokenHash: string): Promise<TokenRecord | null>;
  /**
   * Marks the token revoked (first revocation time wins); null when no such token, or, with
   * `orgId`, when it is another org's.
   */
  revokeToken(id: string, orgId?: string): Promise<TokenRecord | null>;
  /**
   * Notes that the token authenticated a request now. Written at most once per
   * TOKEN_USE_GRANULARITY_MS per token by this store, and skipped by the database when another
   * process wrote it within that time.
   */
  touchToken(id: string): Promise<void>;
  /**
   * The org's tokens, revoked and expired ones included, newest first (createdAt descending,
   * then id); `total` counts them all. Never a hash: only the TokenRecord columns are read.
   */
  listTokens(orgId: string, page: { limit: number; offset: number }): Promise<TokenPage>;

  /** One page of the org's datasets in the list order, with the total, in one snapshot. */
  listDatasets(params: ListDatasetsParams): Promise<DatasetPage>;
  /** Counts per source and per category for a filter UI (see DatasetFacets). */
  datasetFacets(filters: DatasetFilters): Promise<DatasetFacets>;
  getDataset(orgId: string, id: string): Promise<DatasetRecord | null>;
  /** A dataset by its id alone, whatever its org: for operator tools, never for a request. */
  findDatasetById(id: string): Promise<DatasetRecord | null>;
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

  /**
   * Applies a patch to the org's dataset; `updatedAt` moves forward (past the previous value
   * even within the same millisecond). Null when the org has no such dataset; a name another
   * dataset of the org has throws DatasetNameTakenError.
   */
  updateDataset(orgId: string, id: string, patch: DatasetPatch): Promise<DatasetRecord | null>;
  /** Deletes the dataset and its samples; false when the org has no such dataset. */
  deleteDataset(orgId: string, id: string): Promise<boolean>;
  /**
   * Appends rows after the dataset's last one, counting them into sample_count and moving
   * updatedAt, all in one transaction. Null when the org has no such dataset.
   */
  appendSamples(orgId: string, id: string, samples: readonly NewSample[]): Promise<AppendedSamples | null>;
  /**
   * appendSamples for rows that arrive over time (an import), in one transaction that lasts
   * while they do: all of them or, when `batches` throws, none (its error comes out as it was
   * thrown). Other requests are served meanwhile and see nothing of it before it commits.
   */
  importSamples(
    orgId: string,
    id: string,
    batches: AsyncIterable<readonly NewSample[]>,
  ): Promise<AppendedSamples | null>;
  /** Up to `limit` stored rows of a dataset after `position` (-1: from the first), in order. */
  samplesAfter(datasetId: string, position: number, limit: number): Promise<SampleRecord[]>;
}

type Operation = Exclude<keyof Store, 'engine'>;

/** The Store's methods over an executor; SQLite's may answer synchronously. */
export type StoreMethods = {
  [K in Operation]: (...args: Parameters<Store[K]>) => ReturnType<Store[K]> | Awaited<ReturnType<Store[K]>>;
};

/** What both engines' stores take. */
export interface CommonStoreOptions {
  /**
   * How long a looked-up token is trusted before the database is asked again, in ms (default
   * 500; 0: every request looks it up). A token revoked by another process is refused after at
   * most this long; one revoked through this store, at once. See token-cache.ts.
   */
  tokenCacheMs?: number;
}

/** Every operation of the store, once, for every engine. */
export function createStoreMethods(db: Executor, options: CommonStoreOptions = {}): StoreMethods {
  return cachingTokenLookups(
    throttledTokenUses(storeMethods(db)),
    options.tokenCacheMs ?? DEFAULT_TOKEN_CACHE_MS,
  );
}

function storeMethods(db: Executor): StoreMethods {
  const one = <Row>(rows: Row[]): Row | null => rows[0] ?? null;
  const then = <T, R>(value: MaybePromise<T>, next: (value: T) => MaybePromise<R>): MaybePromise<R> =>
    value instanceof Promise ? value.then(next) : next(value);

  return {
    ping: () => then(db.query(q.ping), () => undefined),
    close: () => db.close(),

    createOrg: ({ name, token }) =>
      db.transaction('write', function* () {
        const org: OrgRecord = { id: randomUUID(), name, createdAt: new Date() };
        yield* all(q.insertOrg, { ...org });
        yield* insertDatasetsScript(org.id, znyxSampleDatasets());
        if (!token) return { org };
        const row = buildTokenRow({ ...token, orgId: org.id }, org.createdAt);
        yield* all(q.insertToken, { ...row });
        return { org, token: toTokenRecord(row) };
      }),
    getOrg: (id) => then(db.query(q.orgById, { id }), one),
    findOrgByName: (name) => then(db.query(q.orgByName, { name }), one),
    orgVersion: (orgId) => then(db.query(q.orgVersion, { id: orgId }), (rows) => rows[0]?.version ?? null),

    createToken: (input) =>
      db.transaction('write', function* () {
        const row = buildTokenRow(input, new Date());
        yield* all(q.insertToken, { ...row });
        return toTokenRecord(row);
      }),
    findTokenByHash: (hash) => then(db.query(q.tokenByHash, { hash }), one),
    revokeToken: (id, orgId) =>
      db.transaction('write', function* () {
        const found = yield* first(q.tokenById, { id });
        if (!found || (orgId !== undefined && found.orgId !== orgId)) return null;
        yield* all(q.revokeToken, { id, now: new Date() });
        return (yield* first(q.tokenById, { id })) ?? null;
      }),
    touchToken: (id) => {
      const now = new Date();
      const since = new Date(now.getTime() - TOKEN_USE_GRANULARITY_MS);
      return then(db.query(q.touchToken, { id, now, since }), () => undefined);
    },
    listTokens: (orgId, page) =>
      db.transaction('read', function* () {
        const [counted] = yield* all(q.countTokens, { orgId });
        const tokens = yield* all(q.tokenPage, { orgId, ...page });
        return { total: counted?.n ?? 0, tokens };
      }),

    listDatasets: (params) => {
      const { shape, values } = listQuery(params);
      const statement = q.listDatasets(shape);
      return then(db.query(statement, values), (rows) =>
        rows.length > 0
          ? toDatasetPage(rows, params.limit)
          : // No row carried the total: read it with the (still empty) page in one snapshot.
            db.transaction('read', function* () {
              const again = yield* all(statement, values);
              if (again.length > 0) return toDatasetPage(again, params.limit);
              const [totals] = yield* all(q.listTotals(shape), values);
              return { total: totals?.total ?? 0, version: totals?.version ?? 0, datasets: [], next: null };
            }),
      );
    },
    datasetFacets: (filters) => {
      const { shape, values } = listQuery({ ...filters, limit: 0, offset: 0 });
      return then(db.query(q.datasetFacets(shape), values), toDatasetFacets);
    },
    getDataset: (orgId, id) => then(db.query(q.datasetById, { orgId, id }), one),
    findDatasetById: (id) => then(db.query(q.datasetByIdInAnyOrg, { id }), one),
    listSamples: (orgId, datasetId, page) =>
      db.transaction('read', function* () {
        if (!(yield* first(q.datasetById, { orgId, id: datasetId }))) return null;
        const [counted] = yield* all(q.countSamples, { datasetId });
        const samples = yield* all(q.samplePage, { datasetId, ...page });
        return { total: counted?.n ?? 0, samples };
      }),
    listCatalogInstallations: (orgId) =>
      then(db.query(q.catalogInstallations, { orgId }), (rows) => new Map(rows.map((r) => [r.slug, r.id]))),
    installCatalogDataset: (orgId, dataset) =>
      db.transaction('write', function* () {
        const slug = dataset.catalogSlug;
        if (!slug) throw new Error('installCatalogDataset needs a catalogSlug');
        const [created] = yield* insertDatasetsScript(orgId, [dataset]);
        if (created) return { dataset: created, created: true };
        const existing = yield* first(q.datasetByCatalogSlug, { orgId, slug });
        if (!existing) throw new Error(`catalog entry ${slug} vanished during install`);
        return { dataset: existing, created: false };
      }),
    listDatasetNames: (orgId) => then(db.query(q.datasetNames, { orgId }), (rows) => rows.map((r) => r.name)),
    insertDatasets: (orgId, input) => db.transaction('write', () => insertDatasetsScript(orgId, input)),

    updateDataset: (orgId, id, patch) =>
      nameTaken(patch.name, () =>
        db.transaction('write', function* () {
          const current = yield* first(q.datasetById, { orgId, id });
          if (!current) return null;
          if (
            patch.name !== undefined &&
            (yield* first(q.otherDatasetNamed, { orgId, id, name: patch.name }))
          ) {
            throw new DatasetNameTakenError(patch.name);
          }
          const updated: DatasetRecord = {
            ...current,
            name: patch.name ?? current.name,
            description: patch.description === undefined ? current.description : patch.description,
            category: patch.category === undefined ? current.category : patch.category,
            isPublic: patch.isPublic ?? current.isPublic,
            updatedAt: laterThan(current.updatedAt),
          };
          yield* all(q.updateDataset, { ...updated });
          return updated;
        }),
      ),
    deleteDataset: (orgId, id) =>
      db.transaction('write', function* () {
        return (yield* all(q.deleteDataset, { orgId, id })).length > 0;
      }),
    appendSamples: (orgId, id, samples) =>
      db.transaction('write', function* () {
        const current = yield* first(q.datasetById, { orgId, id });
        if (!current) return null;
        const next = (yield* first(q.nextSamplePosition, { datasetId: id }))?.next ?? 0;
        const rows = sampleRows(id, next, samples);
        for (let i = 0; i < rows.length; i += q.SAMPLE_ROWS_PER_INSERT) {
          yield* all(q.insertSamples(rows.slice(i, i + q.SAMPLE_ROWS_PER_INSERT)));
        }
        yield* all(q.addSampleCount, {
          orgId,
          id,
          added: rows.length,
          updatedAt: laterThan(current.updatedAt),
        });
        return { added: rows.length, sampleCount: current.sampleCount + rows.length };
      }),
    importSamples: (orgId, id, batches) =>
      db.bulkTransaction(async (tx) => {
        const [current] = await tx.run(q.datasetById, { orgId, id });
        if (!current) return null;
        const start = (await tx.run(q.nextSamplePosition, { datasetId: id }))[0]?.next ?? 0;
        let position = start;
        const iterator = batches[Symbol.asyncIterator]();
        let finished = false;
        try {
          for (;;) {
            let step: IteratorResult<readonly NewSample[]>;
            try {
              step = await iterator.next();
            } catch (error) {
              finished = true;
              throw new SampleSourceError(error);
            }
            if (step.done) break;
            if (step.value.length === 0) continue;
            await tx.insertSamples(sampleRows(id, position, step.value));
            position += step.value.length;
          }
          finished = true;
        } finally {
          // A failed insert stops the source too (it may be reading a request).
          if (!finished) await iterator.return?.();
        }
        const added = position - start;
        await tx.run(q.addSampleCount, { orgId, id, added, updatedAt: laterThan(current.updatedAt) });
        return { added, sampleCount: current.sampleCount + added };
      }),
    samplesAfter: (datasetId, position, limit) =>
      db.query(q.samplesAfter, { datasetId, after: position, limit }),
  };
}

/** A moment after `previous`: now, or a millisecond past it when the clock has not moved on. */
function laterThan(previous: Date): Date {
  return new Date(Math.max(Date.now(), previous.getTime() + 1));
}

/** Sample rows for `datasetId` from `position` on, ids set. */
function sampleRows(datasetId: string, position: number, samples: readonly NewSample[]): q.SampleInsertRow[] {
  return samples.map((sample, i) => ({
    id: timeOrderedUuid(),
    datasetId,
    position: position + i,
    input: sample.input,
    expectedOutput: sample.expectedOutput ?? null,
    metadata: sample.metadata ?? null,
  }));
}

/**
 * Runs a write that may give a dataset `name`: a unique violation (a concurrent transaction took
 * the name between the check and the write) is DatasetNameTakenError too.
 */
function nameTaken<T>(name: string | undefined, write: () => MaybePromise<T>): MaybePromise<T> {
  const rethrow = (error: unknown): never => {
    throw name !== undefined && isUniqueViolation(error) ? new DatasetNameTakenError(name) : error;
  };
  try {
    const result = write();
    return result instanceof Promise ? result.catch(rethrow) : result;
  } catch (error) {
    return rethrow(error);
  }
}

/** Inserts datasets and their samples; a catalog entry the org has is skipped, a taken name throws. */
function* insertDatasetsScript(orgId: string, input: readonly NewDataset[]): Script<DatasetRecord[]> {
  const now = new Date();
  const created: DatasetRecord[] = [];
  for (const item of input) {
    const { dataset, samples } = buildDatasetRows(orgId, item, now);
    // No conflict target: a clash on either unique key (catalog slug, name), even with a
    // concurrent transaction, inserts nothing once that one commits; the lookup tells them apart.
    const inserted = yield* all(q.insertDataset, { ...dataset });
    if (inserted.length === 0) {
      const slug = dataset.catalogSlug;
      if (slug && (yield* first(q.datasetByCatalogSlug, { orgId, slug }))) continue;
      throw new DatasetNameTakenError(dataset.name);
    }
    for (let i = 0; i < samples.length; i += q.SAMPLE_ROWS_PER_INSERT) {
      yield* all(q.insertSamples(samples.slice(i, i + q.SAMPLE_ROWS_PER_INSERT)));
    }
    created.push(dataset);
  }
  return created;
}

/** List Datasets' statement for these parameters, and its values. */
export function listStatement(params: ListDatasetsParams): { statement: q.ListStatement; values: Values } {
  const { shape, values } = listQuery(params);
  return { statement: q.listDatasets(shape), values };
}

/** The statement shape of a listing and its values: each distinct category once. */
function listQuery(params: ListDatasetsParams): { shape: q.ListShape; values: Values } {
  const categories = [...new Set(params.categories ?? [])];
  const shape: q.ListShape = {
    source: params.source !== undefined,
    categories: categories.length,
    nameContains: Boolean(params.nameContains),
    after: params.after !== undefined,
    offset: params.offset > 0,
  };
  const values: Values = {
    orgId: params.orgId,
    source: params.source,
    // One more than the page, to know whether another follows.
    limit: params.limit + 1,
    offset: params.offset,
    branchLimit: params.limit + 1 + params.offset,
    namePattern: params.nameContains ? likePattern(params.nameContains) : undefined,
    afterCreatedAt: params.after?.createdAt,
    afterName: params.after?.name,
    afterId: params.after?.id,
  };
  categories.forEach((category, i) => {
    values[q.categoryPlaceholder(i)] = category;
  });
  return { shape, values };
}

/**
 * Case-insensitive substring match on the name, the same on both engines (ASCII case folding);
 * `%`, `_` and `\` in the text match themselves.
 */
function likePattern(text: string): string {
  return `%${text.replace(/[A-Z]/g, (c) => c.toLowerCase()).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * A list row without the page's columns (total, version), made as one literal: a rest-spread
 * (`{ total, version, ...row }`) copied it property by property, which cost as much as making
 * the row (callgrind).
 */
const datasetOf = (row: q.ListRow): DatasetRow => ({
  id: row.id,
  name: row.name,
  description: row.description,
  category: row.category,
  trust_level: row.trust_level,
  source: row.source,
  sample_count: row.sample_count,
  is_public: row.is_public,
  created_by: row.created_by,
  created_at: row.created_at,
  updated_at: row.updated_at,
});

function toDatasetPage(rows: q.ListRow[], limit: number): DatasetPage {
  const head = rows[0] as q.ListRow;
  const more = rows.length > limit;
  const datasets = (more ? rows.slice(0, limit) : rows).map(datasetOf);
  const last = datasets[datasets.length - 1];
  return {
    total: head.total,
    version: head.version,
    datasets,
    next: more && last ? { createdAt: new Date(last.created_at), name: last.name, id: last.id } : null,
  };
}

/** Every source (zeros too), categories most first (uncategorised, counted as '', last among equals). */
function toDatasetFacets(rows: q.FacetRow[]): DatasetFacets {
  const bySource = new Map(rows.filter((r) => r.kind === 'source').map((r) => [r.value, r.n]));
  return {
    total: rows.find((r) => r.kind === 'total')?.n ?? 0,
    sources: DATASET_SOURCES.map((value: DatasetSource) => ({ value, count: bySource.get(value) ?? 0 })),
    categories: rows
      .filter((r) => r.kind === 'category')
      .map((r) => ({ value: r.value === '' ? null : r.value, count: r.n }))
      .sort(
        (a, b) =>
          b.count - a.count ||
          (a.value === null ? 1 : b.value === null ? -1 : a.value < b.value ? -1 : a.value > b.value ? 1 : 0),
      ),
  };
}

/** Operations that consume their input as they run (a stream of rows): never run twice. */
const SINGLE_SHOT = new Set<Operation>(['importSamples']);

interface RetryPolicy {
  /** A failure after which the whole operation may run again (SQLite: another connection's lock). */
  retryable(error: unknown): boolean;
  /** How long after the first attempt the operation may be retried, in ms; then the last failure counts. */
  forMs: number;
}

const FIRST_PAUSE_MS = 2;
const LONGEST_PAUSE_MS = 50;

/**
 * The Store over its methods. What leaves it is one of the store's own errors (see storeError),
 * never a driver's: their messages carry SQL and every bound value. With a retry policy, a
 * retryable failure runs the operation again after a pause that grows from 2 ms to 50 ms, each
 * awaited on a timer so the event loop stays free; an operation that succeeds at the first
 * attempt sets no timer and makes no promise but its own.
 */
export function guardedStore(engine: Store['engine'], methods: StoreMethods, retry?: RetryPolicy): Store {
  const store = { engine } as Store;
  for (const operation of Object.keys(methods) as Operation[]) {
    const method = methods[operation] as (...args: unknown[]) => unknown;
    Object.assign(store, {
      [operation]: (...args: unknown[]): Promise<unknown> => {
        const startedAt = performance.now();
        const attempt = () => method(...args);
        const failed = (error: unknown) =>
          retryOrThrow(operation, attempt, error, startedAt, SINGLE_SHOT.has(operation) ? undefined : retry);
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

/** A stored token's row: the record and its hash. */
interface TokenRow extends TokenRecord {
  tokenHash: string;
}

/** The row of a new token, id and creation time set. */
export function buildTokenRow(input: NewToken, now: Date): TokenRow {
  return {
    id: randomUUID(),
    ...input,
    name: input.name ?? null,
    createdAt: now,
    revokedAt: null,
    lastUsedAt: null,
  };
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
    name: row.name,
    lastUsedAt: row.lastUsedAt,
  };
}

/** Turns a NewDataset into the dataset's record and its sample rows, ids and timestamps set. */
export function buildDatasetRows(orgId: string, input: NewDataset, now: Date) {
  const createdAt = input.createdAt ?? now;
  const dataset: DatasetRecord = {
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
  const samples: q.SampleInsertRow[] = input.samples.map((sample, position) => ({
    id: timeOrderedUuid(),
    datasetId: dataset.id,
    position,
    input: sample.input,
    expectedOutput: sample.expectedOutput ?? null,
    metadata: sample.metadata ?? null,
  }));
  return { dataset, samples };
}

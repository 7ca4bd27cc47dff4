import type { Client } from 'openapi-fetch';
import * as openapiFetch from 'openapi-fetch';
import { detailOf, parseRetryAfter, ZnyxApiError } from './errors';
import type { components, operations, paths } from './schema.generated';
import { createTransport, defaultSleep, type FetchLike, requestOf, type Sleep } from './transport';

type Schemas = components['schemas'];
export type Dataset = Schemas['Dataset'];
export type DatasetPage = Schemas['DatasetPage'];
export type DatasetFacets = Schemas['DatasetFacets'];
export type CatalogPage = Schemas['CatalogPage'];
export type CatalogEntry = Schemas['CatalogEntry'];
export type SamplePage = Schemas['SamplePage'];
export type Sample = Schemas['Sample'];
export type Whoami = Schemas['Whoami'];
export type ApiToken = Schemas['ApiToken'];
export type TokenPage = Schemas['TokenPage'];
export type CreatedToken = Schemas['CreatedToken'];
export type TokenKind = ApiToken['kind'];
export type DatasetSource = Dataset['source'];
export type TrustLevel = Dataset['trust_level'];

type ListQuery = NonNullable<operations['datasets.list']['parameters']['query']>;
type CatalogQuery = NonNullable<operations['datasets.catalog']['parameters']['query']>;
type SamplesQuery = NonNullable<operations['datasets.samples']['parameters']['query']>;
type CreateBody = operations['datasets.create']['requestBody']['content']['application/json'];
type TokensQuery = NonNullable<operations['tokens.list']['parameters']['query']>;
type CreateTokenBody = operations['tokens.create']['requestBody']['content']['application/json'];
type NewSampleBody = Schemas['NewSample'];

/**
 * openapi-fetch's CommonJS build sets `exports.default` beside its named exports; a CommonJS
 * bundle importing it from this ESM source sees the whole `exports` object as the default.
 */
const createClient: typeof openapiFetch.default =
  (openapiFetch.default as { default?: typeof openapiFetch.default }).default ?? openapiFetch.default;

export const DEFAULT_BASE_URL = 'https://api.znyx.ai';

export interface ZnyxOptions {
  /** An org token (`znyx_rt_…`, `znyx_ci_…`, `znyx_admin_…`). Default: `process.env.ZNYX_TOKEN`. */
  token?: string;
  /** Default: `process.env.ZNYX_BASE_URL`, else `https://api.znyx.ai`. */
  baseUrl?: string;
  /** Per attempt, covering headers and body; 0 disables it. Default 30 000. */
  timeoutMs?: number;
  /** Extra attempts for a GET answered 429 or 503, or failing on the network. Default 2. POSTs are never retried. */
  retries?: number;
  /** First backoff step; each retry doubles it, jittered to 50–100 %. Default 500. */
  retryBaseDelayMs?: number;
  /** Longest single wait; a `Retry-After` beyond it is not waited for (the error is thrown). Default 60 000. */
  maxRetryDelayMs?: number;
  /** A `fetch` to use instead of `globalThis.fetch` (a proxy agent, a test double, …). */
  fetch?: FetchLike;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** How retries wait; replace it to observe or skip the waits (tests). */
  sleep?: Sleep;
}

/** Per-call options. */
export interface CallOptions {
  /** Cancels the call, including retries and their waits; rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** The filters of List Datasets, camelCase; `categories` is an array (sent comma-separated). */
export interface DatasetFilters {
  orgId: string;
  /** One category slug (legacy); united with `categories`. */
  category?: ListQuery['category'];
  categories?: readonly string[];
  source?: ListQuery['source'];
  /** Case-insensitive substring of the name. */
  q?: ListQuery['q'];
}

export interface ListDatasetsParams extends DatasetFilters {
  /** 1–200, default 50. */
  limit?: ListQuery['limit'];
  offset?: ListQuery['offset'];
  /** A page's `next_cursor`: continue after that page (with the same filters, and no offset). */
  cursor?: ListQuery['cursor'];
}

export interface IterateDatasetsParams extends DatasetFilters {
  /** Datasets fetched per request, 1–200. Default 100. */
  pageSize?: number;
}

export interface CatalogParams {
  orgId: string;
  category?: CatalogQuery['category'];
  categories?: readonly string[];
  source?: CatalogQuery['source'];
  limit?: CatalogQuery['limit'];
  offset?: CatalogQuery['offset'];
}

export interface InstallParams {
  orgId: string;
  /** The catalog entry's id or slug, e.g. `truthfulqa`. */
  catalogId: string;
}

export interface InstallResult {
  dataset: Dataset;
  /** True when this call installed it (201); false when the org already had it (200). */
  created: boolean;
}

export interface NewSample {
  input: NewSampleBody['input'];
  expectedOutput?: NewSampleBody['expected_output'];
  metadata?: NewSampleBody['metadata'];
}

export interface CreateDatasetParams {
  orgId: string;
  /** Unique in the org, compared case-insensitively. */
  name: CreateBody['name'];
  description?: CreateBody['description'];
  category?: CreateBody['category'];
  /** Default false. */
  isPublic?: CreateBody['is_public'];
  /** Up to 10,000 rows, stored in this order; all or nothing. */
  samples?: readonly NewSample[];
}

export interface GetDatasetParams {
  orgId: string;
  datasetId: string;
}

export interface SamplesParams extends GetDatasetParams {
  /** 1–1000, default 100. */
  limit?: SamplesQuery['limit'];
  offset?: SamplesQuery['offset'];
}

export interface ListTokensParams {
  orgId: string;
  /** 1–200, default 50. */
  limit?: TokensQuery['limit'];
  offset?: TokensQuery['offset'];
}

export interface CreateTokenParams {
  orgId: string;
  /** runtime → read; ci → read, write; admin → read, write, admin. */
  kind: CreateTokenBody['kind'];
  /** What the org calls it, up to 100 characters. */
  name?: CreateTokenBody['name'];
  /** Lifetime in seconds (up to ten years); absent: never expires. */
  expiresInSeconds?: CreateTokenBody['expires_in_seconds'];
}

export interface RevokeTokenParams {
  orgId: string;
  tokenId: string;
}

export interface ZnyxClient {
  /** `GET /v1/me`: the calling token's org, kind, scopes and expiry. */
  me(options?: CallOptions): Promise<Whoami>;
  datasets: {
    /** `GET /v1/orgs/{org_id}/datasets`: one page of the org's datasets. */
    list(params: ListDatasetsParams, options?: CallOptions): Promise<DatasetPage>;
    /**
     * Every matching dataset, page after page by cursor: each one that exists for the whole walk
     * exactly once, even while others are created or deleted.
     */
    iterate(params: IterateDatasetsParams, options?: CallOptions): AsyncGenerator<Dataset, void, undefined>;
    /** `GET /v1/orgs/{org_id}/datasets/facets`: counts per source and per category. */
    facets(params: DatasetFilters, options?: CallOptions): Promise<DatasetFacets>;
    /** `GET /v1/orgs/{org_id}/datasets/catalog`: everything installable. */
    catalog(params: CatalogParams, options?: CallOptions): Promise<CatalogPage>;
    /** `POST /v1/orgs/{org_id}/datasets/install`: idempotent; `created` tells 201 from 200. */
    install(params: InstallParams, options?: CallOptions): Promise<InstallResult>;
    /** `POST /v1/orgs/{org_id}/datasets`: a `customer` dataset with its samples. */
    create(params: CreateDatasetParams, options?: CallOptions): Promise<Dataset>;
    /** `GET /v1/orgs/{org_id}/datasets/{dataset_id}`. */
    get(params: GetDatasetParams, options?: CallOptions): Promise<Dataset>;
    /** `GET /v1/orgs/{org_id}/datasets/{dataset_id}/samples`: one page of rows. */
    samples(params: SamplesParams, options?: CallOptions): Promise<SamplePage>;
  };
  /** The org's tokens; every call needs an admin token (scope `admin`). */
  tokens: {
    /** `GET /v1/orgs/{org_id}/tokens`: one page, newest first, revoked and expired ones too; never a secret. */
    list(params: ListTokensParams, options?: CallOptions): Promise<TokenPage>;
    /** `POST /v1/orgs/{org_id}/tokens`: a new token; `token`, its secret, is in this answer only. */
    create(params: CreateTokenParams, options?: CallOptions): Promise<CreatedToken>;
    /** `DELETE /v1/orgs/{org_id}/tokens/{token_id}`: revoked on every server within 1 s; again: the same answer. */
    revoke(params: RevokeTokenParams, options?: CallOptions): Promise<ApiToken>;
  };
  /**
   * The underlying typed openapi-fetch client (same token, timeout and retries) for any path of
   * the OpenAPI document. It returns `{ data, error, response }` instead of throwing.
   */
  raw: Client<paths>;
}

/** Reads `process.env` where there is one (Node, Bun, Deno); browsers have none. */
function fromEnv(name: string): string | undefined {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return proc?.env?.[name] || undefined;
}

export function createZnyx(options: ZnyxOptions = {}): ZnyxClient {
  const token = options.token ?? fromEnv('ZNYX_TOKEN');
  if (!token) {
    throw new TypeError(
      'No ZNYX token: pass createZnyx({ token }) or set the ZNYX_TOKEN environment variable',
    );
  }
  const raw = createClient<paths>({
    baseUrl: options.baseUrl ?? fromEnv('ZNYX_BASE_URL') ?? DEFAULT_BASE_URL,
    headers: { ...options.headers, Authorization: `Bearer ${token}` },
    fetch: createTransport({
      fetch: options.fetch,
      timeoutMs: options.timeoutMs ?? 30_000,
      retries: options.retries ?? 2,
      retryBaseDelayMs: options.retryBaseDelayMs ?? 500,
      maxRetryDelayMs: options.maxRetryDelayMs ?? 60_000,
      sleep: options.sleep ?? defaultSleep,
      random: Math.random,
    }),
  });

  const list = async ({ orgId, limit, offset, cursor, ...filters }: ListDatasetsParams, call?: CallOptions) =>
    (
      await unwrap(
        raw.GET('/v1/orgs/{org_id}/datasets', {
          params: { path: { org_id: orgId }, query: { ...filterQuery(filters), limit, offset, cursor } },
          signal: call?.signal,
        }),
      )
    ).data;

  return {
    raw,
    tokens: {
      list: async ({ orgId, limit, offset }, call) =>
        (
          await unwrap(
            raw.GET('/v1/orgs/{org_id}/tokens', {
              params: { path: { org_id: orgId }, query: { limit, offset } },
              signal: call?.signal,
            }),
          )
        ).data,
      create: async ({ orgId, kind, name, expiresInSeconds }, call) =>
        (
          await unwrap(
            raw.POST('/v1/orgs/{org_id}/tokens', {
              params: { path: { org_id: orgId } },
              body: { kind, name, expires_in_seconds: expiresInSeconds },
              signal: call?.signal,
            }),
          )
        ).data,
      revoke: async ({ orgId, tokenId }, call) =>
        (
          await unwrap(
            raw.DELETE('/v1/orgs/{org_id}/tokens/{token_id}', {
              params: { path: { org_id: orgId, token_id: tokenId } },
              signal: call?.signal,
            }),
          )
        ).data,
    },
    me: async (call) => (await unwrap(raw.GET('/v1/me', { signal: call?.signal }))).data,
    datasets: {
      list,
      async *iterate({ pageSize = 100, ...filters }, call) {
        // Keyset paging: each page continues after the last one's next_cursor, null at the end.
        let cursor: string | undefined;
        do {
          const page = await list({ ...filters, limit: pageSize, cursor }, call);
          yield* page.datasets;
          cursor = page.next_cursor ?? undefined;
        } while (cursor);
      },
      facets: async ({ orgId, ...filters }, call) =>
        (
          await unwrap(
            raw.GET('/v1/orgs/{org_id}/datasets/facets', {
              params: { path: { org_id: orgId }, query: filterQuery(filters) },
              signal: call?.signal,
            }),
          )
        ).data,
      catalog: async ({ orgId, limit, offset, ...filters }, call) =>
        (
          await unwrap(
            raw.GET('/v1/orgs/{org_id}/datasets/catalog', {
              params: { path: { org_id: orgId }, query: { ...filterQuery(filters), limit, offset } },
              signal: call?.signal,
            }),
          )
        ).data,
      install: async ({ orgId, catalogId }, call) => {
        const { data, response } = await unwrap(
          raw.POST('/v1/orgs/{org_id}/datasets/install', {
            params: { path: { org_id: orgId } },
            body: { catalog_id: catalogId },
            signal: call?.signal,
          }),
        );
        return { dataset: data, created: response.status === 201 };
      },
      create: async ({ orgId, name, description, category, isPublic, samples }, call) =>
        (
          await unwrap(
            raw.POST('/v1/orgs/{org_id}/datasets', {
              params: { path: { org_id: orgId } },
              // undefined members vanish in JSON, so the API's defaults apply
              body: {
                name,
                description,
                category,
                is_public: isPublic,
                samples: samples?.map(({ input, expectedOutput, metadata }) => ({
                  input,
                  expected_output: expectedOutput,
                  metadata,
                })),
              },
              signal: call?.signal,
            }),
          )
        ).data,
      get: async ({ orgId, datasetId }, call) =>
        (
          await unwrap(
            raw.GET('/v1/orgs/{org_id}/datasets/{dataset_id}', {
              params: { path: { org_id: orgId, dataset_id: datasetId } },
              signal: call?.signal,
            }),
          )
        ).data,
      samples: async ({ orgId, datasetId, limit, offset }, call) =>
        (
          await unwrap(
            raw.GET('/v1/orgs/{org_id}/datasets/{dataset_id}/samples', {
              params: { path: { org_id: orgId, dataset_id: datasetId }, query: { limit, offset } },
              signal: call?.signal,
            }),
          )
        ).data,
    },
  };
}

/**
 * The wire form of the shared filters: `categories` joined with commas (omitted when empty).
 * Undefined members are left out of the query string by openapi-fetch.
 */
function filterQuery({ category, categories, source, q }: Omit<DatasetFilters, 'orgId'>) {
  return { category, categories: categories?.length ? categories.join(',') : undefined, source, q };
}

/** A success's body, or a {@link ZnyxApiError} built from the error answer. */
async function unwrap<T>(
  pending: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<{ data: T; response: Response }> {
  const { data, error, response } = await pending;
  if (!response.ok) {
    const origin = requestOf.get(response);
    throw new ZnyxApiError({
      status: response.status,
      detail: detailOf(error, response),
      method: origin?.method ?? '',
      url: origin?.url ?? response.url,
      requestId: response.headers.get('x-request-id') ?? undefined,
      retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after')),
      body: error,
    });
  }
  return { data: data as T, response };
}

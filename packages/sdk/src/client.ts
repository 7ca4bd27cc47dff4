import type { Client } from 'openapi-fetch';
import * as openapiFetch from 'openapi-fetch';
import { detailOf, parseRetryAfter, ZnyxApiError, ZnyxNetworkError } from './errors';
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
export type AppendedSamples = Schemas['AppendedSamples'];
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
type UpdateBody = NonNullable<operations['datasets.update']['requestBody']>['content']['application/json'];

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

export interface UpdateDatasetParams extends GetDatasetParams {
  name?: UpdateBody['name'];
  /** null clears it. */
  description?: UpdateBody['description'];
  /** null clears it. */
  category?: UpdateBody['category'];
  isPublic?: UpdateBody['is_public'];
}

export interface AppendSamplesParams extends GetDatasetParams {
  /** 1 to 10,000 rows, appended in this order; all or nothing. For more, use `import`. */
  samples: readonly NewSample[];
}

/** Anything that yields samples: an array, a generator, an async generator, a stream of objects. */
export type SampleSource = Iterable<NewSample> | AsyncIterable<NewSample>;

export interface ImportParams extends GetDatasetParams {
  /** Sent as NDJSON while they are produced: memory stays flat whatever their number. */
  samples: SampleSource;
}

/** The file formats of import and export: NDJSON (`jsonl`) or CSV. */
export type FileFormat = 'jsonl' | 'csv';

/** Bytes to upload: a Blob or File, a web ReadableStream, or any (async) iterable of chunks (a Node stream). */
export type FileBody =
  | Blob
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array | string>
  | Iterable<Uint8Array | string>;

export interface ImportFileParams extends GetDatasetParams {
  body: FileBody;
  /** Default `jsonl` (sent as `application/x-ndjson`); `csv` is sent as `text/csv`. */
  format?: FileFormat;
}

export interface ExportParams extends GetDatasetParams {
  /** Default `jsonl`. */
  format?: FileFormat;
}

/** A sample as export writes it (null fields are absent). */
export interface ExportedSample {
  input: string;
  expected_output?: string | null;
  metadata?: Record<string, unknown> | null;
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
    /** `PATCH /v1/orgs/{org_id}/datasets/{dataset_id}`: changes the fields given (at least one). */
    update(params: UpdateDatasetParams, options?: CallOptions): Promise<Dataset>;
    /** `DELETE /v1/orgs/{org_id}/datasets/{dataset_id}`: the dataset and its samples. */
    delete(params: GetDatasetParams, options?: CallOptions): Promise<void>;
    /** `POST /v1/orgs/{org_id}/datasets/{dataset_id}/samples`: up to 10,000 rows. */
    appendSamples(params: AppendSamplesParams, options?: CallOptions): Promise<AppendedSamples>;
    /**
     * `POST …/import` of samples from an array or (async) iterable, streamed as NDJSON; all or
     * nothing. Not retried, and without `timeoutMs` (cancel it with `signal`).
     */
    import(params: ImportParams, options?: CallOptions): Promise<AppendedSamples>;
    /** `POST …/import` of an NDJSON or CSV file, streamed as it is read. */
    importFile(params: ImportFileParams, options?: CallOptions): Promise<AppendedSamples>;
    /** `GET …/export`: every stored sample in order, parsed as the NDJSON arrives (constant memory). */
    export(params: GetDatasetParams, options?: CallOptions): AsyncGenerator<ExportedSample, void, undefined>;
    /** `GET …/export` as the file's bytes, chunk by chunk (NDJSON or CSV). */
    exportFile(params: ExportParams, options?: CallOptions): AsyncGenerator<Uint8Array, void, undefined>;
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
  const baseUrl = (options.baseUrl ?? fromEnv('ZNYX_BASE_URL') ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  const headers = { ...options.headers, Authorization: `Bearer ${token}` };
  const streaming = streamingCalls({ baseUrl, headers, fetch: options.fetch });
  const raw = createClient<paths>({
    baseUrl,
    headers,
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
                samples: samples?.map(toWireSample),
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
      update: async ({ orgId, datasetId, name, description, category, isPublic }, call) =>
        (
          await unwrap(
            raw.PATCH('/v1/orgs/{org_id}/datasets/{dataset_id}', {
              params: { path: { org_id: orgId, dataset_id: datasetId } },
              // undefined members vanish in JSON: only the fields given change
              body: { name, description, category, is_public: isPublic },
              signal: call?.signal,
            }),
          )
        ).data,
      delete: async ({ orgId, datasetId }, call) => {
        await unwrap(
          raw.DELETE('/v1/orgs/{org_id}/datasets/{dataset_id}', {
            params: { path: { org_id: orgId, dataset_id: datasetId } },
            signal: call?.signal,
          }),
        );
      },
      appendSamples: async ({ orgId, datasetId, samples }, call) =>
        (
          await unwrap(
            raw.POST('/v1/orgs/{org_id}/datasets/{dataset_id}/samples', {
              params: { path: { org_id: orgId, dataset_id: datasetId } },
              body: { samples: samples.map(toWireSample) },
              signal: call?.signal,
            }),
          )
        ).data,
      import: ({ samples, ...where }, call) =>
        streaming.importFile({ ...where, body: ndjsonLines(samples), format: 'jsonl' }, call),
      importFile: (params, call) => streaming.importFile(params, call),
      async *export(params, call) {
        let pending = '';
        const decoder = new TextDecoder();
        for await (const chunk of streaming.exportFile({ ...params, format: 'jsonl' }, call)) {
          pending += decoder.decode(chunk, { stream: true });
          const lines = pending.split('\n');
          pending = lines.pop() ?? '';
          for (const line of lines) if (line) yield JSON.parse(line) as ExportedSample;
        }
        pending += decoder.decode();
        if (pending) yield JSON.parse(pending) as ExportedSample;
      },
      exportFile: (params, call) => streaming.exportFile(params, call),
    },
  };
}

function toWireSample({ input, expectedOutput, metadata }: NewSample) {
  return { input, expected_output: expectedOutput, metadata };
}

/** Samples as NDJSON lines, produced as they are read. */
async function* ndjsonLines(samples: SampleSource): AsyncGenerator<string> {
  for await (const sample of samples) yield `${JSON.stringify(toWireSample(sample))}\n`;
}

const MEDIA_TYPE: Record<FileFormat, string> = { jsonl: 'application/x-ndjson', csv: 'text/csv' };

/**
 * Import and export stream their bodies, which the typed client (it reads whole JSON bodies,
 * within a timeout, retrying GETs) is not made for: plain fetch calls, with the same headers
 * and errors.
 */
function streamingCalls(config: { baseUrl: string; headers: Record<string, string>; fetch?: FetchLike }) {
  const send = async (request: Request): Promise<Response> => {
    let response: Response;
    try {
      response = await (config.fetch ? config.fetch(request) : globalThis.fetch(request));
    } catch (error) {
      if (request.signal.aborted) throw request.signal.reason;
      throw new ZnyxNetworkError({
        kind: 'network',
        method: request.method,
        url: request.url,
        cause: error,
        timeoutMs: 0,
      });
    }
    if (!response.ok) {
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: detailOf keeps a short text
      }
      throw new ZnyxApiError({
        status: response.status,
        detail: detailOf(body, response),
        method: request.method,
        url: request.url,
        requestId: response.headers.get('x-request-id') ?? undefined,
        retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after')),
        body,
      });
    }
    return response;
  };
  const pathOf = ({ orgId, datasetId }: GetDatasetParams, verb: 'import' | 'export') =>
    `${config.baseUrl}/v1/orgs/${encodeURIComponent(orgId)}/datasets/${encodeURIComponent(datasetId)}/${verb}`;

  return {
    async importFile({ body, format = 'jsonl', ...where }: ImportFileParams, call?: CallOptions) {
      const request = new Request(pathOf(where, 'import'), {
        method: 'POST',
        headers: { ...config.headers, 'Content-Type': MEDIA_TYPE[format] },
        body: body instanceof Blob ? body : toReadableStream(body),
        signal: call?.signal ?? null,
        // A stream as a request body is sent as it is read (fetch asks to be told so).
        ...(body instanceof Blob ? {} : { duplex: 'half' }),
      } as RequestInit);
      return (await (await send(request)).json()) as AppendedSamples;
    },
    async *exportFile({ format = 'jsonl', ...where }: ExportParams, call?: CallOptions) {
      const url = `${pathOf(where, 'export')}?format=${format}`;
      const response = await send(
        new Request(url, { headers: config.headers, signal: call?.signal ?? null }),
      );
      if (!response.body) return;
      const reader = response.body.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          yield value;
        }
      } finally {
        reader.releaseLock();
      }
    },
  };
}

function toReadableStream(body: Exclude<FileBody, Blob>): ReadableStream<Uint8Array> {
  if (body instanceof ReadableStream) return body;
  const encoder = new TextEncoder();
  const iterator =
    Symbol.asyncIterator in body
      ? (body as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]()
      : (body as Iterable<Uint8Array | string>)[Symbol.iterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(typeof value === 'string' ? encoder.encode(value) : value);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
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

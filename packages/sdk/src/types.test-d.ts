/**
 * Type-level tests, checked by `tsc` (`pnpm typecheck`), never run: what must compile does, and
 * what must not is marked `@ts-expect-error` (tsc fails if such a line compiles after all).
 */
import { expectTypeOf } from 'vitest';
import {
  type CatalogEntry,
  createZnyx,
  type Dataset,
  type DatasetPage,
  type InstallResult,
  type SamplePage,
  type ValidationIssue,
  type Whoami,
  type ZnyxApiError,
} from './index';

const znyx = createZnyx({ token: 'znyx_rt_x' });
const orgId = '00000000-0000-0000-0000-000000000000';

export async function answers() {
  const page = await znyx.datasets.list({ orgId });
  expectTypeOf(page).toEqualTypeOf<DatasetPage>();
  expectTypeOf(page.total).toEqualTypeOf<number>();
  const first = page.datasets[0];
  if (first) {
    expectTypeOf(first.sample_count).toEqualTypeOf<number>();
    expectTypeOf(first.source).toEqualTypeOf<'znyx_sample' | 'industry_standard' | 'customer'>();
    expectTypeOf(first.trust_level).toEqualTypeOf<'verified' | 'reviewed' | 'unverified'>();
    expectTypeOf(first.category).toEqualTypeOf<string | null>();
    expectTypeOf(first.is_public).toEqualTypeOf<boolean>();
  }
  // @ts-expect-error -- answers are the API's snake_case JSON, not camelCase
  page.datasets[0]?.sampleCount;

  expectTypeOf(await znyx.me()).toEqualTypeOf<Whoami>();
  expectTypeOf((await znyx.me()).token.kind).toEqualTypeOf<'runtime' | 'ci' | 'admin'>();
  expectTypeOf((await znyx.datasets.catalog({ orgId })).entries).toEqualTypeOf<CatalogEntry[]>();
  expectTypeOf(
    await znyx.datasets.install({ orgId, catalogId: 'truthfulqa' }),
  ).toEqualTypeOf<InstallResult>();
  expectTypeOf((await znyx.datasets.install({ orgId, catalogId: 'bbq' })).created).toEqualTypeOf<boolean>();
  expectTypeOf(await znyx.datasets.create({ orgId, name: 'x' })).toEqualTypeOf<Dataset>();
  expectTypeOf(await znyx.datasets.get({ orgId, datasetId: 'x' })).toEqualTypeOf<Dataset>();
  expectTypeOf(await znyx.datasets.samples({ orgId, datasetId: 'x' })).toEqualTypeOf<SamplePage>();
  expectTypeOf((await znyx.datasets.facets({ orgId })).sources[0]?.count).toEqualTypeOf<number | undefined>();
  for await (const dataset of znyx.datasets.iterate({ orgId, pageSize: 50 })) {
    expectTypeOf(dataset).toEqualTypeOf<Dataset>();
  }
}

export async function argumentsThatDoNotCompile() {
  // @ts-expect-error -- source is one of three values
  await znyx.datasets.list({ orgId, source: 'nope' });
  // @ts-expect-error -- limit is a number
  await znyx.datasets.list({ orgId, limit: '10' });
  // @ts-expect-error -- offset is a number
  await znyx.datasets.list({ orgId, offset: '0' });
  // @ts-expect-error -- categories is an array of slugs
  await znyx.datasets.list({ orgId, categories: 'pii,toxicity' });
  // @ts-expect-error -- orgId is required
  await znyx.datasets.list({ source: 'customer' });
  // @ts-expect-error -- arguments are camelCase
  await znyx.datasets.list({ org_id: orgId });
  // @ts-expect-error -- iterate pages itself: no limit
  znyx.datasets.iterate({ orgId, limit: 10 });
  // @ts-expect-error -- a catalog id is required
  await znyx.datasets.install({ orgId });
  // @ts-expect-error -- name is required
  await znyx.datasets.create({ orgId, description: 'x' });
  // @ts-expect-error -- isPublic is a boolean
  await znyx.datasets.create({ orgId, name: 'x', isPublic: 'yes' });
  // @ts-expect-error -- a sample needs its input
  await znyx.datasets.create({ orgId, name: 'x', samples: [{ expectedOutput: 'Refuses' }] });
  // @ts-expect-error -- the catalog has no name search
  await znyx.datasets.catalog({ orgId, q: 'truth' });
  // @ts-expect-error -- the raw client knows only the document's paths
  await znyx.raw.GET('/v1/orgs/{org_id}/dataset', { params: { path: { org_id: orgId } } });
  // @ts-expect-error -- timeoutMs is a number
  createZnyx({ timeoutMs: '30s' });
}

export function errors(error: ZnyxApiError) {
  expectTypeOf(error.status).toEqualTypeOf<number>();
  expectTypeOf(error.detail).toEqualTypeOf<string | ValidationIssue[]>();
  expectTypeOf(error.requestId).toEqualTypeOf<string | undefined>();
  expectTypeOf(error.retryAfterSeconds).toEqualTypeOf<number | undefined>();
  if (typeof error.detail !== 'string') {
    expectTypeOf(error.detail[0]?.loc).toEqualTypeOf<(string | number)[] | undefined>();
  }
}

export async function rawClient() {
  const { data, error } = await znyx.raw.GET('/v1/orgs/{org_id}/datasets', {
    params: { path: { org_id: orgId }, query: { source: 'customer', limit: 10 } },
  });
  expectTypeOf(data).toEqualTypeOf<DatasetPage | undefined>();
  if (error) expectTypeOf(error.detail).toEqualTypeOf<string | ValidationIssue[]>();
}

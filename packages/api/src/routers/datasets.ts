import type { DatasetRecord, ListPosition, SampleRecord } from '@znyx/db';
import { z } from 'zod';
import type { Context } from '../context';
import { ApiError } from '../errors';
import { checkedOutput } from '../output-check';
import { CatalogPage, InstallDatasetInput, ListCatalogInput } from '../schemas/catalog';
import {
  AppendedSamples,
  AppendSamplesInput,
  CreateDatasetInput,
  cursorFilters,
  Dataset,
  DatasetFacets,
  DatasetFacetsInput,
  DatasetPage,
  DeleteDatasetInput,
  GetDatasetInput,
  ListDatasetsInput,
  ListSamplesInput,
  requestedCategories,
  type Sample,
  SamplePage,
  UpdateDatasetInput,
} from '../schemas/datasets';
import { installFromCatalog, listCatalog, samplesNotice } from '../services/catalog';
import { type CursorFilters, decodeCursor, encodeCursor } from '../services/cursor';
import { DATASET_NOT_FOUND, editableDataset, toNewSample } from '../services/datasets';
import { requireOrgAccess } from '../services/tokens';
import { authedProcedure, router } from '../trpc';

const TAGS = ['Datasets'];
const ERRORS = {
  401: 'Missing, malformed, unknown, expired or revoked token.',
  403: 'Token does not have org access (wrong org_id, or insufficient scope).',
  422: 'Validation Error',
};
const NOT_FOUND = DATASET_NOT_FOUND;
export const UPDATE_NEEDS_A_FIELD = 'At least one of name, description, category or is_public is required';
const WRITE_ERRORS = {
  ...ERRORS,
  403: 'Token does not have org access (wrong org_id, or insufficient scope), or the dataset is read-only (a ZNYX sample or an installed benchmark).',
  404: 'Resource does not exist in this org.',
};

export const datasetsRouter = router({
  list: authedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/v1/orgs/{org_id}/datasets',
        operationId: 'datasets.list',
        summary: 'List Datasets',
        description:
          'List evaluation datasets for an organization: ZNYX samples, installed industry benchmarks and ' +
          "the team's own, newest first. Any runtime, CI or admin token of the org can read it (scope `read`).",
        tags: TAGS,
        successDescription: 'Successful Response',
        errorResponses: ERRORS,
      },
      cacheable: true,
    })
    .input(ListDatasetsInput)
    .output(checkedOutput(DatasetPage))
    .query(async ({ ctx, input }) => {
      requireOrgAccess(ctx.actor, input.org_id, 'read');
      const filters = cursorFilters(input);
      const page = await ctx.store.listDatasets({
        orgId: input.org_id,
        ...filters,
        limit: input.limit,
        offset: input.offset,
        after: input.cursor === undefined ? undefined : positionOf(input.cursor, filters),
      });
      ctx.response.cacheable = { orgId: input.org_id, version: page.version };
      return {
        total: page.total,
        limit: input.limit,
        offset: input.offset,
        next_cursor: page.next ? encodeCursor(page.next, filters) : null,
        datasets: page.datasets,
      };
    }),

  // `facets` and `catalog` are declared before `get`: REST paths match in this order.
  facets: authedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/v1/orgs/{org_id}/datasets/facets',
        operationId: 'datasets.facets',
        summary: 'Dataset Facets',
        description:
          'Counts per source and per category for a filter UI ("toxicity (12)"), under the same filters as List ' +
          'Datasets; each facet ignores its own filter, so the other choices stay visible (scope `read`).',
        tags: TAGS,
        successDescription: 'Successful Response',
        errorResponses: ERRORS,
      },
      cacheable: true,
    })
    .input(DatasetFacetsInput)
    .output(checkedOutput(DatasetFacets))
    .query(async ({ ctx, input }) => {
      requireOrgAccess(ctx.actor, input.org_id, 'read');
      await markCacheable(ctx, input.org_id);
      return ctx.store.datasetFacets({
        orgId: input.org_id,
        categories: requestedCategories(input),
        source: input.source,
        nameContains: input.q || undefined,
      });
    }),

  catalog: authedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/v1/orgs/{org_id}/datasets/catalog',
        operationId: 'datasets.catalog',
        summary: 'Browse the Catalog',
        description:
          'Everything an org can install: the ZNYX samples and published industry benchmarks, with their ' +
          'published facts, and whether this org has each one (scope `read`). Filters as List Datasets.',
        tags: TAGS,
        successDescription: 'Successful Response',
        errorResponses: ERRORS,
      },
      cacheable: true,
    })
    .input(ListCatalogInput)
    .output(checkedOutput(CatalogPage))
    .query(async ({ ctx, input }) => {
      requireOrgAccess(ctx.actor, input.org_id, 'read');
      await markCacheable(ctx, input.org_id);
      return listCatalog(ctx.store, input.org_id, {
        categories: requestedCategories(input),
        source: input.source,
        limit: input.limit,
        offset: input.offset,
      });
    }),

  install: authedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/v1/orgs/{org_id}/datasets/install',
        operationId: 'datasets.install',
        summary: 'Install from the Catalog',
        description:
          'Adds a catalog entry (by id or slug) to the org: 201 with the new Dataset the first time, 200 with ' +
          'the same Dataset on every later call, concurrent ones included; never a second copy. Industry ' +
          'benchmarks carry their published sample_count; their rows stay with the publisher (see the samples ' +
          'endpoint). Scope `write` (CI and admin tokens).',
        tags: TAGS,
        errorResponses: {
          ...ERRORS,
          404: 'No catalog entry with that id or slug.',
          409: 'A dataset of the org already has the entry name.',
        },
      },
      successStatuses: { 201: 'Installed: the new Dataset', 200: 'Already installed: the same Dataset' },
    })
    .input(InstallDatasetInput)
    .output(Dataset)
    .mutation(async ({ ctx, input }) => {
      requireOrgAccess(ctx.actor, input.org_id, 'write');
      const { dataset, created } = await installFromCatalog(ctx.store, input.org_id, input.catalog_id);
      ctx.response.status = created ? 201 : 200;
      return toDataset(dataset);
    }),

  create: authedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/v1/orgs/{org_id}/datasets',
        operationId: 'datasets.create',
        summary: 'Create a Dataset',
        description:
          "Creates one of the team's own datasets (source `customer`, trust level `unverified`), with up to " +
          '10,000 samples, all or nothing: one bad sample is a 422 pointing at it and nothing is written. ' +
          'Request bodies up to 16 MiB. Scope `write` (CI and admin tokens).',
        tags: TAGS,
        errorResponses: {
          ...ERRORS,
          409: 'The org already has a dataset of that name (compared case-insensitively).',
          413: 'Request body over 16 MiB.',
        },
      },
      successStatuses: { 201: 'Created: the new Dataset (without its samples)' },
    })
    .input(CreateDatasetInput)
    .output(Dataset)
    .mutation(async ({ ctx, input }) => {
      requireOrgAccess(ctx.actor, input.org_id, 'write');
      const [dataset] = await ctx.store.insertDatasets(input.org_id, [
        {
          name: input.name,
          description: input.description ?? null,
          category: input.category ?? null,
          trustLevel: 'unverified',
          source: 'customer',
          isPublic: input.is_public,
          createdBy: ctx.actor.tokenId,
          samples: input.samples.map(toNewSample),
        },
      ]);
      if (!dataset) throw new Error('insertDatasets returned no dataset');
      ctx.response.status = 201;
      return toDataset(dataset);
    }),

  get: authedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/v1/orgs/{org_id}/datasets/{dataset_id}',
        operationId: 'datasets.get',
        summary: 'Get a Dataset',
        description: "One dataset of the org; another org's dataset is a 404 too (scope `read`).",
        tags: TAGS,
        successDescription: 'Successful Response',
        errorResponses: { ...ERRORS, 404: 'Resource does not exist in this org.' },
      },
      cacheable: true,
    })
    .input(GetDatasetInput)
    .output(Dataset)
    .query(async ({ ctx, input }) => {
      requireOrgAccess(ctx.actor, input.org_id, 'read');
      await markCacheable(ctx, input.org_id);
      const dataset = await ctx.store.getDataset(input.org_id, input.dataset_id);
      if (!dataset) throw ApiError.notFound(NOT_FOUND);
      return toDataset(dataset);
    }),

  update: authedProcedure
    .meta({
      openapi: {
        method: 'PATCH',
        path: '/v1/orgs/{org_id}/datasets/{dataset_id}',
        operationId: 'datasets.update',
        summary: 'Update a Dataset',
        description:
          'Changes any of `name` (unique in the org, as on create), `description` and `category` (null clears ' +
          'either) and `is_public`; at least one of them. `updated_at` moves forward, `created_at` stays. ' +
          'ZNYX samples and installed benchmarks are read-only (403). Scope `write` (CI and admin tokens).',
        tags: TAGS,
        errorResponses: {
          ...WRITE_ERRORS,
          409: 'The org already has a dataset of that name (compared case-insensitively).',
        },
      },
      successStatuses: { 200: 'The Dataset as changed' },
    })
    .input(UpdateDatasetInput)
    .output(Dataset)
    .mutation(async ({ ctx, input }) => {
      if (
        input.name === undefined &&
        input.description === undefined &&
        input.category === undefined &&
        input.is_public === undefined
      ) {
        throw ApiError.validation([{ loc: ['body'], msg: UPDATE_NEEDS_A_FIELD, type: 'value_error' }]);
      }
      requireOrgAccess(ctx.actor, input.org_id, 'write');
      await editableDataset(ctx.store, input.org_id, input.dataset_id);
      const updated = await ctx.store.updateDataset(input.org_id, input.dataset_id, {
        name: input.name,
        description: input.description,
        category: input.category,
        isPublic: input.is_public,
      });
      if (!updated) throw ApiError.notFound(NOT_FOUND);
      return toDataset(updated);
    }),

  delete: authedProcedure
    .meta({
      openapi: {
        method: 'DELETE',
        path: '/v1/orgs/{org_id}/datasets/{dataset_id}',
        operationId: 'datasets.delete',
        summary: 'Delete a Dataset',
        description:
          'Deletes the dataset and its samples at once: it is no longer listed, counted or found (404), and a ' +
          'deleted catalog entry can be installed again. Any source may be deleted. Scope `write` (CI and ' +
          'admin tokens).',
        tags: TAGS,
        errorResponses: { ...ERRORS, 404: 'Resource does not exist in this org.' },
      },
      successStatuses: { 204: 'Deleted (no body)' },
    })
    .input(DeleteDatasetInput)
    .output(z.void())
    .mutation(async ({ ctx, input }) => {
      requireOrgAccess(ctx.actor, input.org_id, 'write');
      if (!(await ctx.store.deleteDataset(input.org_id, input.dataset_id)))
        throw ApiError.notFound(NOT_FOUND);
      ctx.response.status = 204;
    }),

  appendSamples: authedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/v1/orgs/{org_id}/datasets/{dataset_id}/samples',
        operationId: 'datasets.appendSamples',
        summary: 'Append Samples',
        description:
          'Appends 1 to 10,000 samples (each as on create) after the existing rows, all or nothing; ' +
          '`sample_count` and `updated_at` change in the same transaction. Customer datasets only (403 for ' +
          'the others); for more rows, stream them to the import endpoint. Scope `write`.',
        tags: TAGS,
        errorResponses: { ...WRITE_ERRORS, 413: 'Request body over 16 MiB.' },
      },
      successStatuses: { 201: 'Appended' },
    })
    .input(AppendSamplesInput)
    .output(checkedOutput(AppendedSamples))
    .mutation(async ({ ctx, input }) => {
      requireOrgAccess(ctx.actor, input.org_id, 'write');
      await editableDataset(ctx.store, input.org_id, input.dataset_id);
      const appended = await ctx.store.appendSamples(
        input.org_id,
        input.dataset_id,
        input.samples.map(toNewSample),
      );
      if (!appended) throw ApiError.notFound(NOT_FOUND);
      ctx.response.status = 201;
      return { added: appended.added, sample_count: appended.sampleCount };
    }),

  samples: authedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/v1/orgs/{org_id}/datasets/{dataset_id}/samples',
        operationId: 'datasets.samples',
        summary: 'List Samples',
        description:
          "A dataset's rows in their stored order, paged, so an evaluation run can pull them (scope `read`). " +
          'For an installed industry benchmark, ZNYX stores metadata only: `rows_stored` is false, `total` is 0, ' +
          "and `notice` says where the publisher's rows are.",
        tags: TAGS,
        successDescription: 'Successful Response',
        errorResponses: { ...ERRORS, 404: 'Resource does not exist in this org.' },
      },
      cacheable: true,
    })
    .input(ListSamplesInput)
    .output(checkedOutput(SamplePage))
    .query(async ({ ctx, input }) => {
      requireOrgAccess(ctx.actor, input.org_id, 'read');
      await markCacheable(ctx, input.org_id);
      const dataset = await ctx.store.getDataset(input.org_id, input.dataset_id);
      if (!dataset) throw ApiError.notFound(NOT_FOUND);
      const page = await ctx.store.listSamples(input.org_id, input.dataset_id, input);
      if (!page) throw ApiError.notFound(NOT_FOUND);
      const { rowsStored, notice } = samplesNotice(dataset);
      return {
        total: page.total,
        limit: input.limit,
        offset: input.offset,
        samples: page.samples.map(toSample),
        rows_stored: rowsStored,
        notice,
      };
    }),
});

/**
 * Notes the org's version before the answer is read, for its ETag and the answer cache: a write
 * in between leaves the answer newer than its version (the next request reads it again), never
 * older.
 */
async function markCacheable(ctx: Context, orgId: string): Promise<void> {
  const version = await ctx.store.orgVersion(orgId);
  if (version !== null) ctx.response.cacheable = { orgId, version };
}

/** The position a cursor the input schema accepted continues after. */
function positionOf(cursor: string, filters: CursorFilters): ListPosition {
  const position = decodeCursor(cursor, filters);
  if (typeof position === 'string') throw new Error('the input schema let an invalid cursor through');
  return position;
}

/** The wire shape of a dataset: snake_case keys, ISO timestamps. */
export function toDataset(record: DatasetRecord): Dataset {
  return {
    id: record.id,
    name: record.name,
    description: record.description,
    category: record.category,
    trust_level: record.trustLevel,
    source: record.source,
    sample_count: record.sampleCount,
    is_public: record.isPublic,
    created_by: record.createdBy,
    created_at: record.createdAt.toISOString(),
    updated_at: record.updatedAt.toISOString(),
  };
}

function toSample(record: SampleRecord): Sample {
  return {
    id: record.id,
    input: record.input,
    expected_output: record.expectedOutput,
    metadata: record.metadata,
  };
}

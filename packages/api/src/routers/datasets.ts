import type { DatasetRecord } from '@znyx/db';
import { type Dataset, DatasetPage, ListDatasetsInput } from '../schemas/datasets';
import { requireOrgAccess } from '../services/tokens';
import { authedProcedure, router } from '../trpc';

const TAGS = ['Datasets'];

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
        errorResponses: {
          401: 'Missing, malformed, unknown, expired or revoked token.',
          403: 'Token does not have org access (wrong org_id, or insufficient scope).',
          422: 'Validation Error',
        },
      },
    })
    .input(ListDatasetsInput)
    .output(DatasetPage)
    .query(async ({ ctx, input }) => {
      requireOrgAccess(ctx.actor, input.org_id, 'read');
      const categories = [...(input.category ? [input.category] : []), ...(input.categories ?? [])];
      const page = await ctx.store.listDatasets({
        orgId: input.org_id,
        categories,
        source: input.source,
        limit: input.limit,
        offset: input.offset,
      });
      return {
        total: page.total,
        limit: input.limit,
        offset: input.offset,
        datasets: page.datasets.map(toDataset),
      };
    }),
});

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

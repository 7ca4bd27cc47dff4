import { z } from 'zod';
import { DatasetSource, datasetFilters, integerParam, MAX_OFFSET, nameText, OrgId } from './datasets';

export const ListCatalogInput = z.object({
  org_id: OrgId,
  ...datasetFilters,
  limit: integerParam(1, 200, 50, 'Page size, 1-200'),
  offset: integerParam(0, MAX_OFFSET, 0, 'Number of matching entries to skip'),
});
export type ListCatalogInput = z.input<typeof ListCatalogInput>;

export const CatalogEntry = z
  .object({
    id: z.string().meta({ description: 'Stable id of the entry (a UUID)' }),
    slug: z.string().meta({ example: 'truthfulqa' }),
    name: z.string().meta({ example: 'TruthfulQA' }),
    description: z.string(),
    source: DatasetSource,
    category: z.string(),
    sample_count: z.number().int().meta({ description: "The publisher's number of samples" }),
    authors: z.string(),
    paper_url: z.string().nullable(),
    homepage: z.string().nullable(),
    license: z.string().nullable(),
    year: z.number().int(),
    version: z.string().nullable(),
    installed: z.boolean().meta({ description: 'Whether this org has it' }),
    dataset_id: z.string().nullable().meta({ description: "This org's copy, or null" }),
  })
  .meta({ id: 'CatalogEntry' });
export type CatalogEntry = z.infer<typeof CatalogEntry>;

export const CatalogPage = z
  .object({
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
    entries: z.array(CatalogEntry),
  })
  .meta({ id: 'CatalogPage' });
export type CatalogPage = z.infer<typeof CatalogPage>;

export const InstallDatasetInput = z.strictObject({
  org_id: OrgId,
  catalog_id: nameText(200).meta({ description: "The catalog entry's id or slug", example: 'truthfulqa' }),
});
export type InstallDatasetInput = z.input<typeof InstallDatasetInput>;

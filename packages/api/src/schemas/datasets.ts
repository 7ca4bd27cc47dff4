import { DATASET_SOURCES, TRUST_LEVELS } from '@znyx/db';
import { z } from 'zod';

/** An org id: a UUID in any case, compared lower-cased. */
export const OrgId = z.guid({ error: 'Input should be a valid UUID' }).toLowerCase().meta({
  description: 'The organization id (a UUID, any case)',
  example: '00000000-0000-0000-0000-000000000000',
});

export const CATEGORY_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const MAX_CATEGORIES = 20;

/** A category slug: lower-cased on input, then 1–64 of [a-z0-9_-], starting alphanumeric. */
export const CategorySlug = z.string().toLowerCase().regex(CATEGORY_PATTERN, {
  error: 'Category must be a slug: 1-64 characters of a-z, 0-9, _ or -, starting with a letter or digit',
});

export const DatasetSource = z.enum(DATASET_SOURCES);
export type DatasetSource = z.infer<typeof DatasetSource>;
export const TrustLevel = z.enum(TRUST_LEVELS);

/** `categories`: a comma-separated string (or, over tRPC, an array); items trimmed, empties dropped. */
const CategoryList = z
  .union([z.string(), z.array(z.string())])
  .transform((value) =>
    (Array.isArray(value) ? value : [value])
      .flatMap((item) => item.split(','))
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  )
  .pipe(z.array(CategorySlug).max(MAX_CATEGORIES))
  .meta({
    description: `Comma-separated category list for multi-select (at most ${MAX_CATEGORIES}); items are trimmed, lower-cased, and empty items dropped; the parameter may also be repeated. Combined with \`category\` as a union.`,
    example: 'pii,toxicity',
  });

const DECIMAL_INTEGER = /^[+-]?\d+$/;

/**
 * An integer parameter: a number over tRPC, a decimal string over REST (the query string has
 * only strings). Anything else, such as ' ', '1e2', '0x10' or '1.5', fails as "not an integer".
 */
export const integerParam = (min: number, max: number | undefined, fallback: number, description: string) => {
  const range = max === undefined ? z.int().min(min) : z.int().min(min).max(max);
  return z
    .preprocess<unknown, typeof range, number>(
      (value: unknown) => (typeof value === 'string' && DECIMAL_INTEGER.test(value) ? Number(value) : value),
      range,
    )
    .default(fallback)
    .meta({
      description,
      // The document shows the wire type, not the preprocessing step.
      override: ({ jsonSchema }) => {
        for (const key of Object.keys(jsonSchema)) delete jsonSchema[key as keyof typeof jsonSchema];
        Object.assign(jsonSchema, {
          type: 'integer',
          minimum: min,
          ...(max === undefined ? {} : { maximum: max }),
          default: fallback,
          description,
        });
      },
    });
};

/** The filters List Datasets and the catalog share. */
export const datasetFilters = {
  category: CategorySlug.meta({
    description: 'Single category (legacy); lower-cased before it is checked',
    example: 'jailbreak',
  }).optional(),
  categories: CategoryList.optional(),
  source: DatasetSource.meta({ description: 'znyx_sample | industry_standard | customer' }).optional(),
};

/** `q`: a case-insensitive substring of the name, combined with the other filters by AND. */
const NameQuery = z
  .string()
  .trim()
  .max(200)
  .meta({
    description: 'Case-insensitive substring of the dataset name (AND with the other filters)',
    example: 'jail',
  })
  .optional();

/** Both `category` and `categories`, as one list (their union). */
export function requestedCategories(input: { category?: string; categories?: string[] }): string[] {
  return [...(input.category ? [input.category] : []), ...(input.categories ?? [])];
}

export const ListDatasetsInput = z.object({
  org_id: OrgId,
  ...datasetFilters,
  q: NameQuery,
  limit: integerParam(1, 200, 50, 'Page size, 1-200'),
  offset: integerParam(0, undefined, 0, 'Number of matching datasets to skip'),
});
export type ListDatasetsInput = z.input<typeof ListDatasetsInput>;

const Timestamp = z.iso.datetime().nullable().meta({
  description: 'ISO 8601 UTC with millisecond precision; always set by this service',
  example: '2026-11-28T12:00:00.000Z',
});

export const Dataset = z
  .object({
    id: z.string().meta({ example: '5f0c6a52-3b2f-4b7e-9a37-0f4f2a9d7c11' }),
    name: z.string().meta({ example: 'Jailbreak Prompts (sample)' }),
    description: z.string().nullable(),
    category: z.string().nullable().meta({ example: 'jailbreak' }),
    trust_level: TrustLevel.meta({
      description: 'verified (ZNYX samples), reviewed (industry benchmarks), unverified (customer data)',
    }),
    source: DatasetSource,
    sample_count: z.number().int(),
    is_public: z.boolean(),
    created_by: z
      .string()
      .nullable()
      .meta({ description: 'The creating token or user id; null for seeded or installed datasets' }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'Dataset' });
export type Dataset = z.infer<typeof Dataset>;

export const DatasetPage = z
  .object({
    total: z.number().int().meta({ description: 'Every match, ignoring limit and offset' }),
    limit: z.number().int(),
    offset: z.number().int(),
    datasets: z.array(Dataset),
  })
  .meta({ id: 'DatasetPage' });
export type DatasetPage = z.infer<typeof DatasetPage>;

/** A dataset id: a UUID in any case. */
export const DatasetId = z.guid({ error: 'Input should be a valid UUID' }).toLowerCase().meta({
  description: 'The dataset id (a UUID)',
  example: '5f0c6a52-3b2f-4b7e-9a37-0f4f2a9d7c11',
});

export const GetDatasetInput = z.object({ org_id: OrgId, dataset_id: DatasetId });
export type GetDatasetInput = z.input<typeof GetDatasetInput>;

export const MAX_SAMPLES_PER_DATASET = 10_000;
export const MAX_TEXT_LENGTH = 100_000;

export const NewSampleInput = z
  .object({
    input: z.string().min(1).max(MAX_TEXT_LENGTH).meta({ description: 'The prompt sent to the model' }),
    expected_output: z
      .string()
      .max(MAX_TEXT_LENGTH)
      .nullish()
      .meta({ description: 'The expected answer or behaviour, if any' }),
    metadata: z
      .record(z.string(), z.unknown())
      .nullish()
      .meta({ description: 'Free-form JSON object, e.g. {"technique": "role_play"}' }),
  })
  .meta({ id: 'NewSample' });

export const CreateDatasetInput = z.object({
  org_id: OrgId,
  name: z.string().trim().min(1).max(200).meta({
    description: 'Unique in the org, compared case-insensitively; trimmed',
    example: 'Support bot jailbreaks',
  }),
  description: z.string().max(2000).nullish(),
  category: CategorySlug.meta({ description: 'A category slug; lower-cased before it is checked' }).nullish(),
  is_public: z.boolean().default(false),
  samples: z
    .array(NewSampleInput)
    .max(MAX_SAMPLES_PER_DATASET)
    .default([])
    .meta({
      description: `Up to ${MAX_SAMPLES_PER_DATASET.toLocaleString('en-US')} rows, stored in this order`,
    }),
});
export type CreateDatasetInput = z.input<typeof CreateDatasetInput>;

export const ListSamplesInput = z.object({
  org_id: OrgId,
  dataset_id: DatasetId,
  limit: integerParam(1, 1000, 100, 'Page size, 1-1000'),
  offset: integerParam(0, undefined, 0, 'Number of samples to skip'),
});
export type ListSamplesInput = z.input<typeof ListSamplesInput>;

export const Sample = z
  .object({
    id: z.string(),
    input: z.string(),
    expected_output: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'Sample' });

export const SamplePage = z
  .object({
    total: z.number().int().meta({ description: 'Rows stored for this dataset' }),
    limit: z.number().int(),
    offset: z.number().int(),
    samples: z.array(Sample),
    rows_stored: z.boolean().meta({
      description:
        'False for an installed industry benchmark: ZNYX keeps its metadata and published sample_count, not its rows',
    }),
    notice: z
      .string()
      .nullable()
      .meta({ description: 'Where to get the rows when they are not stored here' }),
  })
  .meta({ id: 'SamplePage' });
export type SamplePage = z.infer<typeof SamplePage>;
export type Sample = z.infer<typeof Sample>;

export const DatasetFacetsInput = z.object({ org_id: OrgId, ...datasetFilters, q: NameQuery });
export type DatasetFacetsInput = z.input<typeof DatasetFacetsInput>;

export const DatasetFacets = z
  .object({
    total: z
      .number()
      .int()
      .meta({ description: 'Matches of every filter, as List Datasets would count them' }),
    sources: z
      .array(z.object({ value: DatasetSource, count: z.number().int() }))
      .meta({ description: 'Every source, counted under all filters but `source`' }),
    categories: z.array(z.object({ value: z.string().nullable(), count: z.number().int() })).meta({
      description:
        'Categories with at least one match, counted under all filters but `category`/`categories`; most first',
    }),
  })
  .meta({ id: 'DatasetFacets' });
export type DatasetFacets = z.infer<typeof DatasetFacets>;

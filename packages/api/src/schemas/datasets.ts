import { DATASET_SOURCES, type DatasetRow, TRUST_LEVELS } from '@znyx/db';
import { z } from 'zod';
import { CURSOR_PATTERN, type CursorFilters, decodeCursor } from '../services/cursor';

/** An org id: a UUID in any case, compared lower-cased. */
export const OrgId = z.guid({ error: 'Input should be a valid UUID' }).toLowerCase().meta({
  description: 'The organization id (a UUID, any case), e.g. `00000000-0000-0000-0000-000000000000`',
});

/** A category slug as sent: any case (it is lower-cased after this check). */
export const CATEGORY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const MAX_CATEGORIES = 20;

/**
 * `categories` as one string: comma-separated slugs, each with optional whitespace around it,
 * empty items allowed, at most MAX_CATEGORIES slugs. The JSON-schema twin of what
 * CategoryList accepts (JS's trim() and `\s` agree on what whitespace is).
 */
const SLUG = CATEGORY_PATTERN.source.slice(1, -1);
export const CATEGORY_LIST_PATTERN = new RegExp(
  `^[\\s,]*(?:${SLUG}\\s*(?:,[\\s,]*${SLUG}\\s*){0,${MAX_CATEGORIES - 1}})?[\\s,]*$`,
);

/** A category slug: 1–64 of [A-Za-z0-9_-], starting alphanumeric, then lower-cased. */
export const CategorySlug = z
  .string()
  .regex(CATEGORY_PATTERN, {
    error: 'Category must be a slug: 1-64 characters of a-z, 0-9, _ or -, starting with a letter or digit',
  })
  .toLowerCase();

export const DatasetSource = z.enum(DATASET_SOURCES);
export type DatasetSource = z.infer<typeof DatasetSource>;
export const TrustLevel = z.enum(TRUST_LEVELS);

const CATEGORIES_DESCRIPTION =
  `Comma-separated category list for multi-select, at most ${MAX_CATEGORIES} in all, e.g. ` +
  '`pii,toxicity`; items are trimmed, lower-cased, and empty items dropped. The parameter may ' +
  'be repeated (at most 20 times). Combined with `category` as a union.';

/**
 * `categories`: a comma-separated string or, repeated (or over tRPC), an array of them; items
 * trimmed, empties dropped, at most MAX_CATEGORIES in all.
 */
const CategoryList = z
  .union([z.string(), z.array(z.string()).max(MAX_CATEGORIES)])
  .transform((value) =>
    (Array.isArray(value) ? value : [value])
      .flatMap((item) => item.split(','))
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  )
  .pipe(z.array(CategorySlug).max(MAX_CATEGORIES))
  .meta({
    description: CATEGORIES_DESCRIPTION,
    // The document shows the wire forms, not the transform.
    override: ({ jsonSchema }) => {
      replaceJsonSchema(jsonSchema, {
        anyOf: [
          { type: 'string', pattern: CATEGORY_LIST_PATTERN.source },
          {
            type: 'array',
            items: { type: 'string', pattern: CATEGORY_LIST_PATTERN.source },
            maxItems: MAX_CATEGORIES,
          },
        ],
        description: CATEGORIES_DESCRIPTION,
      });
    },
  });

/** Replaces a generated JSON schema in place (zod-openapi's `override` hands over the object). */
function replaceJsonSchema(jsonSchema: object, replacement: object): void {
  for (const key of Object.keys(jsonSchema)) delete (jsonSchema as Record<string, unknown>)[key];
  Object.assign(jsonSchema, replacement);
}

const DECIMAL_INTEGER = /^[+-]?\d+$/;

/**
 * An integer parameter: a number over tRPC, a decimal string over REST (the query string has
 * only strings). Anything else, such as ' ', '1e2', '0x10' or '1.5', fails as "not an integer".
 * The only coercion of the API, declared here, so REST and tRPC accept the same values.
 */
export const integerParam = (min: number, max: number, fallback: number, description: string) => {
  const range = z.int().min(min).max(max);
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
        replaceJsonSchema(jsonSchema, {
          type: 'integer',
          minimum: min,
          maximum: max,
          default: fallback,
          description,
        });
      },
    });
};

/** The largest offset: JSON numbers are exact integers up to 2^53 − 1. */
export const MAX_OFFSET = Number.MAX_SAFE_INTEGER;

/** The filters List Datasets and the catalog share. */
export const datasetFilters = {
  category: CategorySlug.meta({
    description: 'Single category (legacy), e.g. `jailbreak`; lower-cased after it is checked',
  }).optional(),
  categories: CategoryList.optional(),
  source: DatasetSource.meta({ description: 'znyx_sample | industry_standard | customer' }).optional(),
};

/** `q`: a case-insensitive substring of the name, combined with the other filters by AND. */
const NameQuery = z
  .string()
  .max(200)
  .trim()
  .meta({
    description:
      'Case-insensitive substring of the dataset name, e.g. `jail` (AND with the other filters); trimmed',
  })
  .optional();

/** Both `category` and `categories`, as one list (their union). */
export function requestedCategories(input: { category?: string; categories?: string[] }): string[] {
  return [...(input.category ? [input.category] : []), ...(input.categories ?? [])];
}

/** The filters a List Datasets cursor was minted under (see services/cursor.ts). */
export function cursorFilters(input: {
  category?: string;
  categories?: string[];
  source?: DatasetSource;
  q?: string;
}): CursorFilters {
  return { source: input.source, categories: requestedCategories(input), nameContains: input.q || undefined };
}

export const ListDatasetsInput = z
  .object({
    org_id: OrgId,
    ...datasetFilters,
    q: NameQuery,
    limit: integerParam(1, 200, 50, 'Page size, 1-200'),
    offset: integerParam(0, MAX_OFFSET, 0, 'Number of matching datasets to skip (0 with a cursor)'),
    cursor: z
      .string()
      .regex(CURSOR_PATTERN, { error: 'Invalid cursor' })
      .meta({
        description:
          'Continue after the page whose `next_cursor` this is (keyset paging: the same cost at any depth). Opaque; valid only with the filters it was minted under, and with offset 0.',
      })
      .optional(),
  })
  .superRefine((input, ctx) => {
    // A cursor that is not even base64url has its own issue already.
    if (input.cursor === undefined || !CURSOR_PATTERN.test(input.cursor)) return;
    if (input.offset !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['cursor'],
        message: 'A cursor cannot be combined with a non-zero offset',
      });
      return;
    }
    const decoded = decodeCursor(input.cursor, cursorFilters(input));
    if (decoded === 'malformed')
      ctx.addIssue({ code: 'custom', path: ['cursor'], message: 'Invalid cursor' });
    if (decoded === 'other_filters') {
      ctx.addIssue({
        code: 'custom',
        path: ['cursor'],
        message: 'The cursor was minted under other filters',
      });
    }
  });
export type ListDatasetsInput = z.input<typeof ListDatasetsInput>;

const Timestamp = z.iso.datetime().meta({
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

/** The store selects datasets in this very shape (no mapping per row): the two must not drift. */
const storeRowsAreDatasets: Same<Dataset, DatasetRow> = true;
void storeRowsAreDatasets;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export const DatasetPage = z
  .object({
    total: z.number().int().meta({ description: 'Every match, ignoring limit, offset and cursor' }),
    limit: z.number().int(),
    offset: z.number().int(),
    next_cursor: z.string().nullable().meta({
      description: 'Pass as `cursor` for the page after this one; null on the last page',
    }),
    datasets: z.array(Dataset),
  })
  .meta({ id: 'DatasetPage' });
export type DatasetPage = z.infer<typeof DatasetPage>;

/** A dataset id: a UUID in any case. */
export const DatasetId = z.guid({ error: 'Input should be a valid UUID' }).toLowerCase().meta({
  description: 'The dataset id (a UUID, any case)',
});

export const GetDatasetInput = z.object({ org_id: OrgId, dataset_id: DatasetId });
export type GetDatasetInput = z.input<typeof GetDatasetInput>;

export const MAX_SAMPLES_PER_DATASET = 10_000;
export const MAX_TEXT_LENGTH = 100_000;

export const NewSampleInput = z
  .strictObject({
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

/** A name as sent: up to `max` characters, not blank; stored trimmed. */
export const nameText = (max: number) =>
  z.string().max(max).regex(/\S/, { error: 'String should not be blank' }).trim();

export const CreateDatasetInput = z.strictObject({
  org_id: OrgId,
  name: nameText(200).meta({
    description: 'Unique in the org, compared case-insensitively; trimmed',
    example: 'Support bot jailbreaks',
  }),
  description: z.string().max(2000).nullish(),
  category: CategorySlug.meta({ description: 'A category slug; lower-cased after it is checked' }).nullish(),
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

/** At least one of the fields must be given: the router says so (a refinement would open the schema). */
export const UpdateDatasetInput = z.strictObject({
  org_id: OrgId,
  dataset_id: DatasetId,
  name: nameText(200)
    .meta({ description: 'Unique in the org, compared case-insensitively; trimmed' })
    .optional(),
  description: z.string().max(2000).nullable().meta({ description: 'null clears it' }).optional(),
  category: CategorySlug.meta({ description: 'A category slug, lower-cased; null clears it' })
    .nullable()
    .optional(),
  is_public: z.boolean().optional(),
});
export type UpdateDatasetInput = z.input<typeof UpdateDatasetInput>;

export const DeleteDatasetInput = z.object({ org_id: OrgId, dataset_id: DatasetId });
export type DeleteDatasetInput = z.input<typeof DeleteDatasetInput>;

export const AppendSamplesInput = z.strictObject({
  org_id: OrgId,
  dataset_id: DatasetId,
  samples: z
    .array(NewSampleInput)
    .min(1)
    .max(MAX_SAMPLES_PER_DATASET)
    .meta({
      description: `1 to ${MAX_SAMPLES_PER_DATASET.toLocaleString('en-US')} rows, appended in this order after the existing ones`,
    }),
});
export type AppendSamplesInput = z.input<typeof AppendSamplesInput>;

export const AppendedSamples = z
  .object({
    added: z.number().int().meta({ description: 'Rows appended by this call' }),
    sample_count: z.number().int().meta({ description: "The dataset's sample_count after it" }),
  })
  .meta({ id: 'AppendedSamples' });
export type AppendedSamples = z.infer<typeof AppendedSamples>;

export const ListSamplesInput = z.object({
  org_id: OrgId,
  dataset_id: DatasetId,
  limit: integerParam(1, 1000, 100, 'Page size, 1-1000'),
  offset: integerParam(0, MAX_OFFSET, 0, 'Number of samples to skip'),
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

import type { DatasetRecord, NewSample, Store } from '@znyx/db';
import type { z } from 'zod';
import { ApiError } from '../errors';
import type { NewSampleInput } from '../schemas/datasets';

export const DATASET_NOT_FOUND = 'Dataset not found';
export const READ_ONLY_DATASET =
  'ZNYX sample datasets and installed benchmarks are read-only; only customer datasets can be changed';

/** The org's dataset (404 if it has none by that id). */
export async function findDataset(store: Store, orgId: string, id: string): Promise<DatasetRecord> {
  const dataset = await store.getDataset(orgId, id);
  if (!dataset) throw ApiError.notFound(DATASET_NOT_FOUND);
  return dataset;
}

/** The org's dataset, if its content may change: customer datasets only (403 for the others). */
export async function editableDataset(store: Store, orgId: string, id: string): Promise<DatasetRecord> {
  const dataset = await findDataset(store, orgId, id);
  if (dataset.source !== 'customer') throw ApiError.forbidden(READ_ONLY_DATASET);
  return dataset;
}

/** A sample as the API takes it (create, append, import), as the store takes it. */
export function toNewSample(sample: z.output<typeof NewSampleInput>): NewSample {
  return {
    input: sample.input,
    expectedOutput: sample.expected_output ?? null,
    metadata: sample.metadata ?? null,
  };
}

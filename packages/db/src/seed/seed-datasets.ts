import type { NewDataset } from '../model';
import { ZNYX_SAMPLE_DATASETS } from './znyx-samples';

/** The ZNYX sample datasets every org receives: verified, public, keyed by catalog slug. */
export function znyxSampleDatasets(): NewDataset[] {
  return ZNYX_SAMPLE_DATASETS.map((definition) => ({
    name: definition.name,
    description: definition.description,
    category: definition.category,
    trustLevel: 'verified',
    source: 'znyx_sample',
    isPublic: true,
    createdBy: null,
    catalogSlug: definition.slug,
    samples: definition.samples,
  }));
}

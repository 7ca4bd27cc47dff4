import { createHash } from 'node:crypto';
import type { DatasetSource, NewDataset } from './model';
import { INDUSTRY_BENCHMARKS } from './seed/industry-benchmarks';
import { ZNYX_SAMPLE_DATASETS } from './seed/znyx-samples';

/** Everything an org can install: the ZNYX samples and published industry benchmarks. */
export interface CatalogEntry {
  /** Stable across releases: a name-based UUID of the slug. */
  id: string;
  slug: string;
  name: string;
  description: string;
  source: Extract<DatasetSource, 'znyx_sample' | 'industry_standard'>;
  category: string;
  /** The number of samples: the rows shipped (ZNYX samples) or the publisher's count (benchmarks). */
  sampleCount: number;
  authors: string;
  paperUrl: string | null;
  homepage: string | null;
  license: string | null;
  year: number;
  version: string | null;
  /** Whether ZNYX stores the rows themselves (only the ZNYX samples, today). */
  rowsStored: boolean;
}

const CATALOG_NAMESPACE = 'znyx-datasets/catalog/';

/** RFC 4122 version-5-style UUID (SHA-1 of a namespace and the slug), so ids never change. */
function catalogId(slug: string): string {
  const hash = createHash('sha1')
    .update(CATALOG_NAMESPACE + slug)
    .digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const CATALOG: readonly CatalogEntry[] = [
  ...ZNYX_SAMPLE_DATASETS.map((sample) => ({
    id: catalogId(sample.slug),
    slug: sample.slug,
    name: sample.name,
    description: sample.description,
    source: 'znyx_sample' as const,
    category: sample.category,
    sampleCount: sample.samples.length,
    authors: 'ZNYX',
    paperUrl: null,
    homepage: null,
    license: null,
    year: 2026,
    version: null,
    rowsStored: true,
  })),
  ...INDUSTRY_BENCHMARKS.map((benchmark) => ({
    id: catalogId(benchmark.slug),
    slug: benchmark.slug,
    name: benchmark.name,
    description: benchmark.description,
    source: 'industry_standard' as const,
    category: benchmark.category,
    sampleCount: benchmark.sampleCount,
    authors: benchmark.authors,
    paperUrl: benchmark.paperUrl,
    homepage: benchmark.homepage,
    license: benchmark.license,
    year: benchmark.year,
    version: benchmark.version,
    rowsStored: false,
  })),
];

const bySlugOrId = new Map(
  CATALOG.flatMap((entry) => [[entry.slug, entry] as const, [entry.id, entry] as const]),
);

/** The entry with this id (any case) or slug, if the catalog has one. */
export function findCatalogEntry(idOrSlug: string): CatalogEntry | undefined {
  return bySlugOrId.get(idOrSlug) ?? bySlugOrId.get(idOrSlug.toLowerCase());
}

/** The dataset an install creates: ZNYX samples with their rows, benchmarks with their published count. */
export function catalogDataset(entry: CatalogEntry): NewDataset {
  const sample = ZNYX_SAMPLE_DATASETS.find((s) => s.slug === entry.slug);
  return {
    name: entry.name,
    description: entry.description,
    category: entry.category,
    trustLevel: entry.source === 'znyx_sample' ? 'verified' : 'reviewed',
    source: entry.source,
    isPublic: true,
    createdBy: null,
    catalogSlug: entry.slug,
    samples: sample?.samples ?? [],
    publishedSampleCount: entry.sampleCount,
  };
}

/** The ZNYX sample datasets every org receives at creation: verified, public, keyed by catalog slug. */
export function znyxSampleDatasets(): NewDataset[] {
  return CATALOG.filter((entry) => entry.source === 'znyx_sample').map(catalogDataset);
}

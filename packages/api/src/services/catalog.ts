import {
  CATALOG,
  type CatalogEntry,
  catalogDataset,
  type DatasetRecord,
  findCatalogEntry,
  type Store,
} from '@znyx/db';
import { ApiError } from '../errors';
import type { CatalogPage } from '../schemas/catalog';
import type { DatasetSource } from '../schemas/datasets';

/** The catalog as this org sees it: filtered like List Datasets, each entry saying whether the org has it. */
export async function listCatalog(
  store: Store,
  orgId: string,
  filters: { categories: string[]; source?: DatasetSource; limit: number; offset: number },
): Promise<CatalogPage> {
  const wanted = new Set(filters.categories);
  const matches = CATALOG.filter(
    (entry) =>
      (!filters.source || entry.source === filters.source) &&
      (wanted.size === 0 || wanted.has(entry.category)),
  );
  const installed = await store.listCatalogInstallations(orgId);
  return {
    total: matches.length,
    limit: filters.limit,
    offset: filters.offset,
    entries: matches.slice(filters.offset, filters.offset + filters.limit).map((entry) => ({
      id: entry.id,
      slug: entry.slug,
      name: entry.name,
      description: entry.description,
      source: entry.source,
      category: entry.category,
      sample_count: entry.sampleCount,
      authors: entry.authors,
      paper_url: entry.paperUrl,
      homepage: entry.homepage,
      license: entry.license,
      year: entry.year,
      version: entry.version,
      installed: installed.has(entry.slug),
      dataset_id: installed.get(entry.slug) ?? null,
    })),
  };
}

/** Installs a catalog entry (by id or slug) into the org once; `created` says whether this call did it. */
export async function installFromCatalog(
  store: Store,
  orgId: string,
  catalogId: string,
): Promise<{ dataset: DatasetRecord; created: boolean }> {
  const entry = findCatalogEntry(catalogId);
  if (!entry) throw ApiError.notFound(`Catalog entry '${catalogId}' not found`);
  return store.installCatalogDataset(orgId, catalogDataset(entry));
}

/** What a dataset's samples page says when the rows live with their publisher, not here. */
export function samplesNotice(dataset: DatasetRecord): { rowsStored: boolean; notice: string | null } {
  const entry: CatalogEntry | undefined = dataset.catalogSlug
    ? findCatalogEntry(dataset.catalogSlug)
    : undefined;
  if (!entry || entry.rowsStored) return { rowsStored: true, notice: null };
  const where = entry.homepage ?? entry.paperUrl;
  return {
    rowsStored: false,
    notice:
      `${entry.name}'s ${entry.sampleCount.toLocaleString('en-US')} published samples are not stored in ZNYX; ` +
      `this dataset carries its metadata and published sample_count.${where ? ` Get the rows from ${where}` : ''}`,
  };
}

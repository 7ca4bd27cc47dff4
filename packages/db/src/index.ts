export { CATALOG, type CatalogEntry, catalogDataset, findCatalogEntry } from './catalog';
export { DatasetNameTakenError, isUnavailable, StoreQueryError, StoreUnavailableError } from './errors';
export * from './model';
export { openStore, type StoreOptions } from './open-store';
export { createPgStore, type PgStoreOptions } from './pg/pg-store';
export { createSqliteStore } from './sqlite/sqlite-store';
export type { Store } from './store';

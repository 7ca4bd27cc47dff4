export * from './model';
export { openStore, sqlitePathFrom } from './open-store';
export { createSqliteStore } from './sqlite/sqlite-store';
export type { Store } from './store';

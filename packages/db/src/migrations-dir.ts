import { fileURLToPath } from 'node:url';

/**
 * The migrations folders, beside this file. A bundle (apps/server's build) copies the
 * `migrations` folder next to its output, where these same expressions then point.
 */
export const SQLITE_MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/sqlite', import.meta.url));
export const PG_MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/pg', import.meta.url));

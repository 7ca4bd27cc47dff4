import { fileURLToPath } from 'node:url';

/**
 * The SQLite migrations folder, beside this file. A bundle (apps/server's build) copies the
 * folder next to its output, where this same expression then points.
 */
export const SQLITE_MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/sqlite', import.meta.url));

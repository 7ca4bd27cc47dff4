/**
 * The database cannot be reached or did not answer in time. The API answers 503 for it, and a
 * retry once the database is back will succeed; every other store error is a bug (500).
 */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super('Database unavailable', { cause });
    this.name = 'StoreUnavailableError';
  }
}

/** Socket-level failures and the SQLSTATEs that mean "the server is not there or not answering". */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '57014', // query_canceled: statement_timeout
]);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|connection timeout|Query read timeout/i;

/** Walks an error's cause chain (drivers and drizzle wrap each other) for a sign of unavailability. */
export function isUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (current instanceof StoreUnavailableError) return true;
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message)) return true;
    current = cause;
  }
  return false;
}

/** Another dataset of the org already has this name (names are unique per org, ignoring case). */
export class DatasetNameTakenError extends Error {
  constructor(readonly datasetName: string) {
    super(`A dataset named "${datasetName}" already exists in this org`);
    this.name = 'DatasetNameTakenError';
  }
}

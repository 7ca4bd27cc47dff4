/**
 * The database cannot be reached, did not answer in time, or is in trouble (a lock held too long
 * by another process, a failover, a full disk). The API answers 503 for it, and a retry once the
 * database is back will succeed; every other store error is a bug (500).
 */
export class StoreUnavailableError extends Error {
  constructor(
    /** The Store method that failed, e.g. 'insertDatasets' ('open' while opening the store). */
    readonly operation: string,
    /** The SQLSTATE, SQLite code or socket error code, when the driver gave one. */
    readonly code: string | undefined,
  ) {
    super('Database unavailable');
    this.name = 'StoreUnavailableError';
  }
}

/**
 * Any other failure of a store operation: a bug, or a schema out of step with the code. It names
 * the operation and the code only, and keeps nothing of the driver's error: that error's message
 * (and drizzle's "Failed query: <sql> params: <values>") carries SQL and every bound value, i.e.
 * the user's content, and loggers print a `cause`.
 */
export class StoreQueryError extends Error {
  constructor(
    readonly operation: string,
    readonly code: string | undefined,
  ) {
    super(code ? `${operation} failed (${code})` : `${operation} failed`);
    this.name = 'StoreQueryError';
  }
}

/** Another dataset of the org already has this name (names are unique per org, ignoring case). */
export class DatasetNameTakenError extends Error {
  constructor(readonly datasetName: string) {
    super(`A dataset named "${datasetName}" already exists in this org`);
    this.name = 'DatasetNameTakenError';
  }
}

/**
 * The rows handed to importSamples failed to come (the caller's stream threw): the store rolled
 * back and passes the caller's own error on, untouched.
 */
export class SampleSourceError extends Error {
  constructor(readonly reason: unknown) {
    super('The sample source failed');
    this.name = 'SampleSourceError';
  }
}

/** A unique index refused the row (SQLite's constraint code, PostgreSQL's SQLSTATE 23505). */
export function isUniqueViolation(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

/** Socket-level failures: the server is not there, or the connection to it broke. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATE classes 08 (connection exception), 53 (insufficient resources: too many connections,
 * disk full, out of memory), 57 (operator intervention: 57014 statement timeout, 57P01-57P05
 * shutdown, crash, cannot connect now, database dropped, idle session timeout) and 58 (system
 * error: I/O).
 */
const UNAVAILABLE_SQLSTATE_CLASS = /^(?:08|53|57|58)[0-9A-Z]{3}$/;

/** Single SQLSTATEs that pass once retried. */
const TRANSIENT_SQLSTATES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '25006', // read_only_sql_transaction: connected to a replica after a failover
  '55P03', // lock_not_available
]);

/**
 * SQLite's codes (extended ones too, e.g. SQLITE_BUSY_SNAPSHOT, SQLITE_IOERR_WRITE) for a lock
 * another connection holds: the operation is retried first (see guardedStore), and only a lock
 * held past the deadline leaves the store.
 */
const SQLITE_BUSY = /^SQLITE_(?:BUSY|LOCKED)(?:_|$)/;

/** SQLite's codes for a database file in trouble rather than a bad statement. */
const SQLITE_TROUBLE = /^SQLITE_(?:IOERR|FULL|CANTOPEN|READONLY|CORRUPT|NOTADB|NOMEM|PROTOCOL)(?:_|$)/;

/**
 * node-postgres' and pg-pool's own errors (read from pg 8.23 and pg-pool 3.14) for a connection
 * that broke, timed out or is gone. Matched whole: a drizzle message quotes bound values, which
 * could hold these words.
 */
const UNAVAILABLE_MESSAGES = new Set([
  'Connection terminated', // the socket closed (also as the pool's end of a timed-out connect)
  'Connection terminated unexpectedly', // the server closed it: restart, failover, terminated backend
  'Connection terminated due to connection timeout', // pg-pool: connectionTimeoutMillis
  'timeout exceeded when trying to connect', // pg-pool: no pooled client freed in time
  'timeout expired', // pg: the client's own connect timeout
  'Query read timeout', // pg: query_timeout, the server stopped answering
  'Client has encountered a connection error and is not queryable', // a query after the socket failed
  'Client was closed and is not queryable', // a query on a client being closed
  'Cannot use a pool after calling end on the pool', // the store is closing
]);
/** pg: the server's messages came out of step with the protocol; the connection is dropped. */
const PROTOCOL_DESYNC = /^Received unexpected \w+ message from backend\.$/;

/** The first error code down an error's cause chain (drizzle wraps the driver's error). */
function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === 'string') return code;
    current = cause;
  }
  return undefined;
}

/** Another connection holds the lock (SQLite), so the operation may be retried as a whole. */
export function isBusy(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && SQLITE_BUSY.test(code);
}

/** Walks an error's cause chain (drivers and drizzle wrap each other) for a sign of unavailability. */
export function isUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (current instanceof StoreUnavailableError) return true;
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (
      typeof code === 'string' &&
      (SOCKET_CODES.has(code) ||
        UNAVAILABLE_SQLSTATE_CLASS.test(code) ||
        TRANSIENT_SQLSTATES.has(code) ||
        SQLITE_BUSY.test(code) ||
        SQLITE_TROUBLE.test(code))
    ) {
      return true;
    }
    if (typeof message === 'string' && (UNAVAILABLE_MESSAGES.has(message) || PROTOCOL_DESYNC.test(message))) {
      return true;
    }
    current = cause;
  }
  return false;
}

/**
 * What a failure of `operation` leaves the store as: DatasetNameTakenError as thrown,
 * StoreUnavailableError for a database in trouble, StoreQueryError for anything else.
 */
export function storeError(operation: string, error: unknown): Error {
  if (error instanceof DatasetNameTakenError) return error;
  if (error instanceof SampleSourceError) return error.reason as Error;
  const code = errorCode(error);
  return isUnavailable(error)
    ? new StoreUnavailableError(operation, code)
    : new StoreQueryError(operation, code);
}

/**
 * What a failure to open a store (connect, migrate) leaves it as: StoreUnavailableError when the
 * database is in trouble; anything else as it is, for the operator to read (a bad URL or
 * credentials, a failing migration: no user content exists yet).
 */
export function openError(error: unknown): unknown {
  return isUnavailable(error) ? new StoreUnavailableError('open', errorCode(error)) : error;
}

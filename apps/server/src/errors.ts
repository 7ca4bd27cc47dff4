import type { TRPCError } from '@trpc/server';
import { ApiError } from '@znyx/api';
import type { Logger } from './logger';

/** The largest request body either transport reads (a dataset of 10,000 rich samples fits). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * Transport hooks shared by /trpc and the REST paths: the headers some errors carry (the 401
 * challenge, Retry-After on 429), and one log line per failed call (internal errors with their
 * stack, server-side only).
 */
export function errorHeaders(errors: readonly TRPCError[]): Record<string, string> | undefined {
  const headers: Record<string, string> = {};
  for (const error of errors) {
    if (error.code === 'UNAUTHORIZED') headers['WWW-Authenticate'] = 'Bearer';
    if (error instanceof ApiError && error.retryAfterSeconds !== undefined) {
      headers['Retry-After'] = String(error.retryAfterSeconds);
    }
  }
  return Object.keys(headers).length > 0 ? headers : undefined;
}

export function logCallError(
  logger: Logger,
  input: { error: TRPCError; path: string | undefined; requestId: string | undefined },
): void {
  const { error, path, requestId } = input;
  if (error.code === 'INTERNAL_SERVER_ERROR') {
    logger.error({ requestId, procedure: path, err: error.cause ?? error }, 'procedure failed');
  } else {
    logger.info({ requestId, procedure: path, code: error.code }, 'procedure rejected the call');
  }
}

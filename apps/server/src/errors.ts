import type { TRPCError } from '@trpc/server';
import type { Logger } from './logger';

/**
 * Transport hooks shared by /trpc and the REST paths: the 401 challenge header, and one
 * log line per failed call (internal errors with their stack, server-side only).
 */
export function authChallenge(errors: readonly TRPCError[]): Record<string, string> | undefined {
  return errors.some((e) => e.code === 'UNAUTHORIZED') ? { 'WWW-Authenticate': 'Bearer' } : undefined;
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

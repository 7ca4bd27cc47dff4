import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TRPCError } from '@trpc/server';
import { ApiError, type RateBudget } from '@znyx/api';
import type { Request } from 'express';

/** The largest request body either transport reads (a dataset of 10,000 rich samples fits). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** The most calls one tRPC batch may hold; a larger batch is refused whole (400). */
export const MAX_BATCH_CALLS = 25;

/**
 * Transport hooks shared by /trpc and the REST paths: the headers some errors carry (the 401
 * challenge, Retry-After on 429 and 503), and what a failed call adds to the request's log line.
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

/**
 * A token's budget, as every answer that spent it says (the 429 too): RateLimit-Limit,
 * RateLimit-Remaining and RateLimit-Reset (seconds). The one place both REST paths (the
 * procedure's and the kept answer's) and /trpc set them; a later call of a tRPC batch that
 * streams its answer may find the headers sent already.
 */
export function setBudgetHeaders(res: ServerResponse, budget: RateBudget): void {
  if (res.headersSent) return;
  res.setHeader('RateLimit-Limit', String(budget.limit));
  res.setHeader('RateLimit-Remaining', String(budget.remaining));
  res.setHeader('RateLimit-Reset', String(budget.resetSeconds));
}

/** The failed calls of one request, as its one log line carries them. */
export interface CallFailures {
  count: number;
  /** The first few: a batch of 25 failures still makes a short line. */
  calls: { procedure?: string; code: string }[];
}

const LOGGED_FAILED_CALLS = 5;

/**
 * Notes a failed call on its response, for the request's one log line (app.ts): the procedure
 * and code, and for a 500 or 503 the error itself (logged as `safeError` describes it).
 */
export function recordCallError(req: IncomingMessage, error: TRPCError, procedure: string | undefined): void {
  const res = (req as Request).res;
  if (!res) return;
  res.locals.failures ??= { count: 0, calls: [] } satisfies CallFailures;
  const failures = res.locals.failures as CallFailures;
  failures.count++;
  if (failures.calls.length < LOGGED_FAILED_CALLS) {
    failures.calls.push({ procedure: procedure?.slice(0, 128), code: error.code });
  }
  if (error.code === 'INTERNAL_SERVER_ERROR' || error.code === 'SERVICE_UNAVAILABLE') {
    (res as { err?: unknown }).err ??= error;
  }
}

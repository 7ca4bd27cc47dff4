import { initTRPC } from '@trpc/server';
import { DatasetNameTakenError, StoreUnavailableError } from '@znyx/db';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { z } from 'zod';
import type { Context } from './context';
import { ApiError, clientDetail, type InputLocation, toValidationIssues } from './errors';
import { authenticateToken } from './services/tokens';

/**
 * Procedure metadata: trpc-to-openapi's `openapi` block, plus every REST success status when
 * that is not just 200 (the OpenAPI document lists them; the procedure sets the one in force
 * through `ctx.response.status`).
 */
export type ApiMeta = OpenApiMeta<{ successStatuses?: Record<number, string> }>;

const t = initTRPC
  .context<Context>()
  .meta<ApiMeta>()
  .create({
    // Never put stacks in error shapes, whatever NODE_ENV says.
    isDev: false,
    errorFormatter({ shape, error }) {
      const detail = clientDetail(error);
      return {
        code: shape.code,
        message: typeof detail === 'string' ? detail : 'Validation failed',
        data: { code: shape.data.code, httpStatus: shape.data.httpStatus, path: shape.data.path, detail },
      };
    },
  });

export const router = t.router;

/**
 * Turns the failures every procedure can meet into their API errors:
 * - a failed input parse → 422, each `loc` saying where the field travels on the REST side
 *   (a `{name}` in the procedure's path, else the query string for GET, else the body);
 * - a database that is not there → 503 with Retry-After, never a 500 with a driver message;
 * - a dataset name the org already uses → 409.
 */
const knownFailures = t.middleware(async ({ meta, next, getRawInput }) => {
  const result = await next();
  if (result.ok) return result;
  const { error } = result;
  if (error.code === 'BAD_REQUEST' && error.cause instanceof z.core.$ZodError) {
    const openapi = meta?.openapi;
    const locationOf = (field: string | undefined): InputLocation => {
      if (field && openapi?.path.includes(`{${field}}`)) return 'path';
      return openapi?.method === 'GET' || openapi?.method === 'DELETE' ? 'query' : 'body';
    };
    throw ApiError.validation(toValidationIssues(error.cause, await getRawInput(), locationOf));
  }
  if (error.cause instanceof StoreUnavailableError) throw ApiError.unavailable();
  if (error.cause instanceof DatasetNameTakenError) throw ApiError.conflict(error.cause.message);
  return result;
});

export const publicProcedure = t.procedure.use(knownFailures);

/**
 * Resolves the credential to an actor before the input is even parsed, so a 401 comes first;
 * then spends one unit of the token's rate budget.
 */
export const authedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const { credential } = ctx;
  if (credential.kind === 'none') throw ApiError.unauthorized('Not authenticated');
  if (credential.kind === 'malformed') {
    throw ApiError.unauthorized('Invalid authentication credentials');
  }
  const actor = await authenticateToken(ctx.store, credential.token);
  await ctx.rateLimiter?.consume(actor.tokenId);
  return next({ ctx: { actor } });
});

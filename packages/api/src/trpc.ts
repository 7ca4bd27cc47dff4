import { initTRPC } from '@trpc/server';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { z } from 'zod';
import type { Context } from './context';
import { ApiError, clientDetail, fromStoreError, type InputLocation, toValidationIssues } from './errors';
import { inputGuardIssues } from './input-guard';

/**
 * Procedure metadata: trpc-to-openapi's `openapi` block, plus every REST success status when
 * that is not just 200 (the OpenAPI document lists them; the procedure sets the one in force
 * through `ctx.response.status`), and whether its answer is cacheable (it then sets
 * `ctx.response.cacheable`).
 */
export type ApiMeta = OpenApiMeta<{
  successStatuses?: Record<number, string>;
  /** A GET whose answer names the org version it was read at: ETag, 304, the answer cache. */
  cacheable?: true;
}>;

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

/** Where a procedure's input field travels on the REST side: its path, else the query (GET), else the body. */
function locationsOf(meta: ApiMeta | undefined): (field: string | undefined) => InputLocation {
  const openapi = meta?.openapi;
  return (field) => {
    if (field && openapi?.path.includes(`{${field}}`)) return 'path';
    return openapi?.method === 'GET' || openapi?.method === 'DELETE' ? 'query' : 'body';
  };
}

/**
 * Turns the failures every procedure can meet into their API errors:
 * - a failed input parse → 422, each `loc` saying where the field travels on the REST side;
 * - the store's expected failures (see fromStoreError): 503, 409.
 */
const knownFailures = t.middleware(async ({ meta, next, getRawInput }) => {
  const result = await next();
  if (result.ok) return result;
  const { error } = result;
  if (error.code === 'BAD_REQUEST' && error.cause instanceof z.core.$ZodError) {
    throw ApiError.validation(toValidationIssues(error.cause, await getRawInput(), locationsOf(meta)));
  }
  const storeFailure = fromStoreError(error.cause);
  if (storeFailure) throw storeFailure;
  return result;
});

/**
 * Before any schema sees the input: no text either engine cannot store (U+0000, lone
 * surrogates) and no nesting past MAX_INPUT_DEPTH, anywhere in it (422 at each one's `loc`).
 */
const storableInput = t.middleware(async ({ meta, next, getRawInput }) => {
  const issues = inputGuardIssues(await getRawInput(), locationsOf(meta));
  if (issues.length > 0) throw ApiError.validation(issues);
  return next();
});

const baseProcedure = t.procedure.use(knownFailures);

export const publicProcedure = baseProcedure.use(storableInput);

/**
 * Resolves the credential to an actor before the input is even looked at, so a 401 comes first
 * (once per HTTP request: a tRPC batch shares it); then spends one unit of the token's rate
 * budget per call.
 */
export const authedProcedure = baseProcedure
  .use(async ({ ctx, next }) => {
    const actor = await ctx.authenticate();
    await ctx.spendBudget(actor.tokenId);
    return next({ ctx: { actor } });
  })
  .use(storableInput);

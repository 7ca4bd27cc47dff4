import { z } from 'zod';
import { ApiError } from '../errors';
import { checkedOutput } from '../output-check';
import { Whoami } from '../schemas/auth';
import { authedProcedure, router } from '../trpc';

export const authRouter = router({
  whoami: authedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/v1/me',
        operationId: 'auth.whoami',
        summary: 'Who Am I',
        description: "The calling token's org, kind, scopes and expiry. Any valid token.",
        tags: ['Auth'],
        successDescription: 'Successful Response',
        errorResponses: { 401: 'Missing, malformed, unknown, expired or revoked token.' },
      },
    })
    .input(z.object({}).optional())
    .output(checkedOutput(Whoami))
    .query(async ({ ctx }) => {
      const org = await ctx.store.getOrg(ctx.actor.orgId);
      if (!org) throw ApiError.unauthorized('Invalid authentication credentials');
      return {
        org: { id: org.id, name: org.name },
        token: {
          id: ctx.actor.tokenId,
          kind: ctx.actor.kind,
          scopes: [...ctx.actor.scopes],
          prefix: ctx.actor.tokenPrefix,
          expires_at: ctx.actor.expiresAt?.toISOString() ?? null,
        },
      };
    }),
});

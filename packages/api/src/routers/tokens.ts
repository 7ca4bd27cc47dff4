import type { TokenRecord } from '@znyx/db';
import { ApiError } from '../errors';
import { checkedOutput } from '../output-check';
import {
  ApiToken,
  CreatedToken,
  CreateTokenInput,
  ListTokensInput,
  RevokeTokenInput,
  TokenPage,
} from '../schemas/tokens';
import { issueToken, requireOrgAccess } from '../services/tokens';
import { authedProcedure, router } from '../trpc';

const TAGS = ['Tokens'];
const ERRORS = {
  401: 'Missing, malformed, unknown, expired or revoked token.',
  403: 'Token does not have org access (wrong org_id), or is not an admin token (scope `admin`).',
  422: 'Validation Error',
};

export const tokensRouter = router({
  list: authedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/v1/orgs/{org_id}/tokens',
        operationId: 'tokens.list',
        summary: 'List Tokens',
        description:
          "The org's tokens, revoked and expired ones too, newest first; never a secret or a hash. Scope `admin`.",
        tags: TAGS,
        successDescription: 'Successful Response',
        errorResponses: ERRORS,
      },
    })
    .input(ListTokensInput)
    .output(checkedOutput(TokenPage))
    .query(async ({ ctx, input }) => {
      requireOrgAccess(ctx.actor, input.org_id, 'admin');
      const page = await ctx.store.listTokens(input.org_id, { limit: input.limit, offset: input.offset });
      return {
        total: page.total,
        limit: input.limit,
        offset: input.offset,
        tokens: page.tokens.map(toApiToken),
      };
    }),

  create: authedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/v1/orgs/{org_id}/tokens',
        operationId: 'tokens.create',
        summary: 'Create a Token',
        description:
          'Mints a token of the org. The answer holds the secret (`token`) this once: only its hash is kept. ' +
          'Scope `admin`.',
        tags: TAGS,
        errorResponses: ERRORS,
      },
      successStatuses: { 201: 'Created: the token, with its secret (shown once)' },
    })
    .input(CreateTokenInput)
    .output(checkedOutput(CreatedToken))
    .mutation(async ({ ctx, input }) => {
      requireOrgAccess(ctx.actor, input.org_id, 'admin');
      const expiresAt = input.expires_in_seconds
        ? new Date(Date.now() + input.expires_in_seconds * 1000)
        : null;
      const { token, record } = await issueToken(ctx.store, {
        orgId: input.org_id,
        kind: input.kind,
        name: input.name ?? null,
        expiresAt,
      });
      ctx.response.status = 201;
      return { ...toApiToken(record), token };
    }),

  revoke: authedProcedure
    .meta({
      openapi: {
        method: 'DELETE',
        path: '/v1/orgs/{org_id}/tokens/{token_id}',
        operationId: 'tokens.revoke',
        summary: 'Revoke a Token',
        description:
          'Revokes a token of the org: from then on it is a 401 on every server process within 1 s. Revoking it ' +
          'again answers the same token, with its first revocation time. Scope `admin` (an admin token may revoke ' +
          'itself).',
        tags: TAGS,
        successDescription: 'The token, `revoked_at` set',
        errorResponses: { ...ERRORS, 404: 'No token with that id in this org.' },
      },
    })
    .input(RevokeTokenInput)
    .output(ApiToken)
    .mutation(async ({ ctx, input }) => {
      requireOrgAccess(ctx.actor, input.org_id, 'admin');
      const record = await ctx.store.revokeToken(input.token_id, input.org_id);
      if (!record) throw ApiError.notFound('Token not found');
      return toApiToken(record);
    }),
});

/** The wire shape of a token: snake_case keys, ISO timestamps, never the hash. */
export function toApiToken(record: TokenRecord): ApiToken {
  return {
    id: record.id,
    name: record.name,
    kind: record.kind,
    scopes: [...record.scopes],
    prefix: record.tokenPrefix,
    created_at: record.createdAt.toISOString(),
    expires_at: record.expiresAt?.toISOString() ?? null,
    revoked_at: record.revokedAt?.toISOString() ?? null,
    last_used_at: record.lastUsedAt?.toISOString() ?? null,
  };
}

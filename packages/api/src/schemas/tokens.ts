import { SCOPES, TOKEN_KINDS, TOKEN_USE_GRANULARITY_MS } from '@znyx/db';
import { z } from 'zod';
import { integerParam, MAX_OFFSET, nameText, OrgId } from './datasets';

/** The longest lifetime a token may be given: ten years. */
export const MAX_TOKEN_LIFETIME_SECONDS = 10 * 365 * 86_400;

const USE_GRANULARITY_SECONDS = TOKEN_USE_GRANULARITY_MS / 1000;

export const TokenId = z.guid({ error: 'Input should be a valid UUID' }).toLowerCase().meta({
  description: 'The token id (a UUID, any case), as GET …/tokens lists it',
});

export const ListTokensInput = z.object({
  org_id: OrgId,
  limit: integerParam(1, 200, 50, 'Page size, 1-200'),
  offset: integerParam(0, MAX_OFFSET, 0, 'Number of tokens to skip'),
});
export type ListTokensInput = z.input<typeof ListTokensInput>;

const Timestamp = z.iso.datetime().meta({ description: 'ISO 8601 UTC with millisecond precision' });

/** A token as listed: never its secret or its hash. */
export const ApiToken = z
  .object({
    id: z.string().meta({ example: '0b8f4d7e-4b1c-4f53-9d0e-2f0f5a3e6c21' }),
    name: z.string().nullable().meta({ description: 'What the org calls it; null when it was given none' }),
    kind: z.enum(TOKEN_KINDS),
    scopes: z.array(z.enum(SCOPES)),
    prefix: z
      .string()
      .meta({ description: 'The first characters of the token, for display', example: 'znyx_ci_Xb3d' }),
    created_at: Timestamp,
    expires_at: Timestamp.nullable().meta({ description: 'Null when the token never expires' }),
    revoked_at: Timestamp.nullable().meta({ description: 'When it was first revoked; null while it is not' }),
    last_used_at: Timestamp.nullable().meta({
      description:
        `When it last authenticated a request, to within ${USE_GRANULARITY_SECONDS} s: it is written at most ` +
        `once per ${USE_GRANULARITY_SECONDS} s per token, so a request does not always move it. Null: never used.`,
    }),
  })
  .meta({ id: 'ApiToken' });
export type ApiToken = z.infer<typeof ApiToken>;

export const TokenPage = z
  .object({
    total: z.number().int().meta({ description: 'Every token of the org, revoked and expired ones too' }),
    limit: z.number().int(),
    offset: z.number().int(),
    tokens: z.array(ApiToken).meta({ description: 'Newest first' }),
  })
  .meta({ id: 'TokenPage' });

export const CreateTokenInput = z.strictObject({
  org_id: OrgId,
  kind: z.enum(TOKEN_KINDS).meta({
    description: 'runtime → scope read; ci → read, write; admin → read, write, admin',
  }),
  name: nameText(100)
    .meta({ description: 'What the org calls it, up to 100 characters; trimmed', example: 'CI on main' })
    .nullish(),
  expires_in_seconds: z
    .int()
    .min(1)
    .max(MAX_TOKEN_LIFETIME_SECONDS)
    .nullish()
    .meta({ description: 'Lifetime in seconds, up to ten years; absent or null: never expires' }),
});
export type CreateTokenInput = z.input<typeof CreateTokenInput>;

export const CreatedToken = ApiToken.extend({
  token: z.string().meta({
    description: 'The secret: shown this once, never again (only its hash is kept)',
    example: 'znyx_ci_Xb3dq9B1-2l0mFhJx2gk2m3tQh5O1b8Yl4Kx7rjJv0A',
  }),
}).meta({ id: 'CreatedToken' });
export type CreatedToken = z.infer<typeof CreatedToken>;

export const RevokeTokenInput = z.object({ org_id: OrgId, token_id: TokenId });
export type RevokeTokenInput = z.input<typeof RevokeTokenInput>;

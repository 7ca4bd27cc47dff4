import { SCOPES, TOKEN_KINDS } from '@znyx/db';
import { z } from 'zod';

export const Whoami = z
  .object({
    org: z.object({ id: z.string(), name: z.string() }),
    token: z.object({
      id: z.string(),
      kind: z.enum(TOKEN_KINDS),
      scopes: z.array(z.enum(SCOPES)),
      prefix: z.string().meta({ description: 'The first characters of the token, for display' }),
      expires_at: z.iso.datetime().nullable().meta({ description: 'Null when the token never expires' }),
    }),
  })
  .meta({ id: 'Whoami' });
export type Whoami = z.infer<typeof Whoami>;

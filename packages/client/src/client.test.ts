import { createOrgWithTokens, startTestServer } from '@znyx/server/testing';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  createZnyxClient,
  errorCode,
  errorMessage,
  type RouterInputs,
  type RouterOutputs,
  TRPCClientError,
  type ZnyxClientError,
} from './index';

let server: Awaited<ReturnType<typeof startTestServer>>;
let tokens: Awaited<ReturnType<typeof createOrgWithTokens>>;

beforeAll(async () => {
  server = await startTestServer();
  tokens = await createOrgWithTokens(server.store, 'Client Org');
});
afterAll(async () => {
  await server?.close();
});

describe('createZnyxClient, over a real server', () => {
  it('answers whoami with the org and the token kind', async () => {
    const client = createZnyxClient({ baseUrl: server.url, token: tokens.admin });
    const me = await client.auth.whoami.query({});
    expect(me.org).toEqual({ id: tokens.org.id, name: 'Client Org' });
    expect(me.token.kind).toBe('admin');
    expect(me.token.scopes).toEqual(['read', 'write', 'admin']);
  });

  it('lists datasets with filters, categories as an array, batched with facets', async () => {
    // A trailing slash on the base URL is fine.
    const client = createZnyxClient({ baseUrl: `${server.url}/`, token: tokens.runtime });
    const [samples, two, facets] = await Promise.all([
      client.datasets.list.query({ org_id: tokens.org.id, source: 'znyx_sample', limit: 4 }),
      client.datasets.list.query({ org_id: tokens.org.id, categories: ['pii', 'toxicity'] }),
      client.datasets.facets.query({ org_id: tokens.org.id }),
    ]);
    expect(samples.total).toBe(6);
    expect(samples.datasets).toHaveLength(4);
    expect(samples.datasets.every((d) => d.source === 'znyx_sample')).toBe(true);
    expect(two.total).toBe(2);
    expect(two.datasets.map((d) => d.category).sort()).toEqual(['pii', 'toxicity']);
    expect(facets.total).toBe(6);
    expect(facets.categories.find((c) => c.value === 'toxicity')?.count).toBe(1);
  });

  it('infers inputs and outputs from the router', () => {
    expectTypeOf<RouterInputs['datasets']['list']['source']>().toEqualTypeOf<
      'znyx_sample' | 'industry_standard' | 'customer' | undefined
    >();
    expectTypeOf<RouterInputs['datasets']['list']['categories']>().toEqualTypeOf<
      string | string[] | undefined
    >();
    expectTypeOf<RouterOutputs['auth']['whoami']['token']['kind']>().toEqualTypeOf<
      'runtime' | 'ci' | 'admin'
    >();
    expectTypeOf<RouterOutputs['datasets']['list']['total']>().toEqualTypeOf<number>();
  });

  it('rejects a bad token with a TRPCClientError whose data.code is UNAUTHORIZED', async () => {
    const client = createZnyxClient({ baseUrl: server.url, token: 'znyx_admin_not-a-real-token' });
    const error = (await client.datasets.list
      .query({ org_id: tokens.org.id })
      .catch((e: unknown) => e)) as ZnyxClientError;
    expect(error).toBeInstanceOf(TRPCClientError);
    expect(error.data?.code).toBe('UNAUTHORIZED');
    expect(error.data?.httpStatus).toBe(401);
    expect(errorCode(error)).toBe('UNAUTHORIZED');
    expect(errorMessage(error)).toBe('Invalid authentication credentials');
  });

  it('reports a missing scope as FORBIDDEN and validation problems readably', async () => {
    const client = createZnyxClient({ baseUrl: server.url, token: tokens.runtime });
    const forbidden = await client.datasets.install
      .mutate({ org_id: tokens.org.id, catalog_id: 'truthfulqa' })
      .catch((e: unknown) => e);
    expect(errorCode(forbidden)).toBe('FORBIDDEN');
    expect(errorMessage(forbidden)).toBe("Token lacks the 'write' scope required for this operation");

    const invalid = await client.datasets.list
      .query({ org_id: tokens.org.id, limit: 0 })
      .catch((e: unknown) => e);
    expect(errorCode(invalid)).toBe('UNPROCESSABLE_CONTENT');
    expect(errorMessage(invalid)).toBe('limit: Input should be greater than or equal to 1');
  });

  it('says so when the API cannot be reached', async () => {
    const client = createZnyxClient({ baseUrl: 'http://127.0.0.1:9', token: tokens.admin });
    const error = await client.auth.whoami.query({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect(errorCode(error)).toBeUndefined();
    expect(errorMessage(error)).toMatch(/^Could not reach the API \(/);
  });
});

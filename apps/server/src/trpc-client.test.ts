import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter, ValidationIssue } from '@znyx/api';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { createOrgWithTokens, startTestServer } from './test-support';

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;
let tokens: Awaited<ReturnType<typeof createOrgWithTokens>>;

beforeAll(async () => {
  server = await startTestServer();
  tokens = await createOrgWithTokens(server.store, 'Typed');
});
afterAll(async () => {
  await server?.close();
});

const clientFor = (token?: string) =>
  createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${server.url}/trpc`,
        headers: () => (token ? { Authorization: `Bearer ${token}` } : {}),
      }),
    ],
  });

type ListInput = inferRouterInputs<AppRouter>['datasets']['list'];
type ListOutput = inferRouterOutputs<AppRouter>['datasets']['list'];

describe('typed tRPC client', () => {
  it('infers the input and output of datasets.list from the router', () => {
    // These fail `pnpm typecheck` if the procedure's types drift from the wire contract.
    expectTypeOf<ListInput>().toEqualTypeOf<{
      org_id: string;
      category?: string | undefined;
      categories?: string | string[] | undefined;
      source?: 'znyx_sample' | 'industry_standard' | 'customer' | undefined;
      q?: string | undefined;
      limit?: number | undefined;
      offset?: number | undefined;
      cursor?: string | undefined;
    }>();
    expectTypeOf<ListOutput>().toEqualTypeOf<{
      total: number;
      limit: number;
      offset: number;
      next_cursor: string | null;
      datasets: {
        id: string;
        name: string;
        description: string | null;
        category: string | null;
        trust_level: 'verified' | 'reviewed' | 'unverified';
        source: 'znyx_sample' | 'industry_standard' | 'customer';
        sample_count: number;
        is_public: boolean;
        created_by: string | null;
        created_at: string;
        updated_at: string;
      }[];
    }>();
    const neverCalled = () => {
      // @ts-expect-error limit is a number, not a string
      void clientFor().datasets.list.query({ org_id: tokens.org.id, limit: '10' });
      // @ts-expect-error source is a closed set
      void clientFor().datasets.list.query({ org_id: tokens.org.id, source: 'somewhere' });
    };
    expect(neverCalled).toBeTypeOf('function');
  });

  it('lists datasets with filters, batching two calls into one request', async () => {
    const client = clientFor(tokens.runtime);
    const [pii, samples] = await Promise.all([
      client.datasets.list.query({ org_id: tokens.org.id, categories: ['pii', 'bias'], limit: 1 }),
      client.datasets.list.query({ org_id: tokens.org.id.toUpperCase(), source: 'znyx_sample' }),
    ]);
    expect(pii.total).toBe(2);
    expect(pii.datasets).toHaveLength(1);
    expect(samples.total).toBe(6);
    expect(samples.datasets.every((d) => d.source === 'znyx_sample')).toBe(true);
  });

  it('surfaces API errors as TRPCClientError with the code, status and detail', async () => {
    const anonymous = await clientFor()
      .datasets.list.query({ org_id: tokens.org.id })
      .catch((e: unknown) => e);
    expect(anonymous).toBeInstanceOf(TRPCClientError);
    const unauthorized = anonymous as TRPCClientError<AppRouter>;
    expect(unauthorized.data?.code).toBe('UNAUTHORIZED');
    expect(unauthorized.data?.httpStatus).toBe(401);
    expect(unauthorized.data?.detail).toBe('Not authenticated');

    const invalid = (await clientFor(tokens.runtime)
      .datasets.list.query({ org_id: tokens.org.id, limit: 0 })
      .catch((e: unknown) => e)) as TRPCClientError<AppRouter>;
    expect(invalid.data?.code).toBe('UNPROCESSABLE_CONTENT');
    expectTypeOf(invalid.data?.detail).toEqualTypeOf<string | ValidationIssue[] | undefined>();
    expect(invalid.data?.detail).toEqual([
      {
        loc: ['query', 'limit'],
        msg: 'Input should be greater than or equal to 1',
        type: 'greater_than_equal',
      },
    ]);
  });
});

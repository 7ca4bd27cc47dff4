import { issueToken } from '@znyx/api';
import type { NewDataset } from '@znyx/db';
import { TEST_ENGINES } from '@znyx/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createOrgWithTokens, startTestServer } from './test-support';

/** Name search (`q`), facets and whoami: what the Console's filter UI stands on. */

interface FacetsJson {
  total: number;
  sources: { value: string; count: number }[];
  categories: { value: string | null; count: number }[];
}

const customer = (name: string, category: string | null): NewDataset => ({
  name,
  category,
  trustLevel: 'unverified',
  source: 'customer',
  isPublic: false,
  samples: [],
});

describe.each(TEST_ENGINES)('over %s', (engine) => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let org: Awaited<ReturnType<typeof createOrgWithTokens>>;
  let other: Awaited<ReturnType<typeof createOrgWithTokens>>;

  beforeAll(async () => {
    server = await startTestServer({ engine });
    org = await createOrgWithTokens(server.store, 'Search Org');
    other = await createOrgWithTokens(server.store, 'Other Search Org');
    await server.store.insertDatasets(org.org.id, [
      customer('Checkout JAILBREAK regression', 'jailbreak'),
      customer('Support jailbreak set', 'jailbreak'),
      customer('PII redaction golden', 'pii'),
      customer('100% off_by_one\\edge', 'toxicity'),
      customer('Uncategorised notes', null),
    ]);
    await server.store.insertDatasets(other.org.id, [customer('Jailbreak of another org', 'jailbreak')]);
  });
  afterAll(async () => {
    await server?.close();
  });

  const get = async (path: string, token = org.runtime) => {
    const res = await fetch(server.url + path, { headers: bearer(token) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const names = async (query: string) => {
    const res = await get(`/v1/orgs/${org.org.id}/datasets?limit=200&${query}`);
    expect(res.status).toBe(200);
    return (res.body.datasets as { name: string }[]).map((d) => d.name).sort();
  };
  const facets = async (query = '') => {
    const res = await get(`/v1/orgs/${org.org.id}/datasets/facets?${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as unknown as FacetsJson;
  };

  describe('q: name search', () => {
    it('matches a case-insensitive substring of the name, only in the org', async () => {
      expect(await names('q=jailbreak')).toEqual([
        'Checkout JAILBREAK regression',
        'Jailbreak Prompts (sample)',
        'Support jailbreak set',
      ]);
    });

    it('combines with the other filters by AND', async () => {
      expect(await names('q=jailbreak&source=customer')).toEqual([
        'Checkout JAILBREAK regression',
        'Support jailbreak set',
      ]);
      expect(await names('q=golden&categories=pii,bias')).toEqual(['PII redaction golden']);
      expect(await names('q=golden&category=jailbreak')).toEqual([]);
    });

    it('treats %, _ and \\ as plain characters', async () => {
      expect(await names('q=100%25')).toEqual(['100% off_by_one\\edge']);
      expect(await names('q=f_b')).toEqual(['100% off_by_one\\edge']);
      expect(await names('q=e%5Ce')).toEqual(['100% off_by_one\\edge']);
      expect(await names('q=%25%25')).toEqual([]);
      expect(await names('q=_')).toEqual(['100% off_by_one\\edge']);
    });

    it('ignores a blank q and rejects one over 200 characters', async () => {
      expect((await names('q=%20%20')).length).toBe(11);
      const long = await get(`/v1/orgs/${org.org.id}/datasets?q=${'a'.repeat(201)}`);
      expect(long.status).toBe(422);
      expect((long.body.detail as { loc: string[] }[])[0]?.loc).toEqual(['query', 'q']);
    });

    it('counts only the matches in total', async () => {
      const res = await get(`/v1/orgs/${org.org.id}/datasets?q=JAILBREAK&limit=1`);
      expect(res.body).toMatchObject({ total: 3, limit: 1 });
    });
  });

  describe('facets', () => {
    it('counts every source (zeros too) and every category with matches, most first', async () => {
      const result = await facets();
      expect(result.total).toBe(11);
      expect(result.sources).toEqual([
        { value: 'znyx_sample', count: 6 },
        { value: 'industry_standard', count: 0 },
        { value: 'customer', count: 5 },
      ]);
      expect(result.categories[0]).toEqual({ value: 'jailbreak', count: 3 });
      expect(result.categories).toContainEqual({ value: null, count: 1 });
      expect(result.categories).toContainEqual({ value: 'pii', count: 2 });
      expect(result.categories.reduce((sum, c) => sum + c.count, 0)).toBe(11);
    });

    it('counts each facet under every filter but its own', async () => {
      const result = await facets('source=customer&categories=jailbreak');
      expect(result.total).toBe(2);
      // categories: under source=customer only
      expect(result.categories).toEqual([
        { value: 'jailbreak', count: 2 },
        { value: 'pii', count: 1 },
        { value: 'toxicity', count: 1 },
        { value: null, count: 1 },
      ]);
      // sources: under categories=jailbreak only
      expect(result.sources).toEqual([
        { value: 'znyx_sample', count: 1 },
        { value: 'industry_standard', count: 0 },
        { value: 'customer', count: 2 },
      ]);
    });

    it('agrees with List Datasets: the total and each count are what the list would return', async () => {
      const result = await facets('q=e');
      const listed = await get(`/v1/orgs/${org.org.id}/datasets?q=e&limit=200`);
      expect(result.total).toBe(listed.body.total);
      for (const { value, count } of result.categories.filter((c) => c.value !== null)) {
        const page = await get(`/v1/orgs/${org.org.id}/datasets?q=e&category=${value}`);
        expect(page.body.total, String(value)).toBe(count);
      }
      for (const { value, count } of result.sources) {
        const page = await get(`/v1/orgs/${org.org.id}/datasets?q=e&source=${value}`);
        expect(page.body.total, value).toBe(count);
      }
    });

    it('follows the same access and validation rules', async () => {
      expect((await get(`/v1/orgs/${org.org.id}/datasets/facets`, other.admin)).status).toBe(403);
      const bad = await get(`/v1/orgs/${org.org.id}/datasets/facets?source=nope`);
      expect(bad.status).toBe(422);
      const anonymous = await fetch(`${server.url}/v1/orgs/${org.org.id}/datasets/facets`);
      expect(anonymous.status).toBe(401);
    });
  });

  describe('whoami', () => {
    it("tells the token's org, kind, scopes, prefix and expiry", async () => {
      const expiresAt = new Date(Date.now() + 3_600_000);
      const ci = await issueToken(server.store, { orgId: org.org.id, kind: 'ci', expiresAt });
      const res = await get('/v1/me', ci.token);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        org: { id: org.org.id, name: 'Search Org' },
        token: {
          id: ci.record.id,
          kind: 'ci',
          scopes: ['read', 'write'],
          prefix: ci.token.slice(0, 12),
          expires_at: expiresAt.toISOString(),
        },
      });
      expect(JSON.stringify(res.body)).not.toContain(ci.token);
    });

    it('answers null expiry for a token without one, and 401 without a valid token', async () => {
      const res = await get('/v1/me', org.runtime);
      expect((res.body.token as { expires_at: unknown; kind: string }).expires_at).toBeNull();
      expect((res.body.token as { kind: string }).kind).toBe('runtime');
      expect((await fetch(`${server.url}/v1/me`)).status).toBe(401);
      expect((await get('/v1/me', `znyx_rt_${'z'.repeat(43)}`)).status).toBe(401);
    });

    it('is served over tRPC as auth.whoami', async () => {
      const res = await fetch(`${server.url}/trpc/auth.whoami?input=${encodeURIComponent('{}')}`, {
        headers: bearer(org.admin),
      });
      const body = (await res.json()) as {
        result: { data: { org: { id: string }; token: { kind: string } } };
      };
      expect(body.result.data.org.id).toBe(org.org.id);
      expect(body.result.data.token.kind).toBe('admin');
    });
  });
});

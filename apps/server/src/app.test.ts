import { randomUUID } from 'node:crypto';
import { issueToken, perMinuteRateLimiter } from '@znyx/api';
import { TEST_ENGINES } from '@znyx/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoDatasets } from './demo-data';
import {
  bearer,
  createOrgWithTokens,
  DATASET_KEYS,
  type DatasetJson,
  type PageJson,
  startTestServer,
} from './test-support';

type Server = Awaited<ReturnType<typeof startTestServer>>;
type Tokens = Awaited<ReturnType<typeof createOrgWithTokens>>;
interface ValidationJson {
  detail: { loc: (string | number)[]; msg: string; type: string }[];
}

describe.each(TEST_ENGINES)('over %s', (engine) => {
  let server: Server;
  let acme: Tokens;
  let globex: Tokens;
  const CUSTOMER_DATASETS = 37;

  beforeAll(async () => {
    server = await startTestServer({ engine });
    acme = await createOrgWithTokens(server.store, 'Acme');
    globex = await createOrgWithTokens(server.store, 'Globex');
    await server.store.insertDatasets(acme.org.id, generateDemoDatasets(CUSTOMER_DATASETS, 7));
    await server.store.insertDatasets(globex.org.id, generateDemoDatasets(5, 8));
  });
  afterAll(async () => {
    await server?.close();
  });

  const listPath = (orgId: string, query = '') => `/v1/orgs/${orgId}/datasets${query ? `?${query}` : ''}`;

  async function get(path: string, headers: Record<string, string> = {}) {
    const res = await fetch(server.url + path, { headers });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined };
  }

  async function list(query = '', token = acme.runtime): Promise<PageJson> {
    const res = await get(listPath(acme.org.id, query), bearer(token));
    expect(res.status, res.text).toBe(200);
    return res.body as PageJson;
  }

  async function listAll(query: string, token = acme.runtime): Promise<DatasetJson[]> {
    return (await list(`${query}${query ? '&' : ''}limit=200`, token)).datasets;
  }

  describe('authentication (401)', () => {
    const expect401 = async (
      headers: Record<string, string>,
      detail?: string,
      path = listPath(acme.org.id),
    ) => {
      const res = await get(path, headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(typeof res.body.detail).toBe('string');
      if (detail) expect(res.body.detail).toBe(detail);
      expect(Object.keys(res.body)).toEqual(['detail']);
    };

    it('rejects a request without any credential', async () => {
      await expect401({}, 'Not authenticated');
    });
    it('rejects a bare token in Authorization without the Bearer scheme', async () => {
      await expect401({ Authorization: acme.admin }, 'Invalid authentication credentials');
    });
    it('rejects another scheme', async () => {
      await expect401({ Authorization: `Basic ${Buffer.from('a:b').toString('base64')}` });
      await expect401({ Authorization: `Token ${acme.admin}` });
    });
    it('rejects an empty Bearer and an empty X-API-Key', async () => {
      await expect401({ Authorization: 'Bearer ' });
      await expect401({ 'X-API-Key': ' ' });
    });
    it('rejects an unknown token, well-formed or not', async () => {
      await expect401(bearer(`znyx_admin_${'A'.repeat(43)}`), 'Invalid authentication credentials');
      await expect401(bearer('not-a-token'), 'Invalid authentication credentials');
      await expect401({ 'X-API-Key': `znyx_rt_${'b'.repeat(43)}` });
    });
    it('rejects an expired token', async () => {
      const expired = await issueToken(server.store, {
        orgId: acme.org.id,
        kind: 'admin',
        expiresAt: new Date(Date.now() - 1000),
      });
      await expect401(bearer(expired.token), 'Token has expired');
      await expect401({ 'X-API-Key': expired.token }, 'Token has expired');
    });
    it('accepts a token that has not expired yet', async () => {
      const fresh = await issueToken(server.store, {
        orgId: acme.org.id,
        kind: 'runtime',
        expiresAt: new Date(Date.now() + 3600_000),
      });
      expect((await get(listPath(acme.org.id), bearer(fresh.token))).status).toBe(200);
    });
    it('rejects a revoked token, and only after revocation', async () => {
      const token = await issueToken(server.store, { orgId: acme.org.id, kind: 'ci' });
      expect((await get(listPath(acme.org.id), bearer(token.token))).status).toBe(200);
      await server.store.revokeToken(token.record.id);
      await expect401(bearer(token.token), 'Token has been revoked');
      await expect401({ 'X-API-Key': token.token }, 'Token has been revoked');
    });
    it('prefers Authorization over X-API-Key: a bad Authorization is not rescued', async () => {
      await expect401({ Authorization: 'Bearer nope', 'X-API-Key': acme.admin });
    });
    it('answers 401, not 422 or 403, when the credential is bad and the input is too', async () => {
      await expect401({}, 'Not authenticated', listPath('not-a-uuid', 'limit=0'));
      await expect401(bearer('nope'), undefined, listPath(globex.org.id, 'source=bogus'));
    });
  });

  describe('authentication (accepted)', () => {
    it('accepts runtime, ci and admin tokens through either header', async () => {
      for (const token of [acme.runtime, acme.ci, acme.admin]) {
        expect((await get(listPath(acme.org.id), bearer(token))).status).toBe(200);
        expect((await get(listPath(acme.org.id), { 'X-API-Key': token })).status).toBe(200);
      }
    });
    it('accepts the Bearer scheme in any case', async () => {
      expect((await get(listPath(acme.org.id), { Authorization: `bearer ${acme.runtime}` })).status).toBe(
        200,
      );
    });
  });

  describe('org access (403)', () => {
    it("refuses another org's token, with the same answer whether or not the org exists", async () => {
      const other = await get(listPath(globex.org.id), bearer(acme.admin));
      const missing = await get(listPath(randomUUID()), bearer(acme.admin));
      expect(other.status).toBe(403);
      expect(missing.status).toBe(403);
      expect(other.body).toEqual(missing.body);
      expect(other.body).toEqual({ detail: 'Token does not have access to this organization' });
    });
    it('accepts the org id in upper case', async () => {
      const res = await get(listPath(acme.org.id.toUpperCase()), bearer(acme.runtime));
      expect(res.status).toBe(200);
    });
    it('checks input before org access: a malformed org id with a valid token is a 422', async () => {
      const res = await get(listPath('12345'), bearer(acme.runtime));
      expect(res.status).toBe(422);
      expect(res.body.detail[0]).toMatchObject({ loc: ['path', 'org_id'], type: 'uuid_parsing' });
    });
  });

  describe('validation (422)', () => {
    const expect422 = async (query: string, loc: (string | number)[], type?: string) => {
      const res = await get(listPath(acme.org.id, query), bearer(acme.runtime));
      expect(res.status, res.text).toBe(422);
      const body = res.body as ValidationJson;
      expect(Object.keys(body)).toEqual(['detail']);
      const issue = body.detail.find((d) => JSON.stringify(d.loc) === JSON.stringify(loc));
      expect(issue, res.text).toBeDefined();
      expect(typeof issue?.msg).toBe('string');
      if (type) expect(issue?.type).toBe(type);
      return body;
    };

    it.each([
      ['limit=0', 'greater_than_equal'],
      ['limit=201', 'less_than_equal'],
      ['limit=-5', 'greater_than_equal'],
      ['limit=abc', undefined],
      ['limit=1.5', 'int_parsing'],
      ['limit=1e1', 'int_parsing'],
      ['limit=0x10', 'int_parsing'],
      ['limit=%20', 'int_parsing'],
      ['limit=5&limit=6', undefined],
    ])('rejects %s', async (query, type) => {
      await expect422(query, ['query', 'limit'], type);
    });

    it.each([['offset=-1'], ['offset=x'], ['offset=0.5'], ['offset=%20'], ['offset=1&offset=2']])(
      'rejects %s',
      async (query) => {
        await expect422(query, ['query', 'offset']);
      },
    );

    it('rejects an unknown source', async () => {
      await expect422('source=bogus', ['query', 'source'], 'enum');
      await expect422('source=customer&source=znyx_sample', ['query', 'source']);
    });

    it('rejects a category that is not a slug', async () => {
      await expect422('category=bad%20slug', ['query', 'category'], 'string_pattern_mismatch');
      await expect422('category=-leading-dash', ['query', 'category']);
      await expect422(`category=${'a'.repeat(65)}`, ['query', 'category']);
      await expect422('category=pii&category=bias', ['query', 'category']);
    });

    it('rejects a bad item of categories, pointing at its index', async () => {
      await expect422('categories=pii,,bad!,toxicity', ['query', 'categories', 1], 'string_pattern_mismatch');
    });

    it('rejects more than 20 categories', async () => {
      const many = Array.from({ length: 21 }, (_, i) => `c${i}`).join(',');
      await expect422(`categories=${many}`, ['query', 'categories'], 'too_long');
    });

    it('reports every problem at once', async () => {
      const body = await expect422('limit=0&offset=-1&source=x', ['query', 'limit']);
      expect(body.detail.map((d) => d.loc[1]).sort()).toEqual(['limit', 'offset', 'source']);
    });

    it('writes nothing for a rejected request and leaks nothing', async () => {
      const res = await get(listPath(acme.org.id, 'limit=abc'), bearer(acme.runtime));
      expect(res.text).not.toMatch(/stack|node_modules|\.ts\b|select |zod/i);
    });
  });

  describe('List Datasets', () => {
    it('lists the seeded ZNYX samples in the documented shape', async () => {
      const page = await list('source=znyx_sample');
      expect(page).toMatchObject({ limit: 50, offset: 0 });
      expect(page.total).toBeGreaterThanOrEqual(6);
      expect(page.datasets.map((d) => d.category)).toEqual(
        expect.arrayContaining(['jailbreak', 'pii', 'toxicity', 'prompt_injection', 'bias', 'hallucination']),
      );
      for (const d of page.datasets) {
        expect(Object.keys(d)).toEqual(DATASET_KEYS);
        expect(d).toMatchObject({
          trust_level: 'verified',
          source: 'znyx_sample',
          is_public: true,
          created_by: null,
        });
        expect(d.sample_count).toBeGreaterThanOrEqual(20);
        expect(d.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect(d.updated_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect(Date.parse(d.updated_at)).toBeGreaterThanOrEqual(Date.parse(d.created_at));
      }
    });

    it('applies the defaults and counts every match in total', async () => {
      const page = await list();
      expect(page.limit).toBe(50);
      expect(page.offset).toBe(0);
      expect(page.total).toBe(6 + CUSTOMER_DATASETS);
      expect(page.datasets).toHaveLength(43);
    });

    it('filters by source', async () => {
      const customer = await listAll('source=customer');
      expect(customer).toHaveLength(CUSTOMER_DATASETS);
      expect(customer.every((d) => d.source === 'customer' && d.created_by === null)).toBe(true);
      expect((await list('source=industry_standard')).total).toBe(0);
    });

    it('filters by category, lower-casing it', async () => {
      const upper = await listAll('category=JAILBREAK');
      expect(upper.length).toBeGreaterThan(1);
      expect(upper.every((d) => d.category === 'jailbreak')).toBe(true);
      expect(await listAll('category=jailbreak')).toEqual(upper);
    });

    it('filters by a categories list, trimming items and dropping empty ones', async () => {
      const both = await listAll('categories=%20pii%20,,TOXICITY,');
      const expected = (await listAll('')).filter((d) => d.category === 'pii' || d.category === 'toxicity');
      expect(both).toEqual(expected);
      expect(new Set(both.map((d) => d.category))).toEqual(new Set(['pii', 'toxicity']));
    });

    it('takes category and categories together as their union', async () => {
      const union = await listAll('category=bias&categories=pii');
      const expected = (await listAll('')).filter((d) => d.category === 'bias' || d.category === 'pii');
      expect(union).toEqual(expected);
    });

    it('combines source and category filters', async () => {
      const rows = await listAll('source=znyx_sample&categories=pii,bias');
      expect(rows.map((d) => d.category).sort()).toEqual(['bias', 'pii']);
    });

    it('answers an unknown category with an empty list', async () => {
      expect(await list('category=no-such-category')).toEqual({
        total: 0,
        limit: 50,
        offset: 0,
        next_cursor: null,
        datasets: [],
      });
    });

    it('ignores unknown query parameters', async () => {
      expect((await list('foo=bar&limit=3')).datasets).toHaveLength(3);
    });

    it('orders by created_at desc, then name, then id', async () => {
      const rows = await listAll('');
      const sorted = [...rows].sort(
        (a, b) =>
          b.created_at.localeCompare(a.created_at) ||
          (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
          (a.id < b.id ? -1 : 1),
      );
      expect(rows.map((d) => d.id)).toEqual(sorted.map((d) => d.id));
    });

    it('visits every match exactly once when paging with limit/offset', async () => {
      const all = await listAll('');
      const seen: string[] = [];
      for (let offset = 0; offset < all.length; offset += 7) {
        const page = await list(`limit=7&offset=${offset}`);
        expect(page).toMatchObject({ total: all.length, limit: 7, offset });
        seen.push(...page.datasets.map((d) => d.id));
      }
      expect(seen).toEqual(all.map((d) => d.id));
    });

    it.each([
      ['', 7],
      ['source=customer&categories=pii,toxicity', 3],
      ['categories=jailbreak', 2],
      ['q=a', 5],
    ])(
      'walks every match exactly once by cursor (%s, %i per page), on REST and tRPC',
      async (query, limit) => {
        const all = await listAll(query);
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const page: PageJson = await list(
            `${query}${query ? '&' : ''}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          );
          expect(page).toMatchObject({ total: all.length, limit, offset: 0 });
          seen.push(...page.datasets.map((d) => d.id));
          cursor = page.next_cursor;
        } while (cursor);
        expect(seen).toEqual(all.map((d) => d.id));

        // The same walk over tRPC, where the cursor is the same opaque string.
        const params = Object.fromEntries(new URLSearchParams(query));
        const viaTrpc: string[] = [];
        let next: string | null = null;
        do {
          const input = encodeURIComponent(
            JSON.stringify({ org_id: acme.org.id, ...params, limit, cursor: next ?? undefined }),
          );
          const res = await get(`/trpc/datasets.list?input=${input}`, bearer(acme.runtime));
          expect(res.status).toBe(200);
          viaTrpc.push(...(res.body.result.data.datasets as DatasetJson[]).map((d) => d.id));
          next = res.body.result.data.next_cursor;
        } while (next);
        expect(viaTrpc).toEqual(seen);
      },
    );

    it('gives the last page (and only it) a null next_cursor, also by offset', async () => {
      const all = await listAll('');
      expect((await list(`limit=${all.length}`)).next_cursor).toBeNull();
      expect((await list(`limit=${all.length - 1}`)).next_cursor).toEqual(expect.any(String));
      expect((await list(`limit=5&offset=${all.length - 5}`)).next_cursor).toBeNull();
    });

    it('refuses a malformed cursor, one minted under other filters, or one with an offset, at its loc', async () => {
      const { next_cursor: cursor } = await list('limit=2&source=customer');
      expect(cursor).toEqual(expect.any(String));
      for (const [query, msg, type = 'value_error'] of [
        ['cursor=not-a-cursor', 'Invalid cursor'],
        ['cursor=%7B%7D', 'Invalid cursor', 'string_pattern_mismatch'],
        [`cursor=${Buffer.from('{"c":1}').toString('base64url')}`, 'Invalid cursor'],
        [`cursor=${cursor}`, 'The cursor was minted under other filters'],
        [`source=customer&categories=pii&cursor=${cursor}`, 'The cursor was minted under other filters'],
        [`source=customer&offset=2&cursor=${cursor}`, 'A cursor cannot be combined with a non-zero offset'],
      ]) {
        const res = await get(listPath(acme.org.id, query), bearer(acme.runtime));
        expect(res.status, query).toBe(422);
        expect((res.body as ValidationJson).detail).toEqual([{ loc: ['query', 'cursor'], msg, type }]);
      }
      // Its own filters, in any spelling that selects the same rows, take it.
      const res = await get(
        listPath(acme.org.id, `source=customer&offset=0&cursor=${cursor}`),
        bearer(acme.runtime),
      );
      expect(res.status).toBe(200);
    });

    it('returns an empty page with the true total past the end', async () => {
      const page = await list('offset=1000&limit=10');
      expect(page).toEqual({
        total: 6 + CUSTOMER_DATASETS,
        limit: 10,
        offset: 1000,
        next_cursor: null,
        datasets: [],
      });
    });

    it("never lists another org's datasets", async () => {
      const acmeIds = new Set((await listAll('')).map((d) => d.id));
      const res = await get(`${listPath(globex.org.id)}?limit=200`, bearer(globex.runtime));
      const globexRows = (res.body as PageJson).datasets;
      expect(globexRows).toHaveLength(6 + 5);
      expect(globexRows.some((d) => acmeIds.has(d.id))).toBe(false);
    });
  });

  describe('the rest of the HTTP surface', () => {
    it('answers unknown paths with 404 Not Found, whatever the credentials', async () => {
      for (const headers of [{}, bearer(acme.admin), bearer('junk')]) {
        for (const path of ['/nope', '/v1/orgs', `/v1/orgs/${acme.org.id}/nothing`, '/v2/x']) {
          const res = await get(path, headers);
          expect(res.status).toBe(404);
          expect(res.body).toEqual({ detail: 'Not Found' });
        }
      }
    });

    it('answers a wrong method on a documented path with 405 and Allow', async () => {
      const res = await fetch(server.url + listPath(acme.org.id), {
        method: 'DELETE',
        headers: bearer(acme.admin),
      });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toContain('GET');
      expect(await res.json()).toEqual({ detail: 'Method Not Allowed' });
    });

    it('puts X-Request-Id on every response, echoing a well-formed one', async () => {
      const generated = await get('/nope');
      expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const echoed = await get(listPath(acme.org.id), {
        ...bearer(acme.runtime),
        'X-Request-Id': 'req-123.abc',
      });
      expect(echoed.headers.get('x-request-id')).toBe('req-123.abc');
      const bad = await get('/healthz', { 'X-Request-Id': 'x'.repeat(300) });
      expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const unauthorized = await get(listPath(acme.org.id));
      expect(unauthorized.headers.get('x-request-id')).toBeTruthy();
    });

    it('serves /healthz and /readyz', async () => {
      expect(await get('/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
      expect(await get('/readyz')).toMatchObject({ status: 200, body: { status: 'ready' } });
    });

    it('serves the OpenAPI document with the operation, both security schemes and FastAPI errors', async () => {
      const { status, body } = await get('/openapi.json');
      expect(status).toBe(200);
      const op = body.paths['/v1/orgs/{org_id}/datasets'].get;
      expect(op.operationId).toBe('datasets.list');
      expect(op.security).toEqual([{ HTTPBearer: [] }, { APIKeyHeader: [] }]);
      expect(body.components.securitySchemes.HTTPBearer).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(body.components.securitySchemes.APIKeyHeader).toMatchObject({
        type: 'apiKey',
        in: 'header',
        name: 'X-API-Key',
      });
      for (const code of ['401', '403', '422', '429', '500']) expect(op.responses[code]).toBeDefined();
      expect(op.responses['429'].headers['Retry-After']).toBeDefined();
      expect(op.responses['400']).toBeUndefined();
      expect(op.responses['422'].content['application/json'].schema.$ref).toBe(
        '#/components/schemas/HTTPValidationError',
      );
      expect(op.responses['401'].content['application/json'].schema.$ref).toBe(
        '#/components/schemas/HTTPError',
      );
      const params = Object.fromEntries(
        op.parameters.map((p: { name: string; in: string }) => [p.name, p.in]),
      );
      expect(params).toEqual({
        org_id: 'path',
        category: 'query',
        categories: 'query',
        source: 'query',
        q: 'query',
        limit: 'query',
        offset: 'query',
        cursor: 'query',
        'If-None-Match': 'header',
      });
    });

    it('renders /docs from the document', async () => {
      const res = await fetch(`${server.url}/docs/`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('swagger-ui');
    });

    it('serves the same procedure over /trpc, with the same rules', async () => {
      const input = encodeURIComponent(
        JSON.stringify({ org_id: acme.org.id, categories: ['pii'], limit: 5 }),
      );
      const ok = await get(`/trpc/datasets.list?input=${input}`, { 'X-API-Key': acme.runtime });
      expect(ok.status).toBe(200);
      const rows = ok.body.result.data.datasets as DatasetJson[];
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((d) => d.category === 'pii')).toBe(true);

      const anonymous = await get(`/trpc/datasets.list?input=${input}`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
      expect(anonymous.body.error.data).toMatchObject({ code: 'UNAUTHORIZED', detail: 'Not authenticated' });

      const bad = encodeURIComponent(JSON.stringify({ org_id: acme.org.id, limit: 500 }));
      const invalid = await get(`/trpc/datasets.list?input=${bad}`, bearer(acme.runtime));
      expect(invalid.status).toBe(422);
      expect(invalid.body.error.data.code).toBe('UNPROCESSABLE_CONTENT');
      expect(invalid.body.error.data.detail[0]).toMatchObject({
        loc: ['query', 'limit'],
        type: 'less_than_equal',
      });

      const forbidden = await get(`/trpc/datasets.list?input=${input}`, bearer(globex.admin));
      expect(forbidden.status).toBe(403);
      expect(JSON.stringify(forbidden.body)).not.toMatch(/stack/);
    });

    it('never writes a token to the logs', async () => {
      const logs = server.logLines.join('\n');
      expect(logs).toContain('"statusCode":401');
      for (const token of [acme.admin, acme.ci, acme.runtime, globex.admin, globex.runtime]) {
        expect(logs).not.toContain(token);
        expect(logs).not.toContain(token.slice(-20));
      }
    });
  });

  describe('internal errors', () => {
    it('answers a generic 500 that leaks nothing, on REST and tRPC, and logs it with the request id', async () => {
      const broken = await startTestServer({ engine });
      try {
        const { org, runtime } = await createOrgWithTokens(broken.store, 'Broken');
        // Another connection drops the datasets table under the running server: a real failure.
        await broken.db.query('DROP TABLE dataset_samples');
        await broken.db.query('DROP TABLE datasets');

        const rest = await fetch(broken.url + listPath(org.id), {
          headers: { ...bearer(runtime), 'X-Request-Id': 'boom-rest' },
        });
        expect(rest.status).toBe(500);
        expect(await rest.json()).toEqual({ detail: 'Internal Server Error' });

        const input = encodeURIComponent(JSON.stringify({ org_id: org.id }));
        const trpc = await fetch(`${broken.url}/trpc/datasets.list?input=${input}`, {
          headers: { ...bearer(runtime), 'X-Request-Id': 'boom-trpc' },
        });
        expect(trpc.status).toBe(500);
        const text = await trpc.text();
        expect(JSON.parse(text).error.message).toBe('Internal Server Error');
        expect(text).not.toMatch(
          /no such table|datasets`|does not exist|relation|failed query|select|stack|\/work|\.ts/i,
        );

        // The log names the failed operation and the driver's code, never the driver's words:
        // they carry SQL and every bound value.
        const code = engine === 'sqlite' ? 'SQLITE_ERROR' : '42P01';
        const logged = broken.logLines.filter((line) => line.includes('"level":50'));
        expect(
          logged.some(
            (line) =>
              line.includes('boom-rest') &&
              line.includes('"operation":"listDatasets"') &&
              line.includes(`"code":"${code}"`),
          ),
        ).toBe(true);
        for (const line of logged) {
          expect(line).not.toMatch(/no such table|does not exist|select "|from "|\/work/i);
        }
        expect(logged.some((line) => line.includes('boom-trpc'))).toBe(true);
        expect(logged.join('\n')).not.toMatch(/no such table|does not exist|failed query|select /i);
      } finally {
        await broken.close();
      }
    });
  });

  describe('rate limiting', () => {
    it('allows the configured requests per minute per token, then answers 429 with Retry-After', async () => {
      const limited = await startTestServer({ engine, rateLimiter: perMinuteRateLimiter(3) });
      try {
        const { org, runtime, ci } = await createOrgWithTokens(limited.store, 'Limited');
        const call = (token: string) => fetch(limited.url + listPath(org.id), { headers: bearer(token) });
        for (let i = 0; i < 3; i++) expect((await call(runtime)).status).toBe(200);
        const over = await call(runtime);
        expect(over.status).toBe(429);
        const retryAfter = Number(over.headers.get('retry-after'));
        expect(retryAfter).toBeGreaterThanOrEqual(1);
        expect(retryAfter).toBeLessThanOrEqual(60);
        expect(await over.json()).toEqual({
          detail: expect.stringMatching(/^Rate limit of 3 requests per minute exceeded/),
        });

        // The budget is per token: another token of the same org is unaffected.
        expect((await call(ci)).status).toBe(200);

        // The same procedure over tRPC spends the same budget.
        const input = encodeURIComponent(JSON.stringify({ org_id: org.id }));
        const trpc = await fetch(`${limited.url}/trpc/datasets.list?input=${input}`, {
          headers: bearer(runtime),
        });
        expect(trpc.status).toBe(429);
        expect(trpc.headers.get('retry-after')).toBeTruthy();
        expect(((await trpc.json()) as { error: { data: { code: string } } }).error.data.code).toBe(
          'TOO_MANY_REQUESTS',
        );

        // A request without a valid credential is a 401, never counted against anyone.
        expect((await fetch(limited.url + listPath(org.id))).status).toBe(401);
      } finally {
        await limited.close();
      }
    });
  });
});

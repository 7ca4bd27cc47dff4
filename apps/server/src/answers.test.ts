import { perMinuteFailedCredentialLimiter, perMinuteRateLimiter } from '@znyx/api';
import { TEST_ENGINES } from '@znyx/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createOrgWithTokens, startTestServer } from './test-support';

/**
 * ETags, 304 and the answer cache (on by default, as in production), over both engines: an
 * answer is served again only while the org's version stands, whoever wrote, and only after
 * the same credential, budget and access checks as the procedure's.
 */

type Server = Awaited<ReturnType<typeof startTestServer>>;
type Tokens = Awaited<ReturnType<typeof createOrgWithTokens>>;

describe.each(TEST_ENGINES)('answers over %s', (engine) => {
  let server: Server;
  let acme: Tokens;
  let globex: Tokens;
  let datasetId: string;

  beforeAll(async () => {
    server = await startTestServer({ engine });
    acme = await createOrgWithTokens(server.store, 'Acme');
    globex = await createOrgWithTokens(server.store, 'Globex');
    const page = (await (await get(`/v1/orgs/${acme.org.id}/datasets?limit=1`)).json()) as {
      datasets: { id: string }[];
    };
    datasetId = page.datasets[0]?.id ?? '';
  });
  afterAll(async () => {
    await server?.close();
  });

  function get(path: string, token = acme.runtime, headers: Record<string, string> = {}) {
    return fetch(server.url + path, { headers: { ...bearer(token), ...headers } });
  }
  const cacheable = () => [
    `/v1/orgs/${acme.org.id}/datasets`,
    `/v1/orgs/${acme.org.id}/datasets?source=customer&categories=pii,toxicity&limit=3`,
    `/v1/orgs/${acme.org.id}/datasets/facets?q=a`,
    `/v1/orgs/${acme.org.id}/datasets/catalog`,
    `/v1/orgs/${acme.org.id}/datasets/${datasetId}`,
    `/v1/orgs/${acme.org.id}/datasets/${datasetId}/samples?limit=2`,
  ];

  async function create(name: string) {
    const res = await fetch(`${server.url}/v1/orgs/${acme.org.id}/datasets`, {
      method: 'POST',
      headers: { ...bearer(acme.ci), 'Content-Type': 'application/json' },
      body: JSON.stringify({ name, category: 'pii', samples: [{ input: 'x' }] }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string };
  }

  it('gives every cacheable GET an ETag; If-None-Match with it is a 304 with no body', async () => {
    for (const path of cacheable()) {
      const first = await get(path);
      expect(first.status, path).toBe(200);
      const etag = first.headers.get('etag');
      expect(etag, path).toMatch(/^"\d+-[0-9a-f]{12}"$/);
      expect(first.headers.get('cache-control')).toBe('private, no-cache');
      const body = await first.text();
      // Answered again (from the cache): the same bytes and the same tag.
      const again = await get(path);
      expect(again.headers.get('etag')).toBe(etag);
      expect(await again.text()).toBe(body);
      for (const ifNoneMatch of [etag ?? '', `W/${etag}`, `"other", ${etag}`, '*']) {
        const unchanged = await get(path, acme.runtime, { 'If-None-Match': ifNoneMatch });
        expect(unchanged.status, `${path} ${ifNoneMatch}`).toBe(304);
        expect(unchanged.headers.get('etag')).toBe(etag);
        expect(await unchanged.text()).toBe('');
      }
      expect((await get(path, acme.runtime, { 'If-None-Match': '"0-000000000000"' })).status).toBe(200);
    }
  });

  it('answers with the new content, and a new ETag, right after a write through the API', async () => {
    const path = `/v1/orgs/${acme.org.id}/datasets?categories=pii`;
    const before = await get(path);
    const etag = before.headers.get('etag') ?? '';
    const { total } = (await before.json()) as { total: number };
    const created = await create('Answered fresh');
    const after = await get(path, acme.runtime, { 'If-None-Match': etag });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    const page = (await after.json()) as { total: number; datasets: { id: string }[] };
    expect(page.total).toBe(total + 1);
    expect(page.datasets.map((d) => d.id)).toContain(created.id);
    // Another org's write does not move this org's answers.
    const stable = await get(path);
    await fetch(`${server.url}/v1/orgs/${globex.org.id}/datasets`, {
      method: 'POST',
      headers: { ...bearer(globex.ci), 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Elsewhere' }),
    });
    expect((await get(path)).headers.get('etag')).toBe(stable.headers.get('etag'));
  });

  it('sees a write made behind the server, in the database itself, on the next request', async () => {
    const path = `/v1/orgs/${acme.org.id}/datasets/${datasetId}`;
    const before = (await (await get(path)).json()) as { name: string };
    await server.db.query('UPDATE datasets SET name = ? WHERE id = ?', [
      `${before.name} (renamed)`,
      datasetId,
    ]);
    const after = (await (await get(path)).json()) as { name: string };
    expect(after.name).toBe(`${before.name} (renamed)`);
    await server.db.query('UPDATE datasets SET name = ? WHERE id = ?', [before.name, datasetId]);
  });

  it('checks the credential and the org on every answer, cached or not, before any 304', async () => {
    const path = `/v1/orgs/${acme.org.id}/datasets`;
    const etag = (await get(path)).headers.get('etag') ?? '';
    expect((await get(path)).status).toBe(200);
    // Another org's token: 403, whether or not it has the tag.
    for (const headers of [{}, { 'If-None-Match': etag }] as Record<string, string>[]) {
      expect((await get(path, globex.admin, headers)).status).toBe(403);
      const anonymous = await fetch(server.url + path, { headers });
      expect(anonymous.status).toBe(401);
      expect((await get(path, `znyx_rt_${'A'.repeat(43)}`, headers)).status).toBe(401);
    }
    // A revoked token is refused at once, though its answer is cached.
    await server.store.revokeToken(acme.runtimeId);
    expect((await get(path)).status).toBe(401);
    expect((await get(path, acme.runtime, { 'If-None-Match': etag })).status).toBe(401);
    expect((await get(path, acme.admin)).status).toBe(200);
  });

  it('answers HEAD from the cache with the headers of GET and no body', async () => {
    const path = `/v1/orgs/${acme.org.id}/datasets/catalog`;
    const full = await get(path, acme.admin);
    const head = await fetch(server.url + path, { method: 'HEAD', headers: bearer(acme.admin) });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(full.headers.get('etag'));
    expect(await head.text()).toBe('');
  });
});

describe.each(TEST_ENGINES)('the answer cache and the rate budget over %s', (engine) => {
  it('spends a unit of the token’s budget for every answer, cached ones too', async () => {
    const server = await startTestServer({ engine, rateLimiter: perMinuteRateLimiter(3) });
    try {
      const { org, runtime } = await createOrgWithTokens(server.store, 'Budget');
      const path = `${server.url}/v1/orgs/${org.id}/datasets`;
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await fetch(path, { headers: bearer(runtime) })).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
    } finally {
      await server.close();
    }
  });

  it('serves a kept answer as any other request: its id, its log line, its client address', async () => {
    const server = await startTestServer({
      engine,
      trustProxy: true,
      failedCredentialLimiter: perMinuteFailedCredentialLimiter(1),
    });
    try {
      const { org, runtime } = await createOrgWithTokens(server.store, 'Kept');
      const path = `/v1/orgs/${org.id}/datasets?limit=2`;
      const from = (address: string, token = runtime, id = 'kept-1') =>
        fetch(server.url + path, {
          headers: { ...bearer(token), 'X-Forwarded-For': address, 'X-Request-Id': id },
        });
      const first = await from('203.0.113.1', runtime, 'first-call');
      const kept = await from('203.0.113.1', runtime, 'kept-call');
      expect(kept.status).toBe(200);
      expect(kept.headers.get('x-request-id')).toBe('kept-call');
      expect(await kept.text()).toBe(await first.text());
      await new Promise((resolve) => setTimeout(resolve, 50));
      const line = server.logLines.map((l) => JSON.parse(l)).find((l) => l.req?.id === 'kept-call');
      expect(line).toMatchObject({ req: { method: 'GET', path: `/v1/orgs/${org.id}/datasets` } });
      expect(line).toMatchObject({ res: { statusCode: 200 } });
      expect(JSON.stringify(line)).not.toContain('limit=2');

      // A bad token on a kept URL counts against the forwarded client, not the proxy.
      const unknown = `znyx_rt_${'A'.repeat(43)}`;
      expect((await from('203.0.113.1', unknown)).status).toBe(401);
      expect((await from('203.0.113.1', unknown)).status).toBe(429);
      expect((await from('203.0.113.2', unknown)).status).toBe(401);
      // A browser's request (with an Origin) still gets Express's CORS headers.
      const browser = await fetch(server.url + path, {
        headers: { ...bearer(runtime), Origin: 'https://console.example', 'X-Forwarded-For': '203.0.113.3' },
      });
      expect(browser.status).toBe(200);
      expect(browser.headers.get('access-control-allow-origin')).toBe('*');
    } finally {
      await server.close();
    }
  });

  it('answers the same with the cache off, and still with ETags and 304', async () => {
    const server = await startTestServer({ engine, responseCacheMb: 0 });
    try {
      const { org, runtime } = await createOrgWithTokens(server.store, 'Uncached');
      const path = `${server.url}/v1/orgs/${org.id}/datasets`;
      const first = await fetch(path, { headers: bearer(runtime) });
      const etag = first.headers.get('etag') ?? '';
      expect(etag).not.toBe('');
      const unchanged = await fetch(path, { headers: { ...bearer(runtime), 'If-None-Match': etag } });
      expect(unchanged.status).toBe(304);
    } finally {
      await server.close();
    }
  });
});

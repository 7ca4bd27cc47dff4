import { randomUUID } from 'node:crypto';
import { TEST_ENGINES } from '@znyx/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createOrgWithTokens, startTestServer } from './test-support';

const TOKEN_KEYS = [
  'id',
  'name',
  'kind',
  'scopes',
  'prefix',
  'created_at',
  'expires_at',
  'revoked_at',
  'last_used_at',
];

describe.each(TEST_ENGINES)('the token API over %s', (engine) => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer({ engine });
  });
  afterAll(async () => {
    await server?.close();
  });

  const call = (method: string, path: string, token: string, body?: unknown) =>
    fetch(server.url + path, {
      method,
      headers: { ...bearer(token), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const json = async (response: Response) => response.json() as Promise<Record<string, unknown>>;

  it('creates a token whose secret is shown once and works at once; the list never shows a secret or a hash', async () => {
    const acme = await createOrgWithTokens(server.store, 'Acme');
    const tokens = `/v1/orgs/${acme.org.id}/tokens`;
    const created = await call('POST', tokens, acme.admin, {
      kind: 'ci',
      name: '  CI on main ',
      expires_in_seconds: 3600,
    });
    expect(created.status).toBe(201);
    const body = await json(created);
    expect(Object.keys(body)).toEqual([...TOKEN_KEYS, 'token']);
    expect(body).toMatchObject({
      name: 'CI on main',
      kind: 'ci',
      scopes: ['read', 'write'],
      revoked_at: null,
      last_used_at: null,
    });
    const secret = body.token as string;
    expect(secret).toMatch(/^znyx_ci_[A-Za-z0-9_-]{43}$/);
    expect(secret.startsWith(body.prefix as string)).toBe(true);
    const expiresIn = Date.parse(body.expires_at as string) - Date.parse(body.created_at as string);
    expect(expiresIn).toBeGreaterThanOrEqual(3_599_000);
    expect(expiresIn).toBeLessThanOrEqual(3_601_000);

    const me = await json(await call('GET', '/v1/me', secret));
    expect(me.token).toMatchObject({ id: body.id, kind: 'ci' });

    const listed = await call('GET', tokens, acme.admin);
    expect(listed.status).toBe(200);
    const page = await json(listed);
    expect(page).toMatchObject({ total: 4, limit: 50, offset: 0 });
    const rows = page.tokens as Record<string, unknown>[];
    expect(rows.map((t) => t.id)).toContain(body.id);
    for (const row of rows) expect(Object.keys(row)).toEqual(TOKEN_KEYS);
    // Newest first.
    expect(rows[0]?.id).toBe(body.id);
    const text = JSON.stringify(page);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(secret.slice(12));
    expect(text).not.toMatch(/[0-9a-f]{64}/);

    const second = await json(await call('GET', `${tokens}?limit=1&offset=1`, acme.admin));
    expect(second).toMatchObject({ total: 4, limit: 1, offset: 1 });
    expect((second.tokens as { id: string }[])[0]?.id).toBe(rows[1]?.id);
  });

  it('defaults: no name, no expiry; every kind with its scopes', async () => {
    const acme = await createOrgWithTokens(server.store, 'Kinds');
    const scopes: Record<string, string[]> = {
      runtime: ['read'],
      ci: ['read', 'write'],
      admin: ['read', 'write', 'admin'],
    };
    for (const kind of ['runtime', 'ci', 'admin']) {
      const response = await call('POST', `/v1/orgs/${acme.org.id}/tokens`, acme.admin, { kind });
      expect(response.status).toBe(201);
      const body = await json(response);
      expect(body).toMatchObject({ kind, scopes: scopes[kind], name: null, expires_at: null });
    }
  });

  it('only an admin token of the org may list, create or revoke (403 otherwise, the same for another org)', async () => {
    const acme = await createOrgWithTokens(server.store, 'Guarded');
    const other = await createOrgWithTokens(server.store, 'Other');
    const tokens = `/v1/orgs/${acme.org.id}/tokens`;
    const target = `${tokens}/${acme.runtimeId}`;
    for (const token of [acme.ci, acme.runtime, other.admin]) {
      for (const [method, path, body] of [
        ['GET', tokens, undefined],
        ['POST', tokens, { kind: 'admin' }],
        ['DELETE', target, undefined],
      ] as const) {
        const response = await call(method, path, token, body);
        expect(response.status, `${method} ${path}`).toBe(403);
      }
    }
    // Nothing was minted or revoked by the refused calls.
    const page = await json(await call('GET', tokens, acme.admin));
    expect(page.total).toBe(3);
    expect((await call('GET', '/v1/me', acme.runtime)).status).toBe(200);
    // No credential at all: 401 first.
    expect((await fetch(server.url + tokens)).status).toBe(401);
  });

  it('revokes: 200 with revoked_at, a 401 from then on, the first revocation time stays; other orgs’ ids are 404', async () => {
    const acme = await createOrgWithTokens(server.store, 'Revokes');
    const other = await createOrgWithTokens(server.store, 'Elsewhere');
    const tokens = `/v1/orgs/${acme.org.id}/tokens`;
    expect((await call('GET', '/v1/me', acme.runtime)).status).toBe(200);

    const revoked = await call('DELETE', `${tokens}/${acme.runtimeId.toUpperCase()}`, acme.admin);
    expect(revoked.status).toBe(200);
    const body = await json(revoked);
    expect(Object.keys(body)).toEqual(TOKEN_KEYS);
    expect(body).toMatchObject({ id: acme.runtimeId, kind: 'runtime' });
    expect(typeof body.revoked_at).toBe('string');

    const refused = await call('GET', '/v1/me', acme.runtime);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ detail: 'Token has been revoked' });

    await new Promise((resolve) => setTimeout(resolve, 5));
    const again = await json(await call('DELETE', `${tokens}/${acme.runtimeId}`, acme.admin));
    expect(again.revoked_at).toBe(body.revoked_at);

    const listed = (await json(await call('GET', tokens, acme.admin))).tokens as Record<string, unknown>[];
    expect(listed.find((t) => t.id === acme.runtimeId)?.revoked_at).toBe(body.revoked_at);

    const foreign = await call('DELETE', `${tokens}/${other.runtimeId}`, acme.admin);
    expect(foreign.status).toBe(404);
    expect(await foreign.json()).toEqual({ detail: 'Token not found' });
    expect((await call('GET', '/v1/me', other.runtime)).status).toBe(200);
    expect((await call('DELETE', `${tokens}/${randomUUID()}`, acme.admin)).status).toBe(404);
    expect((await call('DELETE', `${tokens}/not-a-uuid`, acme.admin)).status).toBe(422);
  });

  it('an admin token may revoke itself; it is refused from the next request on', async () => {
    const acme = await createOrgWithTokens(server.store, 'Self');
    const me = await json(await call('GET', '/v1/me', acme.admin));
    const id = (me.token as { id: string }).id;
    expect((await call('DELETE', `/v1/orgs/${acme.org.id}/tokens/${id}`, acme.admin)).status).toBe(200);
    expect((await call('GET', `/v1/orgs/${acme.org.id}/tokens`, acme.admin)).status).toBe(401);
  });

  it('refuses bad input with the 422 of its loc, and creates nothing', async () => {
    const acme = await createOrgWithTokens(server.store, 'Inputs');
    const tokens = `/v1/orgs/${acme.org.id}/tokens`;
    const cases: [unknown, (string | number)[], string][] = [
      [{}, ['body', 'kind'], 'missing'],
      [{ kind: 'root' }, ['body', 'kind'], 'enum'],
      [{ kind: 'ci', scopes: ['admin'] }, ['body', 'scopes'], 'extra_forbidden'],
      [{ kind: 'ci', expires_in_seconds: 0 }, ['body', 'expires_in_seconds'], 'greater_than_equal'],
      [{ kind: 'ci', expires_in_seconds: 1.5 }, ['body', 'expires_in_seconds'], 'int_parsing'],
      [{ kind: 'ci', name: '   ' }, ['body', 'name'], 'string_pattern_mismatch'],
      [{ kind: 'ci', name: 'x'.repeat(101) }, ['body', 'name'], 'string_too_long'],
    ];
    for (const [body, loc, type] of cases) {
      const response = await call('POST', tokens, acme.admin, body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      const { detail } = (await response.json()) as { detail: { loc: unknown[]; type: string }[] };
      expect(detail[0], JSON.stringify(body)).toMatchObject({ loc, type });
    }
    expect((await call('GET', `${tokens}?limit=201`, acme.admin)).status).toBe(422);
    expect((await json(await call('GET', tokens, acme.admin))).total).toBe(3);
  });

  it('keeps last_used_at: null until used, then set, and not written again within the minute', async () => {
    const acme = await createOrgWithTokens(server.store, 'Usage');
    const tokens = `/v1/orgs/${acme.org.id}/tokens`;
    const runtimeRow = async () =>
      ((await json(await call('GET', tokens, acme.admin))).tokens as Record<string, unknown>[]).find(
        (t) => t.id === acme.runtimeId,
      );
    expect((await runtimeRow())?.last_used_at).toBeNull();
    const before = Date.now();
    expect((await call('GET', '/v1/me', acme.runtime)).status).toBe(200);
    let used: unknown = null;
    for (let i = 0; i < 100 && used === null; i++) {
      used = (await runtimeRow())?.last_used_at ?? null;
      if (used === null) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(typeof used).toBe('string');
    expect(Date.parse(used as string)).toBeGreaterThanOrEqual(before - 5);
    for (let i = 0; i < 5; i++) await call('GET', '/v1/me', acme.runtime);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await runtimeRow())?.last_used_at).toBe(used);
  });

  it('serves the same procedures over /trpc', async () => {
    const acme = await createOrgWithTokens(server.store, 'Trpc');
    const created = await fetch(`${server.url}/trpc/tokens.create`, {
      method: 'POST',
      headers: { ...bearer(acme.admin), 'Content-Type': 'application/json' },
      body: JSON.stringify({ org_id: acme.org.id, kind: 'runtime', name: 'worker' }),
    });
    expect(created.status).toBe(200);
    const token = ((await created.json()) as { result: { data: Record<string, unknown> } }).result.data;
    expect(token).toMatchObject({ kind: 'runtime', name: 'worker' });
    const listed = await fetch(
      `${server.url}/trpc/tokens.list?input=${encodeURIComponent(JSON.stringify({ org_id: acme.org.id }))}`,
      { headers: bearer(acme.admin) },
    );
    const page = ((await listed.json()) as { result: { data: { total: number } } }).result.data;
    expect(page.total).toBe(4);
    const revoked = await fetch(`${server.url}/trpc/tokens.revoke`, {
      method: 'POST',
      headers: { ...bearer(acme.ci), 'Content-Type': 'application/json' },
      body: JSON.stringify({ org_id: acme.org.id, token_id: token.id }),
    });
    expect(revoked.status).toBe(403);
  });
});

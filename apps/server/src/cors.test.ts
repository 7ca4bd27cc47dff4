import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createOrgWithTokens, startTestServer } from './test-support';

/** Browsers (the SDK in a web page) may call the REST paths: CORS preflight and response headers. */
describe('CORS on /v1', () => {
  let open: Awaited<ReturnType<typeof startTestServer>>;
  let restricted: Awaited<ReturnType<typeof startTestServer>>;
  let tokens: Awaited<ReturnType<typeof createOrgWithTokens>>;

  beforeAll(async () => {
    open = await startTestServer();
    restricted = await startTestServer({ corsOrigins: ['https://console.example.com'] });
    tokens = await createOrgWithTokens(open.store, 'Cors Org');
  });
  afterAll(async () => {
    await open?.close();
    await restricted?.close();
  });

  const preflight = (url: string, origin: string) =>
    fetch(url, {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization, content-type',
      },
    });

  it('answers a preflight for any origin by default, allowing the auth headers', async () => {
    const res = await preflight(`${open.url}/v1/orgs/${tokens.org.id}/datasets`, 'https://app.example.org');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-api-key');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('exposes the request id and Retry-After to the calling script', async () => {
    const res = await fetch(`${open.url}/v1/orgs/${tokens.org.id}/datasets`, {
      headers: { ...bearer(tokens.runtime), Origin: 'https://app.example.org' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toContain('X-Request-Id');
    expect(res.headers.get('access-control-expose-headers')).toContain('Retry-After');
  });

  it('allows only the configured origins when restricted', async () => {
    const allowed = await preflight(`${restricted.url}/v1/me`, 'https://console.example.com');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://console.example.com');
    const other = await preflight(`${restricted.url}/v1/me`, 'https://evil.example.net');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('leaves /trpc same-origin only', async () => {
    const res = await fetch(`${open.url}/trpc/auth.whoami`, {
      headers: { Origin: 'https://app.example.org' },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

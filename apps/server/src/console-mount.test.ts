import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app';
import { createLogger } from './logger';
import { createHttpServer } from './server';
import { startTestServer } from './test-support';

/** The app over the test server's store, with the given consoleDir, listening on port 0. */
async function listen(consoleDir: string, store: Awaited<ReturnType<typeof startTestServer>>['store']) {
  const app = createApp({ store, logger: createLogger('silent'), consoleDir });
  // The server the service runs (server.ts), which replaces the app's request and response prototypes.
  const server = createHttpServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('the Console mount at /console', () => {
  let api: Awaited<ReturnType<typeof startTestServer>>;
  let dir: string;
  let withConsole: Awaited<ReturnType<typeof listen>>;
  let withoutConsole: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    api = await startTestServer();
    dir = mkdtempSync(join(tmpdir(), 'znyx-console-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>ZNYX Console</title>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1);');
    withConsole = await listen(dir, api.store);
    withoutConsole = await listen(join(dir, 'missing'), api.store);
  });
  afterAll(async () => {
    withConsole?.server.close();
    withoutConsole?.server.close();
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at /console/, redirecting /console there', async () => {
    const bare = await fetch(`${withConsole.url}/console?source=znyx_sample`, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/console/?source=znyx_sample');

    const page = await fetch(`${withConsole.url}/console/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(await page.text()).toContain('<title>ZNYX Console</title>');
  });

  it('answers client-side routes with index.html, hashed assets with a long cache', async () => {
    const route = await fetch(`${withConsole.url}/console/catalog?q=x`);
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('ZNYX Console');

    const asset = await fetch(`${withConsole.url}/console/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('gives a missing file the API 404, not index.html', async () => {
    const missing = await fetch(`${withConsole.url}/console/assets/gone.js`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ detail: 'Not Found' });
  });

  it('leaves the API as it was', async () => {
    expect((await fetch(`${withConsole.url}/healthz`)).status).toBe(200);
    const trpc = await fetch(`${withConsole.url}/trpc/auth.whoami?input=%7B%7D`);
    expect(trpc.status).toBe(401);
    const post = await fetch(`${withConsole.url}/console/`, { method: 'POST' });
    expect(post.status).toBe(404);
  });

  it('mounts nothing when the directory has no build', async () => {
    const page = await fetch(`${withoutConsole.url}/console/`);
    expect(page.status).toBe(404);
    expect(await page.json()).toEqual({ detail: 'Not Found' });
  });
});

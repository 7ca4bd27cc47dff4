import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseRetryAfter } from './errors';
import { createZnyx, ZnyxApiError, ZnyxNetworkError } from './index';

/**
 * Timeouts and retries, against tiny `node:http` servers that misbehave on purpose: the real
 * API cannot be made to answer 503 then 200 on demand.
 */

const ORG = '00000000-0000-0000-0000-000000000001';
const WHOAMI = {
  org: { id: ORG, name: 'Stub' },
  token: { id: 't', kind: 'admin', scopes: ['read'], prefix: 'znyx_admin_x', expires_at: null },
};
const DATASET = {
  id: '5f0c6a52-3b2f-4b7e-9a37-0f4f2a9d7c11',
  name: 'TruthfulQA',
  description: null,
  category: 'hallucination',
  trust_level: 'reviewed',
  source: 'industry_standard',
  sample_count: 817,
  is_public: true,
  created_by: null,
  created_at: '2026-11-28T12:00:00.000Z',
  updated_at: '2026-11-28T12:00:00.000Z',
};

type Handler = (req: IncomingMessage, res: ServerResponse, attempt: number) => void;
const stubs: { close: () => Promise<void> }[] = [];

/** An HTTP server whose every answer is `handler`'s; counts what it receives. */
async function stub(handler: Handler) {
  const requests: { method: string; url: string }[] = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '' });
    req.resume();
    handler(req, res, requests.length);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  stubs.push({ close });
  return { url: `http://127.0.0.1:${port}`, requests };
}

afterEach(async () => {
  await Promise.all(stubs.splice(0).map((s) => s.close()));
});

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', 'X-Request-Id': `req-${status}`, ...headers });
  res.end(JSON.stringify(body));
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('retries of a GET', () => {
  it('503 with Retry-After: 0, then 200: succeeds after one retry', async () => {
    const server = await stub((_req, res, n) =>
      n === 1
        ? json(res, 503, { detail: 'Database unavailable; retry shortly' }, { 'Retry-After': '0' })
        : json(res, 200, WHOAMI),
    );
    const znyx = createZnyx({ token: 't', baseUrl: server.url });
    expect(await znyx.me()).toEqual(WHOAMI);
    expect(server.requests).toEqual([
      { method: 'GET', url: '/v1/me' },
      { method: 'GET', url: '/v1/me' },
    ]);
  });

  it('429 with Retry-After: 0, then 200: succeeds after one retry', async () => {
    const page = { total: 1, limit: 50, offset: 0, datasets: [DATASET] };
    const server = await stub((_req, res, n) =>
      n === 1
        ? json(res, 429, { detail: 'Too many requests' }, { 'Retry-After': '0' })
        : json(res, 200, page),
    );
    const znyx = createZnyx({ token: 't', baseUrl: server.url });
    expect(await znyx.datasets.list({ orgId: ORG, source: 'industry_standard' })).toEqual(page);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.url).toBe(`/v1/orgs/${ORG}/datasets?source=industry_standard`);
  });

  it('waits with jittered exponential backoff without Retry-After, then throws the last answer', async () => {
    const server = await stub((_req, res) =>
      json(res, 503, { detail: 'Database unavailable; retry shortly' }),
    );
    const waits: number[] = [];
    const znyx = createZnyx({
      token: 't',
      baseUrl: server.url,
      retryBaseDelayMs: 400,
      sleep: async (ms) => void waits.push(ms),
    });
    const error = await rejection(znyx.me());
    expect(error).toBeInstanceOf(ZnyxApiError);
    expect(error).toMatchObject({
      status: 503,
      detail: 'Database unavailable; retry shortly',
      requestId: 'req-503',
    });
    expect((error as ZnyxApiError).retryAfterSeconds).toBeUndefined();
    expect(server.requests).toHaveLength(3);
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(200);
    expect(waits[0]).toBeLessThanOrEqual(400);
    expect(waits[1]).toBeGreaterThanOrEqual(400);
    expect(waits[1]).toBeLessThanOrEqual(800);
  });

  it('honours Retry-After in seconds', async () => {
    const server = await stub((_req, res, n) =>
      n < 3
        ? json(res, 429, { detail: 'Too many requests' }, { 'Retry-After': '2' })
        : json(res, 200, WHOAMI),
    );
    const waits: number[] = [];
    const znyx = createZnyx({ token: 't', baseUrl: server.url, sleep: async (ms) => void waits.push(ms) });
    expect(await znyx.me()).toEqual(WHOAMI);
    expect(waits).toEqual([2000, 2000]);
  });

  it('does not wait for a Retry-After beyond maxRetryDelayMs: the error carries it', async () => {
    const server = await stub((_req, res) =>
      json(res, 429, { detail: 'Too many requests' }, { 'Retry-After': '120' }),
    );
    const waits: number[] = [];
    const znyx = createZnyx({ token: 't', baseUrl: server.url, sleep: async (ms) => void waits.push(ms) });
    const error = await rejection(znyx.me());
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: 120 });
    expect(server.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('retries a dropped connection, then succeeds', async () => {
    const server = await stub((req, res, n) => (n === 1 ? req.socket.destroy() : json(res, 200, WHOAMI)));
    const znyx = createZnyx({ token: 't', baseUrl: server.url, sleep: async () => {} });
    expect(await znyx.me()).toEqual(WHOAMI);
    expect(server.requests).toHaveLength(2);
  });

  it('retries: 0 sends exactly one request', async () => {
    const server = await stub((_req, res) => json(res, 503, { detail: 'Down' }, { 'Retry-After': '0' }));
    const znyx = createZnyx({ token: 't', baseUrl: server.url, retries: 0 });
    expect(await rejection(znyx.me())).toMatchObject({ status: 503 });
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry other errors', async () => {
    const server = await stub((_req, res) => json(res, 500, { detail: 'Internal Server Error' }));
    const znyx = createZnyx({ token: 't', baseUrl: server.url, sleep: async () => {} });
    expect(await rejection(znyx.me())).toMatchObject({ status: 500, detail: 'Internal Server Error' });
    expect(server.requests).toHaveLength(1);
  });
});

describe('a POST is never retried', () => {
  it('503 is thrown at once, after exactly one request', async () => {
    const server = await stub((_req, res) =>
      json(res, 503, { detail: 'Database unavailable; retry shortly' }, { 'Retry-After': '1' }),
    );
    const waits: number[] = [];
    const znyx = createZnyx({ token: 't', baseUrl: server.url, sleep: async (ms) => void waits.push(ms) });
    const error = await rejection(znyx.datasets.install({ orgId: ORG, catalogId: 'truthfulqa' }));
    expect(error).toBeInstanceOf(ZnyxApiError);
    expect(error).toMatchObject({ status: 503, retryAfterSeconds: 1, requestId: 'req-503', method: 'POST' });
    expect(server.requests).toEqual([{ method: 'POST', url: `/v1/orgs/${ORG}/datasets/install` }]);
    expect(waits).toEqual([]);
  });

  it('429 and a timeout are not retried either', async () => {
    const limited = await stub((_req, res) =>
      json(res, 429, { detail: 'Too many requests' }, { 'Retry-After': '0' }),
    );
    const znyx = createZnyx({ token: 't', baseUrl: limited.url });
    expect(await rejection(znyx.datasets.create({ orgId: ORG, name: 'x' }))).toMatchObject({ status: 429 });
    expect(limited.requests).toHaveLength(1);

    const silent = await stub(() => {});
    const slow = createZnyx({ token: 't', baseUrl: silent.url, timeoutMs: 100, sleep: async () => {} });
    const error = await rejection(slow.datasets.create({ orgId: ORG, name: 'x' }));
    expect(error).toBeInstanceOf(ZnyxNetworkError);
    expect(silent.requests).toHaveLength(1);
  });
});

describe('timeouts and network errors', () => {
  it('a server that never answers: ZnyxNetworkError (timeout) after timeoutMs', async () => {
    const server = await stub(() => {});
    const znyx = createZnyx({ token: 't', baseUrl: server.url, timeoutMs: 200, retries: 0 });
    const started = Date.now();
    const error = await rejection(znyx.me());
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error).toBeInstanceOf(ZnyxNetworkError);
    expect(error).not.toBeInstanceOf(ZnyxApiError);
    expect(error).toMatchObject({ kind: 'timeout', method: 'GET', name: 'ZnyxNetworkError' });
    expect((error as ZnyxNetworkError).message).toContain('timed out after 200 ms');
    expect((error as ZnyxNetworkError).cause).toBeDefined();
  });

  it('a GET that times out is retried, each attempt with its own timeout', async () => {
    const server = await stub(() => {});
    const znyx = createZnyx({ token: 't', baseUrl: server.url, timeoutMs: 100, sleep: async () => {} });
    expect(await rejection(znyx.me())).toMatchObject({ kind: 'timeout' });
    expect(server.requests).toHaveLength(3);
  });

  it('the timeout covers the body: headers then silence is a timeout too', async () => {
    const server = await stub((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
      res.write('{"org":');
    });
    const znyx = createZnyx({ token: 't', baseUrl: server.url, timeoutMs: 200, retries: 0 });
    expect(await rejection(znyx.me())).toMatchObject({ kind: 'timeout' });
  });

  it('a refused connection: ZnyxNetworkError (network) with its cause', async () => {
    const server = await stub(() => {});
    const { url } = server;
    await stubs.pop()?.close();
    const znyx = createZnyx({ token: 't', baseUrl: url, retries: 0 });
    const error = await rejection(znyx.me());
    expect(error).toBeInstanceOf(ZnyxNetworkError);
    expect(error).toMatchObject({ kind: 'network' });
    expect((error as ZnyxNetworkError).cause).toBeInstanceOf(Error);
  });

  it("the caller's AbortSignal cancels the call and its retries, with the signal's reason", async () => {
    const controller = new AbortController();
    // Aborted once the request has arrived, so a slow machine cannot abort before it is sent.
    const server = await stub(() => controller.abort());
    const znyx = createZnyx({ token: 't', baseUrl: server.url });
    const error = await rejection(znyx.me({ signal: controller.signal }));
    expect(error).not.toBeInstanceOf(ZnyxNetworkError);
    expect((error as Error).name).toBe('AbortError');
    expect(server.requests).toHaveLength(1);
  });
});

describe('error bodies', () => {
  it('an error that is not FastAPI JSON (a proxy page) keeps the status line', async () => {
    const server = await stub((_req, res) => {
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end('<html><body>Bad gateway</body></html>');
    });
    const znyx = createZnyx({ token: 't', baseUrl: server.url });
    const error = await rejection(znyx.me());
    expect(error).toMatchObject({ status: 502, detail: 'Bad Gateway', requestId: undefined });
  });

  it('sends the token as a Bearer credential and extra headers on every request', async () => {
    let seen: IncomingMessage['headers'] = {};
    const server = await stub((req, res) => {
      seen = req.headers;
      json(res, 200, WHOAMI);
    });
    await createZnyx({
      token: 'znyx_rt_abc',
      baseUrl: `${server.url}/`,
      headers: { 'User-Agent': 'evals/1' },
    }).me();
    expect(seen.authorization).toBe('Bearer znyx_rt_abc');
    expect(seen['user-agent']).toBe('evals/1');
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    const now = Date.UTC(2026, 10, 29, 12, 0, 0);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('0')).toBe(0);
    expect(parseRetryAfter(' 30 ')).toBe(30);
    expect(parseRetryAfter('Sun, 29 Nov 2026 12:00:05 GMT', now)).toBe(5);
    expect(parseRetryAfter('Sun, 29 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRecordedResponses } from './contract-setup';
import { contractProblems, expectMatchesContract, OpenApiContract } from './openapi-contract';
import { takeRecordedResponses } from './response-recorder';
import { bearer, createOrgWithTokens, startTestServer } from './test-support';

const ORG = '00000000-0000-0000-0000-000000000001';
const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'x-request-id': 'req-1',
  etag: '"1-abc"',
  'cache-control': 'private, no-cache',
};
const DATASET = {
  id: '5f0c6a52-3b2f-4b7e-9a37-0f4f2a9d7c11',
  name: 'Jailbreak Prompts (sample)',
  description: null,
  category: 'jailbreak',
  trust_level: 'verified',
  source: 'znyx_sample',
  sample_count: 50,
  is_public: true,
  created_by: null,
  created_at: '2026-11-28T12:00:00.000Z',
  updated_at: '2026-11-28T12:00:00.000Z',
};
const page = (datasets: unknown[]) =>
  JSON.stringify({ total: datasets.length, limit: 50, offset: 0, next_cursor: null, datasets });
const list = (status: number, body: string, headers: Record<string, unknown> = JSON_HEADERS) => ({
  method: 'GET',
  url: `/v1/orgs/${ORG}/datasets?limit=5`,
  status,
  headers,
  body,
});

describe('the contract checker', () => {
  it('accepts a response that matches its operation', () => {
    expect(contractProblems(list(200, page([DATASET])))).toEqual([]);
    expect(
      contractProblems({
        ...list(401, '{"detail":"Not authenticated"}'),
        headers: { ...JSON_HEADERS, 'www-authenticate': 'Bearer' },
      }),
    ).toEqual([]);
  });

  it('reports a body that does not match the schema, with where', () => {
    const problems = contractProblems(list(200, page([{ ...DATASET, sample_count: '50', extra: 1 }])));
    expect(problems).toEqual(
      expect.arrayContaining([
        'body /datasets/0/sample_count must be integer',
        'body /datasets/0 must NOT have additional properties ("extra")',
      ]),
    );
    expect(contractProblems(list(403, '{"detail":["not a string"]}'))).toEqual([
      'body /detail must be string',
    ]);
    expect(contractProblems(list(422, '{"detail":"a string"}'))).toEqual(['body /detail must be array']);
    expect(contractProblems(list(200, '{"total":'))[0]).toMatch(/^the body is not JSON/);
  });

  it('reports an undocumented status', () => {
    expect(contractProblems(list(400, '{"detail":"Bad Request"}'))).toEqual([
      'status 400 is not documented (documented: 200, 304, 401, 403, 422, 429, 500, 503)',
    ]);
  });

  it('reports a missing or malformed documented header', () => {
    expect(contractProblems(list(200, page([]), { ...JSON_HEADERS, 'x-request-id': undefined }))).toEqual([
      'header X-Request-Id is missing',
    ]);
    expect(contractProblems(list(200, page([]), { ...JSON_HEADERS, etag: undefined }))).toEqual([
      'header ETag is missing',
    ]);
    expect(contractProblems(list(401, '{"detail":"Not authenticated"}'))).toEqual([
      'header WWW-Authenticate is missing',
    ]);
    expect(contractProblems(list(429, '{"detail":"slow down"}'))).toEqual(['header Retry-After is missing']);
    expect(
      contractProblems(
        list(503, '{"detail":"Database unavailable"}', { ...JSON_HEADERS, 'retry-after': 'soon' }),
      ),
    ).toEqual(['header Retry-After: "soon" (root) must be integer']);
    expect(contractProblems(list(503, '{"detail":"x"}', { ...JSON_HEADERS, 'retry-after': '1' }))).toEqual(
      [],
    );
  });

  it('reports an undocumented content type', () => {
    expect(
      contractProblems(list(200, '<html></html>', { ...JSON_HEADERS, 'content-type': 'text/html' })),
    ).toEqual(['Content-Type "text/html" is not documented (documented: application/json)']);
  });

  it('matches literal segments before parameters, checks HEAD as GET without a body, skips what is no operation', () => {
    const contract = new OpenApiContract();
    expect(contract.operationFor('GET', `/v1/orgs/${ORG}/datasets/facets?q=x`)?.template).toBe(
      '/v1/orgs/{org_id}/datasets/facets',
    );
    expect(contract.operationFor('GET', `/v1/orgs/${ORG}/datasets/${ORG}`)?.template).toBe(
      '/v1/orgs/{org_id}/datasets/{dataset_id}',
    );
    expect(contract.operationFor('POST', `/v1/orgs/${ORG}/datasets/install`)?.template).toBe(
      '/v1/orgs/{org_id}/datasets/install',
    );
    expect(contractProblems({ ...list(200, ''), method: 'HEAD' })).toEqual([]);
    expect(contractProblems({ ...list(405, ''), method: 'HEAD' })[0]).toMatch(
      /^status 405 is not documented/,
    );
    // An unknown path (404 Not Found) or method (405) is not an operation of the document.
    expect(contractProblems({ ...list(404, 'nope'), url: '/v2/nothing' })).toEqual([]);
    expect(contractProblems({ ...list(405, ''), method: 'DELETE' })).toEqual([]);
  });

  it('expectMatchesContract fails a test with the request, status and problems', () => {
    expect(() => expectMatchesContract(list(418, ''))).toThrow(
      /GET \/v1\/orgs\/.+\/datasets\?limit=5 → 418 \(GET \/v1\/orgs\/\{org_id\}\/datasets\)\n {2}- status 418 is not documented/,
    );
  });
});

describe('every response of every Express app in a test is recorded and checked', () => {
  let impostor: Server;
  let url: string;
  beforeAll(async () => {
    // Not the real app: an Express app that answers a documented path against the contract.
    const app = express();
    app.get('/v1/me', (_req, res) => {
      res.status(200).json({ org: 'not an object' });
    });
    impostor = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    url = `http://127.0.0.1:${(impostor.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    impostor?.close();
  });

  it('fails the test during which a violating response was sent', async () => {
    await (await fetch(`${url}/v1/me`)).text();
    let failure: unknown;
    try {
      checkRecordedResponses();
    } catch (error) {
      failure = error;
    }
    expect(String(failure)).toMatch(/1 response\(s\) sent during this test do not match openapi.json/);
    expect(String(failure)).toMatch(/GET \/v1\/me → 200 \(GET \/v1\/me\)/);
    expect(String(failure)).toMatch(/header X-Request-Id is missing/);
    expect(String(failure)).toMatch(/body \/org must be object/);
    // Taken once: the afterEach check of this test has nothing left to report.
    expect(takeRecordedResponses()).toEqual([]);
  });

  it("records the real server's responses as sent: status, headers and body", async () => {
    const server = await startTestServer();
    try {
      const { org, runtime } = await createOrgWithTokens(server.store, 'Recorded');
      takeRecordedResponses();
      await (
        await fetch(`${server.url}/v1/orgs/${org.id}/datasets?limit=1`, { headers: bearer(runtime) })
      ).text();
      await (await fetch(`${server.url}/v1/me`)).text();
      const [listed, unauthenticated, ...rest] = takeRecordedResponses();
      expect(rest).toEqual([]);
      expect(listed).toMatchObject({
        method: 'GET',
        url: `/v1/orgs/${org.id}/datasets?limit=1`,
        status: 200,
      });
      expect(JSON.parse(listed?.body.toString() ?? '')).toMatchObject({ limit: 1, offset: 0 });
      expect(unauthenticated).toMatchObject({ status: 401, headers: { 'www-authenticate': 'Bearer' } });
      expect(JSON.parse(unauthenticated?.body.toString() ?? '')).toEqual({ detail: 'Not authenticated' });
    } finally {
      await server.close();
    }
  });
});

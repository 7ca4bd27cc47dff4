import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { validate } from '@readme/openapi-parser';
import { issueToken, perMinuteRateLimiter } from '@znyx/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docsDocument } from './openapi';
import { committedContract } from './openapi-contract';
import { bearer, createOrgWithTokens, startTestServer } from './test-support';

/** The contract is the committed openapi.json: what is served must be exactly that file. */
const COMMITTED = fileURLToPath(new URL('../../../openapi.json', import.meta.url));

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

describe('the OpenAPI document', () => {
  it('served at /openapi.json is exactly the committed openapi.json (run `pnpm openapi` after a deliberate change)', async () => {
    const served = await (await fetch(`${server.url}/openapi.json`)).json();
    const committed = JSON.parse(readFileSync(COMMITTED, 'utf8'));
    expect(served).toEqual(committed);
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const committed = JSON.parse(readFileSync(COMMITTED, 'utf8'));
    const result = await validate(committed);
    expect(result.valid ? [] : result.errors, JSON.stringify(result)).toEqual([]);
    expect(result.valid && result.warnings).toEqual([]);
    expect(committed.openapi).toBe('3.1.0');
  });

  it('documents both security schemes and an error body for every error status of every operation', async () => {
    const doc = JSON.parse(readFileSync(COMMITTED, 'utf8'));
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['APIKeyHeader', 'HTTPBearer']);
    for (const [path, item] of Object.entries<Record<string, { responses: Record<string, unknown> }>>(
      doc.paths,
    )) {
      for (const [method, operation] of Object.entries(item)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          if (Number(status) < 400) continue;
          const schema = (response as { content?: Record<string, { schema?: { $ref?: string } }> }).content?.[
            'application/json'
          ]?.schema?.$ref;
          expect(schema, `${method} ${path} ${status}`).toBe(
            status === '422' ? '#/components/schemas/HTTPValidationError' : '#/components/schemas/HTTPError',
          );
        }
      }
    }
  });
});

type Doc = {
  servers: { url: string }[];
  components: { schemas: Record<string, Record<string, unknown>> };
  paths: Record<string, Record<string, Operation>>;
};
type Operation = {
  operationId: string;
  requestBody?: unknown;
  responses: Record<
    string,
    {
      description: string;
      headers?: Record<string, { required?: boolean }>;
      content?: Record<string, { examples?: Record<string, { value: unknown }> }>;
    }
  >;
};
const committedDoc = (): Doc => JSON.parse(readFileSync(COMMITTED, 'utf8'));
const operations = (doc: Doc) =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
  );
const examplesOf = (operation: Operation, status: string) =>
  Object.values(operation.responses[status]?.content?.['application/json']?.examples ?? {}).map(
    (e) => e.value,
  );

describe('what the document says', () => {
  it('documents 413 and 415 on every operation that takes a body', () => {
    const withBody = operations(committedDoc()).filter(({ operation }) => operation.requestBody);
    expect(withBody.map(({ operation }) => operation.operationId).sort()).toEqual([
      'datasets.appendSamples',
      'datasets.create',
      'datasets.import',
      'datasets.install',
      'datasets.update',
      'tokens.create',
    ]);
    for (const { operation } of withBody) {
      expect(Object.keys(operation.responses), operation.operationId).toEqual(
        expect.arrayContaining(['413', '415']),
      );
    }
  });

  it("describes each operation's errors in that procedure's own words", () => {
    const doc = committedDoc();
    const op = (path: string, method = 'get') => doc.paths[path]?.[method] as Operation;
    const dataset = op('/v1/orgs/{org_id}/datasets/{dataset_id}');
    const samples = op('/v1/orgs/{org_id}/datasets/{dataset_id}/samples');
    const install = op('/v1/orgs/{org_id}/datasets/install', 'post');
    const create = op('/v1/orgs/{org_id}/datasets', 'post');
    expect(dataset.responses['404']?.description).toBe('Resource does not exist in this org.');
    expect(samples.responses['404']?.description).not.toMatch(/catalog/i);
    expect(install.responses['404']?.description).toBe('No catalog entry with that id or slug.');
    expect(create.responses['409']?.description).toBe(
      'The org already has a dataset of that name (compared case-insensitively).',
    );
    expect(install.responses['409']?.description).toBe('A dataset of the org already has the entry name.');
  });

  it('gives every error response examples of its own, and the error schemas none', () => {
    const doc = committedDoc();
    expect(doc.components.schemas.HTTPError).not.toHaveProperty('example');
    expect(doc.components.schemas.HTTPValidationError).not.toHaveProperty('example');
    for (const { path, method, operation } of operations(doc)) {
      for (const status of Object.keys(operation.responses).filter((s) => Number(s) >= 400)) {
        expect(examplesOf(operation, status).length, `${method} ${path} ${status}`).toBeGreaterThan(0);
      }
    }
    const list = doc.paths['/v1/orgs/{org_id}/datasets']?.get as Operation;
    const messages = ['401', '403', '429', '500', '503'].map((status) => examplesOf(list, status)[0]);
    expect(new Set(messages.map((m) => JSON.stringify(m))).size).toBe(messages.length);
  });

  it('marks the headers the server always sends as required', () => {
    for (const { path, method, operation } of operations(committedDoc())) {
      for (const [status, response] of Object.entries(operation.responses)) {
        const required = Object.entries(response.headers ?? {})
          .filter(([, header]) => header.required)
          .map(([name]) => name)
          .sort();
        const expected = ['X-Request-Id'];
        // An answer that may be cached says which version it is, and how it may be kept.
        const { parameters = [] } = operation as { parameters?: { name: string }[] };
        const cacheable = parameters.some((p) => p.name === 'If-None-Match');
        if ((status === '200' || status === '304') && cacheable) expected.push('ETag', 'Cache-Control');
        // A file download is named.
        if (status === '200' && operation.operationId === 'datasets.export')
          expected.push('Content-Disposition');
        if (status === '401') expected.push('WWW-Authenticate');
        if (status === '429' || (status === '503' && path.startsWith('/v1/'))) expected.push('Retry-After');
        expect(required, `${method} ${path} ${status}`).toEqual(expected.sort());
      }
    }
  });

  it('has absolute servers, the public one first; /docs gets this server first', () => {
    const doc = committedDoc();
    expect(doc.servers.map((s) => s.url)).toEqual(['https://api.znyx.ai', 'http://127.0.0.1:3000']);
    const docs = docsDocument(doc as never);
    expect(docs.servers?.map((s) => s.url)).toEqual(['/', 'https://api.znyx.ai', 'http://127.0.0.1:3000']);
    expect(doc.servers).toHaveLength(2);
  });
});

describe('the error examples are the messages the server sends', () => {
  let limited: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    limited = await startTestServer({ rateLimiter: perMinuteRateLimiter(1) });
  });
  afterAll(async () => {
    await limited?.close();
  });

  it('for every status the tests can provoke, on every operation', async () => {
    const doc = committedDoc();
    const contract = committedContract();
    const acme = await createOrgWithTokens(server.store, 'Examples Acme');
    const globex = await createOrgWithTokens(server.store, 'Examples Globex');
    const expired = await issueToken(server.store, {
      orgId: acme.org.id,
      kind: 'ci',
      expiresAt: new Date(Date.now() - 1000),
    });
    const revoked = await issueToken(server.store, { orgId: acme.org.id, kind: 'ci' });
    await server.store.revokeToken(revoked.record.id);
    const seen: { key: string; status: string; body: unknown }[] = [];
    const send = async (
      target: Awaited<ReturnType<typeof startTestServer>>,
      method: string,
      path: string,
      headers: Record<string, string> = {},
      body?: string,
    ) => {
      const res = await fetch(target.url + path, { method, headers, body });
      const text = await res.text();
      const operation = contract.operationFor(method, path);
      expect(operation, `${method} ${path}`).toBeDefined();
      if (res.status >= 400 && operation) {
        seen.push({
          key: `${operation.method} ${operation.template}`,
          status: String(res.status),
          body: JSON.parse(text),
        });
      }
      return res.status;
    };
    const json = (token: string) => ({ ...bearer(token), 'Content-Type': 'application/json' });
    const orgPath = `/v1/orgs/${acme.org.id}`;
    const reads = [
      '/v1/me',
      `${orgPath}/datasets`,
      `${orgPath}/datasets/facets`,
      `${orgPath}/datasets/catalog`,
      `${orgPath}/datasets/${randomUUID()}`,
      `${orgPath}/datasets/${randomUUID()}/samples`,
      `${orgPath}/tokens`,
    ];
    for (const path of reads) {
      await send(server, 'GET', path);
      await send(server, 'GET', path, bearer('nope'));
      await send(server, 'GET', path, bearer(expired.token));
      await send(server, 'GET', path, bearer(revoked.token));
      if (path !== '/v1/me') {
        await send(server, 'GET', path, bearer(globex.runtime));
        await send(server, 'GET', path.replace(acme.org.id, 'nope'), bearer(acme.runtime));
      }
    }
    await send(server, 'GET', `${orgPath}/datasets?limit=0`, bearer(acme.runtime));
    await send(server, 'GET', `${orgPath}/datasets/catalog?limit=0`, bearer(acme.runtime));
    await send(server, 'GET', `${orgPath}/datasets/${randomUUID()}`, bearer(acme.runtime));
    await send(server, 'GET', `${orgPath}/datasets/${randomUUID()}/samples?limit=0`, bearer(acme.runtime));
    await send(server, 'GET', `${orgPath}/datasets/${randomUUID()}/samples`, bearer(acme.runtime));
    await send(server, 'GET', `${orgPath}/tokens?limit=0`, bearer(acme.admin));
    await send(server, 'GET', `${orgPath}/tokens`, bearer(acme.ci));

    const create = `${orgPath}/datasets`;
    const install = `${orgPath}/datasets/install`;
    const mint = `${orgPath}/tokens`;
    const bodies = {
      [create]: '{"name":"Support bot jailbreaks"}',
      [install]: '{"catalog_id":"truthfulqa"}',
      [mint]: '{"kind":"ci"}',
    };
    for (const path of [create, install, mint]) {
      const body = bodies[path] as string;
      await send(server, 'POST', path, { 'Content-Type': 'application/json' }, body);
      await send(server, 'POST', path, json('nope'), body);
      await send(server, 'POST', path, json(expired.token), body);
      await send(server, 'POST', path, json(revoked.token), body);
      await send(server, 'POST', path, json(globex.ci), body);
      await send(server, 'POST', path, json(acme.runtime), body);
      await send(server, 'POST', path.replace(acme.org.id, 'nope'), json(acme.ci), body);
      await send(server, 'POST', path, json(acme.ci), '{}');
      await send(server, 'POST', path, { ...bearer(acme.ci), 'Content-Type': 'text/plain' }, body);
      await send(server, 'POST', path, json(acme.ci), `{"name":"${'x'.repeat(17 * 1024 * 1024)}"}`);
    }
    expect(await send(server, 'POST', create, json(acme.ci), '{"name":"Support bot jailbreaks"}')).toBe(201);
    expect(await send(server, 'POST', create, json(acme.ci), '{"name":"Support bot jailbreaks"}')).toBe(409);
    expect(await send(server, 'POST', install, json(acme.ci), '{"catalog_id":"no-such-benchmark"}')).toBe(
      404,
    );
    expect(await send(server, 'POST', create, json(acme.ci), '{"name":"TruthfulQA"}')).toBe(201);
    expect(await send(server, 'POST', install, json(acme.ci), '{"catalog_id":"truthfulqa"}')).toBe(409);

    // Changing, removing, appending, importing and exporting.
    const ownDataset = async (name: string) => {
      const res = await fetch(`${server.url}${create}`, {
        method: 'POST',
        headers: json(acme.ci),
        body: JSON.stringify({ name }),
      });
      return ((await res.json()) as { id: string }).id;
    };
    const mine = await ownDataset('Examples changed');
    const sampleId = (
      (await (
        await fetch(`${server.url}${orgPath}/datasets?source=znyx_sample&limit=1`, {
          headers: bearer(acme.runtime),
        })
      ).json()) as { datasets: { id: string }[] }
    ).datasets[0]?.id as string;
    const ndjson = (token: string) => ({ ...bearer(token), 'Content-Type': 'application/x-ndjson' });
    const changes: [string, string, string | undefined, (t: string) => Record<string, string>][] = [
      ['PATCH', '', '{"name":"Renamed"}', json],
      ['DELETE', '', undefined, bearer],
      ['POST', '/samples', '{"samples":[{"input":"x"}]}', json],
      ['POST', '/import', '{"input":"x"}\n', ndjson],
      ['GET', '/export', undefined, bearer],
    ];
    for (const [method, suffix, body, headersFor] of changes) {
      const path = (id: string, org = orgPath) => `${org}/datasets/${id}${suffix}`;
      const write = method !== 'GET';
      const token = write ? acme.ci : acme.runtime;
      const noCredential: Record<string, string> =
        body === undefined ? {} : { 'Content-Type': headersFor('x')['Content-Type'] as string };
      await send(server, method, path(mine), noCredential, body);
      await send(server, method, path(mine), headersFor('nope'), body);
      await send(server, method, path(mine), headersFor(expired.token), body);
      await send(server, method, path(mine), headersFor(revoked.token), body);
      await send(server, method, path(mine), headersFor(write ? globex.ci : globex.runtime), body);
      await send(server, method, path(mine, '/v1/orgs/nope'), headersFor(token), body);
      if (write) await send(server, method, path(mine), headersFor(acme.runtime), body);
      expect(await send(server, method, path(randomUUID()), headersFor(token), body)).toBe(404);
      if (write && method !== 'DELETE') {
        expect(await send(server, method, path(sampleId), headersFor(token), body)).toBe(403);
        await send(server, method, path(mine), { ...bearer(token), 'Content-Type': 'text/plain' }, body);
      }
    }
    const datasetPath = `${orgPath}/datasets/${mine}`;
    expect(await send(server, 'PATCH', datasetPath, json(acme.ci), '{}')).toBe(422);
    await ownDataset('Support bot jailbreaks');
    expect(await send(server, 'PATCH', datasetPath, json(acme.ci), '{"name":"Support bot jailbreaks"}')).toBe(
      409,
    );
    const huge = `{"name":"${'x'.repeat(17 * 1024 * 1024)}"}`;
    expect(await send(server, 'PATCH', datasetPath, json(acme.ci), huge)).toBe(413);
    expect(await send(server, 'POST', `${datasetPath}/samples`, json(acme.ci), '{}')).toBe(422);
    expect(await send(server, 'POST', `${datasetPath}/samples`, json(acme.ci), huge)).toBe(413);
    const lines = '{"input":"a"}\n{"input":\n';
    expect(await send(server, 'POST', `${datasetPath}/import`, ndjson(acme.ci), lines)).toBe(422);
    const noInput = '{"input":"a"}\n{"input":"b"}\n{"expected_output":"c"}\n';
    expect(await send(server, 'POST', `${datasetPath}/import`, ndjson(acme.ci), noInput)).toBe(422);
    expect(await send(server, 'GET', `${datasetPath}/export?format=xml`, bearer(acme.runtime))).toBe(422);
    seen.push(await announcedTooLarge(server.url, `${datasetPath}/import`, acme.ci));
    expect(await send(server, 'DELETE', datasetPath, bearer(acme.ci))).toBe(204);
    const revoke = `${orgPath}/tokens/${acme.runtimeId}`;
    await send(server, 'DELETE', revoke);
    await send(server, 'DELETE', revoke, bearer('nope'));
    await send(server, 'DELETE', revoke, bearer(expired.token));
    await send(server, 'DELETE', revoke, bearer(revoked.token));
    await send(server, 'DELETE', revoke, bearer(globex.admin));
    await send(server, 'DELETE', revoke, bearer(acme.ci));
    await send(server, 'DELETE', revoke.replace(acme.org.id, 'nope'), bearer(acme.admin));
    expect(await send(server, 'DELETE', `${orgPath}/tokens/${randomUUID()}`, bearer(acme.admin))).toBe(404);
    // Another org's token id is unknown here too.
    expect(await send(server, 'DELETE', `${orgPath}/tokens/${globex.runtimeId}`, bearer(acme.admin))).toBe(
      404,
    );

    // A budget of one call per minute: the first call spends it, every later one is a 429.
    const limitedOrg = await createOrgWithTokens(limited.store, 'Limited');
    const limitedPath = `/v1/orgs/${limitedOrg.org.id}`;
    expect(await send(limited, 'GET', '/v1/me', bearer(limitedOrg.admin))).toBe(200);
    for (const path of reads) {
      const target = path.replace(orgPath, limitedPath);
      expect(await send(limited, 'GET', target, bearer(limitedOrg.admin)), target).toBe(429);
    }
    for (const [path, body] of [
      ['datasets', '{"name":"Limited"}'],
      ['datasets/install', '{"catalog_id":"truthfulqa"}'],
      ['tokens', '{"kind":"runtime"}'],
    ] as const) {
      expect(await send(limited, 'POST', `${limitedPath}/${path}`, json(limitedOrg.admin), body)).toBe(429);
    }
    const limitedDataset = `${limitedPath}/datasets/${randomUUID()}`;
    expect(await send(limited, 'PATCH', limitedDataset, json(limitedOrg.admin), '{"name":"x"}')).toBe(429);
    expect(await send(limited, 'DELETE', limitedDataset, bearer(limitedOrg.admin))).toBe(429);
    expect(
      await send(
        limited,
        'POST',
        `${limitedDataset}/samples`,
        json(limitedOrg.admin),
        '{"samples":[{"input":"x"}]}',
      ),
    ).toBe(429);
    expect(
      await send(limited, 'POST', `${limitedDataset}/import`, ndjson(limitedOrg.admin), '{"input":"x"}\n'),
    ).toBe(429);
    expect(await send(limited, 'GET', `${limitedDataset}/export`, bearer(limitedOrg.admin))).toBe(429);
    expect(
      await send(
        limited,
        'DELETE',
        `${limitedPath}/tokens/${limitedOrg.runtimeId}`,
        bearer(limitedOrg.admin),
      ),
    ).toBe(429);

    // A rate-limit message carries its numbers; compare its wording.
    const wording = (value: unknown, status: string) =>
      JSON.stringify(value).replace(status === '429' ? /\d+/g : /^$/, 'N');
    const missing: string[] = [];
    for (const { key, status, body } of seen) {
      const [method, path] = key.split(' ') as [string, string];
      const operation = doc.paths[path]?.[method.toLowerCase()] as Operation;
      const documented = examplesOf(operation, status).map((e) => wording(e, status));
      if (!documented.includes(wording(body, status)))
        missing.push(`${key} ${status} ${JSON.stringify(body)}`);
    }
    expect(missing, 'answers whose message is not among the documented examples').toEqual([]);

    const provoked = new Set(
      seen.map(({ key, status, body }) => `${key} ${status} ${wording(body, status)}`),
    );
    const unseen: string[] = [];
    for (const { path, method, operation } of operations(doc)) {
      if (!path.startsWith('/v1/')) continue;
      // 500 and 503 are provoked by faults.test.ts; their examples are the constants the code sends.
      for (const status of Object.keys(operation.responses).filter(
        (s) => Number(s) >= 400 && Number(s) < 500,
      )) {
        for (const example of examplesOf(operation, status)) {
          const key = `${method.toUpperCase()} ${path} ${status} ${wording(example, status)}`;
          if (!provoked.has(key)) unseen.push(key);
        }
      }
    }
    expect(unseen, 'documented examples no request provoked').toEqual([]);
  });
});

/** An import announcing a body over 1 GiB: answered 413 before the body is read (fetch cannot announce one). */
async function announcedTooLarge(base: string, path: string, token: string) {
  const body = await new Promise<string>((resolve, reject) => {
    const req = httpRequest(
      `${base}${path}`,
      {
        method: 'POST',
        headers: {
          ...bearer(token),
          'Content-Type': 'application/x-ndjson',
          'Content-Length': String(1024 ** 3 + 1),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          resolve(text);
          req.destroy();
        });
      },
    );
    req.on('error', reject);
    req.write('{"input":"a"}\n');
  });
  return {
    key: 'POST /v1/orgs/{org_id}/datasets/{dataset_id}/import',
    status: '413',
    body: JSON.parse(body) as unknown,
  };
}

/**
 * The rules of the contract (shared/spec) that the document must state, so that a generated
 * client, a validating proxy or a fuzzer knows them. Each names the spec's rule.
 */
describe("the document states the contract's rules", () => {
  type Schema = {
    type?: string | string[];
    anyOf?: Schema[];
    items?: Schema;
    properties?: Record<string, Schema>;
    additionalProperties?: boolean | Schema;
    pattern?: string;
    maximum?: number;
    maxItems?: number;
    example?: unknown;
    examples?: unknown;
    $ref?: string;
  };
  type Parameter = { in: string; name: string; schema: Schema; example?: unknown; examples?: unknown };
  const doc = () =>
    committedDoc() as unknown as {
      components: { schemas: Record<string, Schema> };
      paths: Record<
        string,
        Record<
          string,
          { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: Schema }> } }
        >
      >;
    };
  const deref = (schema: Schema): Schema =>
    schema.$ref ? deref(doc().components.schemas[schema.$ref.split('/').pop() ?? ''] ?? {}) : schema;
  const queryParameters = () =>
    Object.entries(doc().paths).flatMap(([path, item]) =>
      Object.entries(item).flatMap(([method, op]) =>
        (op.parameters ?? [])
          .filter((p) => p.in === 'query')
          .map((p) => ({ at: `${method} ${path} ${p.name}`, ...p })),
      ),
    );

  it('`offset`: an integer 0 – 2⁵³−1', () => {
    const offsets = queryParameters().filter((p) => p.name === 'offset');
    expect(offsets.length).toBeGreaterThan(0);
    for (const p of offsets) expect(p.schema.maximum, p.at).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('`categories`: at most 20', () => {
    const lists = queryParameters().filter((p) => p.name === 'categories');
    expect(lists.length).toBeGreaterThan(0);
    for (const p of lists) {
      const array = (p.schema.anyOf ?? [p.schema]).find((s) => s.type === 'array');
      expect(array?.maxItems, p.at).toBe(20);
    }
  });

  it('a category is lower-cased on input: its pattern admits upper case', () => {
    const categories = queryParameters().filter((p) => p.name === 'category');
    expect(categories.length).toBeGreaterThan(0);
    for (const p of categories) {
      expect(new RegExp(p.schema.pattern ?? '^$').test('Jailbreak'), p.at).toBe(true);
      expect(new RegExp(p.schema.pattern ?? '^$').test('not a slug'), p.at).toBe(false);
    }
  });

  it('the service always sets both timestamps: created_at and updated_at are not nullable', () => {
    const dataset = doc().components.schemas.Dataset ?? {};
    for (const name of ['created_at', 'updated_at']) {
      const field = dataset.properties?.[name] ?? {};
      const types = [field, ...(field.anyOf ?? [])].flatMap((s) =>
        Array.isArray(s.type) ? s.type : [s.type],
      );
      expect(types, name).not.toContain('null');
    }
  });

  it('query parameters carry no schema example (a client or proxy would send it as a value)', () => {
    const found = queryParameters()
      .filter((p) => p.schema.example !== undefined || p.schema.examples !== undefined)
      .map((p) => p.at);
    expect(found).toEqual([]);
  });

  it("a body's unknown fields are refused: every object of a request body is closed, but metadata", () => {
    const open: string[] = [];
    const visit = (schema: Schema, at: string, seen: Set<Schema>) => {
      const s = deref(schema);
      if (seen.has(s)) return;
      seen.add(s);
      for (const alt of s.anyOf ?? []) visit(alt, at, seen);
      if (s.items) visit(s.items, `${at}[]`, seen);
      if (s.properties) {
        if (s.additionalProperties !== false) open.push(at);
        for (const [key, value] of Object.entries(s.properties)) {
          if (key !== 'metadata') visit(value, `${at}.${key}`, seen);
        }
      }
    };
    for (const [path, item] of Object.entries(doc().paths)) {
      for (const [method, op] of Object.entries(item)) {
        const body = op.requestBody?.content['application/json']?.schema;
        if (body) visit(body, `${method} ${path} body`, new Set());
      }
    }
    expect(open).toEqual([]);
  });
});

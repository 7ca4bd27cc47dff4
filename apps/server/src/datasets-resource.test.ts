import { randomUUID } from 'node:crypto';
import { createOrgWithAdminToken, issueToken } from '@znyx/api';
import { TEST_ENGINES } from '@znyx/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createOrgWithTokens,
  DATASET_KEYS,
  type DatasetJson,
  type PageJson,
  startTestServer,
} from './test-support';

type Server = Awaited<ReturnType<typeof startTestServer>>;

interface CatalogEntryJson {
  id: string;
  slug: string;
  name: string;
  description: string;
  source: string;
  category: string;
  sample_count: number;
  authors: string;
  paper_url: string | null;
  homepage: string | null;
  license: string | null;
  year: number;
  version: string | null;
  installed: boolean;
  dataset_id: string | null;
}
interface CatalogJson {
  total: number;
  limit: number;
  offset: number;
  entries: CatalogEntryJson[];
}
interface SampleJson {
  id: string;
  input: string;
  expected_output: string | null;
  metadata: Record<string, unknown> | null;
}
interface SamplePageJson {
  total: number;
  limit: number;
  offset: number;
  samples: SampleJson[];
  rows_stored: boolean;
  notice: string | null;
}
interface Issue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

const CATALOG_KEYS = [
  'id',
  'slug',
  'name',
  'description',
  'source',
  'category',
  'sample_count',
  'authors',
  'paper_url',
  'homepage',
  'license',
  'year',
  'version',
  'installed',
  'dataset_id',
];
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ZNYX_SAMPLE_CATEGORIES = ['jailbreak', 'pii', 'toxicity', 'prompt_injection', 'bias', 'hallucination'];
const PUBLISHED_COUNTS: Record<string, number> = {
  truthfulqa: 817,
  bold: 23679,
  realtoxicityprompts: 99442,
  bbq: 58492,
  'advbench-harmful-behaviors': 520,
  xstest: 450,
  'do-not-answer': 939,
  'crows-pairs': 1508,
};

const THREE_SAMPLES = [
  { input: 'first prompt', expected_output: 'first answer', metadata: { n: 1, tag: 'a' } },
  { input: 'second prompt' },
  { input: 'third prompt', expected_output: null, metadata: null },
];

describe.each(TEST_ENGINES)('over %s', (engine) => {
  let server: Server;
  let orgCounter = 0;

  beforeAll(async () => {
    server = await startTestServer({ engine });
  });
  afterAll(async () => {
    await server?.close();
  });

  /** A fresh org (samples seeded) with one token of each kind, and the ids of those tokens. */
  async function newOrg(label: string) {
    orgCounter += 1;
    const { org, admin } = await createOrgWithAdminToken(server.store, `${label} ${orgCounter}`);
    const ci = await issueToken(server.store, { orgId: org.id, kind: 'ci' });
    const runtime = await issueToken(server.store, { orgId: org.id, kind: 'runtime' });
    return {
      id: org.id,
      admin: admin.token,
      adminId: admin.record.id,
      ci: ci.token,
      ciId: ci.record.id,
      runtime: runtime.token,
      runtimeId: runtime.record.id,
    };
  }
  type Org = Awaited<ReturnType<typeof newOrg>>;

  async function call(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) Object.assign(headers, bearer(options.token));
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(server.url + path, { method, headers, body });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined };
  }

  const datasetsPath = (orgId: string) => `/v1/orgs/${orgId}/datasets`;
  const catalogPath = (orgId: string, query = '') =>
    `/v1/orgs/${orgId}/datasets/catalog${query ? `?${query}` : ''}`;
  const installPath = (orgId: string) => `/v1/orgs/${orgId}/datasets/install`;
  const datasetPath = (orgId: string, datasetId: string) => `/v1/orgs/${orgId}/datasets/${datasetId}`;
  const samplesPath = (orgId: string, datasetId: string, query = '') =>
    `/v1/orgs/${orgId}/datasets/${datasetId}/samples${query ? `?${query}` : ''}`;

  async function list(org: Org, query = ''): Promise<PageJson> {
    const res = await call('GET', `${datasetsPath(org.id)}${query ? `?${query}` : ''}`, {
      token: org.runtime,
    });
    expect(res.status, res.text).toBe(200);
    return res.body as PageJson;
  }
  async function listAll(org: Org, query = ''): Promise<DatasetJson[]> {
    return (await list(org, `${query}${query ? '&' : ''}limit=200`)).datasets;
  }
  async function catalog(org: Org, query = ''): Promise<CatalogJson> {
    const res = await call('GET', catalogPath(org.id, query), { token: org.runtime });
    expect(res.status, res.text).toBe(200);
    return res.body as CatalogJson;
  }
  async function catalogEntry(org: Org, slug: string): Promise<CatalogEntryJson> {
    const entry = (await catalog(org, 'limit=200')).entries.find((e) => e.slug === slug);
    if (!entry) throw new Error(`no catalog entry ${slug}`);
    return entry;
  }
  async function create(org: Org, body: Record<string, unknown>, token = org.ci) {
    return call('POST', datasetsPath(org.id), { token, body });
  }
  async function createOk(org: Org, body: Record<string, unknown>): Promise<DatasetJson> {
    const res = await create(org, body);
    expect(res.status, res.text).toBe(201);
    return res.body as DatasetJson;
  }
  async function install(org: Org, catalogId: unknown, token = org.ci) {
    return call('POST', installPath(org.id), { token, body: { catalog_id: catalogId } });
  }
  async function samples(org: Org, datasetId: string, query = ''): Promise<SamplePageJson> {
    const res = await call('GET', samplesPath(org.id, datasetId, query), { token: org.runtime });
    expect(res.status, res.text).toBe(200);
    return res.body as SamplePageJson;
  }

  /** A FastAPI-style 422 whose detail has an issue at exactly `loc`. */
  function expect422(
    res: { status: number; text: string; body: unknown },
    loc: (string | number)[],
    type?: string,
  ) {
    expect(res.status, res.text).toBe(422);
    const body = res.body as { detail: Issue[] };
    expect(Object.keys(body)).toEqual(['detail']);
    expect(Array.isArray(body.detail)).toBe(true);
    const issue = body.detail.find((d) => JSON.stringify(d.loc) === JSON.stringify(loc));
    expect(issue, res.text).toBeDefined();
    expect(typeof issue?.msg).toBe('string');
    if (type) expect(issue?.type).toBe(type);
  }
  /** `{"detail": "<message>"}` with the given status. */
  function expectDetail(
    res: { status: number; text: string; body: unknown },
    status: number,
    detail?: string,
  ) {
    expect(res.status, res.text).toBe(status);
    const body = res.body as { detail: unknown };
    expect(Object.keys(body)).toEqual(['detail']);
    expect(typeof body.detail).toBe('string');
    if (detail !== undefined) expect(body.detail).toBe(detail);
  }

  describe('the story: browse, install, create, list', () => {
    it('a new org installs TruthfulQA, creates its own dataset and sees all three kinds', async () => {
      const org = await newOrg('Story');

      const before = await catalogEntry(org, 'truthfulqa');
      expect(before).toMatchObject({
        name: 'TruthfulQA',
        source: 'industry_standard',
        sample_count: 817,
        installed: false,
        dataset_id: null,
      });

      const installed = await install(org, 'truthfulqa');
      expect(installed.status, installed.text).toBe(201);
      const truthful = installed.body as DatasetJson;
      expect(Object.keys(truthful)).toEqual(DATASET_KEYS);
      expect(truthful).toEqual({
        id: expect.stringMatching(UUID),
        name: 'TruthfulQA',
        description: before.description,
        category: 'hallucination',
        trust_level: 'reviewed',
        source: 'industry_standard',
        sample_count: 817,
        is_public: true,
        created_by: null,
        created_at: expect.stringMatching(ISO_MS),
        updated_at: expect.stringMatching(ISO_MS),
      });

      const mine = await createOk(org, {
        name: 'Support bot jailbreaks',
        description: 'Our own',
        category: 'jailbreak',
        samples: THREE_SAMPLES,
      });
      expect(mine).toEqual({
        id: expect.stringMatching(UUID),
        name: 'Support bot jailbreaks',
        description: 'Our own',
        category: 'jailbreak',
        trust_level: 'unverified',
        source: 'customer',
        sample_count: 3,
        is_public: false,
        created_by: org.ciId,
        created_at: expect.stringMatching(ISO_MS),
        updated_at: expect.stringMatching(ISO_MS),
      });

      const all = await list(org);
      expect(all.total).toBe(8);
      expect(all.datasets).toHaveLength(8);
      const bySource = (source: string) => all.datasets.filter((d) => d.source === source);
      expect(bySource('znyx_sample')).toHaveLength(6);
      expect(bySource('industry_standard')).toEqual([truthful]);
      expect(bySource('customer')).toEqual([mine]);

      expect(await list(org, 'source=industry_standard')).toEqual({
        total: 1,
        limit: 50,
        offset: 0,
        next_cursor: null,
        datasets: [truthful],
      });
      expect(await list(org, 'source=customer')).toEqual({
        total: 1,
        limit: 50,
        offset: 0,
        next_cursor: null,
        datasets: [mine],
      });

      const hallucination = await list(org, 'categories=hallucination');
      expect(hallucination.total).toBe(2);
      const znyxHallucination = all.datasets.find(
        (d) => d.source === 'znyx_sample' && d.category === 'hallucination',
      );
      expect(znyxHallucination).toBeDefined();
      expect(hallucination.datasets.map((d) => d.id).sort()).toEqual(
        [truthful.id, znyxHallucination?.id].sort(),
      );

      const after = await catalogEntry(org, 'truthfulqa');
      expect(after).toEqual({ ...before, installed: true, dataset_id: truthful.id });
    });
  });

  describe('catalog', () => {
    let org: Org;
    let page: CatalogJson;
    beforeAll(async () => {
      org = await newOrg('Catalog');
      page = await catalog(org, 'limit=200');
    });

    it('answers the envelope with every entry in exactly the documented keys', async () => {
      expect(Object.keys(page)).toEqual(['total', 'limit', 'offset', 'entries']);
      expect(page.limit).toBe(200);
      expect(page.offset).toBe(0);
      expect(page.total).toBe(page.entries.length);
      for (const entry of page.entries) {
        expect(Object.keys(entry)).toEqual(CATALOG_KEYS);
        expect(entry.id).toMatch(UUID);
        expect(entry.sample_count).toBeGreaterThan(0);
        expect(Number.isInteger(entry.year)).toBe(true);
      }
      expect(new Set(page.entries.map((e) => e.id)).size).toBe(page.entries.length);
      expect(new Set(page.entries.map((e) => e.slug)).size).toBe(page.entries.length);
    });

    it('applies the defaults: limit 50, offset 0', async () => {
      const defaults = await catalog(org);
      expect(defaults).toMatchObject({ total: page.total, limit: 50, offset: 0 });
      expect(defaults.entries).toEqual(page.entries.slice(0, 50));
    });

    it('lists at least 10 industry benchmarks, not installed in a new org', () => {
      const benchmarks = page.entries.filter((e) => e.source === 'industry_standard');
      expect(benchmarks.length).toBeGreaterThanOrEqual(10);
      for (const entry of benchmarks) {
        expect(entry).toMatchObject({ installed: false, dataset_id: null });
        expect(typeof entry.paper_url).toBe('string');
        expect(entry.authors.length).toBeGreaterThan(0);
      }
    });

    it("lists the 6 ZNYX samples as installed, pointing at the org's seeded datasets", async () => {
      const samples = page.entries.filter((e) => e.source === 'znyx_sample');
      expect(samples).toHaveLength(6);
      expect(samples.map((e) => e.category).sort()).toEqual([...ZNYX_SAMPLE_CATEGORIES].sort());
      const seeded = await listAll(org, 'source=znyx_sample');
      expect(seeded).toHaveLength(6);
      for (const entry of samples) {
        expect(entry.installed).toBe(true);
        const dataset = seeded.find((d) => d.id === entry.dataset_id);
        expect(dataset, entry.slug).toBeDefined();
        expect(dataset).toMatchObject({
          name: entry.name,
          category: entry.category,
          sample_count: entry.sample_count,
        });
      }
      expect(samples.map((e) => e.dataset_id).sort()).toEqual(seeded.map((d) => d.id).sort());
    });

    it.each(Object.entries(PUBLISHED_COUNTS))('carries the published count of %s (%i)', (slug, count) => {
      const entry = page.entries.find((e) => e.slug === slug);
      expect(entry, slug).toBeDefined();
      expect(entry).toMatchObject({ source: 'industry_standard', sample_count: count });
    });

    it('filters by source', async () => {
      const benchmarks = await catalog(org, 'source=industry_standard&limit=200');
      expect(benchmarks.total).toBe(page.entries.filter((e) => e.source === 'industry_standard').length);
      expect(benchmarks.entries).toEqual(page.entries.filter((e) => e.source === 'industry_standard'));
      const samples = await catalog(org, 'source=znyx_sample');
      expect(samples.total).toBe(6);
      expect(samples.entries.every((e) => e.source === 'znyx_sample')).toBe(true);
      expect(await catalog(org, 'source=customer')).toEqual({ total: 0, limit: 50, offset: 0, entries: [] });
    });

    it('filters by category (lower-cased), categories and their union', async () => {
      const pick = (...categories: string[]) => page.entries.filter((e) => categories.includes(e.category));
      const hallucination = await catalog(org, 'category=HALLUCINATION&limit=200');
      expect(hallucination.entries).toEqual(pick('hallucination'));
      expect(hallucination.entries.map((e) => e.slug)).toEqual(
        expect.arrayContaining(['truthfulqa', 'znyx-hallucination-sample']),
      );
      expect(hallucination.total).toBe(pick('hallucination').length);

      const listed = await catalog(org, 'categories=%20bias%20,,toxicity&limit=200');
      expect(listed.entries).toEqual(pick('bias', 'toxicity'));
      expect(listed.total).toBe(pick('bias', 'toxicity').length);

      const union = await catalog(org, 'category=pii&categories=jailbreak&limit=200');
      expect(union.entries).toEqual(pick('pii', 'jailbreak'));
      expect(new Set(union.entries.map((e) => e.category))).toEqual(new Set(['pii', 'jailbreak']));

      const both = await catalog(org, 'source=znyx_sample&categories=pii,bias');
      expect(both.entries.map((e) => e.category).sort()).toEqual(['bias', 'pii']);

      expect(await catalog(org, 'category=no-such-category')).toEqual({
        total: 0,
        limit: 50,
        offset: 0,
        entries: [],
      });
    });

    it('pages with limit/offset, visiting every entry once, with the true total', async () => {
      const seen: string[] = [];
      for (let offset = 0; offset < page.total; offset += 4) {
        const part = await catalog(org, `limit=4&offset=${offset}`);
        expect(part).toMatchObject({ total: page.total, limit: 4, offset });
        expect(part.entries.length).toBe(Math.min(4, page.total - offset));
        seen.push(...part.entries.map((e) => e.id));
      }
      expect(seen).toEqual(page.entries.map((e) => e.id));
      expect(await catalog(org, 'offset=500&limit=3')).toEqual({
        total: page.total,
        limit: 3,
        offset: 500,
        entries: [],
      });
    });

    it.each([
      ['source=bogus', ['query', 'source'], 'enum'],
      ['category=bad%20slug', ['query', 'category'], 'string_pattern_mismatch'],
      ['categories=pii,bad!', ['query', 'categories', 1], 'string_pattern_mismatch'],
      ['limit=0', ['query', 'limit'], 'greater_than_equal'],
      ['limit=201', ['query', 'limit'], 'less_than_equal'],
      ['limit=abc', ['query', 'limit'], undefined],
      ['offset=-1', ['query', 'offset'], 'greater_than_equal'],
    ] as const)('rejects %s with a 422 at its loc', async (query, loc, type) => {
      const res = await call('GET', catalogPath(org.id, query), { token: org.runtime });
      expect422(res, [...loc], type);
    });

    it('rejects a malformed org id with a 422, not a 403', async () => {
      expect422(await call('GET', catalogPath('not-a-uuid'), { token: org.runtime }), ['path', 'org_id']);
    });

    it('answers 401 without a valid credential, whatever the input', async () => {
      for (const res of [
        await call('GET', catalogPath(org.id)),
        await call('GET', catalogPath(org.id, 'limit=0')),
        await call('GET', catalogPath(org.id), { token: 'znyx_rt_nope' }),
      ]) {
        expectDetail(res, 401);
        expect(res.headers.get('www-authenticate')).toBe('Bearer');
      }
    });

    it("answers 403 to another org's token, whether or not the path's org exists; any token kind reads", async () => {
      const other = await newOrg('Catalog other');
      const foreign = await call('GET', catalogPath(org.id), { token: other.admin });
      const missing = await call('GET', catalogPath(randomUUID()), { token: other.admin });
      expectDetail(foreign, 403, 'Token does not have access to this organization');
      expect(missing.body).toEqual(foreign.body);
      expect(missing.status).toBe(403);
      for (const token of [org.runtime, org.ci, org.admin]) {
        expect((await call('GET', catalogPath(org.id), { token })).status).toBe(200);
      }
      expect((await call('GET', catalogPath(org.id), { headers: { 'X-API-Key': org.runtime } })).status).toBe(
        200,
      );
    });
  });

  describe('install', () => {
    it('installs by slug: 201 the first time, then 200 with the same Dataset', async () => {
      const org = await newOrg('Install slug');
      const first = await install(org, 'bold');
      expect(first.status, first.text).toBe(201);
      expect(first.body).toMatchObject({
        source: 'industry_standard',
        sample_count: 23679,
        created_by: null,
      });
      const again = await install(org, 'bold');
      expect(again.status, again.text).toBe(200);
      expect(again.body).toEqual(first.body);
      const viaAdmin = await install(org, 'bold', org.admin);
      expect(viaAdmin.status).toBe(200);
      expect(viaAdmin.body).toEqual(first.body);
    });

    it("installs by the entry's id, in any case, to the same one copy", async () => {
      const org = await newOrg('Install id');
      const entry = await catalogEntry(org, 'xstest');
      const first = await install(org, entry.id);
      expect(first.status, first.text).toBe(201);
      expect(first.body).toMatchObject({ name: entry.name, sample_count: 450, trust_level: 'reviewed' });
      const upper = await install(org, entry.id.toUpperCase());
      expect(upper.status, upper.text).toBe(200);
      expect(upper.body).toEqual(first.body);
      const bySlug = await install(org, 'xstest');
      expect(bySlug.status).toBe(200);
      expect((bySlug.body as DatasetJson).id).toBe((first.body as DatasetJson).id);
      expect((await listAll(org, 'source=industry_standard')).map((d) => d.id)).toEqual([
        (first.body as DatasetJson).id,
      ]);
      expect(await catalogEntry(org, 'xstest')).toMatchObject({
        installed: true,
        dataset_id: (first.body as DatasetJson).id,
      });
    });

    it('creates exactly one copy under 8 concurrent installs of the same entry', async () => {
      const org = await newOrg('Install race');
      const results = await Promise.all(Array.from({ length: 8 }, () => install(org, 'do-not-answer')));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses, results.map((r) => r.text).join('\n')).toEqual([
        200, 200, 200, 200, 200, 200, 200, 201,
      ]);
      const ids = new Set(results.map((r) => (r.body as DatasetJson).id));
      expect(ids.size).toBe(1);
      const installed = await listAll(org, 'source=industry_standard');
      expect(installed).toHaveLength(1);
      expect(installed[0]).toMatchObject({ id: [...ids][0], sample_count: 939 });
      expect((await list(org)).total).toBe(7);
    });

    it('answers 404 {"detail"} for an unknown entry and installs nothing', async () => {
      const org = await newOrg('Install 404');
      for (const id of ['no-such-benchmark', randomUUID()]) {
        const res = await install(org, id);
        expectDetail(res, 404);
      }
      expect((await list(org)).total).toBe(6);
    });

    it('answers 422 at body.catalog_id for a missing, empty or non-string catalog_id', async () => {
      const org = await newOrg('Install 422');
      expect422(
        await call('POST', installPath(org.id), { token: org.ci, body: {} }),
        ['body', 'catalog_id'],
        'missing',
      );
      expect422(await install(org, ''), ['body', 'catalog_id']);
      expect422(await install(org, '   '), ['body', 'catalog_id']);
      expect422(await install(org, 42), ['body', 'catalog_id']);
      expect((await list(org)).total).toBe(6);
    });

    it("refuses a runtime token (403) and another org's token (403); 401 without a credential", async () => {
      const org = await newOrg('Install auth');
      const other = await newOrg('Install auth other');
      expectDetail(
        await install(org, 'truthfulqa', org.runtime),
        403,
        "Token lacks the 'write' scope required for this operation",
      );
      expectDetail(
        await install(org, 'truthfulqa', other.admin),
        403,
        'Token does not have access to this organization',
      );
      const anonymous = await call('POST', installPath(org.id), { body: { catalog_id: 'truthfulqa' } });
      expectDetail(anonymous, 401, 'Not authenticated');
      expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
      expect((await catalogEntry(org, 'truthfulqa')).installed).toBe(false);
      expect((await catalogEntry(other, 'truthfulqa')).installed).toBe(false);
    });

    it('answers 200 with the seeded dataset for a ZNYX sample the org already has', async () => {
      const org = await newOrg('Install seeded');
      const entry = await catalogEntry(org, 'znyx-pii-sample');
      expect(entry.installed).toBe(true);
      const res = await install(org, 'znyx-pii-sample');
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({
        id: entry.dataset_id,
        source: 'znyx_sample',
        trust_level: 'verified',
        category: 'pii',
        sample_count: entry.sample_count,
      });
      expect((await list(org)).total).toBe(6);
    });

    it("answers 409 when a customer dataset already uses the benchmark's name", async () => {
      const org = await newOrg('Install clash');
      const mine = await createOk(org, { name: 'truthfulQA' });
      const res = await install(org, 'truthfulqa');
      expectDetail(res, 409);
      expect(await listAll(org, 'source=industry_standard')).toEqual([]);
      expect(await catalogEntry(org, 'truthfulqa')).toMatchObject({ installed: false, dataset_id: null });
      expect((await listAll(org, 'source=customer')).map((d) => d.id)).toEqual([mine.id]);
    });
  });

  describe('create', () => {
    it('answers 201 with exactly the Dataset keys, the name trimmed, created_by the token', async () => {
      const org = await newOrg('Create');
      const res = await call('POST', datasetsPath(org.id), {
        token: org.admin,
        body: { name: '  Padded Name  ', category: 'PII', samples: THREE_SAMPLES },
      });
      expect(res.status, res.text).toBe(201);
      const dataset = res.body as DatasetJson;
      expect(Object.keys(dataset)).toEqual(DATASET_KEYS);
      expect(dataset).toMatchObject({
        name: 'Padded Name',
        description: null,
        category: 'pii',
        trust_level: 'unverified',
        source: 'customer',
        sample_count: 3,
        is_public: false,
        created_by: org.adminId,
      });
      expect(dataset.created_at).toMatch(ISO_MS);
      expect(Date.parse(dataset.updated_at)).toBeGreaterThanOrEqual(Date.parse(dataset.created_at));
      expect(dataset.created_by).not.toBe(org.ciId);
      const listed = await listAll(org, 'source=customer');
      expect(listed).toEqual([dataset]);
    });

    it('honours is_public true', async () => {
      const org = await newOrg('Create public');
      const dataset = await createOk(org, { name: 'Shared', is_public: true });
      expect(dataset).toMatchObject({ is_public: true, sample_count: 0, created_by: org.ciId });
    });

    it('answers 409 for a duplicate name in any case, and writes nothing', async () => {
      const org = await newOrg('Create dup');
      const first = await createOk(org, { name: 'My Set', samples: THREE_SAMPLES });
      const dup = await create(org, { name: 'my set', samples: [{ input: 'x' }] });
      expectDetail(dup, 409);
      const dupTrimmed = await create(org, { name: '  MY SET ' });
      expectDetail(dupTrimmed, 409);
      const seededName = await create(org, { name: 'jailbreak prompts (sample)' });
      expectDetail(seededName, 409);
      expect((await list(org)).total).toBe(7);
      expect(await listAll(org, 'source=customer')).toEqual([first]);
      expect((await samples(org, first.id)).total).toBe(3);
    });

    it('allows the same name in another org', async () => {
      const a = await newOrg('Create same A');
      const b = await newOrg('Create same B');
      const inA = await createOk(a, { name: 'Shared Name' });
      const inB = await createOk(b, { name: 'Shared Name' });
      expect(inB.id).not.toBe(inA.id);
    });

    it.each([
      ['empty', ''],
      ['blank', '   '],
      ['201 characters', 'n'.repeat(201)],
      ['a number', 7],
    ])('rejects a name that is %s with a 422 at body.name', async (_label, name) => {
      const org = await newOrg('Create name');
      expect422(await create(org, { name }), ['body', 'name']);
      expect((await list(org)).total).toBe(6);
    });

    it('accepts a name of exactly 200 characters', async () => {
      const org = await newOrg('Create 200');
      expect((await createOk(org, { name: 'n'.repeat(200) })).name).toHaveLength(200);
    });

    it('rejects a missing name and a bad category at their locs', async () => {
      const org = await newOrg('Create fields');
      expect422(await create(org, {}), ['body', 'name'], 'missing');
      expect422(
        await create(org, { name: 'x', category: 'Bad Slug!' }),
        ['body', 'category'],
        'string_pattern_mismatch',
      );
      expect422(await create(org, { name: 'x', category: '-dash' }), ['body', 'category']);
      expect((await list(org)).total).toBe(6);
    });

    it('is all or nothing: one bad sample is a 422 at its index and nothing is written', async () => {
      const org = await newOrg('Create atomic');
      const name = 'Atomic Set';
      const wrongType = await create(org, {
        name,
        samples: [{ input: 'ok' }, { input: 123 }, { input: 'also ok' }],
      });
      expect422(wrongType, ['body', 'samples', 1, 'input'], 'string_type');
      const missing = await create(org, {
        name,
        samples: [{ input: 'ok' }, { expected_output: 'no input' }, { input: 'also ok' }],
      });
      expect422(missing, ['body', 'samples', 1, 'input'], 'missing');
      const badMetadata = await create(org, {
        name,
        samples: [{ input: 'ok' }, { input: 'x', metadata: [1] }],
      });
      expect422(badMetadata, ['body', 'samples', 1, 'metadata']);
      expect((await list(org)).total).toBe(6);
      expect(await listAll(org, 'source=customer')).toEqual([]);

      const retry = await createOk(org, { name, samples: THREE_SAMPLES });
      expect(retry).toMatchObject({ name, sample_count: 3 });
      expect((await list(org)).total).toBe(7);
      expect((await samples(org, retry.id)).samples.map((s) => s.input)).toEqual(
        THREE_SAMPLES.map((s) => s.input),
      );
    });

    it('rejects more than 10,000 samples at body.samples', async () => {
      const org = await newOrg('Create too many');
      const many = Array.from({ length: 10_001 }, (_, i) => ({ input: `p${i}` }));
      expect422(await create(org, { name: 'Too many', samples: many }), ['body', 'samples'], 'too_long');
      expect((await list(org)).total).toBe(6);
    });

    // More rows than one SQLite statement can bind (32,766 parameters, 6 a row): chunked inserts.
    it('accepts exactly 10,000 samples, stored in order', async () => {
      const org = await newOrg('Create max');
      const max = Array.from({ length: 10_000 }, (_, i) => ({ input: `prompt ${i}` }));
      const dataset = await createOk(org, { name: 'Ten thousand', samples: max });
      expect(dataset.sample_count).toBe(10_000);
      const tail = await samples(org, dataset.id, 'offset=9998&limit=5');
      expect(tail.total).toBe(10_000);
      expect(tail.samples.map((s) => s.input)).toEqual(['prompt 9998', 'prompt 9999']);
      const head = await samples(org, dataset.id, 'limit=2');
      expect(head.samples.map((s) => s.input)).toEqual(['prompt 0', 'prompt 1']);
    });

    it('answers 422 for a body that is not JSON', async () => {
      const org = await newOrg('Create not json');
      const res = await call('POST', datasetsPath(org.id), { token: org.ci, rawBody: '{"name": "broken' });
      expect(res.status, res.text).toBe(422);
      expect(Object.keys(res.body)).toEqual(['detail']);
      expect(Array.isArray(res.body.detail)).toBe(true);
      expect(res.text).not.toMatch(/stack|node_modules|\.ts\b/i);
      expect((await list(org)).total).toBe(6);
    });

    it("refuses a runtime token and another org's token with 403; 401 without a credential", async () => {
      const org = await newOrg('Create auth');
      const other = await newOrg('Create auth other');
      expectDetail(
        await create(org, { name: 'Nope' }, org.runtime),
        403,
        "Token lacks the 'write' scope required for this operation",
      );
      expectDetail(
        await create(org, { name: 'Nope' }, other.ci),
        403,
        'Token does not have access to this organization',
      );
      expectDetail(
        await call('POST', datasetsPath(org.id), { body: { name: 'Nope' } }),
        401,
        'Not authenticated',
      );
      expect((await list(org)).total).toBe(6);
      expect((await list(other)).total).toBe(6);
    });
  });

  describe('get', () => {
    let org: Org;
    let other: Org;
    let mine: DatasetJson;
    let theirs: DatasetJson;
    beforeAll(async () => {
      org = await newOrg('Get');
      other = await newOrg('Get other');
      mine = await createOk(org, { name: 'Mine', description: 'd', samples: THREE_SAMPLES });
      theirs = await createOk(other, { name: 'Theirs secret', samples: [{ input: 'secret prompt' }] });
    });

    it('answers 200 with the Dataset, for the id in any case', async () => {
      const res = await call('GET', datasetPath(org.id, mine.id), { token: org.runtime });
      expect(res.status, res.text).toBe(200);
      expect(res.body).toEqual(mine);
      const upper = await call('GET', datasetPath(org.id, mine.id.toUpperCase()), { token: org.runtime });
      expect(upper.status).toBe(200);
      expect(upper.body).toEqual(mine);
    });

    it('answers 404 for an unknown id', async () => {
      expectDetail(
        await call('GET', datasetPath(org.id, randomUUID()), { token: org.runtime }),
        404,
        'Dataset not found',
      );
    });

    it("answers 404 for another org's dataset, never its data", async () => {
      const res = await call('GET', datasetPath(org.id, theirs.id), { token: org.admin });
      expectDetail(res, 404, 'Dataset not found');
      expect(res.text).not.toContain('Theirs secret');
      // The other org's own token still sees it.
      expect((await call('GET', datasetPath(other.id, theirs.id), { token: other.runtime })).body).toEqual(
        theirs,
      );
      // And on the other org's path, the first org's token is a 403.
      expectDetail(await call('GET', datasetPath(other.id, theirs.id), { token: org.admin }), 403);
    });

    it('answers 422 at path.dataset_id for a malformed id', async () => {
      expect422(
        await call('GET', datasetPath(org.id, 'not-a-uuid'), { token: org.runtime }),
        ['path', 'dataset_id'],
        'uuid_parsing',
      );
    });

    it('serves /datasets/catalog as the catalog, not as a get', async () => {
      const res = await call('GET', catalogPath(org.id), { token: org.runtime });
      expect(res.status, res.text).toBe(200);
      expect(Object.keys(res.body)).toEqual(['total', 'limit', 'offset', 'entries']);
    });

    it('answers 401 without a credential', async () => {
      expectDetail(await call('GET', datasetPath(org.id, mine.id)), 401, 'Not authenticated');
    });
  });

  describe('samples', () => {
    let org: Org;
    let other: Org;
    let mine: DatasetJson;
    let truthful: DatasetJson;
    beforeAll(async () => {
      org = await newOrg('Samples');
      other = await newOrg('Samples other');
      mine = await createOk(org, { name: 'Three', samples: THREE_SAMPLES });
      const installed = await install(org, 'truthfulqa');
      expect(installed.status).toBe(201);
      truthful = installed.body as DatasetJson;
    });

    it('lists a created dataset’s rows in the order created, with the defaults', async () => {
      const page = await samples(org, mine.id);
      expect(page).toEqual({
        total: 3,
        limit: 100,
        offset: 0,
        samples: [
          {
            id: expect.stringMatching(UUID),
            input: 'first prompt',
            expected_output: 'first answer',
            metadata: { n: 1, tag: 'a' },
          },
          { id: expect.stringMatching(UUID), input: 'second prompt', expected_output: null, metadata: null },
          { id: expect.stringMatching(UUID), input: 'third prompt', expected_output: null, metadata: null },
        ],
        rows_stored: true,
        notice: null,
      });
      for (const sample of page.samples)
        expect(Object.keys(sample)).toEqual(['id', 'input', 'expected_output', 'metadata']);
      expect(new Set(page.samples.map((s) => s.id)).size).toBe(3);
    });

    it('pages with limit/offset, visiting every row once in order', async () => {
      const all = await samples(org, mine.id);
      const seen: string[] = [];
      for (let offset = 0; offset < 3; offset += 2) {
        const page = await samples(org, mine.id, `limit=2&offset=${offset}`);
        expect(page).toMatchObject({ total: 3, limit: 2, offset });
        seen.push(...page.samples.map((s) => s.id));
      }
      expect(seen).toEqual(all.samples.map((s) => s.id));
      expect(await samples(org, mine.id, 'offset=10')).toMatchObject({ total: 3, offset: 10, samples: [] });
    });

    it('lists a seeded ZNYX sample’s real rows: total equals its sample_count', async () => {
      const seeded = (await listAll(org, 'source=znyx_sample&category=jailbreak'))[0];
      expect(seeded).toBeDefined();
      if (!seeded) return;
      expect(seeded.sample_count).toBeGreaterThanOrEqual(20);
      const all = await samples(org, seeded.id, 'limit=1000');
      expect(all).toMatchObject({ total: seeded.sample_count, rows_stored: true, notice: null });
      expect(all.samples).toHaveLength(seeded.sample_count);
      expect(all.samples.every((s) => s.input.length > 0)).toBe(true);
      const seen: string[] = [];
      for (let offset = 0; offset < seeded.sample_count; offset += 7) {
        const page = await samples(org, seeded.id, `limit=7&offset=${offset}`);
        expect(page.total).toBe(seeded.sample_count);
        seen.push(...page.samples.map((s) => s.id));
      }
      expect(seen).toEqual(all.samples.map((s) => s.id));
    });

    it('says an installed benchmark’s rows are not stored here', async () => {
      const page = await samples(org, truthful.id);
      expect(page).toMatchObject({ total: 0, limit: 100, offset: 0, samples: [], rows_stored: false });
      expect(typeof page.notice).toBe('string');
      expect(page.notice).toContain('TruthfulQA');
      expect(page.notice).toContain('817');
      expect(truthful.sample_count).toBe(817);
    });

    it("answers 404 for another org's dataset and for an unknown one", async () => {
      const res = await call('GET', samplesPath(other.id, mine.id), { token: other.runtime });
      expectDetail(res, 404, 'Dataset not found');
      expect(res.text).not.toContain('first prompt');
      expectDetail(
        await call('GET', samplesPath(org.id, randomUUID()), { token: org.runtime }),
        404,
        'Dataset not found',
      );
    });

    it.each([['limit=0'], ['limit=1001'], ['limit=x']])('rejects %s at query.limit', async (query) => {
      expect422(await call('GET', samplesPath(org.id, mine.id, query), { token: org.runtime }), [
        'query',
        'limit',
      ]);
    });

    it('accepts limit=1000 and rejects offset=-1 and a malformed dataset id', async () => {
      expect((await samples(org, mine.id, 'limit=1000')).limit).toBe(1000);
      expect422(await call('GET', samplesPath(org.id, mine.id, 'offset=-1'), { token: org.runtime }), [
        'query',
        'offset',
      ]);
      expect422(await call('GET', samplesPath(org.id, 'nope'), { token: org.runtime }), [
        'path',
        'dataset_id',
      ]);
    });
  });

  describe('OpenAPI document', () => {
    type Operation = { operationId: string; responses: Record<string, unknown> };
    let paths: Record<string, Record<string, Operation>>;
    beforeAll(async () => {
      const res = await call('GET', '/openapi.json');
      expect(res.status).toBe(200);
      paths = res.body.paths;
    });
    const op = (path: string, method: string): Operation => {
      const operation = paths[path]?.[method];
      if (!operation) throw new Error(`${method} ${path} is not documented`);
      return operation;
    };

    it.each([
      ['/v1/orgs/{org_id}/datasets', 'get', 'datasets.list'],
      ['/v1/orgs/{org_id}/datasets/catalog', 'get', 'datasets.catalog'],
      ['/v1/orgs/{org_id}/datasets/install', 'post', 'datasets.install'],
      ['/v1/orgs/{org_id}/datasets', 'post', 'datasets.create'],
      ['/v1/orgs/{org_id}/datasets/{dataset_id}', 'get', 'datasets.get'],
      ['/v1/orgs/{org_id}/datasets/{dataset_id}/samples', 'get', 'datasets.samples'],
    ])('documents %s %s as %s', (path, method, operationId) => {
      const operation = op(path, method);
      expect(operation.operationId).toBe(operationId);
      for (const code of ['401', '403', '422']) expect(operation.responses[code], code).toBeDefined();
    });

    it('documents 201 (not 200) for create, and both 201 and 200 for install', () => {
      const createOp = op('/v1/orgs/{org_id}/datasets', 'post');
      expect(createOp.responses['201']).toBeDefined();
      expect(createOp.responses['200']).toBeUndefined();
      const installOp = op('/v1/orgs/{org_id}/datasets/install', 'post');
      expect(installOp.responses['201']).toBeDefined();
      expect(installOp.responses['200']).toBeDefined();
    });

    it('documents 409 on create and install, 404 on get, samples and install', () => {
      expect(op('/v1/orgs/{org_id}/datasets', 'post').responses['409']).toBeDefined();
      expect(op('/v1/orgs/{org_id}/datasets/install', 'post').responses['409']).toBeDefined();
      expect(op('/v1/orgs/{org_id}/datasets/install', 'post').responses['404']).toBeDefined();
      expect(op('/v1/orgs/{org_id}/datasets/{dataset_id}', 'get').responses['404']).toBeDefined();
      expect(op('/v1/orgs/{org_id}/datasets/{dataset_id}/samples', 'get').responses['404']).toBeDefined();
    });
  });

  describe('over /trpc', () => {
    const trpcPost = (procedure: string, input: unknown, token?: string) =>
      call('POST', `/trpc/${procedure}`, { token, body: input });
    const trpcGet = (procedure: string, input: unknown, token?: string) =>
      call('GET', `/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`, { token });

    it('creates a dataset with the same rules: created_by, 409 on a duplicate, 403 for runtime', async () => {
      const org = await newOrg('tRPC create');
      const ok = await trpcPost(
        'datasets.create',
        { org_id: org.id, name: ' Via tRPC ', samples: THREE_SAMPLES },
        org.ci,
      );
      expect(ok.status, ok.text).toBe(200);
      const dataset = ok.body.result.data as DatasetJson;
      expect(dataset).toMatchObject({
        name: 'Via tRPC',
        source: 'customer',
        trust_level: 'unverified',
        sample_count: 3,
        is_public: false,
        created_by: org.ciId,
      });
      const fetched = await trpcGet('datasets.get', { org_id: org.id, dataset_id: dataset.id }, org.runtime);
      expect(fetched.body.result.data).toEqual(dataset);

      const dup = await trpcPost('datasets.create', { org_id: org.id, name: 'via trpc' }, org.ci);
      expect(dup.status).toBe(409);
      expect(dup.body.error.data).toMatchObject({ code: 'CONFLICT', detail: expect.any(String) });

      const runtime = await trpcPost('datasets.create', { org_id: org.id, name: 'Other' }, org.runtime);
      expect(runtime.status).toBe(403);
      expect(runtime.body.error.data.code).toBe('FORBIDDEN');

      const anonymous = await trpcPost('datasets.create', { org_id: org.id, name: 'Other' });
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.error.data).toMatchObject({ code: 'UNAUTHORIZED', detail: 'Not authenticated' });
      expect((await list(org)).total).toBe(7);
    });

    it('answers a bad sample with a 422 pointing at it, and writes nothing', async () => {
      const org = await newOrg('tRPC 422');
      const res = await trpcPost(
        'datasets.create',
        { org_id: org.id, name: 'Bad', samples: [{ input: 'ok' }, { input: 123 }, { input: 'ok' }] },
        org.ci,
      );
      expect(res.status, res.text).toBe(422);
      expect(res.body.error.data.code).toBe('UNPROCESSABLE_CONTENT');
      expect(res.body.error.data.detail[0]).toMatchObject({
        loc: ['body', 'samples', 1, 'input'],
        type: 'string_type',
      });
      expect(res.text).not.toMatch(/stack|node_modules|\.ts\b/i);
      expect((await list(org)).total).toBe(6);
    });

    it('installs once: the same Dataset on a repeat, NOT_FOUND for an unknown entry', async () => {
      const org = await newOrg('tRPC install');
      const first = await trpcPost('datasets.install', { org_id: org.id, catalog_id: 'bbq' }, org.ci);
      expect(first.status, first.text).toBe(200);
      const dataset = first.body.result.data as DatasetJson;
      expect(dataset).toMatchObject({ source: 'industry_standard', sample_count: 58492, created_by: null });
      const again = await trpcPost('datasets.install', { org_id: org.id, catalog_id: 'BBQ' }, org.ci);
      expect(again.body.result.data).toEqual(dataset);
      const unknown = await trpcPost('datasets.install', { org_id: org.id, catalog_id: 'nope' }, org.ci);
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.data.code).toBe('NOT_FOUND');
      const forbidden = await trpcPost(
        'datasets.install',
        { org_id: org.id, catalog_id: 'bbq' },
        org.runtime,
      );
      expect(forbidden.status).toBe(403);
      expect(await listAll(org, 'source=industry_standard')).toEqual([dataset]);

      const entries = (
        await trpcGet('datasets.catalog', { org_id: org.id, categories: ['bias'] }, org.runtime)
      ).body.result.data.entries as CatalogEntryJson[];
      expect(entries.find((e) => e.slug === 'bbq')).toMatchObject({
        installed: true,
        dataset_id: dataset.id,
      });
    });
  });
});

describe('request bodies the REST layer refuses before any procedure runs', () => {
  let server: Server;
  let tokens: Awaited<ReturnType<typeof createOrgWithTokens>>;
  beforeAll(async () => {
    server = await startTestServer();
    tokens = await createOrgWithTokens(server.store, 'Body Org');
  });
  afterAll(async () => {
    await server?.close();
  });

  const post = (body: string, contentType: string) =>
    fetch(`${server.url}/v1/orgs/${tokens.org.id}/datasets`, {
      method: 'POST',
      headers: { ...bearer(tokens.ci), 'Content-Type': contentType },
      body,
    });

  it('answers 413 for a body over 16 MiB and writes nothing', async () => {
    const huge = JSON.stringify({ name: 'Huge', samples: [{ input: 'x'.repeat(17 * 1024 * 1024) }] });
    const res = await post(huge, 'application/json');
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ detail: 'Request body too large' });
    expect(await server.store.listDatasetNames(tokens.org.id)).not.toContain('Huge');
  });

  it('answers 415 for a body that is not JSON by its Content-Type', async () => {
    const res = await post(JSON.stringify({ name: 'Plain' }), 'text/plain');
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({ detail: 'Content-Type must be application/json' });
    expect(await server.store.listDatasetNames(tokens.org.id)).not.toContain('Plain');
  });
});

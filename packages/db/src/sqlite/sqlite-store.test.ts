import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetRecord, DatasetSource, ListDatasetsParams, NewDataset, OrgRecord } from '../model';
import type { Store } from '../store';
import { createSqliteStore } from './sqlite-store';

const SAMPLE_CATEGORIES = ['bias', 'hallucination', 'jailbreak', 'pii', 'prompt_injection', 'toxicity'];

let dir: string;
let dbPath: string;
let store: Store;
/** A second, read-only connection: counts rows behind the store's back. */
let reader: Database.Database;
/** A second, writable connection: creates triggers, deletes rows and runs ANALYZE. */
let admin: Database.Database;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'znyx-sqlite-store-'));
  dbPath = join(dir, 'store.db');
  store = createSqliteStore(dbPath);
  reader = new Database(dbPath, { readonly: true });
  admin = new Database(dbPath);
  admin.pragma('busy_timeout = 5000');
  admin.pragma('foreign_keys = ON');
});

afterAll(async () => {
  reader?.close();
  admin?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

function countRows(sql: string, ...params: unknown[]): number {
  return (reader.prepare(sql).get(...params) as { n: number }).n;
}

const countOrgs = () => countRows('SELECT count(*) AS n FROM orgs');
const countDatasets = () => countRows('SELECT count(*) AS n FROM datasets');
const countSamples = () => countRows('SELECT count(*) AS n FROM dataset_samples');

/** Runs `body` with a SQLite trigger installed from the second connection, dropping it after. */
async function withTrigger(name: string, ddl: string, body: () => Promise<void>): Promise<void> {
  admin.exec(ddl);
  try {
    await body();
  } finally {
    admin.exec(`DROP TRIGGER IF EXISTS ${name}`);
  }
}

function customer(name: string, overrides: Partial<NewDataset> = {}): NewDataset {
  return {
    name,
    description: `${name} description`,
    category: 'custom',
    trustLevel: 'unverified',
    source: 'customer',
    isPublic: false,
    createdBy: null,
    samples: [{ input: `${name} prompt` }],
    ...overrides,
  };
}

async function listAll(orgId: string, filters: Partial<ListDatasetsParams> = {}): Promise<DatasetRecord[]> {
  const page = await store.listDatasets({ orgId, limit: 1000, offset: 0, ...filters });
  expect(page.datasets).toHaveLength(page.total);
  return page.datasets;
}

const names = (records: readonly DatasetRecord[]) => records.map((d) => d.name);
const ids = (records: readonly DatasetRecord[]) => records.map((d) => d.id);

describe('ping', () => {
  it('resolves when the database answers', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });
});

describe('orgs', () => {
  it('createOrg returns the new org and getOrg reads the same org back', async () => {
    const before = Date.now();
    const org = await store.createOrg({ name: 'Org Lookup' });
    expect(org.name).toBe('Org Lookup');
    expect(org.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(org.createdAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(org.createdAt.getTime()).toBeLessThanOrEqual(Date.now());

    const found = await store.getOrg(org.id);
    expect(found).toEqual({ id: org.id, name: 'Org Lookup', createdAt: org.createdAt });
  });

  it('getOrg returns null for an id that does not exist', async () => {
    expect(await store.getOrg(randomUUID())).toBeNull();
  });

  it('findOrgByName finds an org by its exact name and returns null for an unknown name', async () => {
    const org = await store.createOrg({ name: 'Org Found By Name' });
    const found = await store.findOrgByName('Org Found By Name');
    expect(found?.id).toBe(org.id);
    expect(found?.name).toBe('Org Found By Name');
    expect(found?.createdAt.getTime()).toBe(org.createdAt.getTime());
    expect(await store.findOrgByName('No Such Org Name')).toBeNull();
  });
});

describe('createOrg seeding', () => {
  let org: OrgRecord;
  let seeded: DatasetRecord[];

  beforeAll(async () => {
    org = await store.createOrg({ name: 'Seeded Org' });
    seeded = await listAll(org.id);
  });

  it('seeds exactly the six ZNYX sample datasets, one per sample category', () => {
    expect(seeded).toHaveLength(6);
    expect(seeded.map((d) => d.category).sort()).toEqual(SAMPLE_CATEGORIES);
    expect(new Set(names(seeded)).size).toBe(6);
  });

  it('marks every seeded dataset as a verified, public ZNYX sample created by nobody', () => {
    for (const dataset of seeded) {
      expect(dataset.orgId).toBe(org.id);
      expect(dataset.source).toBe('znyx_sample');
      expect(dataset.trustLevel).toBe('verified');
      expect(dataset.isPublic).toBe(true);
      expect(dataset.createdBy).toBeNull();
      expect(dataset.updatedAt.getTime()).toBeGreaterThanOrEqual(dataset.createdAt.getTime());
    }
  });

  it('gives every seeded dataset a sampleCount equal to its real rows in dataset_samples, at least 20', () => {
    for (const dataset of seeded) {
      const rows = countRows('SELECT count(*) AS n FROM dataset_samples WHERE dataset_id = ?', dataset.id);
      expect(rows, dataset.name).toBeGreaterThanOrEqual(20);
      expect(dataset.sampleCount, dataset.name).toBe(rows);
    }
  });

  it('stores hand-written, non-empty sample inputs with distinct positions 0..n-1', () => {
    for (const dataset of seeded) {
      const positions = reader
        .prepare('SELECT position, input FROM dataset_samples WHERE dataset_id = ? ORDER BY position')
        .all(dataset.id) as { position: number; input: string }[];
      expect(positions.map((p) => p.position)).toEqual(positions.map((_, index) => index));
      for (const sample of positions) expect(sample.input.trim().length).toBeGreaterThan(0);
    }
  });

  it('is idempotent: seeding an already seeded org adds nothing', async () => {
    const samplesBefore = countSamples();
    expect(await store.seedSampleDatasets(org.id)).toBe(0);
    expect((await store.listDatasets({ orgId: org.id, limit: 50, offset: 0 })).total).toBe(6);
    expect(countSamples()).toBe(samplesBefore);
  });

  it('re-adds only the sample dataset an org lacks', async () => {
    const other = await store.createOrg({ name: 'Seeded Org Missing One' });
    admin.prepare("DELETE FROM datasets WHERE org_id = ? AND category = 'pii'").run(other.id);
    expect((await listAll(other.id)).map((d) => d.category)).not.toContain('pii');

    expect(await store.seedSampleDatasets(other.id)).toBe(1);
    const after = await listAll(other.id);
    expect(after.map((d) => d.category).sort()).toEqual(SAMPLE_CATEGORIES);
  });

  it('is all or nothing: a failing sample insert leaves no org and no dataset behind', async () => {
    const orgsBefore = countOrgs();
    const datasetsBefore = countDatasets();
    const samplesBefore = countSamples();
    await withTrigger(
      'fail_seed',
      "CREATE TRIGGER fail_seed BEFORE INSERT ON dataset_samples WHEN NEW.input LIKE '%' BEGIN SELECT RAISE(ABORT, 'seed failed'); END;",
      async () => {
        await expect(store.createOrg({ name: 'Doomed Org' })).rejects.toThrow(/seed failed/);
      },
    );
    expect(countOrgs()).toBe(orgsBefore);
    expect(countDatasets()).toBe(datasetsBefore);
    expect(countSamples()).toBe(samplesBefore);
    expect(await store.findOrgByName('Doomed Org')).toBeNull();
  });

  it('works again once the failing trigger is gone', async () => {
    const org = await store.createOrg({ name: 'After The Trigger' });
    expect((await store.listDatasets({ orgId: org.id, limit: 50, offset: 0 })).total).toBe(6);
  });
});

describe('insertDatasets', () => {
  let org: OrgRecord;

  beforeAll(async () => {
    org = await store.createOrg({ name: 'Insert Org' });
  });

  it('returns the created records with ids, counts and timestamps, and persists their samples', async () => {
    const createdAt = new Date('2021-06-01T12:34:56.789Z');
    const [created] = await store.insertDatasets(org.id, [
      customer('Inserted', {
        createdAt,
        createdBy: 'token-1',
        category: 'pii',
        samples: [
          { input: 'a', expectedOutput: 'b', metadata: { k: 1 } },
          { input: 'c' },
          { input: 'd', expectedOutput: null, metadata: null },
        ],
      }),
    ]);
    expect(created).toBeDefined();
    if (!created) return;
    expect(created.orgId).toBe(org.id);
    expect(created.name).toBe('Inserted');
    expect(created.category).toBe('pii');
    expect(created.source).toBe('customer');
    expect(created.trustLevel).toBe('unverified');
    expect(created.isPublic).toBe(false);
    expect(created.createdBy).toBe('token-1');
    expect(created.sampleCount).toBe(3);
    expect(created.createdAt.toISOString()).toBe('2021-06-01T12:34:56.789Z');
    expect(created.updatedAt.toISOString()).toBe('2021-06-01T12:34:56.789Z');
    expect(countRows('SELECT count(*) AS n FROM dataset_samples WHERE dataset_id = ?', created.id)).toBe(3);

    const listed = (await listAll(org.id, { source: 'customer' })).find((d) => d.id === created.id);
    expect(listed).toEqual(created);
  });

  it('is all or nothing: when the second dataset fails, the first is not written either', async () => {
    const datasetsBefore = countDatasets();
    const samplesBefore = countSamples();
    await withTrigger(
      'fail_boom',
      "CREATE TRIGGER fail_boom BEFORE INSERT ON datasets WHEN NEW.name = 'boom' BEGIN SELECT RAISE(ABORT, 'boom failed'); END;",
      async () => {
        await expect(
          store.insertDatasets(org.id, [
            customer('written first', { samples: [{ input: 'x' }, { input: 'y' }] }),
            customer('boom'),
          ]),
        ).rejects.toThrow(/boom failed/);
      },
    );
    expect(countDatasets()).toBe(datasetsBefore);
    expect(countSamples()).toBe(samplesBefore);
    expect(countRows("SELECT count(*) AS n FROM datasets WHERE name = 'written first'")).toBe(0);
  });
});

const TWINS = ['Twin 1', 'Twin 2', 'Twin 3', 'Twin 4', 'Twin 5'];

describe('listDatasets', () => {
  let org: OrgRecord;
  let other: OrgRecord;
  /** The customer datasets of `org` in the contract's order. */
  let expectedCustomerOrder: string[];

  beforeAll(async () => {
    org = await store.createOrg({ name: 'List Org' });
    other = await store.createOrg({ name: 'List Other Org' });
    const at = (day: number) => new Date(`2020-01-0${day}T00:00:00.000Z`);
    // Inserted out of order on purpose, with ties on createdAt (names are unique per org, so
    // (createdAt, name) never ties within an org; id only makes the order total by definition).
    const created = await store.insertDatasets(org.id, [
      customer('Twin 5', { createdAt: at(2), category: 'toxicity' }),
      customer('Bravo', { createdAt: at(3), category: 'pii' }),
      customer('Aardvark', { createdAt: at(1), category: 'pii' }),
      customer('Twin 3', { createdAt: at(2), category: 'toxicity' }),
      customer('Delta', { createdAt: at(5), category: 'jailbreak' }),
      customer('Twin 1', { createdAt: at(2), category: 'toxicity' }),
      customer('Alpha', { createdAt: at(3), category: null }),
      customer('Twin 4', { createdAt: at(2), category: 'toxicity' }),
      customer('Twin 2', { createdAt: at(2), category: 'toxicity' }),
      customer('Benchmark', {
        createdAt: at(4),
        category: 'pii',
        source: 'industry_standard',
        trustLevel: 'reviewed',
        isPublic: true,
        catalogSlug: 'list-org-benchmark',
      }),
    ]);
    expect(created).toHaveLength(10);
    expectedCustomerOrder = ['Delta', 'Alpha', 'Bravo', ...TWINS, 'Aardvark'];
    await store.insertDatasets(other.id, [
      customer('Other Org Secret', { createdAt: at(9), category: 'pii' }),
      customer('Other Org Second', { createdAt: at(8), category: 'toxicity' }),
    ]);
  });

  it('orders by createdAt descending, then name ascending, then id ascending', async () => {
    const listed = await listAll(org.id, { source: 'customer' });
    expect(names(listed)).toEqual(expectedCustomerOrder);
  });

  it('lists the six same-instant ZNYX samples first (newest), sorted by name among themselves', async () => {
    const listed = await listAll(org.id);
    expect(listed).toHaveLength(16);
    const samples = listed.slice(0, 6);
    expect(samples.every((d) => d.source === 'znyx_sample')).toBe(true);
    expect(names(samples)).toEqual([...names(samples)].sort());
    expect(names(listed.slice(6))).toEqual(['Delta', 'Benchmark', 'Alpha', 'Bravo', ...TWINS, 'Aardvark']);
  });

  it('reports the total of every match while returning only one page', async () => {
    const page = await store.listDatasets({ orgId: org.id, source: 'customer', limit: 2, offset: 0 });
    expect(page.total).toBe(9);
    expect(names(page.datasets)).toEqual(['Delta', 'Alpha']);
  });

  it('applies limit and offset to the ordered matches', async () => {
    const page = await store.listDatasets({ orgId: org.id, source: 'customer', limit: 3, offset: 2 });
    expect(page.total).toBe(9);
    expect(names(page.datasets)).toEqual(['Bravo', 'Twin 1', 'Twin 2']);
  });

  it('visits every match exactly once when paging through with limit/offset', async () => {
    const all = await listAll(org.id);
    const visited: string[] = [];
    for (let offset = 0; offset < all.length; offset += 3) {
      const page = await store.listDatasets({ orgId: org.id, limit: 3, offset });
      expect(page.total).toBe(all.length);
      visited.push(...ids(page.datasets));
    }
    expect(visited).toEqual(ids(all));
    expect(new Set(visited).size).toBe(all.length);
  });

  it('returns an empty page with the true total when the offset is past the end', async () => {
    const page = await store.listDatasets({ orgId: org.id, limit: 10, offset: 1000 });
    expect(page.datasets).toEqual([]);
    expect(page.total).toBe(16);
  });

  it.each<[DatasetSource, number]>([
    ['znyx_sample', 6],
    ['industry_standard', 1],
    ['customer', 9],
  ])('filters by source %s', async (source, expected) => {
    const listed = await listAll(org.id, { source });
    expect(listed).toHaveLength(expected);
    expect(listed.every((d) => d.source === source)).toBe(true);
  });

  it('filters by a single category', async () => {
    const listed = await listAll(org.id, { categories: ['jailbreak'] });
    expect(listed.map((d) => d.category)).toEqual(['jailbreak', 'jailbreak']);
    expect(names(listed)).toContain('Delta');
  });

  it('treats several categories as a union', async () => {
    const listed = await listAll(org.id, { categories: ['pii', 'toxicity'] });
    // 2 samples (pii, toxicity) + Benchmark, Bravo, Aardvark (pii) + 5 Twins (toxicity).
    expect(listed).toHaveLength(10);
    expect(new Set(listed.map((d) => d.category))).toEqual(new Set(['pii', 'toxicity']));
    expect(names(listed.filter((d) => d.source !== 'znyx_sample'))).toEqual([
      'Benchmark',
      'Bravo',
      ...TWINS,
      'Aardvark',
    ]);
  });

  it('ignores duplicate categories in the filter', async () => {
    const once = await listAll(org.id, { categories: ['pii', 'toxicity'] });
    const page = await store.listDatasets({
      orgId: org.id,
      categories: ['pii', 'toxicity', 'pii', 'toxicity', 'pii'],
      limit: 1000,
      offset: 0,
    });
    expect(page.total).toBe(once.length);
    expect(ids(page.datasets)).toEqual(ids(once));
  });

  it('treats an empty categories array as no category filter', async () => {
    const unfiltered = await listAll(org.id);
    const page = await store.listDatasets({ orgId: org.id, categories: [], limit: 1000, offset: 0 });
    expect(page.total).toBe(16);
    expect(ids(page.datasets)).toEqual(ids(unfiltered));
  });

  it('matches nothing for a category no dataset has', async () => {
    const page = await store.listDatasets({
      orgId: org.id,
      categories: ['nonexistent'],
      limit: 10,
      offset: 0,
    });
    expect(page).toEqual({ total: 0, datasets: [] });
  });

  it('combines source and categories as an intersection', async () => {
    const listed = await listAll(org.id, { source: 'customer', categories: ['pii', 'jailbreak'] });
    expect(names(listed)).toEqual(['Delta', 'Bravo', 'Aardvark']);
  });

  it("never returns another org's datasets", async () => {
    const mine = await listAll(org.id);
    expect(mine.every((d) => d.orgId === org.id)).toBe(true);
    expect(names(mine)).not.toContain('Other Org Secret');
    const pii = await listAll(org.id, { categories: ['pii'], source: 'customer' });
    expect(names(pii)).not.toContain('Other Org Secret');

    const theirs = await listAll(other.id, { source: 'customer' });
    expect(names(theirs)).toEqual(['Other Org Secret', 'Other Org Second']);
    expect(theirs.every((d) => d.orgId === other.id)).toBe(true);
    expect((await store.listDatasets({ orgId: other.id, limit: 50, offset: 0 })).total).toBe(8);
  });

  it('returns nothing for an org id that does not exist', async () => {
    const page = await store.listDatasets({ orgId: randomUUID(), limit: 50, offset: 0 });
    expect(page).toEqual({ total: 0, datasets: [] });
  });
});

describe('tokens', () => {
  let org: OrgRecord;
  const hashOf = (value: string) => createHash('sha256').update(value).digest('hex');

  beforeAll(async () => {
    org = await store.createOrg({ name: 'Token Org' });
  });

  it('creates a token and finds it by its hash, without ever exposing the hash', async () => {
    const tokenHash = hashOf('round-trip');
    const expiresAt = new Date('2031-02-03T04:05:06.789Z');
    const created = await store.createToken({
      orgId: org.id,
      kind: 'ci',
      scopes: ['read', 'write'],
      tokenHash,
      tokenPrefix: 'znyx_ci_abcd',
      expiresAt,
    });
    expect(created.orgId).toBe(org.id);
    expect(created.kind).toBe('ci');
    expect(created.scopes).toEqual(['read', 'write']);
    expect(created.tokenPrefix).toBe('znyx_ci_abcd');
    expect(created.expiresAt?.toISOString()).toBe('2031-02-03T04:05:06.789Z');
    expect(created.revokedAt).toBeNull();
    expect(created).not.toHaveProperty('tokenHash');

    const found = await store.findTokenByHash(tokenHash);
    expect(found).not.toHaveProperty('tokenHash');
    expect(found).toEqual(created);
  });

  it('keeps a null expiry as null', async () => {
    const tokenHash = hashOf('no-expiry');
    await store.createToken({
      orgId: org.id,
      kind: 'runtime',
      scopes: ['read'],
      tokenHash,
      tokenPrefix: 'znyx_rt_wxyz',
      expiresAt: null,
    });
    expect((await store.findTokenByHash(tokenHash))?.expiresAt).toBeNull();
  });

  it('returns null for a hash no token has', async () => {
    expect(await store.findTokenByHash(hashOf('never-issued'))).toBeNull();
  });

  it('revokes a token, and a second revocation keeps the first revokedAt', async () => {
    const tokenHash = hashOf('to-revoke');
    const token = await store.createToken({
      orgId: org.id,
      kind: 'admin',
      scopes: ['read', 'write', 'admin'],
      tokenHash,
      tokenPrefix: 'znyx_admin_abcd',
      expiresAt: null,
    });
    const before = Date.now();
    const first = await store.revokeToken(token.id);
    expect(first?.id).toBe(token.id);
    expect(first).not.toHaveProperty('tokenHash');
    const firstRevokedAt = first?.revokedAt?.getTime();
    expect(firstRevokedAt).toBeGreaterThanOrEqual(before);
    expect(firstRevokedAt).toBeLessThanOrEqual(Date.now());

    await new Promise((resolve) => setTimeout(resolve, 15));
    const second = await store.revokeToken(token.id);
    expect(second?.revokedAt?.getTime()).toBe(firstRevokedAt);
    expect((await store.findTokenByHash(tokenHash))?.revokedAt?.getTime()).toBe(firstRevokedAt);
  });

  it('returns null when revoking an id that does not exist', async () => {
    expect(await store.revokeToken(randomUUID())).toBeNull();
  });
});

describe('explainListDatasets', () => {
  const planOrgs: OrgRecord[] = [];
  const categories = ['pii', 'toxicity', 'jailbreak', 'bias', 'custom'];
  const sources: DatasetSource[] = ['customer', 'industry_standard'];

  beforeAll(async () => {
    for (const name of ['Plan Org A', 'Plan Org B', 'Plan Org C'])
      planOrgs.push(await store.createOrg({ name }));
    for (const [orgIndex, org] of planOrgs.entries()) {
      const batch: NewDataset[] = [];
      for (let i = 0; i < 120; i += 1) {
        const source = sources[i % sources.length] ?? 'customer';
        batch.push(
          customer(`Plan ${orgIndex}-${i}`, {
            category: categories[i % categories.length] ?? null,
            source,
            catalogSlug: source === 'industry_standard' ? `plan-${i}` : null,
            createdAt: new Date(Date.UTC(2022, 0, 1) + i * 3_600_000),
            samples: [],
          }),
        );
      }
      await store.insertDatasets(org.id, batch);
    }
    admin.exec('ANALYZE');
  });

  const planFor = async (filters: Partial<ListDatasetsParams>) => {
    const orgId = planOrgs[0]?.id ?? '';
    return store.explainListDatasets({ orgId, limit: 50, offset: 0, ...filters });
  };

  const expectIndexedAccess = (plan: string[]) => {
    const datasetSteps = plan.filter((line) => /\bdatasets\b/.test(line));
    expect(datasetSteps.length, plan.join('\n')).toBeGreaterThan(0);
    for (const line of datasetSteps) {
      expect(line, plan.join('\n')).toMatch(/USING (INDEX datasets_org_|COVERING INDEX )/);
      expect(line, plan.join('\n')).not.toMatch(/^SCAN datasets\b(?! USING)/);
    }
  };

  it('reads an unfiltered page straight off an org index, without sorting', async () => {
    const plan = await planFor({});
    expectIndexedAccess(plan);
    expect(plan.join('\n')).not.toContain('USE TEMP B-TREE FOR ORDER BY');
  });

  it('reads a source-filtered page straight off an org index, without sorting', async () => {
    const plan = await planFor({ source: 'customer' });
    expectIndexedAccess(plan);
    expect(plan.join('\n')).not.toContain('USE TEMP B-TREE FOR ORDER BY');
  });

  it('reads a categories-filtered page through an org index', async () => {
    // With these stats SQLite walks datasets_org_order_idx and filters the IN list on the way,
    // which needs no sort; with other stats it may instead search datasets_org_category_order_idx
    // once per category and merge the ranges with a temp b-tree for ORDER BY. Both are indexed,
    // so only index use (no full scan) is asserted for the IN-list cases.
    expectIndexedAccess(await planFor({ categories: ['pii', 'toxicity', 'bias'] }));
  });

  it('reads a source and categories filtered page through an org index', async () => {
    // Same as above: an IN list may legitimately need a temp b-tree for the order.
    expectIndexedAccess(await planFor({ source: 'customer', categories: ['pii', 'toxicity'] }));
  });

  it('still returns the right rows for the plan-test orgs', async () => {
    const org = planOrgs[1];
    if (!org) throw new Error('plan orgs were not created');
    const page = await store.listDatasets({
      orgId: org.id,
      source: 'industry_standard',
      limit: 5,
      offset: 0,
    });
    expect(page.total).toBe(60);
    expect(names(page.datasets)).toEqual([
      'Plan 1-119',
      'Plan 1-117',
      'Plan 1-115',
      'Plan 1-113',
      'Plan 1-111',
    ]);
  });
});

describe('dataset names', () => {
  it('are unique per org, case-insensitively: a duplicate rejects the whole insert', async () => {
    const org = await store.createOrg({ name: 'Names Org' });
    await store.insertDatasets(org.id, [customer('Support Evals')]);
    const before = countDatasets();
    await expect(
      store.insertDatasets(org.id, [customer('Fresh Name'), customer('SUPPORT evals')]),
    ).rejects.toThrow();
    expect(countDatasets()).toBe(before);
    expect(await store.listDatasetNames(org.id)).toEqual(expect.arrayContaining(['Support Evals']));
    expect(await store.listDatasetNames(org.id)).not.toContain('Fresh Name');
  });

  it('may repeat across orgs', async () => {
    const first = await store.createOrg({ name: 'Names A' });
    const second = await store.createOrg({ name: 'Names B' });
    await store.insertDatasets(first.id, [customer('Shared Name')]);
    await store.insertDatasets(second.id, [customer('shared name')]);
    expect(await store.listDatasetNames(second.id)).toContain('shared name');
  });
});

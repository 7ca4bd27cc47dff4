/**
 * The store's changing operations (update, delete, append, import, the export walk), the same
 * tests against every engine, with the counters and the org version checked after each write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetNameTakenError, StoreQueryError } from './errors';
import type { NewDataset, NewSample } from './model';
import { openStore } from './open-store';
import type { Store } from './store';
import { createTestDatabase, TEST_ENGINES, type TestDatabase } from './testing';

function customer(name: string, samples: NewSample[] = [], overrides: Partial<NewDataset> = {}): NewDataset {
  return { name, trustLevel: 'unverified', source: 'customer', isPublic: false, samples, ...overrides };
}

const rowsOf = (n: number, from = 0): NewSample[] =>
  Array.from({ length: n }, (_, i) => ({
    input: `prompt ${from + i}`,
    expectedOutput: i % 2 ? null : `answer ${from + i}`,
    metadata: i % 3 ? null : { n: from + i, tag: 'x\ty\\z\n' },
  }));

async function* inBatches(rows: NewSample[], size: number): AsyncGenerator<NewSample[]> {
  for (let i = 0; i < rows.length; i += size) {
    await new Promise((resolve) => setImmediate(resolve));
    yield rows.slice(i, i + size);
  }
}

describe.each(TEST_ENGINES)('%s store: changing datasets', (engine) => {
  let db: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    store = await openStore(db.url, { poolSize: 5 });
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  async function newOrg(name: string) {
    return (await store.createOrg({ name })).org;
  }

  /** The org's version, and whether the counters equal a count of its datasets. */
  async function stateOf(orgId: string) {
    const version = Number(
      (await db.query<{ version: unknown }>('SELECT version FROM orgs WHERE id = ?', [orgId]))[0]?.version,
    );
    const kept = await db.query<{ source: string; category: string; n: unknown }>(
      'SELECT source, category, n FROM dataset_counts WHERE org_id = ? AND n <> 0 ORDER BY source, category',
      [orgId],
    );
    const counted = await db.query<{ source: string; category: string; n: unknown }>(
      `SELECT source, coalesce(category, '') AS category, count(*) AS n FROM datasets
        WHERE org_id = ? GROUP BY source, coalesce(category, '') ORDER BY source, category`,
      [orgId],
    );
    const plain = (rows: typeof kept) =>
      rows.map((r) => ({ source: r.source, category: r.category, n: Number(r.n) }));
    expect(plain(kept)).toEqual(plain(counted));
    return version;
  }

  async function storedRows(datasetId: string) {
    const rows = await db.query<{ position: unknown; input: string }>(
      'SELECT position, input FROM dataset_samples WHERE dataset_id = ? ORDER BY position',
      [datasetId],
    );
    return rows.map((r) => ({ position: Number(r.position), input: r.input }));
  }

  describe('updateDataset', () => {
    it('changes only the fields given, moves updatedAt forward, and moves the counters and version', async () => {
      const org = await newOrg('Update');
      const [created] = await store.insertDatasets(org.id, [customer('Before', [], { category: 'pii' })]);
      if (!created) throw new Error('no dataset');
      let version = await stateOf(org.id);

      const renamed = await store.updateDataset(org.id, created.id, { name: 'After' });
      expect(renamed).toMatchObject({ name: 'After', category: 'pii', description: null, isPublic: false });
      expect(renamed?.createdAt).toEqual(created.createdAt);
      expect(renamed?.updatedAt.getTime()).toBeGreaterThan(created.updatedAt.getTime());
      expect(await stateOf(org.id)).toBeGreaterThan(version);
      version = await stateOf(org.id);

      const moved = await store.updateDataset(org.id, created.id, {
        category: 'toxicity',
        description: 'text',
        isPublic: true,
      });
      expect(moved).toMatchObject({
        name: 'After',
        category: 'toxicity',
        description: 'text',
        isPublic: true,
      });
      expect(moved?.updatedAt.getTime()).toBeGreaterThan(renamed?.updatedAt.getTime() ?? 0);
      expect(await stateOf(org.id)).toBeGreaterThan(version);
      // The counts follow the category: one customer dataset in toxicity, none left in pii.
      const page = await store.listDatasets({
        orgId: org.id,
        categories: ['pii'],
        source: 'customer',
        limit: 5,
        offset: 0,
      });
      expect(page.total).toBe(0);
      const toxic = await store.listDatasets({
        orgId: org.id,
        categories: ['toxicity'],
        source: 'customer',
        limit: 5,
        offset: 0,
      });
      expect(toxic.datasets.map((d) => d.name)).toEqual(['After']);

      const cleared = await store.updateDataset(org.id, created.id, { category: null, description: null });
      expect(cleared).toMatchObject({ category: null, description: null });
      expect(await store.getDataset(org.id, created.id)).toEqual(cleared);
    });

    it('refuses a name another dataset of the org has (any case), and changes nothing', async () => {
      const org = await newOrg('Update names');
      const [a, b] = await store.insertDatasets(org.id, [customer('Alpha'), customer('Beta')]);
      const version = await stateOf(org.id);
      await expect(store.updateDataset(org.id, b?.id as string, { name: 'ALPHA' })).rejects.toBeInstanceOf(
        DatasetNameTakenError,
      );
      expect(await stateOf(org.id)).toBe(version);
      // Its own name in another case is fine.
      expect(await store.updateDataset(org.id, a?.id as string, { name: 'alpha' })).toMatchObject({
        name: 'alpha',
      });
    });

    it('is null for an unknown id or another org', async () => {
      const org = await newOrg('Update owner');
      const other = await newOrg('Update other');
      const [dataset] = await store.insertDatasets(org.id, [customer('Mine')]);
      expect(await store.updateDataset(other.id, dataset?.id as string, { name: 'Theirs' })).toBeNull();
      expect(await store.updateDataset(org.id, crypto.randomUUID(), { name: 'Nobody' })).toBeNull();
      expect((await store.getDataset(org.id, dataset?.id as string))?.name).toBe('Mine');
    });
  });

  describe('deleteDataset', () => {
    it('removes the dataset and its samples at once, and the counters and version follow', async () => {
      const org = await newOrg('Delete');
      const [dataset] = await store.insertDatasets(org.id, [
        customer('Doomed', rowsOf(12), { category: 'bias' }),
      ]);
      const id = dataset?.id as string;
      const before = await store.listDatasets({ orgId: org.id, limit: 50, offset: 0 });
      const version = await stateOf(org.id);
      expect(await store.deleteDataset(org.id, id)).toBe(true);
      expect(await stateOf(org.id)).toBeGreaterThan(version);
      expect(await store.getDataset(org.id, id)).toBeNull();
      expect(await storedRows(id)).toEqual([]);
      const after = await store.listDatasets({ orgId: org.id, limit: 50, offset: 0 });
      expect(after.total).toBe(before.total - 1);
      expect(after.datasets.map((d) => d.id)).not.toContain(id);
      expect(await store.deleteDataset(org.id, id)).toBe(false);
    });

    it("never deletes another org's dataset", async () => {
      const org = await newOrg('Delete owner');
      const other = await newOrg('Delete other');
      const [dataset] = await store.insertDatasets(org.id, [customer('Kept')]);
      expect(await store.deleteDataset(other.id, dataset?.id as string)).toBe(false);
      expect(await store.getDataset(org.id, dataset?.id as string)).not.toBeNull();
    });
  });

  describe('appendSamples', () => {
    it('adds rows after the last one, counting them in the same transaction', async () => {
      const org = await newOrg('Append');
      const [dataset] = await store.insertDatasets(org.id, [customer('Growing', rowsOf(3))]);
      const id = dataset?.id as string;
      const version = await stateOf(org.id);
      expect(await store.appendSamples(org.id, id, rowsOf(2, 3))).toEqual({ added: 2, sampleCount: 5 });
      expect(await stateOf(org.id)).toBeGreaterThan(version);
      expect(await storedRows(id)).toEqual(
        Array.from({ length: 5 }, (_, i) => ({ position: i, input: `prompt ${i}` })),
      );
      const after = await store.getDataset(org.id, id);
      expect(after?.sampleCount).toBe(5);
      expect(after?.updatedAt.getTime()).toBeGreaterThan(dataset?.updatedAt.getTime() ?? 0);
      expect(await store.appendSamples(org.id, crypto.randomUUID(), rowsOf(1))).toBeNull();
    });
  });

  describe('importSamples', () => {
    it('appends every batch in one transaction, invisible until it commits', async () => {
      const org = await newOrg('Import');
      const [dataset] = await store.insertDatasets(org.id, [customer('Imported', rowsOf(1))]);
      const id = dataset?.id as string;
      const version = await stateOf(org.id);
      const rows = rowsOf(2_345, 1);
      let seenMidway: number | undefined;
      async function* watched() {
        let n = 0;
        for await (const batch of inBatches(rows, 1_000)) {
          if (++n === 2) {
            // The first batch is written, not committed: other readers see none of it.
            seenMidway = (await store.listSamples(org.id, id, { limit: 10, offset: 0 }))?.total;
          }
          yield batch;
        }
      }
      expect(await store.importSamples(org.id, id, watched())).toEqual({ added: 2_345, sampleCount: 2_346 });
      expect(seenMidway).toBe(1);
      expect(await stateOf(org.id)).toBeGreaterThan(version);
      const stored = await storedRows(id);
      expect(stored).toHaveLength(2_346);
      expect(stored.every((row, i) => row.position === i && row.input === `prompt ${i}`)).toBe(true);
      // Values with tabs, backslashes and newlines, nulls and JSON come back as they went in.
      const read = await store.samplesAfter(id, 0, 4);
      expect(read.map(({ id: _id, ...sample }) => sample)).toEqual(
        rowsOf(4, 1).map((sample, i) => ({ position: i + 1, ...sample })),
      );
    });

    it('writes nothing when the source fails, and passes its error on as it was thrown', async () => {
      const org = await newOrg('Import failing');
      const [dataset] = await store.insertDatasets(org.id, [customer('Untouched', rowsOf(2))]);
      const id = dataset?.id as string;
      const version = await stateOf(org.id);
      class BadLine extends Error {}
      async function* failing() {
        yield* inBatches(rowsOf(1_500), 500);
        throw new BadLine('line 1501');
      }
      await expect(store.importSamples(org.id, id, failing())).rejects.toBeInstanceOf(BadLine);
      expect(await storedRows(id)).toHaveLength(2);
      expect((await store.getDataset(org.id, id))?.sampleCount).toBe(2);
      expect(await stateOf(org.id)).toBe(version);
      // The store is fine afterwards: the next import and ordinary writes work.
      expect(await store.importSamples(org.id, id, inBatches(rowsOf(3), 2))).toEqual({
        added: 3,
        sampleCount: 5,
      });
      expect(await store.appendSamples(org.id, id, rowsOf(1))).toEqual({ added: 1, sampleCount: 6 });
    });

    // PostgreSQL refuses U+0000 in text (SQLite stores it): a row the database itself refuses.
    it.skipIf(engine === 'sqlite')('stops reading the source when a row cannot be written', async () => {
      const org = await newOrg('Import unwritable');
      const [dataset] = await store.insertDatasets(org.id, [customer('Unwritable')]);
      const id = dataset?.id as string;
      let finallyRan = false;
      async function* source() {
        try {
          yield rowsOf(2);
          yield [{ input: 'a\u0000b' }];
          yield rowsOf(2);
        } finally {
          finallyRan = true;
        }
      }
      await expect(store.importSamples(org.id, id, source())).rejects.toBeInstanceOf(StoreQueryError);
      expect(finallyRan).toBe(true);
      expect(await storedRows(id)).toEqual([]);
    });

    it('is null for an unknown dataset', async () => {
      const org = await newOrg('Import null');
      expect(await store.importSamples(org.id, crypto.randomUUID(), inBatches(rowsOf(3), 2))).toBeNull();
    });
  });

  describe('samplesAfter', () => {
    it('walks a dataset in position order, page after page', async () => {
      const org = await newOrg('Walk');
      const [dataset] = await store.insertDatasets(org.id, [customer('Walked', rowsOf(7))]);
      const id = dataset?.id as string;
      const seen: number[] = [];
      for (let after = -1; ; ) {
        const page = await store.samplesAfter(id, after, 3);
        if (page.length === 0) break;
        seen.push(...page.map((s) => s.position));
        after = page[page.length - 1]?.position as number;
      }
      expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
    });
  });
});

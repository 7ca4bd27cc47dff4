import { createOrgWithTokens, startTestServer } from '@znyx/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createZnyx, type ExportedSample, ZnyxApiError, type ZnyxClient } from './index';

/** Changing datasets, import and export through the SDK, against the real server (SQLite). */

let server: Awaited<ReturnType<typeof startTestServer>>;
let orgId: string;
let znyx: ZnyxClient;
let runtime: ZnyxClient;

beforeAll(async () => {
  server = await startTestServer();
  const tokens = await createOrgWithTokens(server.store, 'SDK lifecycle');
  orgId = tokens.org.id;
  znyx = createZnyx({ token: tokens.ci, baseUrl: server.url });
  runtime = createZnyx({ token: tokens.runtime, baseUrl: server.url });
});
afterAll(async () => {
  await server?.close();
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('update, appendSamples, delete', () => {
  it('change a dataset and remove it', async () => {
    const dataset = await znyx.datasets.create({ orgId, name: 'SDK set', category: 'pii' });
    const updated = await znyx.datasets.update({
      orgId,
      datasetId: dataset.id,
      name: 'SDK set 2',
      category: null,
    });
    expect(updated).toMatchObject({ name: 'SDK set 2', category: null, description: null });
    expect(
      await znyx.datasets.appendSamples({
        orgId,
        datasetId: dataset.id,
        samples: [{ input: 'a', expectedOutput: 'b' }],
      }),
    ).toEqual({ added: 1, sample_count: 1 });
    await expect(runtime.datasets.delete({ orgId, datasetId: dataset.id })).rejects.toMatchObject({
      status: 403,
    });
    expect(await znyx.datasets.delete({ orgId, datasetId: dataset.id })).toBeUndefined();
    const gone = await znyx.datasets.get({ orgId, datasetId: dataset.id }).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(ZnyxApiError);
    expect(gone).toMatchObject({ status: 404, detail: 'Dataset not found' });
  });
});

describe('import and export', () => {
  it('imports from an async iterable as it is produced, and exports as an async iterator of samples', async () => {
    const dataset = await znyx.datasets.create({ orgId, name: 'SDK import' });
    let produced = 0;
    async function* rows() {
      for (let i = 0; i < 3_000; i++) {
        produced++;
        yield {
          input: `prompt ${i}`,
          ...(i % 2 ? { expectedOutput: `answer ${i}` } : {}),
          ...(i % 3 ? {} : { metadata: { i } }),
        };
      }
    }
    expect(await znyx.datasets.import({ orgId, datasetId: dataset.id, samples: rows() })).toEqual({
      added: 3_000,
      sample_count: 3_000,
    });
    expect(produced).toBe(3_000);
    const exported: ExportedSample[] = await collect(
      runtime.datasets.export({ orgId, datasetId: dataset.id }),
    );
    expect(exported).toHaveLength(3_000);
    expect(exported.slice(0, 4)).toEqual([
      { input: 'prompt 0', metadata: { i: 0 } },
      { input: 'prompt 1', expected_output: 'answer 1' },
      { input: 'prompt 2' },
      { input: 'prompt 3', expected_output: 'answer 3', metadata: { i: 3 } },
    ]);
  });

  it('importFile takes CSV from a Blob or a stream of chunks; exportFile gives the bytes back', async () => {
    const dataset = await znyx.datasets.create({ orgId, name: 'SDK files' });
    const csv = 'input,expected_output,metadata\n"a, b",c,\nplain,,"{""k"":1}"\n';
    expect(
      await znyx.datasets.importFile({ orgId, datasetId: dataset.id, format: 'csv', body: new Blob([csv]) }),
    ).toEqual({ added: 2, sample_count: 2 });
    const chunks = await collect(znyx.datasets.exportFile({ orgId, datasetId: dataset.id, format: 'csv' }));
    expect(Buffer.concat(chunks).toString('utf8')).toBe(csv);

    async function* pieces() {
      yield '{"input":"x"}\n{"inp';
      yield new TextEncoder().encode('ut":"y"}\n');
    }
    expect(await znyx.datasets.importFile({ orgId, datasetId: dataset.id, body: pieces() })).toEqual({
      added: 2,
      sample_count: 4,
    });
  });

  it('a bad line is a ZnyxApiError pointing at it, and nothing is written', async () => {
    const dataset = await znyx.datasets.create({ orgId, name: 'SDK bad import' });
    const error = await znyx.datasets
      .import({ orgId, datasetId: dataset.id, samples: [{ input: 'fine' }, { input: '' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZnyxApiError);
    expect(error).toMatchObject({
      status: 422,
      detail: [{ loc: ['body', 2, 'input'], type: 'string_too_short' }],
    });
    expect((await znyx.datasets.get({ orgId, datasetId: dataset.id })).sample_count).toBe(0);
    await expect(
      collect(znyx.datasets.export({ orgId, datasetId: crypto.randomUUID() })),
    ).rejects.toMatchObject({
      status: 404,
    });
  });
});

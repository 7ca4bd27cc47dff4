import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore, type Store } from '@znyx/db';
import { createTestDatabase, TEST_ENGINES, type TestDatabase } from '@znyx/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectOutput, envWithoutSettings } from './test-support';

/**
 * `znyx import` and `znyx export`, end to end: a real `node` process over a real database of
 * each engine; a pseudo-terminal (util-linux `script`) for the progress bar.
 */

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI_ENTRY = fileURLToPath(new URL('./cli.ts', import.meta.url));
const STACK_FRAME = /\n\s+at /;

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = collectOutput(child);
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: output.stdout(), stderr: output.stderr() });
    });
  });
}

const NDJSON = `${Array.from({ length: 2_500 }, (_, i) =>
  JSON.stringify({
    input: `prompt ${i}`,
    ...(i % 2 ? { expected_output: `answer ${i}` } : {}),
    ...(i % 5 ? {} : { metadata: { i } }),
  }),
).join('\n')}\n`;
const CSV = 'input,expected_output,metadata\n"a, b",c,\nplain,,"{""k"":1}"\n';

describe.each(TEST_ENGINES)('znyx import and export over %s', (engine) => {
  let db: TestDatabase;
  let store: Store;
  let dir: string;
  let orgId: string;
  const cli = (args: string[]) =>
    run(process.execPath, ['--import', 'tsx', CLI_ENTRY, ...args], {
      ...envWithoutSettings(),
      DATABASE_URL: db.url,
    });
  /** The CLI on a pseudo-terminal: what it drew there, stdout and stderr together. */
  const cliOnTerminal = (args: string[]) => {
    const quoted = [process.execPath, '--import', 'tsx', CLI_ENTRY, ...args].map(
      (a) => `'${a.replace(/'/g, "'\\''")}'`,
    );
    return run('script', ['-qec', quoted.join(' '), '/dev/null'], {
      ...envWithoutSettings(),
      DATABASE_URL: db.url,
    });
  };
  const newDataset = async (name: string) => {
    const [dataset] = await store.insertDatasets(orgId, [
      { name, trustLevel: 'unverified', source: 'customer', isPublic: false, samples: [] },
    ]);
    return dataset?.id as string;
  };

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    store = await openStore(db.url);
    orgId = (await store.createOrg({ name: `CLI transfer ${engine}` })).org.id;
    dir = mkdtempSync(join(tmpdir(), 'znyx-cli-transfer-'));
    writeFileSync(join(dir, 'samples.jsonl'), NDJSON);
    writeFileSync(join(dir, 'samples.csv'), CSV);
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('import --json prints one object; export writes the file back byte for byte, to stdout or a FILE', async () => {
    const id = await newDataset('CLI imported');
    const imported = await cli(['import', '--dataset', id, join(dir, 'samples.jsonl'), '--json']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toEqual({ dataset_id: id, added: 2_500, sample_count: 2_500 });
    expect(imported.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect((await store.findDatasetById(id))?.sampleCount).toBe(2_500);

    const exported = await cli(['export', '--dataset', id]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toBe(NDJSON);

    const file = join(dir, 'out.jsonl');
    const written = await cli(['export', '--dataset', id, file, '--json']);
    expect(JSON.parse(written.stdout)).toEqual({ dataset_id: id, format: 'jsonl', samples: 2_500, file });
    expect(readFileSync(file, 'utf8')).toBe(NDJSON);
  });

  it('reads CSV by its file name and writes it with --format csv', async () => {
    const id = await newDataset('CLI csv');
    const imported = await cli(['import', '--dataset', id, join(dir, 'samples.csv')]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/^Imported 2 samples into CLI csv \(.+\); it has 2 now\.\n$/);
    const file = join(dir, 'out.csv');
    const written = await cli(['export', '--dataset', id, '--format', 'csv', file]);
    expect(written.stdout).toBe(`Exported 2 samples of CLI csv to ${file}.\n`);
    expect(readFileSync(file, 'utf8')).toBe(CSV);
  });

  it('a bad line fails with its number on stderr, a non-zero exit and nothing written', async () => {
    const id = await newDataset('CLI bad');
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"input":"a"}\n{"input":"b"}\n{"input":\n');
    const result = await cli(['import', '--dataset', id, bad, '--json']);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`error: ${bad}: 3: JSON decode error\n`);
    expect((await store.findDatasetById(id))?.sampleCount).toBe(0);

    const [sample] = (await store.listDatasets({ orgId, source: 'znyx_sample', limit: 1, offset: 0 }))
      .datasets;
    const readOnly = await cli(['import', '--dataset', sample?.id as string, join(dir, 'samples.jsonl')]);
    expect(readOnly.code).not.toBe(0);
    expect(readOnly.stderr).toMatch(/read-only/);
    expect(readOnly.stderr).not.toMatch(STACK_FRAME);
    const missing = await cli([
      'import',
      '--dataset',
      '00000000-0000-4000-8000-000000000000',
      join(dir, 'samples.jsonl'),
    ]);
    expect(missing.stderr).toBe('error: dataset 00000000-0000-4000-8000-000000000000 not found\n');
    const noFile = await cli(['import', '--dataset', id, join(dir, 'nope.jsonl')]);
    expect(noFile.stderr).toBe(`error: cannot read ${join(dir, 'nope.jsonl')}\n`);
  });

  it('draws a progress bar on a terminal, and none with --json', async () => {
    const id = await newDataset('CLI terminal');
    const shown = await cliOnTerminal(['import', '--dataset', id, join(dir, 'samples.jsonl')]);
    expect(shown.code, shown.stdout).toBe(0);
    expect(shown.stdout).toMatch(/\d+% \| [\d,]+\/\d+ bytes/);
    expect(shown.stdout).toMatch(/Imported 2500 samples/);
    const quiet = await cliOnTerminal(['export', '--dataset', id, join(dir, 'quiet.jsonl'), '--json']);
    expect(quiet.code, quiet.stdout).toBe(0);
    expect(quiet.stdout).not.toMatch(/%/);
    expect(JSON.parse(quiet.stdout.trim())).toMatchObject({ samples: 2_500 });
    const bar = await cliOnTerminal(['export', '--dataset', id, join(dir, 'bar.jsonl')]);
    expect(bar.stdout).toMatch(/\d+% \| \d+\/2500 samples/);
  });
});

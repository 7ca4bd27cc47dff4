import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createZnyx } from './index';

/**
 * The SDK's types are generated from the committed OpenAPI document: regenerating them with the
 * package's own `generate` script must give the committed file, byte for byte.
 */

const run = promisify(execFile);
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const COMMITTED = join(PACKAGE_DIR, 'src/schema.generated.ts');
const OUTPUT_FLAG = '-o src/schema.generated.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'znyx-sdk-schema-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('src/schema.generated.ts', () => {
  it('is what `pnpm generate` makes of ../../openapi.json (run it after `pnpm openapi`)', async () => {
    const { scripts } = JSON.parse(await readFile(join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const generate = scripts.generate ?? '';
    expect(generate).toContain('openapi-typescript ../../openapi.json');
    expect(generate).toContain(OUTPUT_FLAG);

    // The same command, same flags, written elsewhere.
    const fresh = join(tmp, 'schema.generated.ts');
    const [, ...args] = generate.replace(OUTPUT_FLAG, `-o ${fresh}`).split(/\s+/);
    const bin = join(PACKAGE_DIR, 'node_modules/.bin/openapi-typescript');
    await run(bin, args, { cwd: PACKAGE_DIR });

    const expected = await readFile(fresh, 'utf8');
    const committed = await readFile(COMMITTED, 'utf8');
    expect(committed, 'src/schema.generated.ts is stale: run `pnpm --filter @znyx/sdk generate`').toBe(
      expected,
    );
  });
});

/** Which SDK method calls each operation: a new operation in the document fails here until it has one. */
const SDK_METHOD_OF: Record<string, string> = {
  'auth.whoami': 'me',
  'datasets.list': 'datasets.list',
  'datasets.facets': 'datasets.facets',
  'datasets.catalog': 'datasets.catalog',
  'datasets.install': 'datasets.install',
  'datasets.create': 'datasets.create',
  'datasets.get': 'datasets.get',
  'datasets.samples': 'datasets.samples',
  'datasets.update': 'datasets.update',
  'datasets.delete': 'datasets.delete',
  'datasets.appendSamples': 'datasets.appendSamples',
  'datasets.import': 'datasets.importFile',
  'datasets.export': 'datasets.exportFile',
  'tokens.list': 'tokens.list',
  'tokens.create': 'tokens.create',
  'tokens.revoke': 'tokens.revoke',
};

/** Operations of the document the SDK leaves out on purpose: the load balancer's checks. */
const NOT_IN_SDK = ['healthz', 'readyz'];

describe('the ergonomic surface', () => {
  it('has a method for every operation of the document', async () => {
    const doc = JSON.parse(await readFile(join(PACKAGE_DIR, '../../openapi.json'), 'utf8')) as {
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    const operationIds = Object.values(doc.paths).flatMap((item) =>
      Object.values(item).map((op) => op.operationId),
    );
    expect(operationIds.filter((id) => !NOT_IN_SDK.includes(id)).sort()).toEqual(
      Object.keys(SDK_METHOD_OF).sort(),
    );
    const znyx = createZnyx({ token: 'unused', baseUrl: 'http://127.0.0.1:9' }) as unknown as Record<
      string,
      unknown
    >;
    for (const method of Object.values(SDK_METHOD_OF)) {
      const found = method
        .split('.')
        .reduce<unknown>((at, key) => (at as Record<string, unknown>)?.[key], znyx);
      expect(typeof found, method).toBe('function');
    }
  });
});

import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createOrgWithTokens, startTestServer } from '@znyx/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The package as a user gets it: built with tsup, packed with npm, installed from the tarball
 * into an empty project, then the README's examples run with plain `node` (ESM and CommonJS)
 * against a real server, and a TypeScript file type-checks against the installed declarations.
 *
 * All of it happens in a temporary copy of the package, built there: `pnpm build` may be writing
 * this package's own `dist/` at the same moment (turbo runs `build` and `test` side by side).
 */

const run = promisify(execFile);
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const TSC = join(PACKAGE_DIR, '../../node_modules/.bin/tsc');
const EXPECTED_FILES = [
  'README.md',
  'dist/index.cjs',
  'dist/index.cjs.map',
  'dist/index.d.cts',
  'dist/index.d.ts',
  'dist/index.js',
  'dist/index.js.map',
  'package.json',
];

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string; size: number }[];
}

let server: Awaited<ReturnType<typeof startTestServer>>;
let acme: Awaited<ReturnType<typeof createOrgWithTokens>>;
let tmp: string;
/** The copy of this package that is built and packed. */
let staging: string;
let consumer: string;
let packed: PackResult;

/** npm, without the `npm_*` settings pnpm or a parent npm put in the environment. */
function npm(args: string[], cwd: string) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('npm_')));
  return run('npm', args, { cwd, env, maxBuffer: 16 * 1024 * 1024 });
}

/**
 * Tarballs of the SDK's runtime dependencies, packed from the very copies the workspace resolved,
 * so installing needs no registry and gets the versions the tests ran with. They are copied
 * first: pnpm's store hard-links identical files, which npm would pack as tar links and then not
 * extract (openapi-typescript-helpers would lose its `.d.mts`).
 */
async function packDependencies(fromPackageJson: string, seen = new Set<string>()): Promise<string[]> {
  const { dependencies = {} } = JSON.parse(await readFile(fromPackageJson, 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  const tarballs: string[] = [];
  for (const name of Object.keys(dependencies)) {
    if (seen.has(name)) continue;
    seen.add(name);
    const manifest = createRequire(fromPackageJson).resolve(`${name}/package.json`);
    const copy = join(tmp, 'dependencies', name);
    const from = dirname(manifest);
    await cp(from, copy, {
      recursive: true,
      filter: (source) => !/^node_modules($|[\\/])/.test(relative(from, source)),
    });
    const { stdout } = await npm(
      ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp, copy],
      tmp,
    );
    const [result] = JSON.parse(stdout) as PackResult[];
    tarballs.push(join(tmp, result?.filename ?? ''), ...(await packDependencies(manifest, seen)));
  }
  return tarballs;
}

/** The README's ```js blocks, in order. */
async function readmeExamples(): Promise<string[]> {
  const readme = await readFile(join(PACKAGE_DIR, 'README.md'), 'utf8');
  return [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
}

/** This environment without ZNYX_BASE_URL: the examples must name the API themselves. */
function envWithoutBaseUrl(): NodeJS.ProcessEnv {
  const { ZNYX_BASE_URL: _ignored, ...env } = process.env;
  return env;
}

/** Where the README's examples call: the API `pnpm demo` runs. */
const README_BASE_URL = "baseUrl: 'http://127.0.0.1:3000'";

/** A README example calling the test's server instead, and nothing else changed. */
function againstTestServer(example: string | undefined): string {
  expect(example).toContain(README_BASE_URL);
  return (example ?? '').replace(README_BASE_URL, `baseUrl: '${server.url}'`);
}

beforeAll(async () => {
  server = await startTestServer();
  acme = await createOrgWithTokens(server.store, 'Acme');
  tmp = await mkdtemp(join(tmpdir(), 'znyx-sdk-pack-'));

  // Everything but node_modules and dist: npm's `files` must leave src/, the tests and configs out.
  staging = join(tmp, 'package');
  await cp(PACKAGE_DIR, staging, {
    recursive: true,
    filter: (source) => !/^(node_modules|dist)($|[\\/])/.test(relative(PACKAGE_DIR, source)),
  });
  await run(join(PACKAGE_DIR, 'node_modules/.bin/tsup'), ['--out-dir', join(staging, 'dist')], {
    cwd: PACKAGE_DIR,
  });
  const { stdout } = await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], staging);
  [packed] = JSON.parse(stdout) as [PackResult];

  consumer = join(tmp, 'consumer');
  await mkdir(consumer);
  await writeFile(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  const dependencies = await packDependencies(join(PACKAGE_DIR, 'package.json'));
  await npm(
    [
      'install',
      '--offline',
      '--no-audit',
      '--no-fund',
      '--no-package-lock',
      join(tmp, packed.filename),
      ...dependencies,
    ],
    consumer,
  );
});

afterAll(async () => {
  await server?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('packs only dist, the README and package.json', () => {
    expect(packed.files.map((f) => f.path).sort()).toEqual(EXPECTED_FILES);
    // a sanity bound: the SDK is small
    expect(packed.size).toBeLessThan(100_000);
  });

  it('declares what a user needs, and nothing from the workspace at run time', async () => {
    const manifest = JSON.parse(
      await readFile(join(consumer, 'node_modules/@znyx/sdk/package.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect(manifest.private).toBeUndefined();
    expect(manifest.dependencies).toEqual({ 'openapi-fetch': '0.17.0' });
    expect(manifest.peerDependencies).toBeUndefined();
    expect(manifest).toMatchObject({
      name: '@znyx/sdk',
      type: 'module',
      main: './dist/index.cjs',
      module: './dist/index.js',
      sideEffects: false,
      engines: { node: '>=20' },
      files: ['dist', 'README.md'],
      exports: {
        '.': {
          import: { types: './dist/index.d.ts', default: './dist/index.js' },
          require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
        },
      },
    });
    // every dependency edge of the installed tree is satisfied
    await npm(['ls', '--all'], consumer);
  });

  it('imports nothing at run time but openapi-fetch: no Node built-ins, so it bundles for browsers', async () => {
    for (const file of ['dist/index.js', 'dist/index.cjs']) {
      const code = await readFile(join(staging, file), 'utf8');
      const specifiers = [...code.matchAll(/(?:\bfrom\s*|\brequire\()\s*["']([^"']+)["']/g)].map((m) => m[1]);
      expect(new Set(specifiers), file).toEqual(new Set(['openapi-fetch']));
      expect(code, file).not.toMatch(/\bprocess\.env\b/);
    }
  });

  it("runs the README's ESM example with node", async () => {
    const [esm] = await readmeExamples();
    expect(esm).toContain("import { createZnyx } from '@znyx/sdk';");
    await writeFile(join(consumer, 'example.mjs'), againstTestServer(esm));
    const { stdout } = await run('node', ['example.mjs'], {
      cwd: consumer,
      env: { ...envWithoutBaseUrl(), ZNYX_TOKEN: acme.runtime },
    });
    expect(stdout).toContain('6 datasets in Acme');
    expect(stdout).toContain('PII Leakage Probes (sample) (pii): 26 samples');
    expect(stdout.trim().split('\n')).toHaveLength(7);
  });

  it("runs the README's CommonJS example with node", async () => {
    const [, cjs] = await readmeExamples();
    expect(cjs).toContain("const { createZnyx } = require('@znyx/sdk');");
    await writeFile(join(consumer, 'example.cjs'), againstTestServer(cjs));
    const { stdout } = await run('node', ['example.cjs'], {
      cwd: consumer,
      env: { ...envWithoutBaseUrl(), ZNYX_TOKEN: acme.runtime },
    });
    expect(stdout).toContain('PII Leakage Probes (sample): 26 samples');
    expect(stdout.trim().split('\n')).toHaveLength(6);
  });

  it('ships its types: strict TypeScript (ESM, CommonJS, bundler) compiles against the tarball', async () => {
    const usage = `
const znyx = createZnyx({ token: 'znyx_rt_x', baseUrl: 'http://127.0.0.1:3000', timeoutMs: 5_000 });
export async function names(orgId: string): Promise<string[]> {
  const page = await znyx.datasets.list({ orgId, categories: ['pii', 'toxicity'], source: 'customer', limit: 10 });
  const count: number = page.datasets[0]?.sample_count ?? 0;
  const all: Dataset[] = [];
  for await (const dataset of znyx.datasets.iterate({ orgId, pageSize: 50 })) all.push(dataset);
  const { created } = await znyx.datasets.install({ orgId, catalogId: 'truthfulqa' });
  // @ts-expect-error -- not a source
  await znyx.datasets.list({ orgId, source: 'nope' });
  // @ts-expect-error -- not a number
  await znyx.datasets.list({ orgId, limit: '10' });
  try {
    await znyx.me();
  } catch (error) {
    if (error instanceof ZnyxApiError) console.log(error.status, error.detail, error.requestId, count, created);
    if (error instanceof ZnyxNetworkError) console.log(error.kind);
  }
  return all.map((d) => d.name);
}
`;
    const imports = "import { createZnyx, type Dataset, ZnyxApiError, ZnyxNetworkError } from '@znyx/sdk';\n";
    await writeFile(join(consumer, 'check.mts'), imports + usage);
    await writeFile(join(consumer, 'check.cts'), imports + usage);
    await writeFile(join(consumer, 'check.ts'), imports + usage);
    const tsc = (args: string[]) =>
      run(TSC, ['--noEmit', '--strict', ...args], { cwd: consumer }).then(
        ({ stdout }) => stdout,
        (error: { stdout?: string }) => error.stdout ?? String(error),
      );
    // Node's own resolution, as ESM (the `import` condition) and as CommonJS (`require`)
    expect(
      await tsc(['--module', 'nodenext', '--moduleResolution', 'nodenext', 'check.mts', 'check.cts']),
    ).toBe('');
    // and a bundler's (Vite, webpack, esbuild)
    expect(
      await tsc(['--module', 'preserve', '--moduleResolution', 'bundler', '--target', 'es2022', 'check.ts']),
    ).toBe('');
  });
});

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '@znyx/db/testing';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectOutput, envWithoutSettings } from './test-support';

/**
 * End-to-end tests of the operator CLI: every case spawns a real `node` (or `pnpm`) process
 * over a real SQLite file, and inspects its exit code, stdout, stderr and the database.
 */

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI_ENTRY = fileURLToPath(new URL('./cli.ts', import.meta.url));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const STACK_FRAME = /\n\s+at /;
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const REQUIRED_SAMPLE_CATEGORIES = [
  'jailbreak',
  'pii',
  'toxicity',
  'prompt_injection',
  'bias',
  'hallucination',
];

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}
interface OrgJson {
  id: string;
  name: string;
  token: string;
  token_id: string;
}
interface TokenJson {
  id: string;
  name: string | null;
  token: string;
  kind: string;
  scopes: string[];
  expires_at: string | null;
}
interface RevokeJson {
  id: string;
  revoked_at: string;
}
interface TokenListJson {
  tokens: {
    id: string;
    kind: string;
    scopes: string[];
    prefix: string;
    created_at: string;
    expires_at: string | null;
    revoked_at: string | null;
    last_used_at: string | null;
    name: string | null;
  }[];
}
const LISTED_TOKEN_KEYS = [
  'created_at',
  'expires_at',
  'id',
  'kind',
  'last_used_at',
  'name',
  'prefix',
  'revoked_at',
  'scopes',
];

let tempDir: string;
let dbPath: string;
let sharedOrgRun: RunResult;
let sharedOrg: OrgJson;

/** Spawns `command args` and collects its exit code and output; rejects only if it cannot start. */
function runCommand(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = collectOutput(child);
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: output.stdout(), stderr: output.stderr() });
    });
  });
}

/** `node --import tsx apps/server/src/cli.ts ...args` against the test database. */
function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return runCommand(process.execPath, ['--import', 'tsx', CLI_ENTRY, ...args], {
    ...envWithoutSettings(),
    DATABASE_URL: dbPath,
    ...env,
  });
}

/** Runs a `--json` command, expects success and exactly one JSON object on stdout. */
async function runCliJson<T>(args: string[], env: NodeJS.ProcessEnv = {}): Promise<T> {
  const result = await runCli([...args, '--json'], env);
  expect(result.code, result.stderr).toBe(0);
  return parseSingleJsonObject<T>(result.stdout);
}

/** The whole of stdout must be one JSON object on one line: nothing before or after it. */
function parseSingleJsonObject<T>(stdout: string): T {
  expect(stdout.endsWith('\n')).toBe(true);
  expect(stdout.trimEnd().split('\n')).toHaveLength(1);
  const parsed: unknown = JSON.parse(stdout);
  expect(parsed).toBeTypeOf('object');
  expect(parsed).not.toBeNull();
  expect(Array.isArray(parsed)).toBe(false);
  return parsed as T;
}

function expectCleanFailure(result: RunResult) {
  expect(result.code, 'exit code').not.toBe(0);
  expect(result.code, 'exit code').not.toBeNull();
  expect(result.stdout, 'stdout').toBe('');
  expect(result.stderr.trim(), 'stderr').not.toBe('');
  expect(result.stderr, 'stderr must hold no stack trace').not.toMatch(STACK_FRAME);
}

/** Reads the database the CLI wrote, read-only. */
function queryDb<T>(sql: string, ...params: unknown[]): T[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

function countDatasets(orgId: string, source: string): number {
  const [row] = queryDb<{ n: number }>(
    'select count(*) as n from datasets where org_id = ? and source = ?',
    orgId,
    source,
  );
  return row?.n ?? 0;
}

async function createOrg(name: string): Promise<OrgJson> {
  return runCliJson<OrgJson>(['org', 'create', '--name', name]);
}

beforeAll(async () => {
  tempDir = mkdtempSync(join(tmpdir(), 'znyx-cli-'));
  dbPath = join(tempDir, 'znyx.db');
  sharedOrgRun = await runCli(['org', 'create', '--name', 'CLI Shared Org', '--json']);
  expect(sharedOrgRun.code, sharedOrgRun.stderr).toBe(0);
  sharedOrg = JSON.parse(sharedOrgRun.stdout) as OrgJson;
});

afterAll(() => {
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
});

describe('znyx org create', () => {
  it('with --json prints exactly one {id, name, token, token_id} object on stdout and exits 0', () => {
    expect(sharedOrgRun.code).toBe(0);
    expect(sharedOrgRun.stderr).toBe('');
    const org = parseSingleJsonObject<OrgJson>(sharedOrgRun.stdout);
    expect(Object.keys(org).sort()).toEqual(['id', 'name', 'token', 'token_id']);
    expect(org.id).toMatch(UUID);
    expect(org.name).toBe('CLI Shared Org');
    expect(org.token).toMatch(/^znyx_admin_[A-Za-z0-9_-]{43}$/);
    expect(queryDb('select kind from api_tokens where id = ? and org_id = ?', org.token_id, org.id)).toEqual([
      { kind: 'admin' },
    ]);
  });

  it('stores the org and seeds its ZNYX sample datasets (all required categories, true sample counts)', () => {
    expect(queryDb<{ name: string }>('select name from orgs where id = ?', sharedOrg.id)).toEqual([
      { name: 'CLI Shared Org' },
    ]);
    expect(countDatasets(sharedOrg.id, 'znyx_sample')).toBeGreaterThanOrEqual(6);

    const samples = queryDb<{ category: string; sample_count: number; rows: number }>(
      `select d.category, d.sample_count,
              (select count(*) from dataset_samples s where s.dataset_id = d.id) as rows
         from datasets d where d.org_id = ? and d.source = 'znyx_sample'`,
      sharedOrg.id,
    );
    expect(samples.map((s) => s.category)).toEqual(expect.arrayContaining(REQUIRED_SAMPLE_CATEGORIES));
    for (const sample of samples) {
      expect(sample.rows).toBeGreaterThan(0);
      expect(sample.sample_count).toBe(sample.rows);
    }
  });

  it('stores only a hash of the admin token, never the token itself', () => {
    const rows = queryDb<Record<string, unknown>>('select * from api_tokens where org_id = ?', sharedOrg.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.kind).toBe('admin');
    expect(Object.values(rows[0] ?? {})).not.toContain(sharedOrg.token);
  });

  it('without --json prints a human-readable line with the org id and the token', async () => {
    const result = await runCli(['org', 'create', '--name', 'Human Readable Org']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).not.toBe('');
    expect(() => JSON.parse(result.stdout)).toThrow();
    const [id, tokenId] =
      result.stdout.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi) ?? [];
    const token = result.stdout.match(/znyx_admin_[A-Za-z0-9_-]{43}/)?.[0];
    expect(id, result.stdout).toBeDefined();
    expect(token, result.stdout).toBeDefined();
    expect(queryDb('select id from orgs where id = ?', id)).toHaveLength(1);
    // The admin token's id follows, for `token revoke`.
    expect(queryDb('select kind from api_tokens where id = ? and org_id = ?', tokenId, id)).toEqual([
      { kind: 'admin' },
    ]);
  });

  it('runs through the documented entry `pnpm --silent znyx org create --name X --json` from the repo root', async () => {
    const env = { ...envWithoutSettings(), DATABASE_URL: `file:${dbPath}` };
    const result = await runCommand(
      'pnpm',
      ['--silent', 'znyx', 'org', 'create', '--name', 'Through pnpm', '--json'],
      env,
    );
    expect(result.code, result.stderr).toBe(0);
    const org = parseSingleJsonObject<OrgJson>(result.stdout);
    expect(Object.keys(org).sort()).toEqual(['id', 'name', 'token', 'token_id']);
    expect(org.id).toMatch(UUID);
    expect(org.name).toBe('Through pnpm');
    expect(org.token).toMatch(/^znyx_admin_[A-Za-z0-9_-]{43}$/);
    // Same database file as the direct runs, so DATABASE_URL=file:… reached the CLI.
    expect(countDatasets(org.id, 'znyx_sample')).toBeGreaterThanOrEqual(6);
  });
});

describe('znyx token create', () => {
  it.each([
    { kind: 'runtime', prefix: 'znyx_rt_', scopes: ['read'] },
    { kind: 'ci', prefix: 'znyx_ci_', scopes: ['read', 'write'] },
    { kind: 'admin', prefix: 'znyx_admin_', scopes: ['read', 'write', 'admin'] },
  ])(
    '--kind $kind prints {id, token, kind, scopes, expires_at} with scopes $scopes and no expiry',
    async ({ kind, prefix, scopes }) => {
      const created = await runCliJson<TokenJson>(['token', 'create', '--org', sharedOrg.id, '--kind', kind]);
      expect(Object.keys(created).sort()).toEqual(['expires_at', 'id', 'kind', 'name', 'scopes', 'token']);
      expect(created.id).toMatch(UUID);
      expect(created.kind).toBe(kind);
      expect(created.scopes).toEqual(scopes);
      expect(created.expires_at).toBeNull();
      expect(created.token.startsWith(prefix)).toBe(true);
      expect(created.token.slice(prefix.length)).toMatch(/^[A-Za-z0-9_-]{43}$/);

      const rows = queryDb<Record<string, unknown>>('select * from api_tokens where id = ?', created.id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ org_id: sharedOrg.id, kind, expires_at: null, revoked_at: null });
      expect(Object.values(rows[0] ?? {})).not.toContain(created.token);
    },
  );

  it('with --expires-in 3600 prints an ISO 8601 UTC expires_at about an hour ahead', async () => {
    const before = Date.now();
    const created = await runCliJson<TokenJson>([
      'token',
      'create',
      '--org',
      sharedOrg.id,
      '--kind',
      'ci',
      '--expires-in',
      '3600',
    ]);
    const after = Date.now();
    expect(created.expires_at).toMatch(ISO_UTC);
    const expiresAt = Date.parse(created.expires_at ?? '');
    expect(expiresAt).toBeGreaterThanOrEqual(before + 3_600_000 - 5_000);
    expect(expiresAt).toBeLessThanOrEqual(after + 3_600_000 + 5_000);
  });
});

describe('znyx token revoke', () => {
  it('prints {id, revoked_at} with an ISO UTC timestamp, and revoking again keeps the first revoked_at', async () => {
    const created = await runCliJson<TokenJson>([
      'token',
      'create',
      '--org',
      sharedOrg.id,
      '--kind',
      'runtime',
    ]);

    const before = Date.now();
    const revoked = await runCliJson<RevokeJson>(['token', 'revoke', '--id', created.id]);
    const after = Date.now();
    expect(Object.keys(revoked).sort()).toEqual(['id', 'revoked_at']);
    expect(revoked.id).toBe(created.id);
    expect(revoked.revoked_at).toMatch(ISO_UTC);
    expect(Date.parse(revoked.revoked_at)).toBeGreaterThanOrEqual(before - 1_000);
    expect(Date.parse(revoked.revoked_at)).toBeLessThanOrEqual(after + 1_000);

    const again = await runCliJson<RevokeJson>(['token', 'revoke', '--id', created.id]);
    expect(again).toEqual(revoked);
    expect(
      queryDb<{ revoked_at: number }>('select revoked_at from api_tokens where id = ?', created.id),
    ).toEqual([{ revoked_at: Date.parse(revoked.revoked_at) }]);
  });
});

describe('znyx token list', () => {
  let org: OrgJson;
  let ci: TokenJson;
  let revoked: RevokeJson;
  let listed: TokenListJson;

  beforeAll(async () => {
    org = await createOrg('Token List Org');
    ci = await runCliJson<TokenJson>([
      'token',
      'create',
      '--org',
      org.id,
      '--kind',
      'ci',
      '--expires-in',
      '3600',
      '--name',
      ' CI on main ',
    ]);
    // The first admin token, revoked by the id org create printed.
    revoked = await runCliJson<RevokeJson>(['token', 'revoke', '--id', org.token_id]);
    listed = await runCliJson<TokenListJson>(['token', 'list', '--org', org.id]);
  });

  it('with --json prints {"tokens": [...]}: the org\'s tokens, newest first, revoked ones too', () => {
    expect(Object.keys(listed)).toEqual(['tokens']);
    expect(listed.tokens.map((t) => t.id)).toEqual([ci.id, org.token_id]);
    const [ciListed, adminListed] = listed.tokens;
    expect(ci.name).toBe('CI on main');
    expect(ciListed).toEqual({
      id: ci.id,
      name: 'CI on main',
      kind: 'ci',
      scopes: ['read', 'write'],
      prefix: expect.stringMatching(/^znyx_ci_/),
      created_at: expect.stringMatching(ISO_UTC),
      expires_at: ci.expires_at,
      revoked_at: null,
      last_used_at: null,
    });
    expect(ci.token.startsWith(ciListed?.prefix ?? '-')).toBe(true);
    expect(adminListed).toEqual({
      id: org.token_id,
      name: null,
      kind: 'admin',
      scopes: ['read', 'write', 'admin'],
      prefix: expect.stringMatching(/^znyx_admin_/),
      created_at: expect.stringMatching(ISO_UTC),
      expires_at: null,
      revoked_at: revoked.revoked_at,
      last_used_at: null,
    });
    expect(org.token.startsWith(adminListed?.prefix ?? '-')).toBe(true);
    expect(Date.parse(ciListed?.created_at ?? '')).toBeGreaterThan(Date.parse(adminListed?.created_at ?? ''));
  });

  it('prints exactly the documented fields, never a secret or a hash', async () => {
    for (const token of listed.tokens) expect(Object.keys(token).sort()).toEqual(LISTED_TOKEN_KEYS);
    const result = await runCli(['token', 'list', '--org', org.id, '--json']);
    const hashes = queryDb<{ token_hash: string }>(
      'select token_hash from api_tokens where org_id = ?',
      org.id,
    );
    expect(hashes).toHaveLength(2);
    for (const secret of [org.token, ci.token, ...hashes.map((h) => h.token_hash)]) {
      expect(result.stdout).not.toContain(secret);
    }
  });

  it("lists only that org's tokens", async () => {
    const other = await createOrg('Token List Other Org');
    const otherListed = await runCliJson<TokenListJson>(['token', 'list', '--org', other.id]);
    expect(otherListed.tokens.map((t) => t.id)).toEqual([other.token_id]);
  });

  it('without --json prints a table: a header, then one row per token, newest first', async () => {
    const result = await runCli(['token', 'list', '--org', org.id]);
    expect(result.code, result.stderr).toBe(0);
    const [header, ...rows] = result.stdout.trimEnd().split('\n');
    expect(header?.split(/\s{2,}/)).toEqual([
      'ID',
      'NAME',
      'KIND',
      'SCOPES',
      'PREFIX',
      'CREATED',
      'EXPIRES',
      'REVOKED',
      'LAST USED',
    ]);
    expect(rows.map((row) => row.split(/\s{2,}/))).toEqual([
      [
        ci.id,
        'CI on main',
        'ci',
        'read,write',
        listed.tokens[0]?.prefix,
        listed.tokens[0]?.created_at,
        ci.expires_at,
        '-',
        'never',
      ],
      [
        org.token_id,
        '-',
        'admin',
        'read,write,admin',
        listed.tokens[1]?.prefix,
        listed.tokens[1]?.created_at,
        'never',
        revoked.revoked_at,
        'never',
      ],
    ]);
  });
});

describe('znyx demo-data', () => {
  interface DemoRow {
    name: string;
    category: string | null;
    trust_level: string;
    sample_count: number;
    rows: number;
    created_at: number;
    updated_at: number;
  }
  const demoRows = (orgId: string) =>
    queryDb<DemoRow>(
      `select d.name, d.category, d.trust_level, d.sample_count, d.created_at, d.updated_at,
              (select count(*) from dataset_samples s where s.dataset_id = d.id) as rows
         from datasets d where d.org_id = ? and d.source = 'customer' order by d.name, d.id`,
      orgId,
    );
  let seededOrgRows: DemoRow[];

  it('--count 25 --seed 3 prints {"created": 25} and stores 25 varied customer datasets', async () => {
    const result = await runCli([
      'demo-data',
      '--org',
      sharedOrg.id,
      '--count',
      '25',
      '--seed',
      '3',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(parseSingleJsonObject(result.stdout)).toEqual({ created: 25 });

    seededOrgRows = demoRows(sharedOrg.id);
    expect(seededOrgRows).toHaveLength(25);
    expect(new Set(seededOrgRows.map((r) => r.category)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(seededOrgRows.map((r) => r.created_at)).size).toBeGreaterThanOrEqual(10);
    // Realistic data: every dataset has sample rows, its sample_count is true, timestamps are sane.
    for (const row of seededOrgRows) {
      expect(row.category).toMatch(/^[a-z0-9][a-z0-9_-]{0,63}$/);
      expect(row.rows).toBeGreaterThan(0);
      expect(row.sample_count).toBe(row.rows);
      expect(row.updated_at).toBeGreaterThanOrEqual(row.created_at);
      expect(row.created_at).toBeLessThanOrEqual(Date.now());
    }
    // The org's ZNYX samples are untouched.
    expect(countDatasets(sharedOrg.id, 'znyx_sample')).toBeGreaterThanOrEqual(6);
  });

  it('is deterministic: the same seed on a new org produces the same names and categories', async () => {
    expect(seededOrgRows).toHaveLength(25);
    const other = await createOrg('Demo Data Twin');
    const result = await runCliJson<{ created: number }>([
      'demo-data',
      '--org',
      other.id,
      '--count',
      '25',
      '--seed',
      '3',
    ]);
    expect(result).toEqual({ created: 25 });
    const twinRows = demoRows(other.id);
    expect(twinRows.map((r) => [r.name, r.category])).toEqual(seededOrgRows.map((r) => [r.name, r.category]));
  });
});

describe('znyx demo-data run twice on one org', () => {
  // Names are unique per org, compared case-insensitively: a second run with the same seed
  // versions its names instead of repeating the first run's.
  it('keeps dataset names unique per org (case-insensitively)', async () => {
    const org = await createOrg('Demo Data Rerun');
    const args = ['demo-data', '--org', org.id, '--count', '5', '--seed', '3', '--json'];
    expect((await runCli(args)).code).toBe(0);
    await runCli(args);
    const duplicates = queryDb<{ name: string; n: number }>(
      `select lower(name) as name, count(*) as n from datasets
        where org_id = ? group by lower(name) having count(*) > 1`,
      org.id,
    );
    expect(duplicates).toEqual([]);
  });
});

describe('znyx install', () => {
  it('installs a catalog entry once: created, then a no-op with the same dataset', async () => {
    const org = await createOrg('Install Org');
    const first = await runCliJson<{ id: string; name: string; sample_count: number; created: boolean }>([
      'install',
      '--org',
      org.id,
      '--entry',
      'truthfulqa',
      '--json',
    ]);
    expect(first).toMatchObject({ name: 'TruthfulQA', sample_count: 817, created: true });
    const again = await runCliJson<{ id: string; created: boolean }>([
      'install',
      '--org',
      org.id,
      '--entry',
      'TruthfulQA',
      '--json',
    ]);
    expect(again).toEqual({ id: first.id, name: 'TruthfulQA', sample_count: 817, created: false });
    expect(countDatasets(org.id, 'industry_standard')).toBe(1);
  });

  it('rejects an unknown entry on stderr with a non-zero exit', async () => {
    const org = await createOrg('Install Unknown Org');
    const result = await runCli(['install', '--org', org.id, '--entry', 'no-such-benchmark', '--json']);
    expectCleanFailure(result);
    expect(result.stderr).toContain('no-such-benchmark');
    expect(countDatasets(org.id, 'industry_standard')).toBe(0);
  });
});

describe('znyx CLI errors go to stderr with a non-zero exit and nothing on stdout', () => {
  it.each<[string, string[]]>([
    ['token create for an unknown org id', ['token', 'create', '--org', UNKNOWN_ID, '--kind', 'ci']],
    ['demo-data for an unknown org id', ['demo-data', '--org', UNKNOWN_ID, '--count', '3']],
    ['token create with a malformed org id', ['token', 'create', '--org', 'not-a-uuid', '--kind', 'ci']],
    ['demo-data with a malformed org id', ['demo-data', '--org', '1234', '--count', '3']],
    ['token create with an unknown --kind', ['token', 'create', '--org', UNKNOWN_ID, '--kind', 'root']],
    [
      'token create with a non-numeric --expires-in',
      ['token', 'create', '--org', UNKNOWN_ID, '--kind', 'ci', '--expires-in', 'soon'],
    ],
    ['token revoke with an unknown token id', ['token', 'revoke', '--id', UNKNOWN_ID]],
    ['token list for an unknown org id', ['token', 'list', '--org', UNKNOWN_ID]],
    ['token list with a malformed org id', ['token', 'list', '--org', 'not-a-uuid']],
    ['token list without --org', ['token', 'list']],
    ['org create without --name', ['org', 'create']],
    ['org create with a blank --name', ['org', 'create', '--name', '   ']],
    ['token create without --kind', ['token', 'create', '--org', UNKNOWN_ID]],
    ['demo-data without --count', ['demo-data', '--org', UNKNOWN_ID]],
  ])('rejects %s', async (_what, args) => {
    expectCleanFailure(await runCli([...args, '--json']));
  });

  it('demo-data with --count 0 on an existing org writes nothing', async () => {
    const before = countDatasets(sharedOrg.id, 'customer');
    expectCleanFailure(await runCli(['demo-data', '--org', sharedOrg.id, '--count', '0', '--json']));
    expect(countDatasets(sharedOrg.id, 'customer')).toBe(before);
  });

  let loudRun: Promise<RunResult> | undefined;
  /** One run shared by the two invalid-environment cases below. */
  const runWithLoudLogLevel = () => {
    loudRun ??= runCli(['org', 'create', '--name', 'Never Created', '--json'], { LOG_LEVEL: 'loud' });
    return loudRun;
  };

  it('an invalid environment (LOG_LEVEL=loud) fails, names the variable on stderr and writes nothing', async () => {
    const result = await runWithLoudLogLevel();
    expect(result.code).not.toBe(0);
    expect(result.code).not.toBeNull();
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('LOG_LEVEL');
    expect(queryDb('select id from orgs where name = ?', 'Never Created')).toEqual([]);
  });

  it('an invalid environment (LOG_LEVEL=loud) is reported without a stack trace', async () => {
    const result = await runWithLoudLogLevel();
    expectCleanFailure(result);
  });
});

describe('znyx CLI over PostgreSQL', () => {
  let pgDb: TestDatabase;

  beforeAll(async () => {
    pgDb = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    await pgDb?.drop();
  });

  it('org create, token create and token list use the DATABASE_URL=postgres://… database', async () => {
    const env = { DATABASE_URL: pgDb.url };
    const org = await runCliJson<OrgJson>(['org', 'create', '--name', 'Postgres Org'], env);
    expect(org.id).toMatch(UUID);
    expect(org.name).toBe('Postgres Org');
    expect(org.token).toMatch(/^znyx_admin_[A-Za-z0-9_-]{43}$/);

    const created = await runCliJson<TokenJson>(
      ['token', 'create', '--org', org.id, '--kind', 'runtime'],
      env,
    );
    expect(created).toMatchObject({ kind: 'runtime', scopes: ['read'], expires_at: null });
    expect(created.token).toMatch(/^znyx_rt_[A-Za-z0-9_-]{43}$/);

    expect(await pgDb.query('select name from orgs where id = ?', [org.id])).toEqual([
      { name: 'Postgres Org' },
    ]);
    const samples = await pgDb.query<{ category: string; sample_count: number; rows: string }>(
      `select d.category, d.sample_count,
              (select count(*) from dataset_samples s where s.dataset_id = d.id) as rows
         from datasets d where d.org_id = ? and d.source = 'znyx_sample'`,
      [org.id],
    );
    expect(samples).toHaveLength(6);
    expect(samples.map((s) => s.category).sort()).toEqual([...REQUIRED_SAMPLE_CATEGORIES].sort());
    for (const sample of samples) {
      expect(Number(sample.rows)).toBeGreaterThan(0);
      expect(sample.sample_count).toBe(Number(sample.rows));
    }
    const tokens = await pgDb.query<{ id: string; kind: string }>(
      'select id, kind from api_tokens where org_id = ?',
      [org.id],
    );
    expect(tokens.map((t) => t.kind).sort()).toEqual(['admin', 'runtime']);
    expect(tokens.map((t) => t.id)).toContain(created.id);

    const listed = await runCliJson<TokenListJson>(['token', 'list', '--org', org.id], env);
    expect(listed.tokens.map((t) => [t.id, t.kind])).toEqual([
      [created.id, 'runtime'],
      [org.token_id, 'admin'],
    ]);
    for (const token of listed.tokens) expect(Object.keys(token).sort()).toEqual(LISTED_TOKEN_KEYS);
  });
});

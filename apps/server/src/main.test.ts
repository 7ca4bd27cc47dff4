import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type Exit,
  logLines,
  type RunningServerProcess,
  type ServerProcess,
  spawnServer as spawnServerProcess,
  startServerProcess,
  waitFor,
} from './server-process';

/**
 * End-to-end tests of the server entry point: each case spawns the real
 * `node --import tsx apps/server/src/main.ts` on an ephemeral port over a temp SQLite file.
 */

const STACK_FRAME = /\n\s+at /;

interface DemoInfo {
  orgId: string;
  token: string;
  curlUrl: string;
  headers: Record<string, string>;
}

let tempDir: string;
const spawned = new Set<ServerProcess>();

beforeAll(() => {
  tempDir = mkdtempSync(join(tmpdir(), 'znyx-main-'));
});

afterEach(async () => {
  // No test may leave a server behind, whatever happened in it.
  const leftovers = [...spawned];
  spawned.clear();
  await Promise.all(leftovers.map((server) => server.kill()));
});

afterAll(() => {
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
});

/** A fresh database path inside this file's temp dir. */
let dbCounter = 0;
const newDbPath = (name = 'znyx') => join(tempDir, `${name}-${++dbCounter}.db`);

function spawnServer(env: Record<string, string>, args: string[] = []): ServerProcess {
  const server = spawnServerProcess(env, args);
  spawned.add(server);
  return server;
}

async function startServer(env: Record<string, string>, args: string[] = []): Promise<RunningServerProcess> {
  const server = await startServerProcess(env, args);
  spawned.add(server);
  return server;
}

/** Waits for the `--demo` banner and parses the org id, token and curl command out of it. */
async function readDemoBanner(server: RunningServerProcess): Promise<DemoInfo> {
  const curl = await waitFor(
    server,
    'the demo curl line',
    () => server.stdout().match(/^\s*curl -s '([^']+)' -H '([^':]+): ([^']+)'\s*$/m) ?? undefined,
  );
  const out = server.stdout();
  const orgId = out.match(/^Demo org:\s+(\S+)\s*$/m)?.[1];
  const token = out.match(/^Admin token:\s+(\S+)\s*$/m)?.[1];
  const [, curlUrl, headerName, headerValue] = curl;
  if (!orgId || !token || !curlUrl || !headerName || !headerValue) {
    throw new Error(`incomplete demo banner:\n${out}`);
  }
  return { orgId, token, curlUrl, headers: { [headerName]: headerValue } };
}

/** Sends SIGTERM and expects a clean exit. */
async function stopServer(server: ServerProcess): Promise<void> {
  server.child.kill('SIGTERM');
  expect(await server.exited).toEqual({ code: 0, signal: null });
}

interface DatasetPage {
  total: number;
  datasets: { source: string }[];
}

/** Runs the demo curl through fetch and checks it lists the org's ZNYX samples. */
async function expectDemoCurlWorks(demo: DemoInfo): Promise<void> {
  const res = await fetch(demo.curlUrl, { headers: demo.headers });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  const page = JSON.parse(text) as DatasetPage;
  expect(page.total).toBeGreaterThanOrEqual(6);
  expect(page.datasets.length).toBeGreaterThanOrEqual(6);
  for (const dataset of page.datasets) expect(dataset.source).toBe('znyx_sample');
}

/** `select count(*) as n …` on a database file, read-only. */
function countRows(dbPath: string, sql: string): number {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Resolves with the error code of a TCP connect attempt, or 'connected'. */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe('server entry (main.ts) --demo', () => {
  it('prints the demo org, an admin token and a curl that returns the org ZNYX sample datasets', async () => {
    const server = await startServer({ DATABASE_URL: newDbPath('demo') }, ['--demo']);
    const demo = await readDemoBanner(server);
    const out = server.stdout();
    expect(out).toContain('Demo org:');
    expect(out).toContain('Admin token:');
    expect(demo.orgId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
    expect(demo.token).toMatch(/^znyx_admin_[A-Za-z0-9_-]{43}$/);
    expect(demo.curlUrl).toBe(`${server.url}/v1/orgs/${demo.orgId}/datasets`);
    expect(demo.headers).toEqual({ Authorization: `Bearer ${demo.token}` });

    await expectDemoCurlWorks(demo);
    await stopServer(server);
  });

  it('names the Console in the banner exactly as the server serves it: its URL, or how to build it', async () => {
    const server = await startServer({ DATABASE_URL: newDbPath('demo-console') }, ['--demo']);
    await readDemoBanner(server);
    const consoleLine = server.stdout().match(/^Console:\s+(.+)$/m)?.[1];
    // Whether the Console is built depends on this checkout (the bundle's smoke run, after
    // `pnpm build`, always has it): the banner must say what /console/ answers either way.
    const page = await fetch(`${server.url}/console/`);
    const html = await page.text();
    expect([200, 404]).toContain(page.status);
    if (page.status === 200) expect(html).toContain('<div id="root">');
    expect(consoleLine).toBe(
      page.status === 200
        ? `${server.url}/console/  (sign in with the admin token)`
        : 'not built (`pnpm demo` builds it; `pnpm dev` serves it on http://127.0.0.1:5173/console/)',
    );
    await stopServer(server);
  });

  it('a second --demo start on the same database reuses the demo org and prints a new working token', async () => {
    const dbPath = newDbPath('demo-twice');
    const first = await startServer({ DATABASE_URL: dbPath }, ['--demo']);
    const firstDemo = await readDemoBanner(first);
    await stopServer(first);
    const samplesAfterFirstStart = countRows(
      dbPath,
      "select count(*) as n from datasets where source = 'znyx_sample'",
    );
    expect(samplesAfterFirstStart).toBeGreaterThanOrEqual(6);

    const second = await startServer({ DATABASE_URL: dbPath }, ['--demo']);
    const secondDemo = await readDemoBanner(second);
    expect(secondDemo.orgId).toBe(firstDemo.orgId);
    expect(secondDemo.token).not.toBe(firstDemo.token);
    await expectDemoCurlWorks(secondDemo);
    await stopServer(second);

    // Still exactly one org, and its samples were not seeded a second time.
    expect(countRows(dbPath, 'select count(*) as n from orgs')).toBe(1);
    expect(countRows(dbPath, "select count(*) as n from datasets where source = 'znyx_sample'")).toBe(
      samplesAfterFirstStart,
    );
  });
});

describe('server entry (main.ts) lifecycle', () => {
  it('on SIGTERM lets an in-flight request finish, logs "shutting down", exits 0 and frees the port', async () => {
    const server = await startServer({ DATABASE_URL: newDbPath('shutdown') });

    // A request whose headers are still arriving when the signal comes.
    const socket: Socket = connect(server.port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve).once('error', reject);
    });
    let response = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      response += chunk;
    });
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');

    server.child.kill('SIGTERM');
    const shuttingDown = await waitFor(server, 'the "shutting down" log line', () =>
      logLines(server).find((l) => l.msg === 'shutting down'),
    );
    expect(shuttingDown.signal).toBe('SIGTERM');
    expect(server.child.exitCode).toBeNull();

    socket.write('\r\n');
    const answered = await waitFor(server, 'the in-flight response', () =>
      /\r\n\r\n\{.*\}$/s.test(response) ? response : undefined,
    );
    expect(answered).toMatch(/^HTTP\/1\.1 200 /);
    expect(answered).toContain('"status"');
    // The client is done; the server must not wait for anything else.
    socket.end();

    // Drained within the server's 10 s grace period (plus start-up slack).
    const exit = await Promise.race([
      server.exited,
      new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 15_000)),
    ]);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(await tryConnect(server.port)).toBe('ECONNREFUSED');
  });

  it('with an invalid PORT exits non-zero quickly with a message naming PORT and no stack trace', async () => {
    const started = Date.now();
    const server = spawnServer({ PORT: 'abc', DATABASE_URL: newDbPath('bad-port') });
    const exit = await Promise.race([
      server.exited,
      new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000)),
    ]);
    expect(exit).not.toBe('timeout');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((exit as Exit).code).not.toBe(0);
    expect((exit as Exit).code).not.toBeNull();
    expect(server.stderr()).toContain('PORT');
    expect(server.stderr()).not.toMatch(STACK_FRAME);
    expect(logLines(server).some((l) => l.msg === 'listening')).toBe(false);
  });

  it('applies migrations at start: a new DB in a not-yet-existing directory is created and /readyz is 200', async () => {
    const dbPath = join(tempDir, 'not', 'yet', 'there', 'fresh.db');
    expect(existsSync(dbPath)).toBe(false);
    const server = await startServer({ DATABASE_URL: `file:${dbPath}` });
    expect(existsSync(dbPath)).toBe(true);

    const ready = await fetch(`${server.url}/readyz`);
    await ready.text();
    expect(ready.status).toBe(200);
    const health = await fetch(`${server.url}/healthz`);
    await health.text();
    expect(health.status).toBe(200);

    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      const tables = db.prepare("select name from sqlite_master where type = 'table'").all() as {
        name: string;
      }[];
      expect(tables.map((t) => t.name)).toEqual(
        expect.arrayContaining(['orgs', 'api_tokens', 'datasets', 'dataset_samples']),
      );
    } finally {
      db.close();
    }
    await stopServer(server);
  });
});

/**
 * `pnpm bench`: List Datasets under load, every figure a ratio against a hand-written
 * reference server (bench/reference-server.mjs: node:http + better-sqlite3 prepared
 * statements over the same database file) measured in the same run.
 *
 * Load: wrk, 50 connections, the server pinned to CPU 0 and wrk to CPU 1, a mix of five
 * requests in turn (no filter, source=customer, categories=jailbreak,pii, both, offset at 90 %
 * of the org's 1,000 datasets). Servers: the reference; the product's production bundle
 * (`node apps/server/dist/main.mjs` with the node options of `pnpm start`, read from its script) with its answer cache on
 * (the default) and off (RESPONSE_CACHE_MB=0); and the same two over PostgreSQL.
 *
 * This machine's speed drifts by tens of percent within minutes, so the servers are measured in
 * rounds: each round runs the reference, then the product's configurations, one after the other,
 * and each ratio is taken against the reference of its own round. The table gives the median
 * over the rounds of each figure and of each ratio, and the per-round req/s ratios beside them.
 * The reference always reads the SQLite file (it is SQLite's hand-written server), also in the
 * rounds that measure the product over PostgreSQL.
 *
 * Then the flatness table: one connection, p50, an org of 100,000 datasets against one of
 * 1,000, first page and a page at 90 % depth reached by cursor, on both engines.
 *
 *   pnpm bench                          # everything (about 8 minutes)
 *   BENCH_ROUNDS=1 BENCH_SECONDS=5 BENCH_ENGINES=sqlite pnpm bench
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createOrgWithAdminToken, installFromCatalog } from '@znyx/api';
import { CATALOG, openStore, type Store } from '@znyx/db';
import { createTestDatabase, type TestDatabase } from '@znyx/db/testing';
import { generateDemoDatasets } from '../src/demo-data';
import { productionNodeOptions } from './production-command';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
// Long enough for V8 to have optimised the request path, as in a server that has run a while.
const WARMUP_SECONDS = 5;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ENGINES = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',');
const MIX_ORG_DATASETS = 1_000;
const FLAT_SIZES = [1_000, 100_000];

const SERVER_DIR = fileURLToPath(new URL('../', import.meta.url));
const BUNDLE = join(SERVER_DIR, 'dist/main.mjs');
const REFERENCE = join(SERVER_DIR, 'bench/reference-server.mjs');
const work = mkdtempSync(join(tmpdir(), 'znyx-bench-'));
const CLOCK_TICKS_PER_SECOND = 100;
const run = promisify(execFile);

interface Org {
  id: string;
  token: string;
}

/** An org of `count` datasets: the six ZNYX samples, a few installed benchmarks, the rest the team's own. */
async function seedOrg(store: Store, name: string, count: number): Promise<Org> {
  const { org, admin } = await createOrgWithAdminToken(store, name);
  const installs = CATALOG.filter((entry) => entry.source === 'industry_standard').slice(0, 4);
  for (const entry of installs) await installFromCatalog(store, org.id, entry.slug);
  const own = generateDemoDatasets(count - 6 - installs.length, count);
  for (let done = 0; done < own.length; done += 5_000) {
    await store.insertDatasets(org.id, own.slice(done, done + 5_000));
  }
  return { id: org.id, token: admin.token };
}

interface Seeded {
  url: string;
  mix: Org;
  flat: Map<number, Org>;
  drop(): Promise<void>;
}

async function seed(engine: string): Promise<Seeded> {
  const started = performance.now();
  const db: TestDatabase | undefined =
    engine === 'postgres' ? await createTestDatabase('postgres') : undefined;
  const url = db?.url ?? join(work, 'bench.db');
  const store = await openStore(url);
  // Other orgs around the measured ones, so no query gets the table to itself.
  for (let i = 0; i < 20; i++) await seedOrg(store, `Neighbour ${i}`, 1_000);
  const mix = await seedOrg(store, 'Mix', MIX_ORG_DATASETS);
  const flat = new Map<number, Org>();
  for (const size of FLAT_SIZES)
    flat.set(size, size === MIX_ORG_DATASETS ? mix : await seedOrg(store, `Flat ${size}`, size));
  await store.close();
  // What autovacuum would have done by now (it may be off, as on this machine): statistics,
  // without which the planner guesses row counts, and a visibility map for index-only scans.
  await db?.query('VACUUM ANALYZE');
  console.log(`${engine}: seeded in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return { url, mix, flat, drop: async () => db?.drop() };
}

interface Running {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Runs `use` against a server pinned to CPU 0, stopping the server whatever happens. */
async function withServer<T>(
  entry: string,
  env: Record<string, string>,
  use: (server: Running) => Promise<T>,
) {
  const server = await startPinned(entry, env);
  try {
    return await use(server);
  } finally {
    await server.stop();
  }
}

/** Starts a server pinned to CPU 0 and waits for its "listening" line; its logs are drained. */
async function startPinned(entry: string, env: Record<string, string>): Promise<Running> {
  const child: ChildProcess = spawn(
    'taskset',
    ['-c', '0', process.execPath, ...(entry === BUNDLE ? productionNodeOptions() : []), entry],
    {
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: '0',
        NODE_ENV: 'production',
        LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const line = buffered.split('\n').find((l) => l.includes('"msg":"listening"'));
      if (!line) return;
      // From here on the logs are drained and dropped, as a log shipper would take them.
      child.stdout?.off('data', onData);
      child.stdout?.resume();
      resolve({
        url: JSON.parse(line).url,
        pid: child.pid as number,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code}`)));
  });
}

/** CPU seconds the process has used so far (user + system). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

function rssMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

interface Load {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

/**
 * wrk on CPU 1, the paths in turn, parsed from its --latency report. It runs asynchronously, so this
 * process goes on draining the server's log pipe meanwhile: a blocked pipe would make the server's
 * logger buffer every request's line, and its RSS grow with the request rate.
 */
async function wrk(
  baseUrl: string,
  paths: string[],
  token: string,
  connections: number,
  seconds: number,
): Promise<Load> {
  const script = join(work, 'mix.lua');
  writeFileSync(
    script,
    `local paths = {${paths.map((p) => JSON.stringify(p)).join(', ')}}
local i = 0
wrk.headers["Authorization"] = "Bearer ${token}"
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
`,
  );
  const { stdout: out } = await run(
    'taskset',
    [
      '-c',
      '1',
      'wrk',
      '-t',
      '1',
      '-c',
      String(connections),
      '-d',
      `${seconds}s`,
      '--latency',
      '-s',
      script,
      baseUrl,
    ],
    { encoding: 'utf8' },
  );
  const ms = (label: string) => {
    const match = new RegExp(`${label}\\s+([\\d.]+)(us|ms|s)`).exec(out);
    if (!match) return Number.NaN;
    const value = Number(match[1]);
    return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
  };
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? Number.NaN);
  return {
    requests,
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN),
    p50: ms(' 50%'),
    p99: ms(' 99%'),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
  };
}

interface Row {
  name: string;
  load: Load;
  cpuUsPerRequest: number;
  rss: number;
}

/** One round: the reference, then each configuration of the product, one after the other. */
interface Round {
  reference: Row;
  rows: Row[];
}

async function measure(name: string, server: Running, org: Org, paths: string[]): Promise<Row> {
  await wrk(server.url, paths, org.token, CONNECTIONS, WARMUP_SECONDS);
  const cpuBefore = cpuSeconds(server.pid);
  const load = await wrk(server.url, paths, org.token, CONNECTIONS, SECONDS);
  const cpu = cpuSeconds(server.pid) - cpuBefore;
  const rss = rssMiB(server.pid, 'VmRSS');
  if (load.non2xx > 0) throw new Error(`${name}: ${load.non2xx} answers were not 2xx`);
  return { name, load, cpuUsPerRequest: (cpu / load.requests) * 1e6, rss };
}

function mixPaths(org: Org): string[] {
  const base = `/v1/orgs/${org.id}/datasets`;
  return [
    base,
    `${base}?source=customer`,
    `${base}?categories=jailbreak,pii`,
    `${base}?source=customer&categories=jailbreak,pii`,
    `${base}?offset=${Math.floor(MIX_ORG_DATASETS * 0.9)}`,
  ];
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

/** One line per server: the median over the rounds of each figure, and of each ratio to its round's reference. */
function printTable(title: string, rounds: Round[]) {
  console.log(`\n${title}`);
  console.log(
    '| server | req/s | × reference | per round | CPU µs/req | p99 ms | p99 × reference | RSS MiB | RSS × reference |',
  );
  console.log('|---|--:|--:|--:|--:|--:|--:|--:|--:|');
  const names = [rounds[0]?.reference.name ?? '', ...(rounds[0]?.rows.map((row) => row.name) ?? [])];
  names.forEach((name, index) => {
    const rows = rounds.map((round) => (index === 0 ? round.reference : (round.rows[index - 1] as Row)));
    const ratios = (figure: (row: Row) => number) =>
      rounds.map((round, r) => figure(rows[r] as Row) / figure(round.reference));
    const rps = ratios((row) => row.load.rps);
    console.log(
      `| ${name} | ${median(rows.map((row) => row.load.rps)).toFixed(0)} | ${median(rps).toFixed(2)} | ` +
        `${rps.map((ratio) => ratio.toFixed(2)).join(' ')} | ${median(rows.map((row) => row.cpuUsPerRequest)).toFixed(0)} | ` +
        `${median(rows.map((row) => row.load.p99)).toFixed(1)} | ${median(ratios((row) => row.load.p99)).toFixed(2)} | ` +
        `${median(rows.map((row) => row.rss)).toFixed(0)} | ${median(ratios((row) => row.rss)).toFixed(2)} |`,
    );
  });
}

/** One GET on a connection of its own (the server may close an idle kept-alive one between runs). */
function getJson(url: string, token: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { agent: false, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => {
        if (res.statusCode === 200) resolve(JSON.parse(body));
        else reject(new Error(`GET ${new URL(url).pathname}: ${res.statusCode}`));
      });
    });
    req.on('error', reject);
  });
}

/** A cursor for the page at `fraction` of the org's datasets, walked to by the server itself. */
async function cursorAt(server: Running, org: Org, fraction: number, total: number): Promise<string> {
  let cursor: string | undefined;
  for (let seen = 0; seen + 200 <= total * fraction; seen += 200) {
    const query = cursor ? `?limit=200&cursor=${encodeURIComponent(cursor)}` : '?limit=200';
    const page = (await getJson(`${server.url}/v1/orgs/${org.id}/datasets${query}`, org.token)) as {
      next_cursor?: string | null;
    };
    if (!page.next_cursor) throw new Error('the walk ended before its depth');
    cursor = page.next_cursor;
  }
  if (!cursor) throw new Error('no cursor');
  return cursor;
}

async function flatness(engine: string, seeded: Seeded) {
  const env = { DATABASE_URL: seeded.url, RATE_LIMIT_PER_MINUTE: '1000000000', RESPONSE_CACHE_MB: '0' };
  const results: Record<string, number[]> = { 'first page': [], 'page at 90 % by cursor': [] };
  await withServer(BUNDLE, env, async (server) => {
    const p50 = async (org: Org, path: string) => {
      await wrk(server.url, [path], org.token, 1, 1);
      return (await wrk(server.url, [path], org.token, 1, 3)).p50;
    };
    for (const size of FLAT_SIZES) {
      const org = seeded.flat.get(size) as Org;
      const base = `/v1/orgs/${org.id}/datasets`;
      results['first page']?.push(await p50(org, base));
      const cursor = await cursorAt(server, org, 0.9, size);
      results['page at 90 % by cursor']?.push(await p50(org, `${base}?cursor=${encodeURIComponent(cursor)}`));
    }
  });
  console.log(`\nFlatness, ${engine}: one connection, p50 ms, answer cache off`);
  console.log('| request | 1,000 datasets | 100,000 datasets | ratio |');
  console.log('|---|--:|--:|--:|');
  for (const [name, [small = 0, large = 0]] of Object.entries(results)) {
    console.log(`| ${name} | ${small.toFixed(2)} | ${large.toFixed(2)} | ${(large / small).toFixed(2)} |`);
  }
}

async function main() {
  if (!existsSync(BUNDLE)) throw new Error('no production bundle: run `pnpm build` first');
  try {
    execFileSync('sh', ['-c', 'command -v wrk && command -v taskset'], { stdio: 'ignore' });
  } catch {
    throw new Error('the benchmark needs wrk and taskset (Debian: apt-get install wrk util-linux)');
  }
  // The reference's database, kept for every round of every engine.
  const sqlite = await seed('sqlite');
  try {
    for (const engine of ENGINES) {
      const seeded = engine === 'sqlite' ? sqlite : await seed(engine);
      try {
        const rounds: Round[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          const reference = await withServer(REFERENCE, { DATABASE_URL: sqlite.url }, (server) =>
            measure(
              'hand-written node:http + better-sqlite3 (reference)',
              server,
              sqlite.mix,
              mixPaths(sqlite.mix),
            ),
          );
          const rows: Row[] = [];
          for (const [label, cacheMb] of [
            ['default (answer cache on)', undefined],
            ['RESPONSE_CACHE_MB=0', '0'],
          ] as const) {
            const env = {
              DATABASE_URL: seeded.url,
              // The budget is spent on every request, as in production, but this one token never runs out.
              RATE_LIMIT_PER_MINUTE: '1000000000',
              ...(cacheMb === undefined ? {} : { RESPONSE_CACHE_MB: cacheMb }),
            };
            rows.push(
              await withServer(BUNDLE, env, (server) =>
                measure(`this service on ${engine}, ${label}`, server, seeded.mix, mixPaths(seeded.mix)),
              ),
            );
          }
          rounds.push({ reference, rows });
        }
        printTable(
          `List Datasets mix, ${engine} (${CONNECTIONS} connections, ${SECONDS} s each, median of ${ROUNDS} rounds)`,
          rounds,
        );
        await flatness(engine, seeded);
      } finally {
        if (seeded !== sqlite) await seeded.drop();
      }
    }
  } finally {
    await sqlite.drop();
  }
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => rmSync(work, { recursive: true, force: true }));

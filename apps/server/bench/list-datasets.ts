/**
 * List Datasets under load: seeds a SQLite file with many orgs and one large org, starts the
 * real server as a child process (info-level JSON logs drained, rate limit off), and drives it with
 * autocannon. Prints throughput, latency percentiles and the server's peak RSS.
 *
 *   pnpm --filter @znyx/server bench            # defaults: 1,000 orgs x 100 datasets + one 20,000-dataset org
 *   BENCH_ORGS=200 BENCH_SECONDS=5 pnpm --filter @znyx/server bench
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOrgWithAdminToken } from '@znyx/api';
import { createSqliteStore } from '@znyx/db';
import autocannon from 'autocannon';
import { generateDemoDatasets } from '../src/demo-data';

const ORGS = Number(process.env.BENCH_ORGS ?? 1000);
const PER_ORG = Number(process.env.BENCH_PER_ORG ?? 100);
const BIG_ORG = Number(process.env.BENCH_BIG_ORG ?? 20_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);

const dir = mkdtempSync(join(tmpdir(), 'znyx-bench-'));
const dbPath = join(dir, 'bench.db');

async function seed() {
  const store = createSqliteStore(dbPath);
  const started = performance.now();
  let typical = { orgId: '', token: '' };
  for (let i = 0; i < ORGS; i++) {
    const { org, admin } = await createOrgWithAdminToken(store, `Org ${i}`);
    await store.insertDatasets(org.id, generateDemoDatasets(PER_ORG, i + 1));
    if (i === 0) typical = { orgId: org.id, token: admin.token };
  }
  const big = await createOrgWithAdminToken(store, 'Big Org');
  const bigOrgDatasets = generateDemoDatasets(BIG_ORG, 7);
  for (let done = 0; done < BIG_ORG; done += 5000) {
    await store.insertDatasets(big.org.id, bigOrgDatasets.slice(done, done + 5000));
  }
  await store.close();
  const total = ORGS * (PER_ORG + 6) + BIG_ORG + 6;
  console.log(
    `seeded ${total.toLocaleString()} datasets in ${ORGS + 1} orgs in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return { big: { orgId: big.org.id, token: big.admin.token }, typical };
}

async function startServer(): Promise<{ url: string; pid: number; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    // The per-token rate limit is off: this measures the list itself, from one token.
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: dbPath,
      LOG_LEVEL: 'info',
      RATE_LIMIT_PER_MINUTE: '0',
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const line = buffered.split('\n').find((l) => l.includes('"msg":"listening"'));
      if (!line) return;
      // From here on, logs are drained and dropped, as a log shipper would take them.
      child.stdout.off('data', onData);
      child.stdout.resume();
      resolve({ url: JSON.parse(line).url, pid: child.pid as number, stop: () => child.kill('SIGTERM') });
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

async function main() {
  const { big, typical } = await seed();
  const server = await startServer();
  const url = (org: { orgId: string }) => `${server.url}/v1/orgs/${org.orgId}/datasets`;
  const cases: [string, string, { orgId: string; token: string }][] = [
    [`typical org (${PER_ORG + 6}), first page`, '', typical],
    ['first page (limit 50)', '', big],
    ['source=customer', '?source=customer', big],
    ['categories=pii,toxicity', '?categories=pii,toxicity', big],
    ['source + categories', '?source=customer&categories=bias,jailbreak,pii', big],
    ['categories, no match', '?categories=nothing-here,nor-here', big],
    ['limit=200', '?limit=200', big],
    ['deep page offset=15000', '?offset=15000', big],
  ];
  console.log(
    `\n${CONNECTIONS} connections, ${SECONDS} s per case; unless said, the org with ${BIG_ORG + 6} datasets\n`,
  );
  console.log('case                          req/s    p50 ms  p97.5 ms  p99 ms  non-2xx');
  for (const [name, query, org] of cases) {
    const result = await autocannon({
      url: url(org) + query,
      connections: CONNECTIONS,
      duration: SECONDS,
      headers: { authorization: `Bearer ${org.token}` },
    });
    console.log(
      `${name.padEnd(28)} ${result.requests.average.toFixed(0).padStart(6)}  ${String(result.latency.p50).padStart(7)}  ${String(result.latency.p97_5).padStart(8)}  ${String(result.latency.p99).padStart(6)}  ${result.non2xx}`,
    );
  }
  console.log(`\nserver peak RSS: ${rssMb(server.pid).toFixed(0)} MB`);
  server.stop();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  rmSync(dir, { recursive: true, force: true });
  process.exit(1);
});

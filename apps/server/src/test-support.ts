import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOrgWithAdminToken, issueToken, type RateLimiter } from '@znyx/api';
import { createSqliteStore, type Store } from '@znyx/db';
import { SETTING_NAMES } from './env';
import { createLogger } from './logger';
import { startServer } from './server';

/** A real server on an ephemeral port over a fresh SQLite file, with its log lines captured. */
export async function startTestServer(options: { rateLimiter?: RateLimiter } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'znyx-server-'));
  const dbPath = join(dir, 'znyx.db');
  const store = createSqliteStore(dbPath);
  const logLines: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void logLines.push(line) });
  const running = await startServer({ store, logger, ...options, host: '127.0.0.1', port: 0 });
  return {
    url: running.url,
    dbPath,
    store,
    logLines,
    async close() {
      await running.close(1000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An org (samples seeded) with one token of each kind. */
export async function createOrgWithTokens(store: Store, name: string) {
  const { org, admin } = await createOrgWithAdminToken(store, name);
  const ci = await issueToken(store, { orgId: org.id, kind: 'ci' });
  const runtime = await issueToken(store, { orgId: org.id, kind: 'runtime' });
  return { org, admin: admin.token, ci: ci.token, runtime: runtime.token, runtimeId: runtime.record.id };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** This process's environment without any of the service's settings, for spawning the CLI or server. */
export function envWithoutSettings(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of SETTING_NAMES) delete env[name];
  return env;
}

/** Collects a child's stdout and stderr as they arrive. */
export function collectOutput(child: ChildProcess): { stdout: () => string; stderr: () => string } {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return { stdout: () => stdout, stderr: () => stderr };
}

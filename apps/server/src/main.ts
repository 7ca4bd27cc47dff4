// First: V8 settings that must hold before the rest is loaded.
import './v8-flags';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createAnswerCache,
  createOrgWithAdminToken,
  issueToken,
  perMinuteFailedCredentialLimiter,
  perMinuteRateLimiter,
} from '@znyx/api';
import { openStore, type Store } from '@znyx/db';
import { EnvError, loadEnv, storeOptions } from './env';
import { createLogger } from './logger';
import { connectRedis, type SharedRedis } from './redis';
import { type RunningServer, startServer } from './server';

const DEMO_ORG_NAME = 'Demo Org';
/** The built Console: the same folder from src/main.ts (tsx) and dist/main.mjs (the bundle). */
const CONSOLE_DIR = fileURLToPath(new URL('../../console/dist', import.meta.url));

/** `--demo`: make sure a demo org exists, mint it a fresh admin token, and say how to call the API. */
async function printDemo(store: Store, baseUrl: string, consoleServed: boolean): Promise<void> {
  const existing = await store.findOrgByName(DEMO_ORG_NAME);
  const { org, token } = existing
    ? { org: existing, token: (await issueToken(store, { orgId: existing.id, kind: 'admin' })).token }
    : await createOrgWithAdminToken(store, DEMO_ORG_NAME).then((r) => ({ org: r.org, token: r.admin.token }));
  process.stdout.write(
    [
      '',
      `ZNYX Datasets API on ${baseUrl}  (docs: ${baseUrl}/docs)`,
      consoleServed
        ? `Console:      ${baseUrl}/console/  (sign in with the admin token)`
        : 'Console:      not built (`pnpm demo` builds it; `pnpm dev` serves it on http://127.0.0.1:5173/console/)',
      `Demo org:     ${org.id}`,
      `Admin token:  ${token}`,
      '',
      'Try:',
      `  curl -s '${baseUrl}/v1/orgs/${org.id}/datasets' -H 'Authorization: Bearer ${token}'`,
      '',
    ].join('\n'),
  );
}

async function main(): Promise<void> {
  const env = loadEnv(process.env);
  const logger = createLogger(env.LOG_LEVEL);
  let running: RunningServer | undefined;
  let redis: SharedRedis | undefined;
  // Registered before anything starts, so a signal during start-up still exits cleanly.
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    (running ? running.close() : Promise.resolve())
      .then(() => redis?.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));

  const store = await openStore(env.DATABASE_URL, {
    ...storeOptions(env),
    onBackgroundError: (error) => logger.warn({ err: error }, 'idle database connection failed'),
  });
  // Budgets in Redis are shared by every process; without it each process counts alone.
  redis = env.REDIS_URL
    ? connectRedis(env.REDIS_URL, { timeoutMs: env.REDIS_TIMEOUT_MS, logger })
    : undefined;
  const shared = redis && { redis: redis.client, keyPrefix: env.REDIS_KEY_PREFIX };
  const rateLimiter =
    env.RATE_LIMIT_PER_MINUTE > 0 ? perMinuteRateLimiter(env.RATE_LIMIT_PER_MINUTE, shared) : undefined;
  const failedCredentialLimiter =
    env.AUTH_FAILURES_PER_MINUTE > 0
      ? perMinuteFailedCredentialLimiter(env.AUTH_FAILURES_PER_MINUTE, shared)
      : undefined;
  // The app mounts the Console only when it is built; the banner says which.
  const consoleServed = existsSync(join(CONSOLE_DIR, 'index.html'));
  running = await startServer({
    store,
    logger,
    rateLimiter,
    failedCredentialLimiter,
    trustProxy: env.TRUST_PROXY,
    answers: env.RESPONSE_CACHE_MB > 0 ? createAnswerCache(env.RESPONSE_CACHE_MB) : undefined,
    corsOrigins: env.CORS_ALLOWED_ORIGINS,
    consoleDir: CONSOLE_DIR,
    host: env.HOST,
    port: env.PORT,
  });
  logger.info(
    { url: running.url, engine: store.engine, rateBudgets: redis ? 'redis' : 'process' },
    'listening',
  );
  if (process.argv.includes('--demo')) await printDemo(store, running.url, consoleServed);
}

main().catch((error: unknown) => {
  const message = error instanceof EnvError ? error.message : `Failed to start: ${String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});

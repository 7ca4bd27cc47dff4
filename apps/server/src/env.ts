import { z } from 'zod';

/** Every setting the server and the CLI read, validated once at start-up. */
const EnvSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number<number>().int().min(0).max(65_535).default(3000),
  /** `postgres://…` / `postgresql://…`, `file:/absolute/path.db`, or a plain SQLite path. */
  DATABASE_URL: z.string().min(1).default('./data/znyx.db'),
  /** PostgreSQL only: connections per process, statement timeout, and connect timeout (ms). */
  DB_POOL_SIZE: z.coerce.number<number>().int().min(1).max(1000).default(10),
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number<number>().int().min(1).default(5_000),
  DB_CONNECT_TIMEOUT_MS: z.coerce.number<number>().int().min(1).default(2_000),
  /** Requests per minute per token (shared by every process with REDIS_URL); 0 turns the limit off. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number<number>().int().min(0).default(1200),
  /**
   * `redis://[:password@]host:port[/db]` or `rediss://…`: the rate budgets every process of the
   * deployment shares. Unset: each process counts alone.
   */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, { error: 'expected redis://host:port or rediss://host:port' })
    .optional(),
  /** The first part of every Redis key, so deployments (or test runs) sharing a Redis stay apart. */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/)
    .default('znyx'),
  /** How long a Redis connect or command may take before the process counts in its own memory, in ms. */
  REDIS_TIMEOUT_MS: z.coerce.number<number>().int().min(1).max(60_000).default(500),
  /** The answer cache's bound, in MiB of answers; 0 turns it off (ETags and 304 stay). */
  RESPONSE_CACHE_MB: z.coerce.number<number>().min(0).max(65_536).default(64),
  /** Failed credentials per minute per client address before it gets 429s; 0 turns the limit off. */
  AUTH_FAILURES_PER_MINUTE: z.coerce.number<number>().int().min(0).default(120),
  /**
   * Which proxies in front may name the client in X-Forwarded-For (Express's `trust proxy`):
   * `false` (default: the peer address is the client), `true`, a hop count, or a comma-separated
   * list of addresses, subnets or `loopback` / `linklocal` / `uniquelocal`.
   */
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((value): boolean | number | string => {
      if (value === 'true' || value === 'false') return value === 'true';
      return /^\d+$/.test(value) ? Number(value) : value;
    }),
  /** Comma-separated origins allowed to call /v1 from a browser; `*` (default) allows any. */
  CORS_ALLOWED_ORIGINS: z
    .string()
    .default('*')
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    ),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type Env = z.infer<typeof EnvSchema>;

/** The names of every setting, e.g. for tests that must start a process without inherited ones. */
export const SETTING_NAMES = Object.keys(EnvSchema.shape) as (keyof Env)[];

export class EnvError extends Error {}

export function loadEnv(source: Record<string, string | undefined>): Env {
  // An empty variable means "unset", as in most shells' `FOO= cmd`.
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new EnvError(`Invalid environment: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** The store options a process derives from its settings. */
export function storeOptions(env: Env) {
  return {
    poolSize: env.DB_POOL_SIZE,
    statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
    connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS,
  };
}

import { Redis } from 'ioredis';
import type { Logger } from './logger';

/** The deployment's Redis: the shared rate budgets. */
export interface SharedRedis {
  client: Redis;
  /** True while commands can reach Redis. */
  reachable(): boolean;
  close(): Promise<void>;
}

/** How long between reconnect attempts, at most (they start at 50 ms and grow). */
const LONGEST_RECONNECT_PAUSE_MS = 1_000;

/**
 * A client that never makes a request wait for Redis: while it is not connected, commands fail
 * at once (no offline queue, no retry of a command) and the rate limiter counts in this
 * process's memory; a connect or command taking over `timeoutMs` fails the same way. It keeps
 * reconnecting in the background. Each change between reachable and unreachable is logged once,
 * with the error's code only (a Redis URL may hold a password).
 */
export function connectRedis(url: string, options: { timeoutMs: number; logger: Logger }): SharedRedis {
  const { logger, timeoutMs } = options;
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 10), LONGEST_RECONNECT_PAUSE_MS),
  });
  let state: 'connecting' | 'reachable' | 'unreachable' | 'closed' = 'connecting';
  const become = (next: 'reachable' | 'unreachable', error?: { code?: unknown }) => {
    // A connection this process closes on purpose (shutdown) is no outage.
    if (state === next || state === 'closed') return;
    state = next;
    if (next === 'reachable') logger.info('redis reachable: rate budgets shared by every process');
    else {
      const code = typeof error?.code === 'string' ? error.code : undefined;
      logger.warn({ code }, 'redis unreachable: rate budgets counted per process until it answers');
    }
  };
  client.on('ready', () => become('reachable'));
  client.on('error', (error: { code?: unknown }) => {
    if (client.status !== 'ready') become('unreachable', error);
  });
  client.on('close', () => become('unreachable'));
  return {
    client,
    reachable: () => client.status === 'ready',
    async close() {
      state = 'closed';
      client.disconnect();
    },
  };
}

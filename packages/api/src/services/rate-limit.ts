import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { ApiError } from '../errors';

/** A token's budget after a request: what the RateLimit-* headers of its answer say. */
export interface RateBudget {
  /** Requests allowed per window. */
  limit: number;
  /** Requests left in the current window. */
  remaining: number;
  /** Seconds until the window ends and the budget is whole again. */
  resetSeconds: number;
}

/**
 * Counts calls per key (a token id): resolves with the budget left, or throws a 429 ApiError
 * (with `rateBudget` and `retryAfterSeconds` set) once the key is over its budget.
 */
export interface RateLimiter {
  consume(key: string): Promise<RateBudget>;
}

/**
 * Counters every server process shares: a Redis client (ioredis) and the prefix of this
 * deployment's keys. While Redis cannot answer, each process counts in its own memory
 * (rate-limiter-flexible's insurance limiter) and goes back to Redis once it answers again.
 */
export interface SharedCounters {
  /** An ioredis client; created with `enableOfflineQueue: false`, so a lost Redis fails fast. */
  redis: unknown;
  keyPrefix: string;
}

const WINDOW_SECONDS = 60;

/** A fixed window per key, in Redis when `shared` is given (in memory while Redis is away), else in memory. */
function windowLimiter(
  name: string,
  points: number,
  shared: SharedCounters | undefined,
): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ points, duration: WINDOW_SECONDS });
  if (!shared) return memory;
  return new RateLimiterRedis({
    storeClient: shared.redis,
    keyPrefix: `${shared.keyPrefix}:${name}`,
    points,
    duration: WINDOW_SECONDS,
    // Not connected: straight to the insurance limiter rather than waiting for a reconnect.
    rejectIfRedisNotReady: true,
    insuranceLimiter: memory,
  });
}

const secondsUntil = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * A fixed one-minute window per key. With `shared`, every process of the deployment spends
 * the same budget; without it, each process counts alone (N processes allow N times the limit).
 */
export function perMinuteRateLimiter(requestsPerMinute: number, shared?: SharedCounters): RateLimiter {
  const limiter = windowLimiter('rate', requestsPerMinute, shared);
  return {
    async consume(key) {
      try {
        const spent = await limiter.consume(key);
        return {
          limit: requestsPerMinute,
          remaining: spent.remainingPoints,
          resetSeconds: secondsUntil(spent.msBeforeNext),
        };
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        const retryAfterSeconds = secondsUntil(rejection.msBeforeNext);
        const error = ApiError.rateLimited(
          `Rate limit of ${requestsPerMinute} requests per minute exceeded; retry in ${retryAfterSeconds} s`,
          retryAfterSeconds,
        );
        error.rateBudget = { limit: requestsPerMinute, remaining: 0, resetSeconds: retryAfterSeconds };
        throw error;
      }
    },
  };
}

/**
 * Failed credentials per client address. An attempt is counted before its lookup and handed
 * back when the credential was good, so concurrent guesses cannot overshoot the budget.
 */
export interface FailedCredentialLimiter {
  /** Counts an attempt from `address`; throws a 429 ApiError, and counts nothing, when over budget. */
  begin(address: string): Promise<void>;
  /** The attempt was not a failed credential (it succeeded, or the database could not tell). */
  refund(address: string): Promise<void>;
}

/** A one-minute window of failed credentials per address: shared through Redis with `shared`, else per process. */
export function perMinuteFailedCredentialLimiter(
  failuresPerMinute: number,
  shared?: SharedCounters,
): FailedCredentialLimiter {
  const limiter = windowLimiter('auth-failures', failuresPerMinute, shared);
  return {
    async begin(address) {
      try {
        await limiter.consume(address);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        const retryAfterSeconds = secondsUntil(rejection.msBeforeNext);
        throw ApiError.rateLimited(
          `Too many failed credentials from this address; retry in ${retryAfterSeconds} s`,
          retryAfterSeconds,
        );
      }
    },
    async refund(address) {
      await limiter.reward(address, 1);
    },
  };
}

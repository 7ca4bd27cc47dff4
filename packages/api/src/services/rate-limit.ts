import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { ApiError } from '../errors';

/** Counts calls per key (a token id) and throws a 429 ApiError once the key is over its budget. */
export interface RateLimiter {
  consume(key: string): Promise<void>;
}

/**
 * A fixed one-minute window per key, kept in this process's memory: with N processes behind a
 * load balancer a token can make up to N times the limit.
 */
export function perMinuteRateLimiter(requestsPerMinute: number): RateLimiter {
  const limiter = new RateLimiterMemory({ points: requestsPerMinute, duration: 60 });
  return {
    async consume(key) {
      try {
        await limiter.consume(key);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        throw ApiError.rateLimited(
          `Rate limit of ${requestsPerMinute} requests per minute exceeded; retry in ${retryAfterSeconds} s`,
          retryAfterSeconds,
        );
      }
    },
  };
}

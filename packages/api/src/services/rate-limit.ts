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

/** A one-minute window of failed credentials per address, in this process's memory. */
export function perMinuteFailedCredentialLimiter(failuresPerMinute: number): FailedCredentialLimiter {
  const limiter = new RateLimiterMemory({ points: failuresPerMinute, duration: 60 });
  return {
    async begin(address) {
      try {
        await limiter.consume(address);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
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

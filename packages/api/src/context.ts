import type { IncomingHttpHeaders } from 'node:http';
import type { Store } from '@znyx/db';
import { ApiError } from './errors';
import type { FailedCredentialLimiter, RateBudget, RateLimiter } from './services/rate-limit';
import { type Actor, resolveActor } from './services/tokens';

/**
 * What a request presented as its credential, before anyone looked it up:
 * `Authorization: Bearer <token>` wins; without that header, `X-API-Key: <token>`.
 */
export type Credential = { kind: 'none' } | { kind: 'malformed' } | { kind: 'token'; token: string };

export function credentialFromHeaders(headers: IncomingHttpHeaders): Credential {
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(authorization);
    return match?.[1] ? { kind: 'token', token: match[1] } : { kind: 'malformed' };
  }
  const apiKey = headers['x-api-key'];
  if (apiKey === undefined) return { kind: 'none' };
  if (Array.isArray(apiKey) || apiKey.trim() === '') return { kind: 'malformed' };
  return { kind: 'token', token: apiKey.trim() };
}

/** Per-request context, the same for /trpc and the REST paths. */
export interface Context {
  store: Store;
  credential: Credential;
  requestId: string;
  /** The caller's network address (the proxy's client when the proxy is trusted). */
  clientAddress: string;
  /** Per-token request budget; absent means no limit. */
  rateLimiter?: RateLimiter;
  /** Per-address budget of failed credentials; absent means no limit. */
  failedCredentialLimiter?: FailedCredentialLimiter;
  /** The credential's actor, looked up at most once per HTTP request (401/429 otherwise). */
  authenticate(): Promise<Actor>;
  /**
   * Spends one unit of the token's rate budget (a 429 when none is left). The budget left is
   * handed to the transport (`onBudget`), which puts it in the answer's RateLimit-* headers.
   */
  spendBudget(tokenId: string): Promise<void>;
  /**
   * What a procedure tells the transport beyond its answer: a REST success status other than
   * 200 (e.g. 201 Created), and, for a GET answer that may be cached, the org and the org
   * version it was read at (its ETag; see services/answers.ts).
   */
  response: { status?: number; cacheable?: { orgId: string; version: number } };
}

export function createContext(input: {
  store: Store;
  headers: IncomingHttpHeaders;
  requestId: string;
  clientAddress: string;
  rateLimiter?: RateLimiter;
  failedCredentialLimiter?: FailedCredentialLimiter;
  /** Called with the token's budget each time it is spent, the 429 included. */
  onBudget?: (budget: RateBudget) => void;
}): Context {
  let actor: Promise<Actor> | undefined;
  const context: Context = {
    store: input.store,
    credential: credentialFromHeaders(input.headers),
    requestId: input.requestId,
    clientAddress: input.clientAddress,
    rateLimiter: input.rateLimiter,
    failedCredentialLimiter: input.failedCredentialLimiter,
    authenticate: () => {
      actor ??= resolveActor(context);
      return actor;
    },
    spendBudget: async (tokenId) => {
      if (!input.rateLimiter) return;
      try {
        input.onBudget?.(await input.rateLimiter.consume(tokenId));
      } catch (error) {
        if (error instanceof ApiError && error.rateBudget) input.onBudget?.(error.rateBudget);
        throw error;
      }
    },
    response: {},
  };
  return context;
}

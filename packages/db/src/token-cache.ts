import { LRUCache } from 'lru-cache';
import { TOKEN_USE_GRANULARITY_MS, type TokenRecord } from './model';
import type { StoreMethods } from './store';

/** How long a looked-up token is trusted without asking the database again, by default. */
export const DEFAULT_TOKEN_CACHE_MS = 500;

/** Tokens kept at most; the least recently used leave first. */
const MAX_CACHED_TOKENS = 10_000;

/**
 * Token lookups kept for a moment. Every request's credential is looked up by its hash, so a
 * busy token would otherwise cost a statement (on PostgreSQL a round trip) per request. A token
 * revoked through this store is dropped at once; one revoked elsewhere (another server process,
 * the CLI) is refused once its entry expires, within `ttlMs` — under the second the contract
 * allows. Expiry needs nothing: the record holds `expiresAt`, which every request checks. Only
 * tokens that exist are kept, so unknown ones cannot crowd them out.
 */
export function cachingTokenLookups(methods: StoreMethods, ttlMs: number): StoreMethods {
  if (ttlMs <= 0) return methods;
  const tokens = new LRUCache<string, TokenRecord>({ max: MAX_CACHED_TOKENS, ttl: ttlMs });
  // Moves when a revocation through here begins and when it ends: a lookup that overlapped one
  // keeps nothing, since it may have read the row before the revocation wrote it.
  let revocations = 0;
  const keep = (hash: string, record: TokenRecord | null, revocationsBefore: number) => {
    if (record && revocations === revocationsBefore) tokens.set(hash, Object.freeze(record));
    return record;
  };
  const forget = (id: string) => {
    for (const [hash, record] of tokens.entries()) if (record.id === id) tokens.delete(hash);
  };
  return {
    ...methods,
    findTokenByHash: (hash) => {
      const kept = tokens.get(hash);
      if (kept) return kept;
      const before = revocations;
      const found = methods.findTokenByHash(hash);
      return found instanceof Promise
        ? found.then((record) => keep(hash, record, before))
        : keep(hash, found, before);
    },
    revokeToken: (id, orgId) => {
      const settled = () => {
        revocations++;
        forget(id);
      };
      settled();
      try {
        const revoked = methods.revokeToken(id, orgId);
        return revoked instanceof Promise ? revoked.finally(settled) : revoked;
      } finally {
        settled();
      }
    },
  };
}

/**
 * A token's uses, written at most once per TOKEN_USE_GRANULARITY_MS by this store (the
 * statement itself skips a row another process wrote within that time): a busy token costs a
 * write a minute, not a write a request.
 */
export function throttledTokenUses(methods: StoreMethods): StoreMethods {
  const written = new LRUCache<string, number>({ max: MAX_CACHED_TOKENS });
  return {
    ...methods,
    touchToken: (id) => {
      const now = Date.now();
      if (now - (written.get(id) ?? Number.NEGATIVE_INFINITY) < TOKEN_USE_GRANULARITY_MS) return undefined;
      written.set(id, now);
      return methods.touchToken(id);
    },
  };
}

import { LRUCache } from 'lru-cache';
import type { Context } from '../context';
import { fromStoreError } from '../errors';
import { requireOrgAccess } from './tokens';

/**
 * The answer cache: the serialised body of a GET answer, kept with the org's version it was
 * read at. It is exact: before an answer is served again the org's current version is read
 * (one indexed lookup), and every write to the org's datasets, by any process, changes that
 * version in its own transaction (dataset_counts triggers). The credential, the rate budget and
 * the org access are checked as the procedure would check them, on every request.
 */

/** A cacheable answer: what the procedure read, and the org version it was read at. */
export interface Answer {
  orgId: string;
  version: number;
  /** The answer's body, as sent. */
  body: Buffer;
}

export interface AnswerCache {
  get(key: string): Answer | undefined;
  set(key: string, answer: Answer): void;
  delete(key: string): void;
}

/** An answer cache holding at most `megabytes` of bodies (least recently used first out). */
export function createAnswerCache(megabytes: number): AnswerCache {
  const cache = new LRUCache<string, Answer>({
    maxSize: megabytes * 1024 * 1024,
    // Keys and bookkeeping count too, so many tiny answers cannot outgrow the bound.
    sizeCalculation: (answer, key) => answer.body.length + key.length * 2 + 200,
  });
  return {
    get: (key) => cache.get(key),
    set: (key, answer) => {
      cache.set(key, answer);
    },
    delete: (key) => {
      cache.delete(key);
    },
  };
}

/**
 * The cached answer for `key` if it is still the current one, after the checks the procedure
 * would make, in its order: the credential (401), the rate budget (429), the org access (403).
 * Undefined when there is none, or the org changed since: then the procedure runs, and no
 * budget was spent here for it.
 */
export async function currentAnswer(
  ctx: Context,
  cache: AnswerCache,
  key: string,
): Promise<Answer | undefined> {
  const answer = cache.get(key);
  if (!answer) return undefined;
  try {
    const actor = await ctx.authenticate();
    if ((await ctx.store.orgVersion(answer.orgId)) !== answer.version) {
      cache.delete(key);
      return undefined;
    }
    await ctx.spendBudget(actor.tokenId);
    requireOrgAccess(actor, answer.orgId, 'read');
    return answer;
  } catch (error) {
    throw fromStoreError(error) ?? error;
  }
}

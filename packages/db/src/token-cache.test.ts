/**
 * The token cache over both engines, on real databases: a revocation through the store is seen
 * at once, one made behind it (another process) within the cache's time, and a lookup that
 * overlaps a revocation never keeps the row it read.
 */
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from './open-store';
import type { Store } from './store';
import { createTestDatabase, TEST_ENGINES, type TestDatabase } from './testing';

// Long enough that the revocation behind the store lands within it on a loaded CI machine.
const TTL_MS = 1_500;

describe.each(TEST_ENGINES)('token lookups over %s', (engine) => {
  let db: TestDatabase;
  let store: Store;
  let orgId: string;

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    store = await openStore(db.url, { tokenCacheMs: TTL_MS });
    orgId = (await store.createOrg({ name: 'Tokens' })).org.id;
    // The raw connection is opened now, not inside a test's cache time.
    await db.query('SELECT 1');
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  async function newToken() {
    const tokenHash = createHash('sha256').update(randomUUID()).digest('hex');
    const record = await store.createToken({
      orgId,
      kind: 'runtime',
      scopes: ['read'],
      tokenHash,
      tokenPrefix: 'znyx_rt_abcd',
      expiresAt: null,
    });
    return { hash: tokenHash, record };
  }
  /** A revocation made behind the store, as another process would make it. */
  const revokeBehind = (id: string) =>
    db.query(
      `UPDATE api_tokens SET revoked_at = created_at WHERE id = ${engine === 'postgres' ? '$1' : '?'}`,
      [id],
    );

  it('answers a token from the cache for up to its time, then from the database', async () => {
    const { hash, record } = await newToken();
    expect((await store.findTokenByHash(hash))?.revokedAt).toBeNull();
    const keptAt = performance.now();
    await revokeBehind(record.id);
    // Within the time: the kept record (the database would say revoked).
    expect((await store.findTokenByHash(hash))?.revokedAt).toBeNull();
    expect(performance.now() - keptAt).toBeLessThan(TTL_MS);
    await new Promise((resolve) => setTimeout(resolve, TTL_MS + 50));
    expect((await store.findTokenByHash(hash))?.revokedAt).toEqual(record.createdAt);
  });

  it('sees a revocation through the store at once', async () => {
    const { hash, record } = await newToken();
    expect((await store.findTokenByHash(hash))?.revokedAt).toBeNull();
    const revoked = await store.revokeToken(record.id);
    expect(revoked?.revokedAt).toBeInstanceOf(Date);
    expect((await store.findTokenByHash(hash))?.revokedAt).toEqual(revoked?.revokedAt);
  });

  it('keeps nothing a lookup read while a revocation was under way', async () => {
    const { hash, record } = await newToken();
    const [during] = await Promise.all([store.findTokenByHash(hash), store.revokeToken(record.id)]);
    expect(during?.id).toBe(record.id);
    expect((await store.findTokenByHash(hash))?.revokedAt).toBeInstanceOf(Date);
  });

  it('never keeps an unknown token: one created afterwards is found', async () => {
    const tokenHash = createHash('sha256').update(randomUUID()).digest('hex');
    expect(await store.findTokenByHash(tokenHash)).toBeNull();
    await store.createToken({
      orgId,
      kind: 'ci',
      scopes: ['read', 'write'],
      tokenHash,
      tokenPrefix: 'znyx_ci_abcd',
      expiresAt: null,
    });
    expect((await store.findTokenByHash(tokenHash))?.kind).toBe('ci');
  });

  it('with tokenCacheMs 0 asks the database every time', async () => {
    const uncached = await openStore(db.url, { tokenCacheMs: 0 });
    try {
      const { hash, record } = await newToken();
      expect((await uncached.findTokenByHash(hash))?.revokedAt).toBeNull();
      await revokeBehind(record.id);
      expect((await uncached.findTokenByHash(hash))?.revokedAt).toEqual(record.createdAt);
    } finally {
      await uncached.close();
    }
  });
});

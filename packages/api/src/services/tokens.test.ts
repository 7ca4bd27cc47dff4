import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore, type OrgRecord, type Store, type TokenKind } from '@znyx/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../errors';
import {
  type Actor,
  authenticateToken,
  DEFAULT_SCOPES,
  hashToken,
  issueToken,
  requireOrgAccess,
} from './tokens';

let dir: string;
let store: Store;
let org: OrgRecord;
let otherOrg: OrgRecord;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'znyx-tokens-'));
  store = createSqliteStore(join(dir, 'tokens.db'));
  org = (await store.createOrg({ name: 'Token Service Org' })).org;
  otherOrg = (await store.createOrg({ name: 'Token Service Other Org' })).org;
});

afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const sha256Hex = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

/** Runs `action` and returns the ApiError it threw, failing the test when it throws nothing or something else. */
async function apiErrorFrom(action: () => unknown): Promise<ApiError> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('expected an ApiError, but nothing was thrown');
}

const LABELS: [TokenKind, string][] = [
  ['runtime', 'znyx_rt_'],
  ['ci', 'znyx_ci_'],
  ['admin', 'znyx_admin_'],
];

describe('issueToken', () => {
  it.each(LABELS)('issues a %s token as %s followed by 43 base64url characters', async (kind, label) => {
    const { token } = await issueToken(store, { orgId: org.id, kind });
    expect(token.startsWith(label)).toBe(true);
    const secret = token.slice(label.length);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
  });

  it('gives each kind its default scopes', async () => {
    const scopesOf = async (kind: TokenKind) =>
      (await issueToken(store, { orgId: org.id, kind })).record.scopes;
    expect(await scopesOf('runtime')).toEqual(['read']);
    expect(await scopesOf('ci')).toEqual(['read', 'write']);
    expect(await scopesOf('admin')).toEqual(['read', 'write', 'admin']);
    expect(DEFAULT_SCOPES).toEqual({
      runtime: ['read'],
      ci: ['read', 'write'],
      admin: ['read', 'write', 'admin'],
    });
  });

  it('records the org, kind and expiry of the token', async () => {
    const expiresAt = new Date('2040-01-01T00:00:00.000Z');
    const { record } = await issueToken(store, { orgId: org.id, kind: 'ci', expiresAt });
    expect(record.orgId).toBe(org.id);
    expect(record.kind).toBe('ci');
    expect(record.expiresAt?.toISOString()).toBe('2040-01-01T00:00:00.000Z');
    expect(record.revokedAt).toBeNull();
    expect((await issueToken(store, { orgId: org.id, kind: 'ci' })).record.expiresAt).toBeNull();
  });

  it.each(LABELS)('stores only a short, non-secret display prefix of a %s token', async (kind, label) => {
    const { token, record } = await issueToken(store, { orgId: org.id, kind });
    expect(token.startsWith(record.tokenPrefix)).toBe(true);
    expect(record.tokenPrefix.startsWith(label)).toBe(true);
    // At most a handful of the 43 secret characters are shown.
    expect(record.tokenPrefix.length - label.length).toBeLessThanOrEqual(8);
    expect(record.tokenPrefix.length).toBeLessThan(token.length);
    expect(record).not.toHaveProperty('tokenHash');
  });

  it('stores the SHA-256 hex digest of the token, and never the token itself', async () => {
    const { token, record } = await issueToken(store, { orgId: org.id, kind: 'runtime' });
    expect(hashToken(token)).toBe(sha256Hex(token));
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect((await store.findTokenByHash(sha256Hex(token)))?.id).toBe(record.id);
    expect(await store.findTokenByHash(token)).toBeNull();
  });

  it('issues a different secret every time', async () => {
    const tokens = new Set<string>();
    for (let i = 0; i < 10; i += 1)
      tokens.add((await issueToken(store, { orgId: org.id, kind: 'admin' })).token);
    expect(tokens.size).toBe(10);
  });
});

describe('authenticateToken', () => {
  it.each(LABELS)('resolves a valid %s token to its actor', async (kind) => {
    const { token, record } = await issueToken(store, { orgId: org.id, kind });
    const actor = await authenticateToken(store, token);
    expect(actor).toEqual({
      tokenId: record.id,
      orgId: org.id,
      kind,
      scopes: DEFAULT_SCOPES[kind],
      tokenPrefix: record.tokenPrefix,
      expiresAt: null,
    });
  });

  it.each([
    ['an empty string', ''],
    ['a random word', 'hello'],
    ['an unknown kind label', `znyx_xx_${'A'.repeat(43)}`],
    ['a secret that is too short', `znyx_rt_${'A'.repeat(42)}`],
    ['a secret that is too long', `znyx_rt_${'A'.repeat(44)}`],
    ['a secret with non-base64url characters', `znyx_rt_${'A'.repeat(42)}+`],
    ['a token with surrounding spaces', ` znyx_rt_${'A'.repeat(43)} `],
  ])('rejects %s as unauthorized', async (_label, token) => {
    const error = await apiErrorFrom(() => authenticateToken(store, token));
    expect(error.reason).toBe('unauthorized');
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.detail).toBe('Invalid authentication credentials');
  });

  it('rejects a well-formed token that was never issued as unauthorized', async () => {
    const error = await apiErrorFrom(() => authenticateToken(store, `znyx_rt_${'A'.repeat(43)}`));
    expect(error.reason).toBe('unauthorized');
    expect(error.detail).toBe('Invalid authentication credentials');
  });

  it('rejects an issued token with one character changed as unauthorized', async () => {
    const { token } = await issueToken(store, { orgId: org.id, kind: 'runtime' });
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    const error = await apiErrorFrom(() => authenticateToken(store, token.slice(0, -1) + last));
    expect(error.reason).toBe('unauthorized');
    expect(error.detail).toBe('Invalid authentication credentials');
  });

  it('rejects a token whose expiresAt is in the past as unauthorized', async () => {
    const { token } = await issueToken(store, {
      orgId: org.id,
      kind: 'runtime',
      expiresAt: new Date(Date.now() - 60_000),
    });
    const error = await apiErrorFrom(() => authenticateToken(store, token));
    expect(error.reason).toBe('unauthorized');
    expect(error.detail).toBe('Token has expired');
  });

  it('accepts a token until its expiry instant and rejects it from that instant on', async () => {
    const expiresAt = new Date('2035-05-05T05:05:05.005Z');
    const { token, record } = await issueToken(store, { orgId: org.id, kind: 'ci', expiresAt });
    const justBefore = new Date(expiresAt.getTime() - 1);
    expect((await authenticateToken(store, token, justBefore)).tokenId).toBe(record.id);
    const atExpiry = await apiErrorFrom(() => authenticateToken(store, token, expiresAt));
    expect(atExpiry.reason).toBe('unauthorized');
    expect(atExpiry.detail).toBe('Token has expired');
  });

  it('rejects a revoked token as unauthorized', async () => {
    const { token, record } = await issueToken(store, { orgId: org.id, kind: 'admin' });
    expect((await authenticateToken(store, token)).tokenId).toBe(record.id);
    await store.revokeToken(record.id);
    const error = await apiErrorFrom(() => authenticateToken(store, token));
    expect(error.reason).toBe('unauthorized');
    expect(error.detail).toBe('Token has been revoked');
  });
});

describe('requireOrgAccess', () => {
  let runtimeActor: Actor;

  beforeAll(async () => {
    const { token } = await issueToken(store, { orgId: org.id, kind: 'runtime' });
    runtimeActor = await authenticateToken(store, token);
  });

  const mixedCase = (id: string) =>
    [...id].map((ch, index) => (index % 2 === 0 ? ch.toUpperCase() : ch.toLowerCase())).join('');

  it('passes for the actor’s own org in any case of the uuid', () => {
    expect(() => requireOrgAccess(runtimeActor, org.id, 'read')).not.toThrow();
    expect(() => requireOrgAccess(runtimeActor, org.id.toUpperCase(), 'read')).not.toThrow();
    expect(() => requireOrgAccess(runtimeActor, mixedCase(org.id), 'read')).not.toThrow();
  });

  it('forbids another existing org', async () => {
    const error = await apiErrorFrom(() => requireOrgAccess(runtimeActor, otherOrg.id, 'read'));
    expect(error.reason).toBe('forbidden');
    expect(error.code).toBe('FORBIDDEN');
    expect(error.detail).toBe('Token does not have access to this organization');
  });

  it('answers an org that does not exist exactly like another existing org', async () => {
    const missing = await apiErrorFrom(() => requireOrgAccess(runtimeActor, randomUUID(), 'read'));
    const existing = await apiErrorFrom(() => requireOrgAccess(runtimeActor, otherOrg.id, 'read'));
    expect(missing.reason).toBe('forbidden');
    expect(missing.detail).toBe(existing.detail);
  });

  it('forbids an actor that lacks the required scope', async () => {
    const actor: Actor = {
      tokenId: randomUUID(),
      orgId: org.id,
      kind: 'runtime',
      scopes: ['read'],
      tokenPrefix: 'znyx_rt_abcd',
      expiresAt: null,
    };
    expect(() => requireOrgAccess(actor, org.id, 'read')).not.toThrow();
    const error = await apiErrorFrom(() => requireOrgAccess(actor, org.id, 'write'));
    expect(error.reason).toBe('forbidden');
    expect(error.detail).toBe("Token lacks the 'write' scope required for this operation");
  });

  it('forbids a runtime token from writing and a ci token from admin operations', async () => {
    const ci = await authenticateToken(store, (await issueToken(store, { orgId: org.id, kind: 'ci' })).token);
    expect((await apiErrorFrom(() => requireOrgAccess(runtimeActor, org.id, 'write'))).reason).toBe(
      'forbidden',
    );
    expect(() => requireOrgAccess(ci, org.id, 'write')).not.toThrow();
    expect((await apiErrorFrom(() => requireOrgAccess(ci, org.id, 'admin'))).reason).toBe('forbidden');
  });
});

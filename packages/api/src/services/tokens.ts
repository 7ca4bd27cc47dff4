import { createHash, randomBytes } from 'node:crypto';
import type { NewOrgToken, Scope, Store, TokenKind, TokenRecord } from '@znyx/db';
import type { Context } from '../context';
import { ApiError } from '../errors';

/** The label a token carries after `znyx_`, so a leaked token says what it can do. */
const KIND_LABEL: Record<TokenKind, string> = { runtime: 'rt', ci: 'ci', admin: 'admin' };

export const DEFAULT_SCOPES: Record<TokenKind, Scope[]> = {
  runtime: ['read'],
  ci: ['read', 'write'],
  admin: ['read', 'write', 'admin'],
};

const SECRET_BYTES = 32;
/** `znyx_<label>_` then 32 random bytes in base64url (43 characters). */
const TOKEN_PATTERN = /^znyx_(rt|ci|admin)_[A-Za-z0-9_-]{43}$/;
/** Enough of the token to recognise it in a list; never enough to use it. */
const DISPLAY_PREFIX_SECRET_CHARS = 4;

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export interface IssuedToken {
  /** The secret, shown once; only its hash is stored. */
  token: string;
  record: TokenRecord;
}

/** A fresh secret for `kind`, and what the store keeps of it (hash and display prefix, never the secret). */
export function newTokenSecret(
  kind: TokenKind,
  expiresAt: Date | null = null,
  name: string | null = null,
): { token: string; stored: NewOrgToken } {
  const label = `znyx_${KIND_LABEL[kind]}_`;
  const token = label + randomBytes(SECRET_BYTES).toString('base64url');
  return {
    token,
    stored: {
      kind,
      scopes: DEFAULT_SCOPES[kind],
      tokenHash: hashToken(token),
      tokenPrefix: token.slice(0, label.length + DISPLAY_PREFIX_SECRET_CHARS),
      expiresAt,
      name,
    },
  };
}

export async function issueToken(
  store: Store,
  input: { orgId: string; kind: TokenKind; expiresAt?: Date | null; name?: string | null },
): Promise<IssuedToken> {
  const { token, stored } = newTokenSecret(input.kind, input.expiresAt ?? null, input.name ?? null);
  const record = await store.createToken({ ...stored, orgId: input.orgId });
  return { token, record };
}

/** Who is calling: the token's id, org, kind and scopes. */
export interface Actor {
  tokenId: string;
  orgId: string;
  kind: TokenKind;
  scopes: readonly Scope[];
  tokenPrefix: string;
  expiresAt: Date | null;
}

/** Resolves a presented token to its actor, or throws 401 for anything unusable. */
export async function authenticateToken(store: Store, token: string, now = new Date()): Promise<Actor> {
  if (!TOKEN_PATTERN.test(token)) throw ApiError.unauthorized('Invalid authentication credentials');
  const record = await store.findTokenByHash(hashToken(token));
  if (!record) throw ApiError.unauthorized('Invalid authentication credentials');
  if (record.revokedAt) throw ApiError.unauthorized('Token has been revoked');
  if (record.expiresAt && record.expiresAt.getTime() <= now.getTime()) {
    throw ApiError.unauthorized('Token has expired');
  }
  // Written at most once a minute per token (see Store.touchToken); never holds up the request,
  // and a database that cannot take it now is the next request's news, not this one's.
  store.touchToken(record.id).catch(ignoreFailedTouch);
  return {
    tokenId: record.id,
    orgId: record.orgId,
    kind: record.kind,
    scopes: record.scopes,
    tokenPrefix: record.tokenPrefix,
    expiresAt: record.expiresAt,
  };
}

/**
 * The actor behind a request's credential, or the 401 that says why there is none. A presented
 * credential that fails counts against the caller's address; an address over that budget gets a
 * 429 without a lookup, so guessing tokens costs the database nothing.
 */
export async function resolveActor(
  ctx: Pick<Context, 'store' | 'credential' | 'clientAddress' | 'failedCredentialLimiter'>,
): Promise<Actor> {
  const { credential, failedCredentialLimiter: limiter, clientAddress } = ctx;
  if (credential.kind === 'none') throw ApiError.unauthorized('Not authenticated');
  await limiter?.begin(clientAddress);
  try {
    if (credential.kind === 'malformed') throw ApiError.unauthorized('Invalid authentication credentials');
    const actor = await authenticateToken(ctx.store, credential.token);
    await limiter?.refund(clientAddress);
    return actor;
  } catch (error) {
    if (!(error instanceof ApiError && error.reason === 'unauthorized')) await limiter?.refund(clientAddress);
    throw error;
  }
}

/** 403 unless the actor belongs to `orgId` and holds `scope`. The same answer whether or not the org exists. */
export function requireOrgAccess(actor: Actor, orgId: string, scope: Scope): void {
  if (actor.orgId !== orgId.toLowerCase()) {
    throw ApiError.forbidden('Token does not have access to this organization');
  }
  if (!actor.scopes.includes(scope)) {
    throw ApiError.forbidden(`Token lacks the '${scope}' scope required for this operation`);
  }
}

function ignoreFailedTouch(): void {}

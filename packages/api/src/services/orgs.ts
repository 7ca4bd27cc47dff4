import type { OrgRecord, Store } from '@znyx/db';
import { type IssuedToken, issueToken } from './tokens';

/** A new org with its ZNYX samples seeded, and a first admin token to manage it. */
export async function createOrgWithAdminToken(
  store: Store,
  name: string,
): Promise<{ org: OrgRecord; admin: IssuedToken }> {
  const org = await store.createOrg({ name });
  const admin = await issueToken(store, { orgId: org.id, kind: 'admin' });
  return { org, admin };
}

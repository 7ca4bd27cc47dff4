import type { OrgRecord, Store } from '@znyx/db';
import { type IssuedToken, newTokenSecret } from './tokens';

/** A new org with its ZNYX samples seeded and a first admin token, in one transaction. */
export async function createOrgWithAdminToken(
  store: Store,
  name: string,
): Promise<{ org: OrgRecord; admin: IssuedToken }> {
  const { token, stored } = newTokenSecret('admin');
  const created = await store.createOrg({ name, token: stored });
  if (!created.token) throw new Error('createOrg stored no token');
  return { org: created.org, admin: { token, record: created.token } };
}

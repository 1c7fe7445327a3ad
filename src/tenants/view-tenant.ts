import type { StoredTenant } from '../../schemas/records.js';

/** A tenant as it may be shown: never its credentials. */
export type TenantView = Omit<StoredTenant, '_id' | 'credentials'> & { id: string };

export function viewTenant(tenant: StoredTenant): TenantView {
  const { _id, credentials, ...rest } = tenant;
  void credentials;
  return { id: _id, ...rest };
}

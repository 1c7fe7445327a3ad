/**
 * A tenant's region is fixed when it is added (README, Tenants, regions and
 * encryption). A tenant record found in another region's database (a copied or
 * restored document, an edited field) is never synced there: its data would be
 * written outside the region it is pinned to. Pure.
 */
import type { StoredTenant } from '../../schemas/records.js';
import { StoreError } from '../shared/errors.js';

export class TenantRegionMismatchError extends StoreError {
  constructor(
    readonly tenantId: string,
    readonly storedRegion: string,
    readonly databaseRegion: string,
  ) {
    super(
      'TENANT_REGION_MISMATCH',
      `tenant ${tenantId} is pinned to region ${storedRegion} but was read from region ${databaseRegion}'s database: it is not synced; ` +
        `check TALLY_${databaseRegion.toUpperCase()}_MONGODB_URI and where this tenant record came from`,
    );
  }
}

/** Throws TENANT_REGION_MISMATCH unless the tenant is pinned to the region whose database it was read from. */
export function assertTenantInRegion(tenant: Pick<StoredTenant, '_id' | 'region'>, databaseRegion: string): void {
  if (tenant.region !== databaseRegion) throw new TenantRegionMismatchError(tenant._id, tenant.region, databaseRegion);
}

/**
 * The two lookups every set of regions makes (store/mongo/region-router.ts and its memory
 * fake), with the errors of the Regions port (src/store/ports.ts).
 */
import type { RegionId } from '../../schemas/config.js';
import { StoreError } from '../shared/errors.js';

/** The configured region's value; StoreError `REGION_UNKNOWN` for a region not configured. */
export function regionIn<T>(regions: ReadonlyMap<RegionId, T>, id: RegionId): T {
  const found = regions.get(id);
  if (found === undefined) throw new StoreError('REGION_UNKNOWN', `region ${id} is not configured (TALLY_REGIONS)`);
  return found;
}

/** The region a tenant was found in; StoreError `TENANT_UNKNOWN` when none has it. */
export function foundRegion(tenantId: string, region: RegionId | null): RegionId {
  if (!region) throw new StoreError('TENANT_UNKNOWN', `no tenant ${tenantId} in any configured region`);
  return region;
}

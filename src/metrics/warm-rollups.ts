/**
 * After a sync has recomputed buckets, the rollups over the days it wrote are rebuilt
 * (docs/metrics.md#rollups), so the next read of the dashboard finds them current:
 * every segment of the tenant's last WARM_DAYS local days (from its syncStart at the
 * earliest) that is stale is summed again; current ones are left as they are. The
 * caller passes `mayCache` (the tenant still exists), so a tenant offboarded meanwhile
 * gets no rollup.
 */
import { DateTime } from 'luxon';
import type { StoredTenant } from '../../schemas/records.js';
import { addDays } from './metrics-report.js';
import { rangeTotals, type RangeTotalsDeps, type RangeTotalsStats } from './range-totals.js';
import { localDay } from './stored-daily.js';

/** About thirteen months: what reports usually ask for (this month against last year's). */
export const WARM_DAYS = 400;

export async function warmRollups(deps: RangeTotalsDeps, tenant: Pick<StoredTenant, '_id' | 'timeZone' | 'syncStart'>): Promise<RangeTotalsStats> {
  const today = localDay(deps.now(), tenant.timeZone);
  const earliest = addDays(today, -(WARM_DAYS - 1));
  const from = tenant.syncStart > earliest ? tenant.syncStart : earliest;
  const stats: RangeTotalsStats = { used: 0, saved: 0, bucketDays: 0, handedDays: 0 };
  if (from > today || !DateTime.fromISO(from).isValid) return stats;
  await rangeTotals(deps, tenant._id, from, today, stats);
  return stats;
}

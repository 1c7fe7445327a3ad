/**
 * One agent's buckets over a range of local days, for the daily series
 * (docs/metrics.md#daily-series): read a month at a time from that agent's series rollup
 * where it carries the stamp of the month's current day versions, and from the buckets
 * where not, saving the month's rollup for the next read. Like range-totals.ts, the result
 * is always the buckets as they are; a month being written is read from the buckets.
 */
import type { StoredDaily } from '../../schemas/records.js';
import type { MeasureTotals } from './measure-totals.js';
import type { RangeTotalsDeps } from './range-totals.js';
import { decodeSeries, encodeSeries } from './rollup-codec.js';
import { monthSegmentOf, monthsOf, stampOf } from './rollup-plan.js';

export const seriesRollupId = (tenantId: string, agentId: number, monthStart: string) => `${tenantId}:series:${agentId}:${monthStart}`;

export async function agentDays(
  deps: RangeTotalsDeps,
  tenantId: string,
  agentId: number,
  from: string,
  to: string,
  stats: { used: number; saved: number } = { used: 0, saved: 0 },
): Promise<Map<string, { day: string } & MeasureTotals>> {
  const months = monthsOf(from, to);
  const versions = await deps.rollups.dayVersions(tenantId, months);
  const segments = months.map((month) => monthSegmentOf(`${month}-01`));
  const stored = new Map((await deps.rollups.find(tenantId, segments.map((segment) => seriesRollupId(tenantId, agentId, segment.start)))).map((rollup) => [rollup._id, rollup]));
  const days = new Map<string, { day: string } & MeasureTotals>();
  const fromRollups = new Map<string, ({ day: string } & MeasureTotals)[]>();
  for (const segment of segments) {
    const rollup = stored.get(seriesRollupId(tenantId, agentId, segment.start));
    const stamp = stampOf(segment, versions);
    if (stamp === null || rollup?.stamp !== stamp) continue;
    try {
      fromRollups.set(segment.start, decodeSeries(rollup.payload));
      stats.used++;
    } catch {
      // Not a payload this version reads: rebuilt below.
    }
  }
  // The months without a usable rollup, from their buckets in one read of the agent's days
  // (one query, not one a month: each is a scan of the agent's buckets on FerretDB).
  const missing = segments.filter((segment) => !fromRollups.has(segment.start));
  const bucketsByMonth = new Map<string, StoredDaily[]>();
  if (missing.length > 0) {
    const first = missing[0] as (typeof missing)[number];
    const last = missing.at(-1) as (typeof missing)[number];
    for await (const bucket of deps.daily.range(tenantId, first.start, last.end, agentId)) {
      const month = `${bucket.day.slice(0, 7)}-01`;
      bucketsByMonth.set(month, [...(bucketsByMonth.get(month) ?? []), bucket]);
    }
  }
  let caching = true;
  for (const segment of segments) {
    deps.signal?.throwIfAborted();
    const id = seriesRollupId(tenantId, agentId, segment.start);
    const stamp = stampOf(segment, versions);
    let month = fromRollups.get(segment.start) ?? null;
    if (month === null) {
      month = (bucketsByMonth.get(segment.start) ?? []).map((bucket) => ({ ...bucket }));
      if (stamp !== null && caching && (deps.mayCache === undefined || (caching = await deps.mayCache()))) {
        const payload = encodeSeries(month);
        await deps.rollups.save({ _id: id, tenantId, level: 'series', agentId, start: segment.start, end: segment.end, stamp, payload, updatedAt: deps.now() });
        stats.saved++;
      }
    }
    for (const day of month) if (day.day >= from && day.day <= to) days.set(day.day, day);
  }
  return days;
}

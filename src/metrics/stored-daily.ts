/**
 * Between computed day rows and what is stored: the minute lists become mergeable
 * histograms, the slices one string (rollup-codec.ts), and the local day of a fact is
 * fixed by the tenant's time zone. Pure.
 */
import { DateTime } from 'luxon';
import { storedIds, type StoredDaily, type StoredFact } from '../../schemas/records.js';
import { DAILY_COUNTERS, DAILY_MINUTES, type DailyRow, type DayMeasures } from './daily-rows.js';
import { type MeasureTotals, encodeSlices } from './rollup-codec.js';
import { histogramOf } from './minute-histogram.js';

export function storedDaily(row: DailyRow, tenantId: string, at: Date): StoredDaily {
  return {
    _id: storedIds.daily(tenantId, row.agentId, row.day),
    tenantId,
    agentId: row.agentId,
    day: row.day,
    ...measureTotalsOf(row),
    slices: encodeSlices(row.slices.map((slice) => ({ agentId: row.agentId, groupId: slice.groupId, brandId: slice.brandId, ...measureTotalsOf(slice) }))),
    updatedAt: at,
  };
}

function measureTotalsOf(measures: DayMeasures): MeasureTotals {
  const totals = {} as MeasureTotals;
  for (const counter of DAILY_COUNTERS) totals[counter] = measures[counter];
  for (const field of DAILY_MINUTES) totals[field] = histogramOf(measures[field]);
  return totals;
}

/** The local calendar day (YYYY-MM-DD) an instant falls on in a time zone. */
export function localDay(at: Date, timeZone: string): string {
  return DateTime.fromJSDate(at, { zone: timeZone }).toISODate() as string;
}

/** The (agent, local day) buckets that facts fall in, keyed `${agentId}|${day}`. */
export function touchedBuckets(facts: Iterable<StoredFact>): Map<string, { agentId: number; day: string }> {
  const touched = new Map<string, { agentId: number; day: string }>();
  for (const fact of facts) touched.set(`${fact.agentId}|${fact.day}`, { agentId: fact.agentId, day: fact.day });
  return touched;
}

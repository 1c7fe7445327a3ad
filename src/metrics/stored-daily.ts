/**
 * Between computed day rows and what is stored: the minute lists become mergeable
 * histograms, and the local day of a fact is fixed by the tenant's time zone. Pure.
 */
import { DateTime } from 'luxon';
import { storedIds, type StoredDaily, type StoredFact } from '../../schemas/records.js';
import type { DailyRow } from './daily-rows.js';
import { histogramOf } from './minute-histogram.js';

export function storedDaily(row: DailyRow, tenantId: string, at: Date): StoredDaily {
  return {
    _id: storedIds.daily(tenantId, row.agentId, row.day),
    tenantId,
    agentId: row.agentId,
    day: row.day,
    solves: row.solves,
    reopens: row.reopens,
    publicReplies: row.publicReplies,
    ticketsTouched: row.ticketsTouched,
    handleTimeSeconds: row.handleTimeSeconds,
    ticketsWithHandleTime: row.ticketsWithHandleTime,
    csatGood: row.csatGood,
    csatBad: row.csatBad,
    firstReplyMinutes: histogramOf(row.firstReplyMinutes),
    fullResolutionMinutes: histogramOf(row.fullResolutionMinutes),
    requesterWaitMinutes: histogramOf(row.requesterWaitMinutes),
    agentWorkMinutes: histogramOf(row.agentWorkMinutes),
    updatedAt: at,
  };
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

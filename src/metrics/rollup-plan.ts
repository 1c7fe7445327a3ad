/**
 * How a range of local days is read from rollups (docs/metrics.md#rollups): cut into
 * whole months, whole blocks (days 1–10, 11–20 and 21 to the month's end) and single
 * days, the largest that fit, so any range is a few dozen segments however long. A
 * segment's rollup is usable only while the days under it are as they were when it was
 * built: its stamp is a hash of those days' versions. Pure.
 */
import { createHash } from 'node:crypto';
import type { DayVersion } from '../store/ports.js';
import { addDays } from './metrics-report.js';

export type RollupLevel = 'month' | 'block' | 'day';

export interface Segment {
  readonly level: RollupLevel;
  /** First and last local day, inclusive. */
  readonly start: string;
  readonly end: string;
}

const monthOf = (day: string) => day.slice(0, 7);
const dayOfMonth = (day: string) => Number(day.slice(8, 10));

function lastDayOfMonth(day: string): string {
  const [year, month] = [Number(day.slice(0, 4)), Number(day.slice(5, 7))];
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

/** The block a day falls in. */
export function blockOf(day: string): Segment {
  const n = dayOfMonth(day);
  const month = monthOf(day);
  if (n <= 10) return { level: 'block', start: `${month}-01`, end: `${month}-10` };
  if (n <= 20) return { level: 'block', start: `${month}-11`, end: `${month}-20` };
  return { level: 'block', start: `${month}-21`, end: lastDayOfMonth(day) };
}

export function monthSegmentOf(day: string): Segment {
  return { level: 'month', start: `${monthOf(day)}-01`, end: lastDayOfMonth(day) };
}

/** from..to as the fewest whole months, blocks and days, in order. */
export function segmentsOf(from: string, to: string): Segment[] {
  const segments: Segment[] = [];
  let day = from;
  while (day <= to) {
    const month = monthSegmentOf(day);
    const block = blockOf(day);
    const segment: Segment =
      month.start === day && month.end <= to ? month : block.start === day && block.end <= to ? block : { level: 'day', start: day, end: day };
    segments.push(segment);
    day = addDays(segment.end, 1);
  }
  return segments;
}

/** What a segment's rollup is built from: a month from its blocks, a block from its days. */
export function childrenOf(segment: Segment): Segment[] {
  if (segment.level === 'day') return [];
  if (segment.level === 'month') return [blockOf(segment.start), blockOf(`${monthOf(segment.start)}-11`), blockOf(`${monthOf(segment.start)}-21`)];
  return daysOf(segment).map((day): Segment => ({ level: 'day', start: day, end: day }));
}

/** Every day of a segment. */
export function daysOf(segment: Segment): string[] {
  const days: string[] = [];
  for (let day = segment.start; day <= segment.end; day = addDays(day, 1)) days.push(day);
  return days;
}

/** The months (YYYY-MM) a range touches: where its days' versions are read. */
export function monthsOf(from: string, to: string): string[] {
  const months: string[] = [];
  for (let day = `${monthOf(from)}-01`; day <= to; day = addDays(lastDayOfMonth(day), 1)) months.push(monthOf(day));
  return months;
}

/** A rollup's id: one per tenant, level and first day. */
export function rollupId(tenantId: string, segment: Segment): string {
  return `${tenantId}:${segment.level}:${segment.start}`;
}

/** Every rollup that covers the day (its day, block and month): what a change to the day makes stale. */
export function rollupsCovering(tenantId: string, day: string): string[] {
  return [rollupId(tenantId, { level: 'day', start: day, end: day }), rollupId(tenantId, blockOf(day)), rollupId(tenantId, monthSegmentOf(day))];
}

/**
 * The stamp a segment's rollup must carry to be used, or null while a write to one of
 * its days is under way (or was interrupted): then its days are read from the buckets.
 * A day never written has no version, which the stamp names too.
 */
export function stampOf(segment: Segment, versions: ReadonlyMap<string, DayVersion>): string | null {
  const hash = createHash('sha256');
  for (const day of daysOf(segment)) {
    const state = versions.get(day);
    if (state?.writing) return null;
    hash.update(`${day}=${state?.version ?? '-'};`);
  }
  return hash.digest('base64url');
}

/**
 * What retention deletes (docs/architecture.md#retention), from the tenant's settings and `now`.
 * Facts carry their local day, so whole days before the cutoff's day go by day
 * equality and only the cutoff's own day needs a time comparison. Buckets go by
 * whole local days: a bucket whose day began before the bucket cutoff but ends
 * after it stays. Pure.
 */
import { localDay } from '../metrics/stored-daily.js';

const DAY_MS = 86_400_000;

export interface RetentionPlan {
  /** Facts strictly before this instant are deleted. */
  readonly factsBefore: Date;
  /** Days whose facts all lie before `factsBefore`. */
  readonly wholeFactDays: string[];
  /** The day holding `factsBefore`, when it has facts: only its earlier facts go. */
  readonly partialFactDay: string | null;
  /** Buckets of days before this one are deleted. */
  readonly bucketsBeforeDay: string;
  readonly bucketDays: string[];
}

export function planRetention(
  now: Date,
  tenant: { readonly timeZone: string; readonly retention: { readonly factDays: number; readonly bucketDays: number } },
  stored: { readonly factDays: readonly string[]; readonly bucketDays: readonly string[] },
): RetentionPlan {
  const factsBefore = new Date(now.getTime() - tenant.retention.factDays * DAY_MS);
  const cutoffDay = localDay(factsBefore, tenant.timeZone);
  const bucketsBeforeDay = localDay(new Date(now.getTime() - tenant.retention.bucketDays * DAY_MS), tenant.timeZone);
  return {
    factsBefore,
    wholeFactDays: stored.factDays.filter((day) => day < cutoffDay),
    partialFactDay: stored.factDays.includes(cutoffDay) ? cutoffDay : null,
    bucketsBeforeDay,
    bucketDays: stored.bucketDays.filter((day) => day < bucketsBeforeDay),
  };
}

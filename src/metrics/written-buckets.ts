/**
 * The buckets a sync's recompute wrote to whole days (days left holding only the
 * buckets the write gave them, `WholeDays` in src/store/ports.ts), held for the rollup
 * warm-up that follows in the same sync (docs/metrics.md#handed-buckets): a
 * backfill's warm-up would otherwise read back every bucket it has just written, which
 * on FerretDB costs about as much as writing them. A day is held with the version its
 * write gave it and handed out only while the day still has that version, so a write
 * since (an erasure, retention, another flush) makes the warm-up read the day from the
 * store as before. Agent ids and numbers only, like the buckets.
 */
import { getHeapStatistics } from 'node:v8';
import type { StoredDaily } from '../../schemas/records.js';
import { storedIds } from '../../schemas/records.js';

/** A bucket in memory: 4.2 KB measured for one of seven tickets (eight histograms of seven minutes and a slice). */
const BYTES_PER_BUCKET = 4 * 1024;

/** At most 16 MB, and a sixteenth of this process's heap: the worker image allows 256 MB, and a backfill's flush already holds the tenant's ratings. */
function defaultMaxBuckets(): number {
  return Math.floor(Math.min(16 * 1024 * 1024, getHeapStatistics().heap_size_limit / 16) / BYTES_PER_BUCKET);
}

export class WrittenBuckets {
  private readonly days = new Map<string, { readonly version: string; readonly buckets: readonly StoredDaily[] }>();
  private held = 0;

  constructor(
    private readonly tenantId: string,
    /** Buckets held at most; a day that would go past it is not held (the warm-up reads it). */
    private readonly maxBuckets = defaultMaxBuckets(),
  ) {}

  /** The day's buckets are exactly these, as the write that gave the day `version` left them. */
  keep(day: string, version: string, buckets: readonly StoredDaily[]): void {
    this.forget(day);
    if (this.held + buckets.length > this.maxBuckets) return;
    this.days.set(storedIds.bucketDay(this.tenantId, day), { version, buckets });
    this.held += buckets.length;
  }

  /** The day was written again, and not whole: nothing held for it. */
  forget(day: string): void {
    const id = storedIds.bucketDay(this.tenantId, day);
    const found = this.days.get(id);
    if (!found) return;
    this.days.delete(id);
    this.held -= found.buckets.length;
  }

  /**
   * The day's buckets, if they were held with the version the day has now (read by the
   * caller from the store); undefined otherwise. Handed out once: the memory goes with it.
   */
  take(tenantId: string, day: string, version: string): readonly StoredDaily[] | undefined {
    if (tenantId !== this.tenantId) return undefined;
    const found = this.days.get(storedIds.bucketDay(tenantId, day));
    if (!found) return undefined;
    this.forget(day);
    return found.version === version ? found.buckets : undefined;
  }
}

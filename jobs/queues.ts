// The queue contract every job module shares: names, per-region prefixes and job ids.
// Job data is ids only (tenant id, stream, request id): never names, emails or tokens.
import type { RegionId } from '../schemas/config.js';

/**
 * Queue names under each region's prefix. Every queue has a processor in the worker,
 * and its jobs are listed in the job catalog (jobs/catalog.ts); no queue is opened for
 * jobs that nothing runs.
 */
export const QUEUE = {
  /** The Job Scheduler's tick per (tenant, stream); its job only enqueues the real sync. */
  syncTick: 'sync-tick',
  sync: 'sync',
  retention: 'retention',
  purge: 'purge',
  /** The region's scheduled backup (docs/backup.md). */
  backup: 'backup',
} as const;
export type QueueName = (typeof QUEUE)[keyof typeof QUEUE];

/** The default base of every queue prefix; tests pass their own base to stay apart. */
export const DEFAULT_QUEUE_BASE = 'tally';

/**
 * BullMQ prefix of one region's queues: a worker serving only `eu` never sees `us` keys,
 * so a job for a region this process does not serve is never taken.
 */
export function regionQueuePrefix(region: RegionId, base: string = DEFAULT_QUEUE_BASE): string {
  return `${base}:${region}`;
}

/** Deduplication id of a stream's sync: two syncs of one (tenant, stream) never run at once. */
export function syncDedupId(tenantId: string, stream: string): string {
  return `${tenantId}:${stream}`;
}

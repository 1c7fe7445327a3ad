// The job catalog: every job tally runs, with its queue, name, data schema (ids only),
// attempts, backoff and how long finished jobs are kept (docs/architecture.md, job contracts).
// The modules that enqueue, schedule and process jobs take these settings from here.
import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { BackupJobDataSchema, PurgeJobDataSchema, RetentionJobDataSchema } from '../schemas/privacy-jobs.js';
import { StreamSchema, TenantIdSchema } from '../schemas/records.js';
import { QUEUE } from './queues.js';

export const SyncJobDataSchema = z.strictObject({ tenantId: TenantIdSchema, stream: StreamSchema });
export type SyncJobData = z.infer<typeof SyncJobDataSchema>;

/** Bounded history: enough to inspect recent runs, never an ever-growing Redis. */
export const KEEP_JOBS = { removeOnComplete: { count: 200 }, removeOnFail: { count: 500 } } as const;

export const JOBS = {
  /** Emitted by the (tenant, stream) Job Scheduler; only enqueues the real sync. */
  syncTick: {
    queue: QUEUE.syncTick,
    name: 'ingest.syncTick',
    schema: SyncJobDataSchema,
    options: { ...KEEP_JOBS, attempts: 3 },
  },
  /** One stream of one tenant until caught up; deduplicated on `tenant:stream`. */
  syncStream: {
    queue: QUEUE.sync,
    name: 'ingest.syncStream',
    schema: SyncJobDataSchema,
    options: { attempts: 6, backoff: { type: 'exponential', delay: 2_000 }, ...KEEP_JOBS },
  },
  /** One purge request, job id = request id. Retries outlast a short database or KMS outage; a done step is never redone. */
  purge: {
    queue: QUEUE.purge,
    name: 'privacy.purge',
    schema: PurgeJobDataSchema,
    options: { attempts: 8, backoff: { type: 'exponential', delay: 2_000 }, removeOnComplete: { age: 7 * 24 * 3600 }, removeOnFail: false },
  },
  /** One run per region per day over every tenant of that region, from the region's one scheduler. */
  retention: {
    queue: QUEUE.retention,
    name: 'privacy.retention',
    schema: RetentionJobDataSchema,
    everyMs: 24 * 3600 * 1000,
    options: { attempts: 5, backoff: { type: 'exponential', delay: 30_000 }, removeOnComplete: 30, removeOnFail: 100 },
  },
  /** One backup of a region's database to its bucket, on TALLY_BACKUP_CRON or TALLY_BACKUP_INTERVAL_MS (docs/backup.md). */
  backup: {
    queue: QUEUE.backup,
    name: 'backup.region',
    schema: BackupJobDataSchema,
    options: { attempts: 4, backoff: { type: 'exponential', delay: 60_000 }, removeOnComplete: 30, removeOnFail: 100 },
  },
} as const;

/** Scheduler id of one (tenant, stream): `${jobName}:${tenantId}:${stream}`. */
export function syncSchedulerId(tenantId: string, stream: string): string {
  return `${JOBS.syncTick.name}:${tenantId}:${stream}`;
}

/** The (tenant, stream) of a scheduler id made by syncSchedulerId, or null for other schedulers. */
export function parseSyncSchedulerId(id: string): { tenantId: string; stream: string } | null {
  const prefix = `${JOBS.syncTick.name}:`;
  if (!id.startsWith(prefix)) return null;
  const [tenantId, stream, ...rest] = id.slice(prefix.length).split(':');
  return tenantId && stream && rest.length === 0 ? { tenantId, stream } : null;
}

/**
 * Parses job data at the boundary. A bad payload is a bug, never worth a retry: it
 * fails the job at once (UnrecoverableError, code JOB_DATA_INVALID in docs/errors.md)
 * and names the fields, never their values.
 */
export function parseJobData<T>(schema: z.ZodType<T>, data: unknown, jobName: string): T {
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
    throw new UnrecoverableError(`JOB_DATA_INVALID: job ${jobName} has invalid data: ${fields}`);
  }
  return parsed.data;
}

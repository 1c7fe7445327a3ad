// Job contracts: each job's name, data schema (ids only) and retry policy.
import { z } from 'zod';
import { StreamSchema, TenantIdSchema } from '../schemas/records.js';

export const SyncJobDataSchema = z.strictObject({ tenantId: TenantIdSchema, stream: StreamSchema });
export type SyncJobData = z.infer<typeof SyncJobDataSchema>;

/** Bounded history: enough to inspect recent runs, never an ever-growing Redis. */
export const KEEP_JOBS = { removeOnComplete: { count: 200 }, removeOnFail: { count: 500 } } as const;

export const JOBS = {
  /** Emitted by the (tenant, stream) Job Scheduler; only enqueues the real sync. */
  syncTick: { name: 'ingest.syncTick', schema: SyncJobDataSchema },
  /** One stream of one tenant until caught up; deduplicated on `tenant:stream`. */
  syncStream: {
    name: 'ingest.syncStream',
    schema: SyncJobDataSchema,
    attempts: 6,
    backoff: { type: 'exponential', delay: 2_000 },
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

/** Parses job data at the boundary; a bad payload is a bug, never worth a retry. */
export function parseJobData<T>(schema: z.ZodType<T>, data: unknown, jobName: string): T {
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new Error(`job ${jobName} has invalid data: ${parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ')}`);
  return parsed.data;
}

/**
 * The `retention` queue's job (docs/architecture.md, Jobs): one run per region per day, over
 * every tenant of that region. Register with `new Worker(QUEUE.retention,
 * createRetentionProcessor(deps, region), …)` and `scheduleRetention(queue, region)`.
 */
import { type Job, type Queue, UnrecoverableError } from 'bullmq';
import type { RegionId } from '../schemas/config.js';
import { enforceRetention, type TenantRetentionResult } from '../src/privacy/enforce-retention.js';
import type { Regions } from '../src/store/ports.js';
import { JOBS } from './catalog.js';

export const RETENTION_JOB_NAME = JOBS.retention.name;
export const RETENTION_EVERY_MS = JOBS.retention.everyMs;

/** The region's one retention scheduler: upserting it again changes nothing. */
export const retentionSchedulerId = (region: RegionId): string => `retention:${region}`;

export async function scheduleRetention(queue: Queue, region: RegionId, everyMs: number = RETENTION_EVERY_MS): Promise<void> {
  await queue.upsertJobScheduler(
    retentionSchedulerId(region),
    { every: everyMs },
    { name: RETENTION_JOB_NAME, data: { region }, opts: JOBS.retention.options },
  );
}

export function createRetentionProcessor(
  deps: { readonly router: Regions; readonly now: () => Date; readonly actor: string },
  region: RegionId,
): (job: Job) => Promise<TenantRetentionResult[]> {
  return async (job) => {
    const parsed = JOBS.retention.schema.safeParse(job.data);
    if (!parsed.success || parsed.data.region !== region) {
      throw new UnrecoverableError(`RETENTION_JOB_INVALID: a retention job of this queue carries {region: "${region}"}`);
    }
    const database = deps.router.region(region);
    return enforceRetention({ tenants: database.tenants, retention: database.retention, audit: database.audit, now: deps.now, actor: deps.actor });
  };
}

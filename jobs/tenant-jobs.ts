/**
 * Removes a tenant from its region's queues when it is offboarded, in every queue
 * of jobs/queues.ts: first its Job Schedulers (the reconciler's ids
 * `ingest.syncTick:<tenantId>:<stream>`, jobs/catalog.ts, or any scheduler whose
 * job template carries the tenant id), each with the tick it had scheduled, which
 * BullMQ removes only with its scheduler; then its waiting, delayed or prioritised
 * jobs (data.tenantId). Run it after the tenant record is gone, so no worker's
 * reconciler adds the schedulers back; a job a worker takes meanwhile finds no
 * tenant and does nothing. Fails fast with REDIS_UNAVAILABLE when Redis is down.
 */
import { type Job, Queue } from 'bullmq';
import type { RegionId } from '../schemas/config.js';
import { AppError } from '../src/shared/errors.js';
import { parseSyncSchedulerId } from './catalog.js';
import { withCliQueueConnection } from './cli-queue-connection.js';
import { QUEUE, regionQueuePrefix } from './queues.js';

const PAGE = 200;
const REMOVABLE = ['waiting', 'delayed', 'prioritized', 'waiting-children'] as const;

/** Whether a scheduler (as getJobSchedulers lists it) runs jobs of the tenant. */
export function isTenantScheduler(scheduler: { key: string; template?: { data?: unknown } }, tenantId: string): boolean {
  if (parseSyncSchedulerId(scheduler.key)?.tenantId === tenantId) return true;
  return (scheduler.template?.data as { tenantId?: unknown } | undefined)?.tenantId === tenantId;
}

export async function removeTenantJobs(
  options: { readonly redisUrl: string; readonly queueBase: string },
  region: RegionId,
  tenantId: string,
): Promise<{ schedulers: number; jobs: number }> {
  return withCliQueueConnection(options.redisUrl, `tenant ${tenantId}'s schedulers and queued jobs in region ${region} could not be removed`, async (connection) => {
    let schedulers = 0;
    let jobs = 0;
    for (const name of Object.values(QUEUE)) {
      const queue = new Queue(name, { connection, prefix: regionQueuePrefix(region, options.queueBase) });
      try {
        const own = (await queue.getJobSchedulers(0, -1, true)).filter((scheduler) => isTenantScheduler(scheduler, tenantId));
        // Another worker's reconciler may remove one first: it counts for whoever removed it.
        for (const scheduler of own) if (await queue.removeJobScheduler(scheduler.key)) schedulers++;
        // Collected first, removed after: removing while paging would shift the pages.
        const queued: Job[] = [];
        for (const state of REMOVABLE) {
          for (let start = 0; ; start += PAGE) {
            const page = await queue.getJobs([state], start, start + PAGE - 1, true);
            queued.push(...page.filter((job) => (job.data as { tenantId?: unknown } | null)?.tenantId === tenantId));
            if (page.length < PAGE) break;
          }
        }
        for (const job of queued) if (await removeQueued(queue, job)) jobs++;
      } finally {
        await queue.close();
      }
    }
    return { schedulers, jobs };
  });
}

/**
 * Removes one queued job; false when a worker took it meanwhile (it then finds no
 * tenant and ends) or it is already gone. Anything else is an AppError.
 */
async function removeQueued(queue: Queue, job: Job): Promise<boolean> {
  try {
    await job.remove();
    return true;
  } catch (error) {
    const state = await queue.getJobState(job.id ?? '');
    if (state === 'active' || state === 'completed' || state === 'failed' || state === 'unknown') return false;
    throw new AppError('OFFBOARD_JOBS_FAILED', `job ${job.id ?? '?'} of queue ${queue.name} (${state}) could not be removed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

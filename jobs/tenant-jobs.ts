/**
 * Removes a tenant from its region's queues when it is offboarded: its Job
 * Schedulers (ids `<tenantId>:<stream>`, or any `<tenantId>:…`) and its waiting,
 * delayed or prioritised jobs (data.tenantId), in every queue of jobs/queues.ts.
 */
import { type Job, Queue } from 'bullmq';
import type { RegionId } from '../schemas/config.js';
import { bullConnection } from './purge-job.js';
import { QUEUE, regionQueuePrefix } from './queues.js';

const PAGE = 200;
const REMOVABLE = ['waiting', 'delayed', 'prioritized', 'waiting-children'] as const;

export async function removeTenantJobs(
  options: { readonly redisUrl: string; readonly queueBase: string },
  region: RegionId,
  tenantId: string,
): Promise<{ schedulers: number; jobs: number }> {
  const connection = bullConnection(options.redisUrl);
  let schedulers = 0;
  let jobs = 0;
  try {
    for (const name of Object.values(QUEUE)) {
      const queue = new Queue(name, { connection, prefix: regionQueuePrefix(region, options.queueBase) });
      try {
        const ownSchedulers = (await queue.getJobSchedulers(0, -1, true)).filter((scheduler) => scheduler.key.startsWith(`${tenantId}:`));
        for (const scheduler of ownSchedulers) if (await queue.removeJobScheduler(scheduler.key)) schedulers++;
        // Collected first, removed after: removing while paging would shift the pages.
        const own: Job[] = [];
        for (const state of REMOVABLE) {
          for (let start = 0; ; start += PAGE) {
            const page = await queue.getJobs([state], start, start + PAGE - 1, true);
            own.push(...page.filter((job) => (job.data as { tenantId?: unknown } | null)?.tenantId === tenantId));
            if (page.length < PAGE) break;
          }
        }
        for (const job of own) {
          await job.remove();
          jobs++;
        }
      } finally {
        await queue.close();
      }
    }
  } finally {
    await connection.quit();
  }
  return { schedulers, jobs };
}

/**
 * A Job Scheduler's tick: enqueue the real sync with deduplication on
 * `tenant:stream`. While a sync of the stream is waiting, running, delayed or
 * retrying, further ticks add nothing, so two syncs of one stream never run at once.
 */
import type { Job, Queue } from 'bullmq';
import { syncDedupId } from './queues.js';
import { JOBS, parseJobData } from './catalog.js';
import type { RegionStores } from '../src/store/ports.js';

export interface TickJobDeps {
  readonly database: RegionStores;
  readonly syncQueue: Queue;
}

export function createTickProcessor(deps: TickJobDeps) {
  return async (job: Job): Promise<{ enqueued: boolean; reason?: string }> => {
    const data = parseJobData(JOBS.syncTick.schema, job.data, JOBS.syncTick.name);
    const tenant = await deps.database.tenants.find(data.tenantId);
    // The reconciler removes the scheduler soon; until then its ticks do nothing.
    if (!tenant) return { enqueued: false, reason: 'unknown_tenant' };
    if (tenant.status !== 'active') return { enqueued: false, reason: tenant.status };
    if (tenant.unavailableStreams.includes(data.stream)) return { enqueued: false, reason: 'unavailable' };
    await deps.syncQueue.add(
      JOBS.syncStream.name,
      { tenantId: data.tenantId, stream: data.stream },
      { deduplication: { id: syncDedupId(data.tenantId, data.stream) }, ...JOBS.syncStream.options },
    );
    return { enqueued: true };
  };
}

/**
 * Keeps the region's Job Schedulers in line with its tenants table: one per
 * (active tenant, available stream), each at its own offset in the interval; the
 * schedulers of removed, stopped (auth_failed) or unavailable streams go. Every
 * worker runs it periodically, so tenants added or removed take effect without a
 * restart; concurrent runs agree, since upserts and removals are idempotent.
 */
import type { Queue } from 'bullmq';
import { STREAMS } from '../schemas/records.js';
import type { TenantStore } from '../src/store/ports.js';
import { JOBS, parseSyncSchedulerId, syncSchedulerId } from './catalog.js';
import { scheduleOffsetMs } from './schedule-offset.js';

export interface ReconcileResult {
  readonly added: number;
  readonly removed: number;
  readonly kept: number;
}

export async function reconcileSchedulers(tenants: TenantStore, tickQueue: Queue, intervalMs: number): Promise<ReconcileResult> {
  const wanted = new Map<string, { tenantId: string; stream: (typeof STREAMS)[number]; offset: number }>();
  for (const tenant of await tenants.list()) {
    if (tenant.status !== 'active') continue;
    STREAMS.forEach((stream, index) => {
      if (tenant.unavailableStreams.includes(stream)) return;
      wanted.set(syncSchedulerId(tenant._id, stream), { tenantId: tenant._id, stream, offset: scheduleOffsetMs(tenant._id, index, intervalMs, STREAMS.length) });
    });
  }
  let removed = 0;
  let kept = 0;
  const present = new Set<string>();
  for (const scheduler of await tickQueue.getJobSchedulers(0, -1)) {
    const id = scheduler.key;
    if (parseSyncSchedulerId(id) === null) continue;
    const want = wanted.get(id);
    if (!want) {
      if (await tickQueue.removeJobScheduler(id)) removed++;
      continue;
    }
    if (Number(scheduler.every) === intervalMs && Number(scheduler.offset ?? 0) === want.offset) {
      present.add(id);
      kept++;
    }
  }
  let added = 0;
  for (const [id, want] of wanted) {
    if (present.has(id)) continue;
    await tickQueue.upsertJobScheduler(
      id,
      { every: intervalMs, offset: want.offset },
      { name: JOBS.syncTick.name, data: { tenantId: want.tenantId, stream: want.stream }, opts: JOBS.syncTick.options },
    );
    added++;
  }
  return { added, removed, kept };
}

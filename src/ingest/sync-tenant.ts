import type { Stream } from '../../schemas/records.js';
import { discoverTimeTrackingFields } from './streams/ticket-events.js';
import { flushStaleBuckets, type StreamReport, type SyncContext, suppressionGuardOf, syncStream } from './sync-stream.js';

/** Metric events come after ticket events: they are credited to the assignee the events establish. */
export const STREAM_ORDER: readonly Stream[] = ['users', 'groups', 'brands', 'ticket_events', 'tickets', 'ticket_metric_events', 'satisfaction_ratings'];

/**
 * Every stream of a tenant (or the ones given) until caught up, in dependency order; stops at a 401.
 * With more than one stream, the daily buckets their facts made stale are recomputed once, after the
 * last stream, rather than by each: a bucket every stream touches is then written once (an insert in
 * a backfill) instead of once per stream (docs/architecture.md#bucket-flushes). The stale marks are
 * in the database all along, so a sync that dies before the end leaves them for the next flush.
 */
export async function syncTenant(context: SyncContext, streams: readonly Stream[] = STREAM_ORDER): Promise<StreamReport[]> {
  const reports: StreamReport[] = [];
  let tenant = context.tenant;
  const selected = STREAM_ORDER.filter((candidate) => streams.includes(candidate));
  const deferBuckets = selected.length > 1 ? { marks: 0 } : undefined;
  // One view of the suppressions for the whole sync, so the check after the last flush sees what the streams saw.
  const guard = context.guard ?? suppressionGuardOf(context);
  for (const stream of selected) {
    if (stream === 'ticket_events' && !tenant.unavailableStreams.includes('ticket_events') && tenant.status === 'active') {
      tenant = { ...tenant, timeTrackingFields: await discoverTimeTrackingFields({ ...context, tenant }) };
    }
    context.onStreamStart?.(stream);
    const report = await syncStream({ ...context, tenant, guard, ...(deferBuckets ? { deferBuckets } : {}) }, stream);
    reports.push(report);
    if (report.status === 'auth_failed') {
      tenant = { ...tenant, status: 'auth_failed' };
    }
  }
  const last = reports.at(-1);
  if (deferBuckets && last) {
    last.buckets += await flushStaleBuckets({ ...context, tenant });
    // After the write, as after every flush (src/privacy/suppression-guard.ts).
    await guard.check();
  }
  return reports;
}

import type { Stream } from '../../schemas/records.js';
import { discoverTimeTrackingFields } from './streams/ticket-events.js';
import { type StreamReport, type SyncContext, syncStream } from './sync-stream.js';

/** Metric events come after ticket events: they are credited to the assignee the events establish. */
export const STREAM_ORDER: readonly Stream[] = ['users', 'groups', 'brands', 'ticket_events', 'tickets', 'ticket_metric_events', 'satisfaction_ratings'];

/** Every stream of a tenant (or the ones given) until caught up, in dependency order; stops at a 401. */
export async function syncTenant(context: SyncContext, streams: readonly Stream[] = STREAM_ORDER): Promise<StreamReport[]> {
  const reports: StreamReport[] = [];
  let tenant = context.tenant;
  for (const stream of STREAM_ORDER.filter((candidate) => streams.includes(candidate))) {
    if (stream === 'ticket_events' && !tenant.unavailableStreams.includes('ticket_events') && tenant.status === 'active') {
      tenant = { ...tenant, timeTrackingFields: await discoverTimeTrackingFields({ ...context, tenant }) };
    }
    context.onStreamStart?.(stream);
    const report = await syncStream({ ...context, tenant }, stream);
    reports.push(report);
    if (report.status === 'auth_failed') {
      tenant = { ...tenant, status: 'auth_failed' };
    }
  }
  return reports;
}

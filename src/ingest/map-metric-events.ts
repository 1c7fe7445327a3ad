/**
 * Ticket metric events → metric facts: one per `update_status` of the four metrics
 * tally reports (reply_time only for its first instance, the first reply), valued
 * in calendar minutes and credited to the assignee at the event's time. Deleted
 * events are ignored. Pure.
 */
import type { StoredFact, StoredTicket } from '../../schemas/records.js';
import type { ZendeskMetricEvent } from '../../schemas/zendesk.js';
import { localDay } from '../metrics/stored-daily.js';
import { assigneeAt } from './map-ticket-events.js';

export const METRIC_DETAILS: Record<string, string> = {
  reply_time: 'firstReplyMinutes',
  resolution_time: 'fullResolutionMinutes',
  requester_wait_time: 'requesterWaitMinutes',
  agent_work_time: 'agentWorkMinutes',
};

export function mapMetricEvents(
  events: readonly ZendeskMetricEvent[],
  tickets: ReadonlyMap<number, StoredTicket>,
  context: { tenantId: string; timeZone: string; isStaff: (userId: number) => boolean },
): StoredFact[] {
  const facts: StoredFact[] = [];
  for (const event of events) {
    const detail = METRIC_DETAILS[event.metric];
    if (!detail || event.type !== 'update_status' || event.deleted === true || !event.status) continue;
    if (event.metric === 'reply_time' && event.instance_id !== 1) continue;
    const at = new Date(event.time);
    const ticket = tickets.get(event.ticket_id);
    const agentId = ticket ? assigneeAt(ticket, at) : null;
    if (agentId === null || !context.isStaff(agentId)) continue;
    facts.push({
      _id: `${context.tenantId}:metric:${event.id}:0`,
      tenantId: context.tenantId,
      kind: 'metric',
      ticketId: event.ticket_id,
      agentId,
      at,
      day: localDay(at, context.timeZone),
      value: event.status.calendar,
      detail,
    });
  }
  return facts;
}

/**
 * Ticket metric events → metric facts: for each `update_status` of the four metrics
 * tally reports (reply_time only for its first instance, the first reply), one fact in
 * calendar minutes and one in business minutes, credited to the assignee at the event's
 * time and carrying the ticket's group and brand then. Deleted events are ignored, and
 * so is a business value outside 0..MAX_METRIC_MINUTES (its calendar fact stays). Pure.
 */
import type { StoredFact, StoredTicket } from '../../schemas/records.js';
import { MAX_METRIC_MINUTES, type ZendeskMetricEvent } from '../../schemas/zendesk.js';
import { localDay } from '../metrics/stored-daily.js';
import { assigneeAt, dimensionsAt } from './map-ticket-events.js';

export const METRIC_DETAILS: Record<string, string> = {
  reply_time: 'firstReplyMinutes',
  resolution_time: 'fullResolutionMinutes',
  requester_wait_time: 'requesterWaitMinutes',
  agent_work_time: 'agentWorkMinutes',
};

/** The business-hours twin of each calendar detail (docs/metrics.md#business-hours-minutes). */
export const BUSINESS_DETAILS: Record<string, string> = {
  firstReplyMinutes: 'firstReplyBusinessMinutes',
  fullResolutionMinutes: 'fullResolutionBusinessMinutes',
  requesterWaitMinutes: 'requesterWaitBusinessMinutes',
  agentWorkMinutes: 'agentWorkBusinessMinutes',
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
    const { groupId, brandId } = ticket ? dimensionsAt(ticket, at) : { groupId: null, brandId: null };
    const fact = (child: number, value: number, factDetail: string): StoredFact => ({
      _id: `${context.tenantId}:metric:${event.id}:${child}`,
      tenantId: context.tenantId,
      kind: 'metric',
      ticketId: event.ticket_id,
      agentId,
      at,
      day: localDay(at, context.timeZone),
      value,
      detail: factDetail,
      ...(groupId === null ? {} : { groupId }),
      ...(brandId === null ? {} : { brandId }),
    });
    facts.push(fact(0, event.status.calendar, detail));
    const business = event.status.business;
    if (business >= 0 && business <= MAX_METRIC_MINUTES) facts.push(fact(1, business, BUSINESS_DETAILS[detail] as string));
  }
  return facts;
}

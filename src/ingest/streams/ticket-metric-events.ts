/**
 * The ticket metric events stream: facts of kind `metric`, credited to the assignee
 * at the event's time, so only up to what the ticket events stream has stored
 * (docs/architecture.md#checkpoints).
 */
import { type ZendeskMetricEvent, ZendeskMetricEventSchema } from '../../../schemas/zendesk.js';
import { timeResumedPages } from '../../zendesk/pagers.js';
import { mapMetricEvents } from '../map-metric-events.js';
import { assigneeAt } from '../map-ticket-events.js';
import { ticketStatesFor } from '../ticket-state-cache.js';
import { BATCH_RECORDS, clockSecondsOf, latestTimes, recordTimeS, type StreamSpec } from './stream-spec.js';

export const ticketMetricEventsStream: StreamSpec<ZendeskMetricEvent> = {
  name: 'ticket_metric_events',
  dependsOn: ['ticket_events'],
  batchRecords: BATCH_RECORDS,
  schema: () => ZendeskMetricEventSchema,
  pages: (context, position) =>
    timeResumedPages(
      context.client,
      'incremental/ticket_metric_events',
      'ticket_metric_events',
      Number(position),
      (record) => recordTimeS((record as { time?: unknown }).time),
      clockSecondsOf(context),
    ),
  async store(context, valid) {
    const { tenant, staff, database } = context;
    // Credit needs the assignee at the event's time: only what ticket events have reached.
    const reached = Number((await database.checkpoints.position(tenant._id, 'ticket_events')) ?? '0') * 1000;
    const ready = valid.filter((event) => Date.parse(event.time) <= reached);
    // A state read earlier in the run answers for events up to what ticket events had reached then.
    const tickets = await ticketStatesFor(context.ticketStates, tenant._id, latestTimes(ready, (event) => Date.parse(event.time)), (ids) => database.tickets.findMany(tenant._id, ids), { run: reached, shared: reached });
    // The users stream may not have stored the assignees yet (streams run as separate jobs):
    // without asking, their facts would be dropped as not staff, and the checkpoint would pass them.
    await staff.resolve(
      ready.flatMap((event) => {
        const ticket = tickets.get(event.ticket_id);
        const assignee = ticket ? assigneeAt(ticket, new Date(event.time)) : null;
        return assignee === null ? [] : [assignee];
      }),
    );
    const facts = mapMetricEvents(ready, tickets, { tenantId: tenant._id, timeZone: tenant.timeZone, isStaff: staff.isStaff });
    const written = await database.facts.insertMany(facts);
    const page = { stored: written.written, duplicates: written.duplicates, facts };
    if (ready.length === valid.length) return page;
    // Resume at what ticket events reached (inclusive); ids absorb the repeats.
    return { ...page, stopAt: String(Math.floor(reached / 1000)) };
  },
};

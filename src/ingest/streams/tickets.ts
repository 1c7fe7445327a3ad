/** The tickets stream: each ticket's current assignee, group and status (docs/architecture.md#ticket-state). */
import { storedIds } from '../../../schemas/records.js';
import { type ZendeskTicket, ZendeskTicketSchema } from '../../../schemas/zendesk.js';
import { scrubTicket } from '../suppression-filter.js';
import { cursorExportOf, type StreamSpec } from './stream-spec.js';

export const ticketsStream: StreamSpec<ZendeskTicket> = {
  name: 'tickets',
  dependsOn: [],
  schema: () => ZendeskTicketSchema,
  pages: cursorExportOf('tickets'),
  async store(context, valid) {
    const { tenant, guard, database } = context;
    const states = valid.map((ticket) =>
      scrubTicket(
        {
          _id: storedIds.ticket(tenant._id, ticket.id),
          tenantId: tenant._id,
          ticketId: ticket.id,
          assigneeId: ticket.assignee_id,
          groupId: ticket.group_id,
          brandId: ticket.brand_id ?? null,
          status: ticket.status,
          updatedAt: new Date(ticket.generated_timestamp * 1000),
        },
        guard.isSuppressed,
      ),
    );
    const written = await context.locks.tickets.hold(tenant._id, () => database.tickets.reconcile(states));
    return { stored: written.written };
  },
};

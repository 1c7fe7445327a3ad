/**
 * The ticket events stream: facts (solve, reopen, public reply, update, handle time)
 * and ticket states (docs/architecture.md#streams). Before it runs, the tenant's Time
 * Tracking fields are looked up once (`discoverTimeTrackingFields`).
 */
import type { StoredTenant } from '../../../schemas/records.js';
import { type ZendeskTicketEvent, ZendeskTicketFieldSchema, ticketEventSchemaFor } from '../../../schemas/zendesk.js';
import type { TenantStore } from '../../store/ports.js';
import { ticketEventPages } from '../../zendesk/pagers.js';
import type { ZendeskClient } from '../../zendesk/zendesk-client.js';
import { mapTicketEvents } from '../map-ticket-events.js';
import { scrubTicket } from '../suppression-filter.js';
import { ticketStatesFor } from '../ticket-state-cache.js';
import { clockSecondsOf, type StreamSpec } from './stream-spec.js';

export const TOTAL_TIME_FIELD_TITLE = 'Total time spent (sec)';
export const LAST_TIME_FIELD_TITLE = 'Time spent last update (sec)';

export const ticketEventsStream: StreamSpec<ZendeskTicketEvent> = {
  name: 'ticket_events',
  dependsOn: [],
  schema: (tenant) => ticketEventSchemaFor(tenant.timeTrackingFields.total),
  pages: (context, position) => {
    const clockS = clockSecondsOf(context);
    return ticketEventPages(context.client, Number(position), clockS(), context.ticketEventsPerPage, clockS);
  },
  async store(context, valid) {
    const { tenant, guard, staff, database } = context;
    await staff.resolve(
      valid.flatMap((event) => [
        event.updater_id,
        ...event.child_events.flatMap((child) => [child.author_id ?? 0, typeof child.assignee_id === 'number' ? child.assignee_id : Number(child.assignee_id ?? 0)]),
      ]),
    );
    // This run's states are exact whatever the time: only tickets new to it are read. What is
    // read holds the events up to this stream's position, all a later stream may rely on.
    // Even a ticket created on the page is read: a replay after a purge must find the states it left.
    const wanted = new Map(valid.map((event) => [event.ticket_id, Number.POSITIVE_INFINITY]));
    const position = Number((await database.checkpoints.position(tenant._id, 'ticket_events')) ?? '0') * 1000;
    const known = await ticketStatesFor(context.ticketStates, tenant._id, wanted, (ids) => database.tickets.findMany(tenant._id, ids), {
      run: Number.POSITIVE_INFINITY,
      shared: position,
    });
    const mapped = mapTicketEvents(valid, [...known.values()], {
      tenantId: tenant._id,
      timeZone: tenant.timeZone,
      totalTimeFieldId: tenant.timeTrackingFields.total,
      isStaff: staff.isStaff,
    });
    const written = await database.facts.insertMany(mapped.facts);
    const states = mapped.tickets.map((ticket) => scrubTicket(ticket, guard.isSuppressed));
    await context.locks.tickets.hold(tenant._id, () => database.tickets.applyEvents(states));
    context.ticketStates.run.set(states, Number.POSITIVE_INFINITY);
    return { stored: written.written, duplicates: written.duplicates, facts: mapped.facts, ticketStates: states };
  },
};

/** Finds the two Time Tracking fields by title, once, unless set by flag. */
export async function discoverTimeTrackingFields(context: {
  readonly tenant: StoredTenant;
  readonly database: { readonly tenants: Pick<TenantStore, 'update'> };
  readonly client: Pick<ZendeskClient, 'url' | 'get'>;
  readonly now: () => Date;
}): Promise<StoredTenant['timeTrackingFields']> {
  const { tenant } = context;
  if (tenant.timeTrackingFields.total !== null) return tenant.timeTrackingFields;
  let url: string | null = context.client.url('ticket_fields', { 'page[size]': 100 });
  const found: { total: number | null; last: number | null } = { total: null, last: null };
  while (url) {
    const body = (await context.client.get(url)) as { ticket_fields?: unknown; meta?: { has_more?: boolean }; links?: { next?: string | null } };
    for (const raw of Array.isArray(body.ticket_fields) ? body.ticket_fields : []) {
      const field = ZendeskTicketFieldSchema.safeParse(raw);
      if (!field.success) continue;
      const title = field.data.raw_title ?? field.data.title;
      if (title === TOTAL_TIME_FIELD_TITLE) found.total = field.data.id;
      if (title === LAST_TIME_FIELD_TITLE) found.last = field.data.id;
    }
    url = body.meta?.has_more ? (body.links?.next ?? null) : null;
  }
  const fields = found.total === null ? tenant.timeTrackingFields : { ...found, source: 'discovered' as const };
  if (found.total !== null) await context.database.tenants.update(tenant._id, { timeTrackingFields: fields }, context.now());
  return fields;
}

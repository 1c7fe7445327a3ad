/**
 * Satisfaction ratings → rating facts. Every rating is kept (value 1 good, 0 bad,
 * −1 offered or unoffered) so that metrics can count, per ticket, only the most
 * recent one (by updated_at, then id: `detail`), on the local day it was created.
 * No comment or reason is kept. Pure.
 */
import type { StoredFact, StoredTicket } from '../../schemas/records.js';
import type { ZendeskRating } from '../../schemas/zendesk.js';
import { localDay } from '../metrics/stored-daily.js';
import { dimensionsAt } from './map-ticket-events.js';

/**
 * The group is the rating's own (the ticket's group when rated); the brand is the
 * ticket's at that time as tally knows it, none if tally has not seen the ticket
 * (docs/metrics.md#dimensions).
 */
export function mapRatings(
  ratings: readonly ZendeskRating[],
  tickets: ReadonlyMap<number, StoredTicket>,
  context: { tenantId: string; timeZone: string; isStaff: (userId: number) => boolean },
): StoredFact[] {
  const facts: StoredFact[] = [];
  for (const rating of ratings) {
    // A rating of no agent still counts as the ticket's latest, so it is kept, crediting nobody.
    const agentId = rating.assignee_id !== null && context.isStaff(rating.assignee_id) ? rating.assignee_id : 0;
    const updated = new Date(rating.updated_at).toISOString();
    const ticket = tickets.get(rating.ticket_id);
    const groupId = rating.group_id ?? null;
    const brandId = ticket ? dimensionsAt(ticket, new Date(rating.created_at)).brandId : null;
    facts.push({
      _id: `${context.tenantId}:rating:${rating.id}:0`,
      tenantId: context.tenantId,
      kind: 'rating',
      ticketId: rating.ticket_id,
      agentId,
      at: new Date(rating.created_at),
      day: localDay(new Date(rating.created_at), context.timeZone),
      value: rating.score === 'good' ? 1 : rating.score === 'bad' ? 0 : -1,
      // Sorts as "most recent last": updated_at, then the rating id, zero-padded.
      detail: `${updated}|${String(rating.id).padStart(20, '0')}`,
      ...(groupId === null ? {} : { groupId }),
      ...(brandId === null ? {} : { brandId }),
    });
  }
  return facts;
}

/**
 * The satisfaction ratings stream: facts of kind `rating`, replaced when re-rated.
 * Runs look back RATING_LOOKBACK_S for re-ratings (src/ingest/checkpoints.ts,
 * docs/architecture.md#checkpoints).
 */
import { type ZendeskRating, ZendeskRatingSchema } from '../../../schemas/zendesk.js';
import { type RawPage, timeResumedPages } from '../../zendesk/pagers.js';
import { ratingCheckpoint, ratingRunStart, syncStartSeconds } from '../checkpoints.js';
import { mapRatings } from '../map-ratings.js';
import { clockSecondsOf, recordTimeS, type StreamContext, type StreamSpec } from './stream-spec.js';

export const satisfactionRatingsStream: StreamSpec<ZendeskRating> = {
  name: 'satisfaction_ratings',
  dependsOn: [],
  schema: () => ZendeskRatingSchema,
  pages: ratingPages,
  async store(context, valid) {
    const { tenant, staff, database } = context;
    await staff.resolve(valid.flatMap((rating) => (rating.assignee_id === null ? [] : [rating.assignee_id])));
    const ratedTickets = [...new Set(valid.map((rating) => rating.ticket_id))];
    const tickets = new Map((await database.tickets.findMany(tenant._id, ratedTickets)).map((ticket) => [ticket.ticketId, ticket]));
    const facts = mapRatings(valid, tickets, { tenantId: tenant._id, timeZone: tenant.timeZone, isStaff: staff.isStaff });
    // A rating updated in place may have moved agent or day: its old buckets need recomputing too.
    const before = await database.facts.ratingsOf(tenant._id, ratedTickets);
    const written = await database.facts.replaceMany(facts);
    return { stored: written.written, facts: [...before, ...facts] };
  },
};

/** Ratings are filtered on created_at: a run starts where the lookback rule says and checkpoints `partial:T` until the end. */
async function* ratingPages(context: StreamContext, position: string): AsyncGenerator<RawPage> {
  const { start, reached } = ratingRunStart(position, syncStartSeconds(context.tenant));
  const pages = timeResumedPages(
    context.client,
    'satisfaction_ratings',
    'satisfaction_ratings',
    start,
    (record) => recordTimeS((record as { created_at?: unknown }).created_at),
    clockSecondsOf(context),
  );
  for await (const page of pages) {
    yield { ...page, checkpoint: ratingCheckpoint(Number(page.checkpoint), reached, page.endOfStream) };
  }
}

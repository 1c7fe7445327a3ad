/**
 * The satisfaction ratings stream: facts of kind `rating`, replaced when re-rated.
 * Runs look back RATING_LOOKBACK_S for re-ratings (src/ingest/checkpoints.ts,
 * docs/architecture.md#checkpoints).
 */
import { type ZendeskRating, ZendeskRatingSchema } from '../../../schemas/zendesk.js';
import { type RawPage, timeResumedPages } from '../../zendesk/pagers.js';
import { ratingCheckpoint, ratingRunStart, syncStartSeconds } from '../checkpoints.js';
import { mapRatings } from '../map-ratings.js';
import { ticketStatesFor } from '../ticket-state-cache.js';
import { BATCH_RECORDS, clockSecondsOf, latestTimes, recordTimeS, type StreamContext, type StreamSpec } from './stream-spec.js';

export const satisfactionRatingsStream: StreamSpec<ZendeskRating> = {
  name: 'satisfaction_ratings',
  dependsOn: [],
  batchRecords: BATCH_RECORDS,
  schema: () => ZendeskRatingSchema,
  pages: ratingPages,
  async store(context, valid) {
    const { tenant, staff, database } = context;
    await staff.resolve(valid.flatMap((rating) => (rating.assignee_id === null ? [] : [rating.assignee_id])));
    const ratedTickets = [...new Set(valid.map((rating) => rating.ticket_id))];
    // The brand is the ticket's when rated: a state read earlier in the run answers up to what ticket events had reached then.
    const reached = Number((await database.checkpoints.position(tenant._id, 'ticket_events')) ?? '0') * 1000;
    const tickets = await ticketStatesFor(context.ticketStates, tenant._id, latestTimes(valid, (rating) => Date.parse(rating.created_at)), (ids) => database.tickets.findMany(tenant._id, ids), { run: reached, shared: reached });
    const facts = mapRatings(valid, tickets, { tenantId: tenant._id, timeZone: tenant.timeZone, isStaff: staff.isStaff });
    // A rating updated in place may have moved agent or day: its old buckets need recomputing too.
    const before = await earlierRatings(context, ratedTickets);
    const written = await database.facts.replaceMany(facts);
    context.ratingsWritten?.add(facts);
    return { stored: written.written, facts: [...before, ...facts], earlierRatingsIncluded: true };
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

/**
 * The stored ratings of these tickets. A tenant without ratings when the run began has
 * only those the run wrote (this stream alone writes ratings, under its lease), so a
 * first backfill reads none back (src/ingest/run-ratings.ts).
 */
async function earlierRatings(context: StreamContext, ticketIds: readonly number[]) {
  const { tenant, database, ratingsWritten } = context;
  if (ratingsWritten && (await ratingsWritten.firstOfTenant(() => database.facts.hasRatings(tenant._id)))) return ratingsWritten.of(ticketIds);
  return database.facts.ratingsOf(tenant._id, ticketIds);
}

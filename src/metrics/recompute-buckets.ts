/**
 * Recomputes the daily buckets a batch of facts touched, from the stored facts:
 * idempotent, so replays and duplicates never double count. A rating also touches
 * the buckets of its ticket's earlier ratings, since only the most recent counts
 * and a re-rating moves the count to its own day and agent.
 */
import type { StoredDaily, StoredFact, StoredStaleBucket } from '../../schemas/records.js';
import { storedIds } from '../../schemas/records.js';
import type { DailyStore, FactStore } from '../store/ports.js';
import { DAILY_COUNTERS, DAILY_MINUTES, type DailyRow, dailyRows } from './daily-rows.js';
import { storedDaily, touchedBuckets } from './stored-daily.js';
import type { WrittenBuckets } from './written-buckets.js';

export interface RecomputeDeps {
  readonly facts: Pick<FactStore, 'onDay' | 'ratingsOf' | 'ratings'>;
  readonly daily: Pick<DailyStore, 'replace'>;
  readonly now: () => Date;
  /** Where a sync holds the buckets it wrote, for its rollup warm-up (docs/metrics.md#handed-buckets). */
  readonly written?: WrittenBuckets;
}

/**
 * The buckets a batch of facts makes stale: its own, and for ratings those of the
 * ticket's earlier ratings, since only the most recent counts and a re-rating
 * moves the count to its own day and agent.
 */
export async function staleBucketsOf(
  facts: Pick<FactStore, 'ratingsOf'>,
  tenantId: string,
  batch: readonly StoredFact[],
  /** The batch already holds every stored rating of its rated tickets (the ratings stream read them). */
  earlierRatingsIncluded = false,
): Promise<Omit<StoredStaleBucket, 'mark'>[]> {
  const ratedTickets = earlierRatingsIncluded ? [] : [...new Set(batch.filter((fact) => fact.kind === 'rating').map((fact) => fact.ticketId))];
  const earlierRatings = await facts.ratingsOf(tenantId, ratedTickets);
  // Nobody (agent 0: a rating of no agent) has no bucket to recompute.
  return [...touchedBuckets([...batch, ...earlierRatings]).values()].filter(({ agentId }) => agentId !== NOBODY).map(({ agentId, day }) => ({
    _id: storedIds.daily(tenantId, agentId, day),
    tenantId,
    agentId,
    day,
  }));
}

/**
 * Recomputes the given buckets from the stored facts; a bucket left with nothing to
 * count is deleted. One day at a time, so memory holds one day's facts however many
 * days are stale (a backfill's flush, or a rebuild, touches every day of the history).
 */
export async function recomputeBuckets(
  deps: RecomputeDeps,
  tenant: { readonly id: string; readonly timeZone: string },
  stale: readonly { agentId: number; day: string }[],
): Promise<{ buckets: number; emptied: number }> {
  const agentsByDay = new Map<string, Set<number>>();
  for (const { agentId, day } of stale) {
    let agents = agentsByDay.get(day);
    if (!agents) agentsByDay.set(day, (agents = new Set()));
    agents.add(agentId);
  }
  const total = { buckets: 0, emptied: 0 };
  let rows: StoredDaily[] = [];
  let emptied: string[] = [];
  // Whole days are asked for only where the warm-up would read many days back (a
  // backfill's flush, a rebuild), and no longer once a day is not whole: then the
  // history was counted before and asking costs a read of each day's buckets.
  let askWhole = deps.written !== undefined && agentsByDay.size > PRELOAD_RATINGS_DAYS;
  let batchDays = new Map<string, StoredDaily[]>();
  const write = async () => {
    const whole = await deps.daily.replace(rows, emptied, { wholeDays: askWhole });
    for (const [day, dayRows] of batchDays) {
      const version = whole.get(storedIds.bucketDay(tenant.id, day));
      if (version !== undefined) deps.written?.keep(day, version, dayRows);
      else deps.written?.forget(day);
    }
    if (whole.size < batchDays.size) askWhole = false;
    total.buckets += rows.length;
    total.emptied += emptied.length;
    rows = [];
    emptied = [];
    batchDays = new Map();
  };
  const now = deps.now();
  // Many days (a backfill's, a rebuild's) need most of the tenant's ratings: one read instead of one per rated ticket.
  const ratingsOf = agentsByDay.size > PRELOAD_RATINGS_DAYS ? ratingsByTicket(await deps.facts.ratings(tenant.id)) : (ticketIds: number[]) => deps.facts.ratingsOf(tenant.id, ticketIds);
  const days = [...agentsByDay.keys()];
  // The next day's facts are read while this day's are counted and written: the database is never idle in between.
  const read = (index: number) => {
    const day = days[index];
    if (day === undefined) return null;
    const facts = deps.facts.onDay(tenant.id, day);
    facts.catch(() => undefined);
    return facts;
  };
  let next = read(0);
  for (const [index, day] of days.entries()) {
    const agents = agentsByDay.get(day) as Set<number>;
    const dayFacts = await (next as Promise<StoredFact[]>);
    next = read(index + 1);
    const pool = new Map<string, StoredFact>();
    for (const fact of dayFacts) if (agents.has(fact.agentId)) pool.set(fact._id, fact);
    // Which rating of a ticket counts depends on all of its ratings, wherever they fall.
    const ratedTickets = [...new Set([...pool.values()].filter((fact) => fact.kind === 'rating').map((fact) => fact.ticketId))];
    for (const fact of await ratingsOf(ratedTickets)) pool.set(fact._id, fact);
    // Ratings of other days are in the pool only to decide this day's: their own rows are partial.
    const dayRows = dailyRows(pool.values(), tenant.timeZone).filter((row) => row.day === day && agents.has(row.agentId) && !isEmpty(row));
    const kept = new Set(dayRows.map((row) => row.agentId));
    const stored = dayRows.map((row) => storedDaily(row, tenant.id, now));
    rows.push(...stored);
    batchDays.set(day, stored);
    for (const agentId of agents) if (!kept.has(agentId)) emptied.push(storedIds.daily(tenant.id, agentId, day));
    if (rows.length + emptied.length >= WRITE_BATCH) await write();
  }
  if (rows.length + emptied.length > 0) await write();
  return total;
}

/** The agent id of facts that credit nobody (ratings of no agent, or of a purged one). */
const NOBODY = 0;

/** More stale days than this and the tenant's ratings are read at once. */
const PRELOAD_RATINGS_DAYS = 14;

function ratingsByTicket(ratings: readonly StoredFact[]): (ticketIds: number[]) => Promise<StoredFact[]> {
  const byTicket = new Map<number, StoredFact[]>();
  for (const rating of ratings) {
    let found = byTicket.get(rating.ticketId);
    if (!found) byTicket.set(rating.ticketId, (found = []));
    found.push(rating);
  }
  return (ticketIds) => Promise.resolve(ticketIds.flatMap((ticketId) => byTicket.get(ticketId) ?? []));
}

/** Buckets written per round trip: a day of a large team is one batch, a backfill's flush a few. */
const WRITE_BATCH = 500;

/**
 * Rebuilds every bucket of a tenant from its facts, day by day (after a repair or a
 * change of metric rules). Buckets of days with no facts left are deleted.
 */
export async function rebuildBuckets(
  deps: {
    readonly facts: Pick<FactStore, 'onDay' | 'ratingsOf' | 'ratings' | 'days'>;
    readonly daily: Pick<DailyStore, 'replace' | 'days' | 'agentsOn'>;
    readonly now: () => Date;
  },
  tenant: { readonly id: string; readonly timeZone: string },
): Promise<{ buckets: number; emptied: number }> {
  const days = new Set([...(await deps.facts.days(tenant.id)), ...(await deps.daily.days(tenant.id))]);
  const total = { buckets: 0, emptied: 0 };
  for (const day of [...days].sort()) {
    // Every agent with facts or a bucket that day: a bucket whose facts are gone is emptied.
    const agents = new Set([...(await deps.facts.onDay(tenant.id, day)).map((fact) => fact.agentId), ...(await deps.daily.agentsOn(tenant.id, day))]);
    const result = await recomputeBuckets(deps, tenant, [...agents].map((agentId) => ({ agentId, day })));
    total.buckets += result.buckets;
    total.emptied += result.emptied;
  }
  return total;
}

function isEmpty(row: DailyRow): boolean {
  return DAILY_COUNTERS.every((counter) => row[counter] === 0) && DAILY_MINUTES.every((field) => row[field].length === 0);
}

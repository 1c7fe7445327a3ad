/**
 * Facts → per (agent, local day) rows of docs/metrics.md#conventions, in the tenant's time zone,
 * each with the same measures per (group, brand) slice (docs/metrics.md#dimensions).
 * Pure: the caller streams facts in; every rule of attribution was applied when
 * the facts were made, except "one rating per ticket, the most recent", which
 * needs all of a ticket's ratings and is applied here.
 */
import { DateTime } from 'luxon';
import { DAILY_COUNTERS, DAILY_MINUTES, type DailyCounter, type DailyMinuteField, type StoredFact } from '../../schemas/records.js';

// The stored measures' names live with the stored shapes (schemas/records.ts), which the HTTP schemas read too.
export { DAILY_COUNTERS, DAILY_MINUTES, type DailyCounter, type DailyMinuteField } from '../../schemas/records.js';
const MINUTE_FIELDS = new Set<string>(DAILY_MINUTES);

/** One day's measures: counters, and every minute observation (histograms are made when stored). */
export type DayMeasures = Record<DailyCounter, number> & Record<DailyMinuteField, number[]>;

/** The measures of the facts that fell in one group and brand (0: none). */
export type SliceRow = { groupId: number; brandId: number } & DayMeasures;

export type DailyRow = { agentId: number; day: string } & DayMeasures & { slices: SliceRow[] };

const NOBODY = 0;

/** Counts one day's facts into measures; distinct-ticket counters are counted per accumulator. */
class Accumulator {
  readonly measures: DayMeasures;
  private readonly touched = new Set<number>();
  private readonly timed = new Set<number>();

  constructor() {
    const measures = {} as DayMeasures;
    for (const counter of DAILY_COUNTERS) measures[counter] = 0;
    for (const field of DAILY_MINUTES) measures[field] = [];
    this.measures = measures;
  }

  add(fact: StoredFact): void {
    const m = this.measures;
    switch (fact.kind) {
      case 'solve':
        m.solves++;
        break;
      case 'reopen':
        m.reopens++;
        break;
      case 'public_reply':
        m.publicReplies++;
        break;
      case 'update':
        this.touched.add(fact.ticketId);
        break;
      case 'handle_time':
        m.handleTimeSeconds += fact.value ?? 0;
        if ((fact.value ?? 0) !== 0) this.timed.add(fact.ticketId);
        break;
      case 'one_touch':
        m.oneTouchTickets += fact.value ?? 0;
        break;
      case 'metric':
        if (fact.detail && MINUTE_FIELDS.has(fact.detail) && fact.value !== undefined) m[fact.detail as DailyMinuteField].push(fact.value);
        break;
      case 'rating':
        if (fact.value === 1) m.csatGood++;
        if (fact.value === 0) m.csatBad++;
        break;
    }
  }

  done(): DayMeasures {
    return { ...this.measures, ticketsTouched: this.touched.size, ticketsWithHandleTime: this.timed.size };
  }
}

export function dailyRows(facts: Iterable<StoredFact>, timeZone: string): DailyRow[] {
  const rows = new Map<string, { agentId: number; day: string; all: Accumulator; slices: Map<string, { groupId: number; brandId: number; acc: Accumulator }> }>();
  const latestRating = new Map<number, StoredFact>();
  const count = (fact: StoredFact) => {
    const day = DateTime.fromJSDate(fact.at, { zone: timeZone }).toISODate() as string;
    const key = `${fact.agentId}|${day}`;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { agentId: fact.agentId, day, all: new Accumulator(), slices: new Map() }));
    const groupId = fact.groupId ?? 0;
    const brandId = fact.brandId ?? 0;
    const sliceKey = `${groupId}|${brandId}`;
    let slice = row.slices.get(sliceKey);
    if (!slice) row.slices.set(sliceKey, (slice = { groupId, brandId, acc: new Accumulator() }));
    row.all.add(fact);
    slice.acc.add(fact);
  };

  for (const fact of facts) {
    if (fact.kind !== 'rating') {
      count(fact);
      continue;
    }
    const current = latestRating.get(fact.ticketId);
    if (!current || (fact.detail ?? '') > (current.detail ?? '')) latestRating.set(fact.ticketId, fact);
  }
  for (const rating of latestRating.values()) {
    if (rating.agentId !== NOBODY && (rating.value === 1 || rating.value === 0)) count(rating);
  }
  return [...rows.values()]
    .map(({ agentId, day, all, slices }) => ({
      agentId,
      day,
      ...all.done(),
      slices: [...slices.values()]
        .map(({ groupId, brandId, acc }) => ({ groupId, brandId, ...acc.done() }))
        .sort((a, b) => a.groupId - b.groupId || a.brandId - b.brandId),
    }))
    .sort((a, b) => a.agentId - b.agentId || a.day.localeCompare(b.day));
}

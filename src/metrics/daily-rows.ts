/**
 * Facts → per (agent, local day) rows of docs/metrics.md#conventions, in the tenant's time zone.
 * Pure: the caller streams facts in; every rule of attribution was applied when
 * the facts were made, except "one rating per ticket, the most recent", which
 * needs all of a ticket's ratings and is applied here.
 */
import { DateTime } from 'luxon';
import type { StoredFact } from '../../schemas/records.js';

export interface DailyRow {
  agentId: number;
  day: string;
  solves: number;
  reopens: number;
  publicReplies: number;
  ticketsTouched: number;
  handleTimeSeconds: number;
  ticketsWithHandleTime: number;
  csatGood: number;
  csatBad: number;
  firstReplyMinutes: number[];
  fullResolutionMinutes: number[];
  requesterWaitMinutes: number[];
  agentWorkMinutes: number[];
}

type MinuteField = 'firstReplyMinutes' | 'fullResolutionMinutes' | 'requesterWaitMinutes' | 'agentWorkMinutes';
const MINUTE_FIELDS = new Set<string>(['firstReplyMinutes', 'fullResolutionMinutes', 'requesterWaitMinutes', 'agentWorkMinutes']);

const NOBODY = 0;

export function dailyRows(facts: Iterable<StoredFact>, timeZone: string): DailyRow[] {
  const rows = new Map<string, DailyRow & { touched: Set<number>; timed: Set<number> }>();
  const latestRating = new Map<number, StoredFact>();
  const row = (agentId: number, at: Date) => {
    const day = DateTime.fromJSDate(at, { zone: timeZone }).toISODate() as string;
    const key = `${agentId}|${day}`;
    let found = rows.get(key);
    if (!found) {
      found = {
        agentId,
        day,
        solves: 0,
        reopens: 0,
        publicReplies: 0,
        ticketsTouched: 0,
        handleTimeSeconds: 0,
        ticketsWithHandleTime: 0,
        csatGood: 0,
        csatBad: 0,
        firstReplyMinutes: [],
        fullResolutionMinutes: [],
        requesterWaitMinutes: [],
        agentWorkMinutes: [],
        touched: new Set(),
        timed: new Set(),
      };
      rows.set(key, found);
    }
    return found;
  };

  for (const fact of facts) {
    switch (fact.kind) {
      case 'solve':
        row(fact.agentId, fact.at).solves++;
        break;
      case 'reopen':
        row(fact.agentId, fact.at).reopens++;
        break;
      case 'public_reply':
        row(fact.agentId, fact.at).publicReplies++;
        break;
      case 'update':
        row(fact.agentId, fact.at).touched.add(fact.ticketId);
        break;
      case 'handle_time': {
        const target = row(fact.agentId, fact.at);
        target.handleTimeSeconds += fact.value ?? 0;
        if ((fact.value ?? 0) !== 0) target.timed.add(fact.ticketId);
        break;
      }
      case 'metric':
        if (fact.detail && MINUTE_FIELDS.has(fact.detail) && fact.value !== undefined) {
          row(fact.agentId, fact.at)[fact.detail as MinuteField].push(fact.value);
        }
        break;
      case 'rating': {
        const current = latestRating.get(fact.ticketId);
        if (!current || (fact.detail ?? '') > (current.detail ?? '')) latestRating.set(fact.ticketId, fact);
        break;
      }
    }
  }
  for (const rating of latestRating.values()) {
    if (rating.agentId === NOBODY) continue;
    if (rating.value === 1) row(rating.agentId, rating.at).csatGood++;
    if (rating.value === 0) row(rating.agentId, rating.at).csatBad++;
  }
  return [...rows.values()]
    .map(({ touched, timed, ...rest }) => ({ ...rest, ticketsTouched: touched.size, ticketsWithHandleTime: timed.size }))
    .sort((a, b) => a.agentId - b.agentId || a.day.localeCompare(b.day));
}

/**
 * The expected per-agent, per-local-day metrics of docs/metrics.md#counters, computed from the
 * simulator's model of what happened (world.ts), never from its API output.
 */
import { DateTime } from 'luxon';
import { isStaff, type MetricName, type SimTicket, type SimUser, type World } from './world.js';

export interface AgentDayTruth {
  agentId: number;
  /** Local calendar day in the requested time zone, YYYY-MM-DD. */
  day: string;
  solves: number;
  reopens: number;
  publicReplies: number;
  ticketsTouched: number;
  handleTimeSeconds: number;
  ticketsWithHandleTime: number;
  csatGood: number;
  csatBad: number;
  oneTouchTickets: number;
  /** Every observation, in minutes (calendar, then business), so ranges can be checked exactly. */
  firstReplyMinutes: number[];
  fullResolutionMinutes: number[];
  requesterWaitMinutes: number[];
  agentWorkMinutes: number[];
  firstReplyBusinessMinutes: number[];
  fullResolutionBusinessMinutes: number[];
  requesterWaitBusinessMinutes: number[];
  agentWorkBusinessMinutes: number[];
}

type MinuteMetric = 'firstReplyMinutes' | 'fullResolutionMinutes' | 'requesterWaitMinutes' | 'agentWorkMinutes';
type BusinessMetric = 'firstReplyBusinessMinutes' | 'fullResolutionBusinessMinutes' | 'requesterWaitBusinessMinutes' | 'agentWorkBusinessMinutes';

const METRIC_FIELDS: Partial<Record<MetricName, [MinuteMetric, BusinessMetric]>> = {
  reply_time: ['firstReplyMinutes', 'firstReplyBusinessMinutes'],
  resolution_time: ['fullResolutionMinutes', 'fullResolutionBusinessMinutes'],
  requester_wait_time: ['requesterWaitMinutes', 'requesterWaitBusinessMinutes'],
  agent_work_time: ['agentWorkMinutes', 'agentWorkBusinessMinutes'],
};

const REOPEN_TARGETS = new Set(['new', 'open', 'pending', 'hold']);

export interface GroundTruthOptions {
  /** Only what happened at or before this time (ms) counts; default: everything. */
  until?: number;
  /**
   * Only what happened while the ticket was in this group and/or brand counts
   * (docs/metrics.md#dimensions): distinct tickets are then counted per day and
   * (group, brand), and summed.
   */
  groupId?: number;
  brandId?: number;
}

interface Where {
  groupId: number | null;
  brandId: number | null;
}

type Counter = 'solves' | 'reopens' | 'publicReplies' | 'handleTimeSeconds' | 'csatGood' | 'csatBad' | 'oneTouchTickets';
type Measures = Omit<AgentDayTruth, 'agentId' | 'day'>;

/** The measures of one day's facts in one group and brand (0: none), as daily buckets keep them. */
export type SliceTruth = { groupId: number; brandId: number } & Measures;

/** Counts into a measures record; distinct tickets in sets, resolved by `done`. */
class Tally {
  readonly measures: Measures = {
    solves: 0,
    reopens: 0,
    publicReplies: 0,
    ticketsTouched: 0,
    handleTimeSeconds: 0,
    ticketsWithHandleTime: 0,
    csatGood: 0,
    csatBad: 0,
    oneTouchTickets: 0,
    firstReplyMinutes: [],
    fullResolutionMinutes: [],
    requesterWaitMinutes: [],
    agentWorkMinutes: [],
    firstReplyBusinessMinutes: [],
    fullResolutionBusinessMinutes: [],
    requesterWaitBusinessMinutes: [],
    agentWorkBusinessMinutes: [],
  };
  readonly touched = new Set<string>();
  readonly timed = new Set<string>();

  done(): Measures {
    return { ...this.measures, ticketsTouched: this.touched.size, ticketsWithHandleTime: this.timed.size };
  }
}

/** What one fact adds to: its agent's day, and that day's slice of its group and brand. */
class Target {
  constructor(private readonly tallies: readonly Tally[]) {}
  add(counter: Counter, amount = 1): void {
    for (const tally of this.tallies) tally.measures[counter] += amount;
  }
  push(metric: MinuteMetric | BusinessMetric, minutes: number): void {
    for (const tally of this.tallies) tally.measures[metric].push(minutes);
  }
  touch(key: string): void {
    for (const tally of this.tallies) tally.touched.add(key);
  }
  time(key: string): void {
    for (const tally of this.tallies) tally.timed.add(key);
  }
}

export function groundTruth(world: World, timeZone: string, options: GroundTruthOptions = {}): (AgentDayTruth & { slices: SliceTruth[] })[] {
  if (!DateTime.local().setZone(timeZone).isValid) throw new Error(`unknown IANA time zone: ${timeZone}`);
  const until = options.until ?? Number.POSITIVE_INFINITY;
  const filtered = options.groupId !== undefined || options.brandId !== undefined;
  const selected = (where: Where) =>
    (options.groupId === undefined || where.groupId === options.groupId) && (options.brandId === undefined || where.brandId === options.brandId);
  const users = new Map<number, SimUser>(world.users.map((user) => [user.id, user]));
  const staff = (id: number | null): id is number => id !== null && isStaff(users.get(id));
  const rows = new Map<string, { agentId: number; day: string; all: Tally; slices: Map<string, { groupId: number; brandId: number; tally: Tally }> }>();
  const dayOf = (ms: number) => DateTime.fromMillis(ms, { zone: timeZone }).toISODate() as string;
  /** Where the fact counts, or null when the filter leaves it out. */
  const row = (agentId: number, at: number, where: Where): Target | null => {
    if (!selected(where)) return null;
    const day = dayOf(at);
    const key = `${agentId}|${day}`;
    let found = rows.get(key);
    if (!found) rows.set(key, (found = { agentId, day, all: new Tally(), slices: new Map() }));
    const groupId = where.groupId ?? 0;
    const brandId = where.brandId ?? 0;
    let slice = found.slices.get(`${groupId}|${brandId}`);
    if (!slice) found.slices.set(`${groupId}|${brandId}`, (slice = { groupId, brandId, tally: new Tally() }));
    return new Target([found.all, slice.tally]);
  };
  // Filtered, distinct tickets are counted per (day, group, brand) and summed, as slices are.
  const distinct = (ticketId: number, where: Where) => (filtered ? `${ticketId}|${where.groupId}|${where.brandId}` : String(ticketId));

  const ticketsById = new Map<number, SimTicket>(world.tickets.map((ticket) => [ticket.id, ticket]));
  for (const ticket of world.tickets) {
    let assignee: number | null = null;
    let lastSolver: number | null = null;
    const where: Where = { groupId: null, brandId: null };
    let replies = 0;
    let credit: { agentId: number; at: number; where: Where } | null = null;
    const retract = () => {
      if (credit) row(credit.agentId, credit.at, credit.where)?.add('oneTouchTickets', -1);
      credit = null;
    };
    for (const update of ticket.updates) {
      if (update.at > until) break;
      if (update.assignee) assignee = update.assignee.to;
      if (update.group) where.groupId = update.group.to;
      if (update.brand) where.brandId = update.brand.to;
      const now = { ...where };
      // One-touch (docs/metrics.md#onetouchtickets): replies first, then the solve of the same update.
      if (update.comment?.public && staff(update.comment.authorId) && !update.create) {
        replies++;
        retract();
      }
      if (update.status && !update.create) {
        if (update.status.to === 'solved') {
          lastSolver = assignee;
          if (staff(assignee)) row(assignee, update.at, now)?.add('solves');
          retract();
          if (staff(assignee) && replies === 1) {
            credit = { agentId: assignee, at: update.at, where: now };
            row(assignee, update.at, now)?.add('oneTouchTickets');
          }
        } else if (update.status.from === 'solved' && REOPEN_TARGETS.has(update.status.to) && staff(lastSolver)) {
          row(lastSolver, update.at, now)?.add('reopens');
        }
      }
      if (update.comment?.public && staff(update.comment.authorId)) row(update.comment.authorId, update.at, now)?.add('publicReplies');
      if (staff(update.actorId)) {
        const actor = row(update.actorId, update.at, now);
        if (actor) {
          actor.touch(distinct(ticket.id, now));
          if (update.timeSpent) {
            const change = update.timeSpent.total - (update.timeSpent.previousTotal ?? 0);
            actor.add('handleTimeSeconds', change);
            if (change !== 0) actor.time(distinct(ticket.id, now));
          }
        }
      }
    }
  }

  for (const event of world.metricEvents) {
    if (event.time > until) break;
    const fields = METRIC_FIELDS[event.metric];
    if (!fields || event.type !== 'update_status' || event.deleted || !event.status) continue;
    if (event.metric === 'reply_time' && event.instanceId !== 1) continue;
    const ticket = ticketsById.get(event.ticketId);
    const assignee = ticket ? assigneeAt(ticket, event.time) : null;
    if (!staff(assignee) || !ticket) continue;
    const target = row(assignee, event.time, whereAt(ticket, event.time));
    target?.push(fields[0], event.status.calendar);
    target?.push(fields[1], event.status.business);
  }

  const latestRating = new Map<number, World['ratings'][number]>();
  for (const rating of world.ratings) {
    if (rating.createdAt > until) continue;
    const current = latestRating.get(rating.ticketId);
    if (!current || rating.updatedAt > current.updatedAt || (rating.updatedAt === current.updatedAt && rating.id > current.id)) {
      latestRating.set(rating.ticketId, rating);
    }
  }
  for (const rating of latestRating.values()) {
    if ((rating.score === 'good' || rating.score === 'bad') && staff(rating.assigneeId)) {
      const ticket = ticketsById.get(rating.ticketId);
      const brandId = ticket ? whereAt(ticket, rating.createdAt).brandId : null;
      row(rating.assigneeId, rating.createdAt, { groupId: rating.groupId, brandId })?.add(rating.score === 'good' ? 'csatGood' : 'csatBad');
    }
  }

  return [...rows.values()]
    .map(({ agentId, day, all, slices }) => ({
      agentId,
      day,
      ...all.done(),
      slices: [...slices.values()].map(({ groupId, brandId, tally }) => ({ groupId, brandId, ...tally.done() })).sort((a, b) => a.groupId - b.groupId || a.brandId - b.brandId),
    }))
    .sort((a, b) => a.agentId - b.agentId || a.day.localeCompare(b.day));
}

/** The ticket's group and brand after every update made at or before `time`. */
function whereAt(ticket: SimTicket, time: number): Where {
  const where: Where = { groupId: null, brandId: null };
  for (const update of ticket.updates) {
    if (update.at > time) break;
    if (update.group) where.groupId = update.group.to;
    if (update.brand) where.brandId = update.brand.to;
  }
  return where;
}

/** The assignee after every update made at or before `time`. */
function assigneeAt(ticket: SimTicket, time: number): number | null {
  let assignee: number | null = null;
  for (const update of ticket.updates) {
    if (update.at > time) break;
    if (update.assignee) assignee = update.assignee.to;
  }
  return assignee;
}

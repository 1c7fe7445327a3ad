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
  /** Every observation, in minutes (calendar), so ranges can be checked exactly. */
  firstReplyMinutes: number[];
  fullResolutionMinutes: number[];
  requesterWaitMinutes: number[];
  agentWorkMinutes: number[];
}

type MinuteMetric = 'firstReplyMinutes' | 'fullResolutionMinutes' | 'requesterWaitMinutes' | 'agentWorkMinutes';

const METRIC_FIELDS: Partial<Record<MetricName, MinuteMetric>> = {
  reply_time: 'firstReplyMinutes',
  resolution_time: 'fullResolutionMinutes',
  requester_wait_time: 'requesterWaitMinutes',
  agent_work_time: 'agentWorkMinutes',
};

const REOPEN_TARGETS = new Set(['new', 'open', 'pending', 'hold']);

export interface GroundTruthOptions {
  /** Only what happened at or before this time (ms) counts; default: everything. */
  until?: number;
}

export function groundTruth(world: World, timeZone: string, options: GroundTruthOptions = {}): AgentDayTruth[] {
  if (!DateTime.local().setZone(timeZone).isValid) throw new Error(`unknown IANA time zone: ${timeZone}`);
  const until = options.until ?? Number.POSITIVE_INFINITY;
  const users = new Map<number, SimUser>(world.users.map((user) => [user.id, user]));
  const staff = (id: number | null): id is number => id !== null && isStaff(users.get(id));
  const rows = new Map<string, AgentDayTruth & { touched: Set<number>; timed: Set<number> }>();
  const dayOf = (ms: number) => DateTime.fromMillis(ms, { zone: timeZone }).toISODate() as string;
  const row = (agentId: number, at: number) => {
    const day = dayOf(at);
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

  const ticketsById = new Map<number, SimTicket>(world.tickets.map((ticket) => [ticket.id, ticket]));
  for (const ticket of world.tickets) {
    let assignee: number | null = null;
    let lastSolver: number | null = null;
    for (const update of ticket.updates) {
      if (update.at > until) break;
      if (update.assignee) assignee = update.assignee.to;
      if (update.status && !update.create) {
        if (update.status.to === 'solved') {
          lastSolver = assignee;
          if (staff(assignee)) row(assignee, update.at).solves++;
        } else if (update.status.from === 'solved' && REOPEN_TARGETS.has(update.status.to) && staff(lastSolver)) {
          row(lastSolver, update.at).reopens++;
        }
      }
      if (update.comment?.public && staff(update.comment.authorId)) row(update.comment.authorId, update.at).publicReplies++;
      if (staff(update.actorId)) {
        const actorRow = row(update.actorId, update.at);
        actorRow.touched.add(ticket.id);
        if (update.timeSpent) {
          const change = update.timeSpent.total - (update.timeSpent.previousTotal ?? 0);
          actorRow.handleTimeSeconds += change;
          if (change !== 0) actorRow.timed.add(ticket.id);
        }
      }
    }
  }

  for (const event of world.metricEvents) {
    if (event.time > until) break;
    const field = METRIC_FIELDS[event.metric];
    if (!field || event.type !== 'update_status' || event.deleted || !event.status) continue;
    if (event.metric === 'reply_time' && event.instanceId !== 1) continue;
    const ticket = ticketsById.get(event.ticketId);
    const assignee = ticket ? assigneeAt(ticket, event.time) : null;
    if (staff(assignee)) row(assignee, event.time)[field].push(event.status.calendar);
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
      row(rating.assigneeId, rating.createdAt)[rating.score === 'good' ? 'csatGood' : 'csatBad']++;
    }
  }

  return [...rows.values()]
    .map(({ touched, timed, ...rest }) => ({ ...rest, ticketsTouched: touched.size, ticketsWithHandleTime: timed.size }))
    .sort((a, b) => a.agentId - b.agentId || a.day.localeCompare(b.day));
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

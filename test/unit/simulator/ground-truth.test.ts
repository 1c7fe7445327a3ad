// A small hand-built history whose per-agent, per-local-day numbers were worked out by hand
// (see the comments on each update), across the Europe/Berlin DST change of 2026-03-29.
import { describe, expect, it } from 'vitest';
import { type AgentDayTruth, groundTruth } from '../../../src/simulator/ground-truth.js';
import type { SimMetricEvent, SimRating, SimTicket, SimUpdate, World } from '../../../src/simulator/world.js';

const A = 1; // agent
const B = 2; // admin
const C = 100; // end user
const SYSTEM = -1;
const at = (iso: string) => Date.parse(iso);

function ticket(id: number, updates: Omit<SimUpdate, 'ticketId' | 'via' | 'create'>[]): SimTicket {
  const full = updates.map((update, index) => ({ ...update, ticketId: id, via: 'Web form', create: index === 0 }));
  return {
    id,
    createdAt: full[0]?.at ?? 0,
    requesterId: C,
    subject: 'x',
    updates: full,
    status: 'solved',
    assigneeId: null,
    groupId: null,
    totalTimeSpent: null,
    lastTimeSpent: null,
    deletedAt: null,
    generatedAt: 0,
    updatedAt: 0,
  };
}

const metric = (id: number, ticketId: number, fields: Partial<SimMetricEvent> & Pick<SimMetricEvent, 'metric' | 'time'>): SimMetricEvent => ({
  id,
  ticketId,
  instanceId: 1,
  type: 'update_status',
  ...fields,
});

const rating = (id: number, ticketId: number, fields: Pick<SimRating, 'assigneeId' | 'score' | 'createdAt' | 'updatedAt'>): SimRating => ({
  id,
  ticketId,
  groupId: null,
  requesterId: C,
  comment: '',
  reason: '',
  ...fields,
});

const t10 = ticket(10, [
  { id: 1, at: at('2026-03-28T22:30:00Z'), actorId: C, status: { from: null, to: 'new' }, comment: { id: 1, authorId: C, public: true, body: '' } },
  // Berlin 00:10 on 03-29 (CET): A replies publicly, takes the ticket, logs 300 s.
  {
    id: 2,
    at: at('2026-03-28T23:10:00Z'),
    actorId: A,
    status: { from: 'new', to: 'open' },
    assignee: { from: null, to: A },
    comment: { id: 2, authorId: A, public: true, body: '' },
    timeSpent: { previousTotal: null, total: 300, previousLast: null, last: 300 },
  },
  // Berlin 03:30 on 03-29 (CEST, after the change): B solves and takes it: the solve is B's.
  { id: 3, at: at('2026-03-29T01:30:00Z'), actorId: B, status: { from: 'open', to: 'solved' }, assignee: { from: A, to: B } },
  // Berlin 00:30 on 03-30: the customer reopens: B, the last solver, gets the reopen.
  { id: 4, at: at('2026-03-29T22:30:00Z'), actorId: C, status: { from: 'solved', to: 'open' }, comment: { id: 3, authorId: C, public: true, body: '' } },
  // A corrects the total from 300 to 120 in a private note: −180 s.
  {
    id: 5,
    at: at('2026-03-30T08:00:00Z'),
    actorId: A,
    comment: { id: 4, authorId: A, public: false, body: '' },
    timeSpent: { previousTotal: 300, total: 120, previousLast: 300, last: -180 },
  },
  // An automation solves it: the solve goes to the assignee, B.
  { id: 6, at: at('2026-03-30T09:00:00Z'), actorId: SYSTEM, status: { from: 'open', to: 'solved' } },
]);

const t11 = ticket(11, [
  { id: 7, at: at('2026-03-30T10:00:00Z'), actorId: C, status: { from: null, to: 'new' } },
  {
    id: 8,
    at: at('2026-03-30T10:05:00Z'),
    actorId: A,
    status: { from: 'new', to: 'open' },
    assignee: { from: null, to: A },
    timeSpent: { previousTotal: null, total: 60, previousLast: null, last: 60 },
  },
  // Berlin 01:30 on 03-31; UTC still 03-30.
  { id: 9, at: at('2026-03-30T23:30:00Z'), actorId: A, status: { from: 'open', to: 'solved' }, comment: { id: 5, authorId: A, public: true, body: '' } },
]);

const world: World = {
  account: 'hand',
  users: [
    { id: A, name: 'A', email: 'a@x', role: 'agent', active: true, suspended: false, createdAt: 0, updatedAt: 0, ianaTimeZone: 'UTC' },
    { id: B, name: 'B', email: 'b@x', role: 'admin', active: true, suspended: false, createdAt: 0, updatedAt: 0, ianaTimeZone: 'UTC' },
    { id: C, name: 'C', email: 'c@x', role: 'end-user', active: true, suspended: false, createdAt: 0, updatedAt: 0, ianaTimeZone: 'UTC' },
  ],
  tickets: [t10, t11],
  updates: [...t10.updates, ...t11.updates].sort((x, y) => x.at - y.at),
  metricEvents: [
    metric(1, 10, { metric: 'reply_time', time: at('2026-03-28T23:10:00Z'), status: { calendar: 40, business: 10 } }),
    metric(2, 10, { metric: 'resolution_time', time: at('2026-03-29T01:30:00Z'), status: { calendar: 60, business: 20 } }),
    metric(3, 10, { metric: 'reply_time', instanceId: 2, time: at('2026-03-30T08:00:00Z'), status: { calendar: 5, business: 5 } }),
    metric(4, 10, { metric: 'resolution_time', time: at('2026-03-30T09:00:00Z'), status: { calendar: 2550, business: 900 } }),
    metric(5, 10, { metric: 'requester_wait_time', time: at('2026-03-30T09:00:00Z'), status: { calendar: 999, business: 999 }, deleted: true }),
    metric(6, 11, { metric: 'requester_wait_time', type: 'fulfill', time: at('2026-03-30T23:30:00Z') }),
    metric(7, 11, { metric: 'agent_work_time', time: at('2026-03-30T23:30:00Z'), status: { calendar: 1405, business: 400 } }),
  ],
  ratings: [
    rating(500, 10, { assigneeId: B, score: 'good', createdAt: at('2026-03-30T12:00:00Z'), updatedAt: at('2026-03-30T13:00:00Z') }),
    // A re-rating as a new record: only this one counts, on its own creation day.
    rating(501, 10, { assigneeId: B, score: 'bad', createdAt: at('2026-03-31T09:00:00Z'), updatedAt: at('2026-03-31T09:00:00Z') }),
    rating(502, 11, { assigneeId: A, score: 'offered', createdAt: at('2026-03-31T09:00:00Z'), updatedAt: at('2026-03-31T09:00:00Z') }),
    // Berlin 23:59:59 on 03-30.
    rating(503, 12, { assigneeId: A, score: 'good', createdAt: at('2026-03-30T21:59:59Z'), updatedAt: at('2026-03-30T21:59:59Z') }),
  ],
  ticketFields: [],
  timeFields: { total: 1, last: 2 },
  credentialUserId: B,
};

const zero: Omit<AgentDayTruth, 'agentId' | 'day'> = {
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
};
const day = (agentId: number, date: string, fields: Partial<AgentDayTruth>): AgentDayTruth => ({ agentId, day: date, ...zero, ...fields });

describe('groundTruth on a hand-built history', () => {
  it('gives the hand-computed numbers in Europe/Berlin across the DST change', () => {
    expect(groundTruth(world, 'Europe/Berlin')).toEqual([
      day(A, '2026-03-29', { publicReplies: 1, ticketsTouched: 1, handleTimeSeconds: 300, ticketsWithHandleTime: 1, firstReplyMinutes: [40] }),
      day(A, '2026-03-30', { ticketsTouched: 2, handleTimeSeconds: -120, ticketsWithHandleTime: 2, csatGood: 1 }),
      day(A, '2026-03-31', { solves: 1, publicReplies: 1, ticketsTouched: 1, agentWorkMinutes: [1405] }),
      day(B, '2026-03-29', { solves: 1, ticketsTouched: 1, fullResolutionMinutes: [60] }),
      day(B, '2026-03-30', { solves: 1, reopens: 1, fullResolutionMinutes: [2550] }),
      day(B, '2026-03-31', { csatBad: 1 }),
    ]);
  });

  it('gives the hand-computed numbers in UTC, where the same moments fall on other days', () => {
    expect(groundTruth(world, 'UTC')).toEqual([
      day(A, '2026-03-28', { publicReplies: 1, ticketsTouched: 1, handleTimeSeconds: 300, ticketsWithHandleTime: 1, firstReplyMinutes: [40] }),
      day(A, '2026-03-30', {
        solves: 1,
        publicReplies: 1,
        ticketsTouched: 2,
        handleTimeSeconds: -120,
        ticketsWithHandleTime: 2,
        csatGood: 1,
        agentWorkMinutes: [1405],
      }),
      day(B, '2026-03-29', { solves: 1, reopens: 1, ticketsTouched: 1, fullResolutionMinutes: [60] }),
      day(B, '2026-03-30', { solves: 1, fullResolutionMinutes: [2550] }),
      day(B, '2026-03-31', { csatBad: 1 }),
    ]);
  });

  it('counts only what happened by `until`', () => {
    const early = groundTruth(world, 'UTC', { until: at('2026-03-29T01:30:00Z') });
    expect(early.map((row) => [row.agentId, row.day, row.solves])).toEqual([
      [A, '2026-03-28', 0],
      [B, '2026-03-29', 1],
    ]);
  });

  it('refuses an unknown time zone', () => {
    expect(() => groundTruth(world, 'Mars/Olympus')).toThrow('unknown IANA time zone: Mars/Olympus');
  });
});

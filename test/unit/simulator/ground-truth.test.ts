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
    brandId: null,
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
  groups: [],
  brands: [],
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
/** The rows without their slices; the slices are checked on their own. */
const rowsOf = (rows: ReturnType<typeof groundTruth>) => rows.map(({ slices, ...row }) => (void slices, row));
const day = (agentId: number, date: string, fields: Partial<AgentDayTruth>): AgentDayTruth => ({ agentId, day: date, ...zero, ...fields });

describe('groundTruth on a hand-built history', () => {
  it('gives the hand-computed numbers in Europe/Berlin across the DST change', () => {
    // One-touch: ticket 10 had one agent reply (A's) when B solved it on 03-29, and still one
    // when the automation solved it again on 03-30: the credit moves to that solve (+1 −1 on
    // 03-29, +1 on 03-30). Ticket 11: A solves with A's only reply (Berlin 03-31).
    // Business minutes are the metric events' `business` values: 10, 20, 900, 400.
    expect(rowsOf(groundTruth(world, 'Europe/Berlin'))).toEqual([
      day(A, '2026-03-29', { publicReplies: 1, ticketsTouched: 1, handleTimeSeconds: 300, ticketsWithHandleTime: 1, firstReplyMinutes: [40], firstReplyBusinessMinutes: [10] }),
      day(A, '2026-03-30', { ticketsTouched: 2, handleTimeSeconds: -120, ticketsWithHandleTime: 2, csatGood: 1 }),
      day(A, '2026-03-31', { solves: 1, oneTouchTickets: 1, publicReplies: 1, ticketsTouched: 1, agentWorkMinutes: [1405], agentWorkBusinessMinutes: [400] }),
      day(B, '2026-03-29', { solves: 1, ticketsTouched: 1, fullResolutionMinutes: [60], fullResolutionBusinessMinutes: [20] }),
      day(B, '2026-03-30', { solves: 1, reopens: 1, oneTouchTickets: 1, fullResolutionMinutes: [2550], fullResolutionBusinessMinutes: [900] }),
      day(B, '2026-03-31', { csatBad: 1 }),
    ]);
  });

  it('gives the hand-computed numbers in UTC, where the same moments fall on other days', () => {
    expect(rowsOf(groundTruth(world, 'UTC'))).toEqual([
      day(A, '2026-03-28', { publicReplies: 1, ticketsTouched: 1, handleTimeSeconds: 300, ticketsWithHandleTime: 1, firstReplyMinutes: [40], firstReplyBusinessMinutes: [10] }),
      day(A, '2026-03-30', {
        solves: 1,
        oneTouchTickets: 1,
        publicReplies: 1,
        ticketsTouched: 2,
        handleTimeSeconds: -120,
        ticketsWithHandleTime: 2,
        csatGood: 1,
        agentWorkMinutes: [1405],
        agentWorkBusinessMinutes: [400],
      }),
      day(B, '2026-03-29', { solves: 1, reopens: 1, ticketsTouched: 1, fullResolutionMinutes: [60], fullResolutionBusinessMinutes: [20] }),
      day(B, '2026-03-30', { solves: 1, oneTouchTickets: 1, fullResolutionMinutes: [2550], fullResolutionBusinessMinutes: [900] }),
      day(B, '2026-03-31', { csatBad: 1 }),
    ]);
  });

  it('puts everything of a world without groups or brands in the one slice (0, 0)', () => {
    for (const { slices, agentId, day: date, ...measures } of groundTruth(world, 'UTC')) {
      expect(slices, `${agentId} ${date}`).toEqual([{ groupId: 0, brandId: 0, ...measures }]);
    }
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

// Groups, brands and one-touch, worked out by hand (UTC). Ticket 20 starts in group 11, brand 21.
const G1 = 11;
const G2 = 12;
const R1 = 21;
const t20 = ticket(20, [
  { id: 21, at: at('2026-04-01T08:00:00Z'), actorId: C, status: { from: null, to: 'new' }, group: { from: null, to: G1 }, brand: { from: null, to: R1 }, comment: { id: 21, authorId: C, public: true, body: '' } },
  // A takes it, replies (its first agent reply) and logs 100 s.
  {
    id: 22,
    at: at('2026-04-01T09:00:00Z'),
    actorId: A,
    status: { from: 'new', to: 'open' },
    assignee: { from: null, to: A },
    comment: { id: 22, authorId: A, public: true, body: '' },
    timeSpent: { previousTotal: null, total: 100, previousLast: null, last: 100 },
  },
  // A solves with one agent reply: one-touch, credited to A on 04-01 in (G1, R1).
  { id: 23, at: at('2026-04-01T10:00:00Z'), actorId: A, status: { from: 'open', to: 'solved' } },
  // The customer reopens: A's reopen, still in G1.
  { id: 24, at: at('2026-04-02T08:00:00Z'), actorId: C, status: { from: 'solved', to: 'open' }, comment: { id: 24, authorId: C, public: true, body: '' } },
  // B moves it to group G2 and takes it; then A adds a private note there (A touches it in G2).
  { id: 25, at: at('2026-04-02T09:00:00Z'), actorId: B, assignee: { from: A, to: B }, group: { from: G1, to: G2 } },
  { id: 26, at: at('2026-04-02T09:30:00Z'), actorId: A, comment: { id: 26, authorId: A, public: false, body: '' } },
  // B replies: the ticket's second agent reply breaks the one-touch (−1 for A on 04-01, in G1).
  { id: 27, at: at('2026-04-02T10:00:00Z'), actorId: B, comment: { id: 27, authorId: B, public: true, body: '' } },
  // B solves: no one-touch (two replies).
  { id: 28, at: at('2026-04-02T11:00:00Z'), actorId: B, status: { from: 'open', to: 'solved' } },
]);
const dimensionWorld: World = {
  ...world,
  tickets: [t20],
  updates: [...t20.updates],
  metricEvents: [
    metric(31, 20, { metric: 'reply_time', time: at('2026-04-01T09:00:00Z'), status: { calendar: 60, business: 30 } }),
    metric(32, 20, { metric: 'resolution_time', time: at('2026-04-02T11:00:00Z'), status: { calendar: 1620, business: 600 } }),
  ],
  ratings: [{ ...rating(510, 20, { assigneeId: B, score: 'good', createdAt: at('2026-04-02T12:00:00Z'), updatedAt: at('2026-04-02T12:00:00Z') }), groupId: G2 }],
};

describe('groundTruth with groups, brands and one-touch (hand-built)', () => {
  const a0401 = day(A, '2026-04-01', { solves: 1, publicReplies: 1, ticketsTouched: 1, handleTimeSeconds: 100, ticketsWithHandleTime: 1, firstReplyMinutes: [60], firstReplyBusinessMinutes: [30] });
  const b0402 = day(B, '2026-04-02', { solves: 1, publicReplies: 1, ticketsTouched: 1, csatGood: 1, fullResolutionMinutes: [1620], fullResolutionBusinessMinutes: [600] });

  it('takes back a one-touch when a later agent reply follows a reopen', () => {
    expect(rowsOf(groundTruth(dimensionWorld, 'UTC'))).toEqual([a0401, day(A, '2026-04-02', { reopens: 1, ticketsTouched: 1 }), b0402]);
  });

  it('slices each day by the group and brand at each fact', () => {
    const slices = groundTruth(dimensionWorld, 'UTC').map((row) => [row.agentId, row.day, row.slices.map((slice) => [slice.groupId, slice.brandId, slice.reopens, slice.ticketsTouched])]);
    expect(slices).toEqual([
      [A, '2026-04-01', [[G1, R1, 0, 1]]],
      [A, '2026-04-02', [[G1, R1, 1, 0], [G2, R1, 0, 1]]],
      [B, '2026-04-02', [[G2, R1, 0, 1]]],
    ]);
  });

  it('filters by group, by brand and by both', () => {
    expect(rowsOf(groundTruth(dimensionWorld, 'UTC', { groupId: G1 }))).toEqual([a0401, day(A, '2026-04-02', { reopens: 1 })]);
    expect(rowsOf(groundTruth(dimensionWorld, 'UTC', { groupId: G2 }))).toEqual([day(A, '2026-04-02', { ticketsTouched: 1 }), b0402]);
    expect(rowsOf(groundTruth(dimensionWorld, 'UTC', { brandId: R1 }))).toEqual(rowsOf(groundTruth(dimensionWorld, 'UTC')));
    expect(rowsOf(groundTruth(dimensionWorld, 'UTC', { groupId: G1, brandId: R1 }))).toEqual(rowsOf(groundTruth(dimensionWorld, 'UTC', { groupId: G1 })));
    expect(groundTruth(dimensionWorld, 'UTC', { brandId: 99 })).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { generateWorld, HISTORY_END_MARGIN_MS } from '../../../src/simulator/generate-world.js';
import { CANARY, SYSTEM_USER_ID, type World } from '../../../src/simulator/world.js';

const NOW = Date.parse('2026-11-20T12:00:00Z');
const spec = { account: 'acme', seed: 7, agents: 12, days: 20, ticketsPerDay: 60 };
const world: World = generateWorld(spec, NOW).world;

describe('generateWorld', () => {
  it('gives the same world for the same seed', () => {
    expect(JSON.stringify(generateWorld(spec, NOW).world)).toBe(JSON.stringify(world));
  });

  it('gives a different world for another seed', () => {
    expect(JSON.stringify(generateWorld({ ...spec, seed: 8 }, NOW).world)).not.toBe(JSON.stringify(world));
  });

  it('makes the staff asked for, with one inactive and one suspended, and end users', () => {
    const staff = world.users.filter((user) => user.role !== 'end-user');
    expect(staff).toHaveLength(12);
    expect(staff.filter((user) => !user.active)).toHaveLength(1);
    expect(staff.filter((user) => user.suspended)).toHaveLength(1);
    expect(staff.some((user) => user.role === 'admin')).toBe(true);
    expect(world.users.filter((user) => user.role === 'end-user').length).toBeGreaterThan(20);
  });

  it('puts the canary in every end-user name and email, subject, comment body and rating comment', () => {
    for (const user of world.users.filter((u) => u.role === 'end-user')) {
      expect(user.name).toContain(CANARY);
      expect(user.email.toUpperCase()).toContain(CANARY);
    }
    for (const ticket of world.tickets) expect(ticket.subject).toContain(CANARY);
    for (const update of world.updates) if (update.comment) expect(update.comment.body).toContain(CANARY);
    for (const rating of world.ratings) if (rating.comment) expect(rating.comment).toContain(CANARY);
  });

  it('keeps the canary out of staff names and emails', () => {
    for (const user of world.users.filter((u) => u.role !== 'end-user')) {
      expect(`${user.name} ${user.email}`.toUpperCase()).not.toContain(CANARY);
    }
  });

  it('spreads tickets over the days asked for, all activity before now', () => {
    const start = NOW - 20 * 86_400_000;
    expect(world.tickets.length).toBeGreaterThan(20 * 60 * 0.8);
    expect(world.tickets.length).toBeLessThan(20 * 60 * 1.2);
    expect(Math.min(...world.tickets.map((t) => t.createdAt))).toBeGreaterThanOrEqual(start);
    expect(Math.max(...world.updates.map((u) => u.at))).toBeLessThanOrEqual(NOW - HISTORY_END_MARGIN_MS);
    expect(Math.max(...world.metricEvents.map((e) => e.time))).toBeLessThanOrEqual(NOW - HISTORY_END_MARGIN_MS);
  });

  it('keeps updates, metric events and ratings in time order, at whole seconds', () => {
    const sorted = <T>(list: T[], key: (item: T) => [number, number]) =>
      list.every((item, index) => {
        if (index === 0) return true;
        const [t0, id0] = key(list[index - 1] as T);
        const [t1, id1] = key(item);
        return t0 < t1 || (t0 === t1 && id0 < id1);
      });
    expect(sorted(world.updates, (u) => [u.at, u.id])).toBe(true);
    expect(sorted(world.metricEvents, (e) => [e.time, e.id])).toBe(true);
    expect(sorted(world.ratings, (r) => [r.createdAt, r.id])).toBe(true);
    expect(world.updates.every((u) => u.at % 1000 === 0)).toBe(true);
  });

  it('lives tickets realistically: every status, reopens, reassignments, system updates, deletions', () => {
    const transitions = new Set(world.updates.flatMap((u) => (u.status ? [`${u.status.from}>${u.status.to}`] : [])));
    for (const transition of ['null>new', 'new>open', 'open>pending', 'pending>open', 'open>solved', 'pending>solved', 'solved>open', 'solved>closed']) {
      expect(transitions).toContain(transition);
    }
    expect(world.updates.some((u) => u.assignee && u.assignee.from !== null)).toBe(true);
    expect(world.updates.some((u) => u.actorId === SYSTEM_USER_ID)).toBe(true);
    expect(world.updates.some((u) => u.comment && !u.comment.public)).toBe(true);
    expect(world.tickets.some((t) => t.deletedAt !== null)).toBe(true);
  });

  it('records Time Tracking changes, including negative corrections', () => {
    const changes = world.updates.flatMap((u) => (u.timeSpent ? [u.timeSpent.total - (u.timeSpent.previousTotal ?? 0)] : []));
    expect(changes.some((change) => change > 0)).toBe(true);
    expect(changes.some((change) => change < 0)).toBe(true);
  });

  it('emits metric events of every kind tally reads, with withdrawn ones marked deleted', () => {
    const types = new Set(world.metricEvents.map((e) => `${e.metric}:${e.type}`));
    for (const metric of ['reply_time', 'requester_wait_time', 'agent_work_time', 'resolution_time']) {
      for (const type of ['activate', 'fulfill', 'update_status']) expect(types).toContain(`${metric}:${type}`);
    }
    expect(types).toContain('requester_wait_time:pause');
    expect(world.metricEvents.some((e) => e.deleted)).toBe(true);
    expect(world.metricEvents.some((e) => e.metric === 'reply_time' && e.instanceId > 1)).toBe(true);
  });

  it('rates tickets good, bad, offered and unoffered, with re-ratings of both kinds', () => {
    const scores = new Set(world.ratings.map((r) => r.score));
    expect([...scores].sort()).toEqual(['bad', 'good', 'offered', 'unoffered']);
    const perTicket = new Map<number, number>();
    for (const rating of world.ratings) perTicket.set(rating.ticketId, (perTicket.get(rating.ticketId) ?? 0) + 1);
    expect([...perTicket.values()].some((count) => count > 1)).toBe(true); // re-rated as a new record
    expect(world.ratings.some((r) => r.updatedAt > r.createdAt)).toBe(true); // answered or re-rated in place
  });

  it('refuses fewer than four staff', () => {
    expect(() => generateWorld({ ...spec, agents: 3 }, NOW)).toThrow('agents must be at least 4');
  });
});

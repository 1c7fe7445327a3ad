import { describe, expect, it } from 'vitest';
import { generateWorld } from '../../../src/simulator/generate-world.js';
import { renderTicketEvent } from '../../../src/simulator/render.js';
import { ticketEventJson } from '../../../src/simulator/ticket-event-json.js';
import type { SimTicket, SimUpdate, World } from '../../../src/simulator/world.js';

const NOW = Date.parse('2026-11-20T12:00:00Z');
const world: World = generateWorld({ account: 'acme', seed: 7, agents: 12, days: 20, ticketsPerDay: 60 }, NOW).world;
const ticketOf = (update: SimUpdate) => world.tickets[update.ticketId - 1] as SimTicket;

describe('ticketEventJson', () => {
  it('gives the bytes of the rendered event for every update of a world, with and without comments', () => {
    for (const withComments of [true, false]) {
      const mismatched = world.updates.filter(
        (update) => ticketEventJson(update, ticketOf(update), world, withComments) !== JSON.stringify(renderTicketEvent(update, ticketOf(update), world, withComments)),
      );
      expect(mismatched.map((update) => update.id)).toEqual([]);
    }
  });

  it('is checked on every kind of child event the world holds', () => {
    const has = (test: (update: SimUpdate) => boolean) => world.updates.some(test);
    expect(has((u) => u.create)).toBe(true);
    expect(has((u) => !u.create && u.status !== undefined && u.status.from !== null)).toBe(true);
    expect(has((u) => u.assignee?.from === null)).toBe(true);
    expect(has((u) => u.assignee !== undefined && u.assignee.from !== null)).toBe(true);
    expect(has((u) => u.group !== undefined)).toBe(true);
    expect(has((u) => u.timeSpent?.previousTotal === null)).toBe(true);
    expect(has((u) => u.timeSpent !== undefined && u.timeSpent.previousTotal !== null)).toBe(true);
    expect(has((u) => u.comment?.public === true)).toBe(true);
    expect(has((u) => u.comment?.public === false)).toBe(true);
    expect(has((u) => u.comment === undefined)).toBe(true);
    expect(has((u) => u.notification !== undefined)).toBe(true);
    expect(new Set(world.updates.map((u) => u.via)).size).toBeGreaterThan(1);
  });

  it('escapes text as JSON.stringify does: quotes, backslashes, control and non-ASCII characters', () => {
    const odd = 'He said "late"\\ \n\t\u0001 <p>&amp;</p> Grüße 東京 😀 \u2028';
    const ticket: SimTicket = { ...(world.tickets[0] as SimTicket), subject: odd };
    const update: SimUpdate = {
      id: 900_000_000_123,
      ticketId: ticket.id,
      at: Date.parse('2026-11-19T08:30:15Z'),
      actorId: 360_000_000_001,
      via: `Web "form" ${odd}`,
      create: true,
      status: { from: null, to: 'new' },
      comment: { id: 800_000_000_123, authorId: 360_000_000_001, public: true, body: odd },
      notification: { id: 600_000_000_123, subject: odd, body: odd },
    };
    for (const withComments of [true, false]) {
      const json = ticketEventJson(update, ticket, world, withComments);
      expect(json).toBe(JSON.stringify(renderTicketEvent(update, ticket, world, withComments)));
      expect(JSON.parse(json)).toMatchObject({ id: update.id, via: update.via });
    }
  });
});

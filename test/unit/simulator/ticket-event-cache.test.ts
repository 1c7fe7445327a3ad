import { describe, expect, it } from 'vitest';
import { generateWorld } from '../../../src/simulator/generate-world.js';
import { TicketEventCache } from '../../../src/simulator/ticket-event-cache.js';
import { ticketEventJson } from '../../../src/simulator/ticket-event-json.js';
import type { SimTicket, World } from '../../../src/simulator/world.js';

const NOW = Date.parse('2026-11-20T12:00:00Z');
const HOUR_MS = 3_600_000;
const spec = { account: 'acme', seed: 11, agents: 8, days: 3, ticketsPerDay: 80 };

const expected = (world: World, index: number, withComments: boolean) => {
  const update = world.updates[index];
  if (!update) throw new Error(`no update at ${index}`);
  return ticketEventJson(update, world.tickets[update.ticketId - 1] as SimTicket, world, withComments);
};

describe('TicketEventCache', () => {
  it('gives each position the event of that update, keeping the comment variants apart', () => {
    const world = generateWorld(spec, NOW).world;
    const cache = new TicketEventCache(world);
    for (const withComments of [true, false, true]) {
      for (let index = 0; index < world.updates.length; index++) {
        expect(cache.bytes(index, withComments).toString('utf8')).toBe(expected(world, index, withComments));
      }
    }
    const commented = world.updates.findIndex((update) => update.comment?.public === true);
    expect(cache.bytes(commented, true).equals(cache.bytes(commented, false))).toBe(false);
  });

  it('stays right while the world grows and its tickets change, as in live mode', () => {
    const generator = generateWorld(spec, NOW);
    const world = generator.world;
    const cache = new TicketEventCache(world);
    const served = world.updates.length;
    for (let index = 0; index < served; index++) cache.bytes(index, true);
    const statuses = world.tickets.map((ticket) => ticket.status).join();
    generator.advanceTo(NOW + 12 * HOUR_MS);
    expect(world.updates.length).toBeGreaterThan(served);
    expect(world.tickets.map((ticket) => ticket.status).join()).not.toBe(statuses);
    for (let index = 0; index < world.updates.length; index++) {
      expect(cache.bytes(index, true).toString('utf8')).toBe(expected(world, index, true));
    }
  });

  it('refuses a position past the last update', () => {
    const world = generateWorld(spec, NOW).world;
    expect(() => new TicketEventCache(world).bytes(world.updates.length, true)).toThrow(/no update/);
  });
});

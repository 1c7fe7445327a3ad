import { describe, expect, it } from 'vitest';
import { generateWorld } from '../../../src/simulator/generate-world.js';
import { TicketEventCache } from '../../../src/simulator/ticket-event-cache.js';
import { ticketEventJson } from '../../../src/simulator/ticket-event-json.js';
import type { SimTicket, World } from '../../../src/simulator/world.js';

const NOW = Date.parse('2026-11-20T12:00:00Z');
const HOUR_MS = 3_600_000;
const spec = { account: 'acme', seed: 11, agents: 8, days: 3, ticketsPerDay: 80 };

/** What the list must hold: the events rendered afresh, comma-separated. */
const expected = (world: World, first: number, count: number, withComments: boolean) =>
  world.updates
    .slice(first, first + count)
    .map((update) => ticketEventJson(update, world.tickets[update.ticketId - 1] as SimTicket, world, withComments))
    .join(',');
const text = (chunks: Buffer[]) => Buffer.concat(chunks).toString('utf8');

describe('TicketEventCache', () => {
  it('gives any run of events, made in any order, keeping the comment variants apart', () => {
    const world = generateWorld(spec, NOW).world;
    const cache = new TicketEventCache(world);
    const total = world.updates.length;
    // Out of order and overlapping, so that later lists mix events made at different times.
    const runs: [number, number][] = [[50, 20], [0, 10], [5, 60], [total - 7, 7], [0, total], [30, 0], [total, 0]];
    for (const withComments of [true, false]) {
      for (const [first, count] of runs) expect(text(cache.list(first, count, withComments))).toBe(expected(world, first, count, withComments));
    }
    expect(text(cache.list(0, total, true))).not.toBe(text(cache.list(0, total, false)));
  });

  it('gives runs across slabs, with slabs smaller than some events', () => {
    const world = generateWorld(spec, NOW).world;
    const total = world.updates.length;
    const largest = Math.max(...world.updates.map((_, index) => Buffer.byteLength(expected(world, index, 1, true))));
    const cache = new TicketEventCache(world, largest - 1);
    for (const [first, count] of [[0, 40], [10, total - 10], [0, total]] as const) {
      expect(text(cache.list(first, count, true))).toBe(expected(world, first, count, true));
    }
    expect(cache.list(0, 40, true).length).toBeGreaterThan(10);
  });

  it('gives the events served in order as one chunk', () => {
    const world = generateWorld(spec, NOW).world;
    const cache = new TicketEventCache(world);
    cache.list(0, 100, true);
    cache.list(100, 100, true);
    expect(cache.list(20, 150, true)).toHaveLength(1);
  });

  it('stays right while the world grows and its tickets change, as in live mode', () => {
    const generator = generateWorld(spec, NOW);
    const world = generator.world;
    const cache = new TicketEventCache(world);
    const served = world.updates.length;
    cache.list(0, served, true);
    const statuses = world.tickets.map((ticket) => ticket.status).join();
    generator.advanceTo(NOW + 12 * HOUR_MS);
    expect(world.updates.length).toBeGreaterThan(served);
    expect(world.tickets.map((ticket) => ticket.status).join()).not.toBe(statuses);
    expect(text(cache.list(0, world.updates.length, true))).toBe(expected(world, 0, world.updates.length, true));
  });

  it('refuses positions past the last update', () => {
    const world = generateWorld(spec, NOW).world;
    expect(() => new TicketEventCache(world).list(world.updates.length - 1, 2, true)).toThrow(/no updates/);
  });
});

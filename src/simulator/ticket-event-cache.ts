/**
 * Each ticket event's JSON bytes, made when first served and then kept. An update
 * never changes once made, nor does what its event shows of its ticket (id, subject,
 * requester), and updates are only ever appended, so an update's position and bytes
 * stay right for the life of the world; keeping them spares every later read of the
 * export the rendering and the UTF-8 encoding. The cost is memory: about the size of
 * the export served so far, per comment variant. Kept in arrays by position, not in
 * WeakMaps, whose hundreds of thousands of entries made garbage collection slow.
 */
import { ticketEventJson } from './ticket-event-json.js';
import type { SimTicket, World } from './world.js';

export class TicketEventCache {
  private readonly withComments: (Buffer | undefined)[] = [];
  private readonly withoutComments: (Buffer | undefined)[] = [];

  constructor(private readonly world: World) {}

  /** The event of `world.updates[index]`. */
  bytes(index: number, withComments: boolean): Buffer {
    const cache = withComments ? this.withComments : this.withoutComments;
    let bytes = cache[index];
    if (bytes === undefined) {
      const update = this.world.updates[index];
      if (update === undefined) throw new Error(`no update at ${index}`);
      bytes = Buffer.from(ticketEventJson(update, ticketById(this.world, update.ticketId), this.world, withComments));
      cache[index] = bytes;
    }
    return bytes;
  }
}

/** Ticket ids are 1, 2, 3… in creation order, so a ticket's index is its id − 1. */
function ticketById(world: World, id: number): SimTicket {
  const ticket = world.tickets[id - 1];
  if (ticket?.id !== id) throw new Error(`ticket ${id} is not at index ${id - 1}`);
  return ticket;
}

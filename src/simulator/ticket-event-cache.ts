/**
 * Each ticket event's JSON bytes, made when first served and then kept. An update
 * never changes once made, nor does what its event shows of its ticket (id, subject,
 * requester), and updates are only ever appended, so an update's position and bytes
 * stay right for the life of the world. Keeping them spares every later read of the
 * export the rendering and the UTF-8 encoding; the cost is memory, about the size of
 * the export served so far per comment variant.
 *
 * The bytes live in large slabs, each event followed by a comma, with offsets in
 * typed arrays: events served in order lie side by side, so a page is one or two
 * views into a slab rather than a fresh copy. (One Buffer per event, or a 1 MB copy
 * per page, gave the garbage collector so much to do that it cost more than rendering.)
 */
import { ticketEventJson } from './ticket-event-json.js';
import type { SimTicket, World } from './world.js';

const SLAB_BYTES = 16 * 1024 * 1024;
const COMMA = 0x2c;
const NOT_MADE = -1;

export class TicketEventCache {
  private readonly withComments: EventSlabs;
  private readonly withoutComments: EventSlabs;

  /** `slabBytes` is for tests, to cross slab boundaries with a small world. */
  constructor(world: World, slabBytes = SLAB_BYTES) {
    this.withComments = new EventSlabs(world, true, slabBytes);
    this.withoutComments = new EventSlabs(world, false, slabBytes);
  }

  /** The events of `world.updates[first..first + count)` as JSON list elements, `a,b,c`, in byte chunks. */
  list(first: number, count: number, withComments: boolean): Buffer[] {
    return (withComments ? this.withComments : this.withoutComments).list(first, count);
  }
}

class EventSlabs {
  private readonly slabs: Buffer[] = [];
  private used: number;
  /** Per update position: its slab (NOT_MADE until first served), and where its bytes start and end. */
  private slabOf = new Int32Array(0);
  private startOf = new Int32Array(0);
  private endOf = new Int32Array(0);

  constructor(
    private readonly world: World,
    private readonly withComments: boolean,
    private readonly slabBytes: number,
  ) {
    this.used = slabBytes;
  }

  list(first: number, count: number): Buffer[] {
    if (first < 0 || first + count > this.world.updates.length) throw new Error(`no updates at ${first}..${first + count}`);
    this.grow();
    const chunks: Buffer[] = [];
    let slab = NOT_MADE;
    let start = 0;
    let end = 0;
    for (let index = first; index < first + count; index++) {
      if (this.slabOf[index] === NOT_MADE) this.make(index);
      const at = this.slabOf[index] as number;
      const from = this.startOf[index] as number;
      if (at === slab && from === end + 1) {
        end = this.endOf[index] as number;
        continue;
      }
      if (slab !== NOT_MADE) chunks.push((this.slabs[slab] as Buffer).subarray(start, end + 1));
      slab = at;
      start = from;
      end = this.endOf[index] as number;
    }
    // The last event's comma stays out.
    if (slab !== NOT_MADE) chunks.push((this.slabs[slab] as Buffer).subarray(start, end));
    return chunks;
  }

  private make(index: number): void {
    const update = this.world.updates[index];
    if (update === undefined) throw new Error(`no update at ${index}`);
    const text = ticketEventJson(update, ticketById(this.world, update.ticketId), this.world, this.withComments);
    // Room for the worst case (3 UTF-8 bytes per UTF-16 unit) spares measuring the text before writing it.
    const room = text.length * 3 + 1;
    if (this.used + room > this.slabBytes) {
      this.slabs.push(Buffer.allocUnsafe(Math.max(this.slabBytes, room)));
      this.used = 0;
    }
    const slab = this.slabs.length - 1;
    const bytes = this.slabs[slab] as Buffer;
    const length = bytes.write(text, this.used);
    bytes[this.used + length] = COMMA;
    this.slabOf[index] = slab;
    this.startOf[index] = this.used;
    this.endOf[index] = this.used + length;
    this.used += length + 1;
  }

  /** Makes room for every update the world has now (it grows in live mode). */
  private grow(): void {
    const needed = this.world.updates.length;
    if (needed <= this.slabOf.length) return;
    const size = Math.max(needed, this.slabOf.length * 2);
    const widen = (old: Int32Array, fill: number) => {
      const wider = new Int32Array(size).fill(fill);
      wider.set(old);
      return wider;
    };
    this.slabOf = widen(this.slabOf, NOT_MADE);
    this.startOf = widen(this.startOf, 0);
    this.endOf = widen(this.endOf, 0);
  }
}

/** Ticket ids are 1, 2, 3… in creation order, so a ticket's index is its id − 1. */
function ticketById(world: World, id: number): SimTicket {
  const ticket = world.tickets[id - 1];
  if (ticket?.id !== id) throw new Error(`ticket ${id} is not at index ${id - 1}`);
  return ticket;
}

/**
 * Ticket states kept in memory, so a backfill asks the database for each ticket once
 * rather than once per page and again per stream (docs/architecture.md#ticket-state-cache).
 *
 * Each entry is valid up to a horizon, a time: the state holds every ticket event of
 * its ticket up to then. A state the ticket events stream wrote is valid up to the
 * checkpoint it saved after writing it; one read from the database, up to what ticket
 * events had reached before the read. An event or rating later than the horizon makes
 * the stream read the ticket again. Within one run, the ticket events stream keeps its
 * own states without a horizon (it is the one applying the events). A new suppression
 * empties the run's cache (src/ingest/sync-stream.ts): a purge rewrites the tickets that
 * name the agent, which only the ticket events stream's mapping reads back.
 * Bounded, oldest entry out first.
 */
import type { StoredTicket } from '../../schemas/records.js';

/** States kept: a large backfill's recent tickets (about 1 KB each in memory), a 100,000-event backfill's all. */
const MAX_ENTRIES = 20_000;

export class TicketStateCache {
  private readonly entries = new Map<string, { ticket: StoredTicket; horizonMs: number }>();

  constructor(private readonly maxEntries = MAX_ENTRIES) {}

  /** The ticket's state if kept and valid for every time up to `atMs`. */
  get(tenantId: string, ticketId: number, atMs: number): StoredTicket | undefined {
    const entry = this.entries.get(`${tenantId}:${ticketId}`);
    return entry && atMs <= entry.horizonMs ? entry.ticket : undefined;
  }

  /** Keeps states valid up to `horizonMs` (Infinity: the ticket events stream's own, within its run). */
  set(tickets: Iterable<StoredTicket>, horizonMs: number): void {
    for (const ticket of tickets) {
      const key = `${ticket.tenantId}:${ticket.ticketId}`;
      this.entries.delete(key);
      this.entries.set(key, { ticket, horizonMs });
    }
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
  }

  /** Forgets one tenant's states (a purge or an offboarding changed them). */
  forget(tenantId: string): void {
    const prefix = `${tenantId}:`;
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}

/** The two caches a stream run reads through: its own, then the process's. */
export interface TicketStates {
  readonly run: TicketStateCache;
  readonly shared: TicketStateCache;
}

/**
 * The states of the `wanted` tickets, each needed up to a time (ms): kept ones where
 * valid, the rest read in one call and kept.
 */
export async function ticketStatesFor(
  caches: TicketStates,
  tenantId: string,
  wanted: ReadonlyMap<number, number>,
  read: (ticketIds: number[]) => Promise<StoredTicket[]>,
  /** How long what is read stays valid: for the run, and for the process (a time, ms). */
  horizonMs: { readonly run: number; readonly shared: number },
): Promise<Map<number, StoredTicket>> {
  const found = new Map<number, StoredTicket>();
  const missing: number[] = [];
  for (const [ticketId, atMs] of wanted) {
    const kept = caches.run.get(tenantId, ticketId, atMs) ?? caches.shared.get(tenantId, ticketId, atMs);
    if (kept) found.set(ticketId, kept);
    else missing.push(ticketId);
  }
  if (missing.length === 0) return found;
  const fetched = await read(missing);
  caches.run.set(fetched, horizonMs.run);
  caches.shared.set(fetched, horizonMs.shared);
  for (const ticket of fetched) found.set(ticket.ticketId, ticket);
  return found;
}

// Issue 15, item 0: a reopen lost for good when two workers sync one tenant.
//
// Ticket events are applied to a per-ticket state (last solver, assignments, the last
// event applied); a reopen credits the state's last solver. A worker whose lease
// lapsed still writes the page it holds, and the tickets stream of another worker
// writes the same documents. If a late write of an older state lands after a newer
// one, the next page is mapped from the older state: a reopen after it credits
// nobody, and the state then moves past it for good. These tests run those writers
// against each other, in two processes and in a fixed interleaving, and check that
// every event a ticket's state counts as applied has exactly the facts a single
// undisturbed pass over the whole export gives it.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StoredFact, type StoredTenant, type StoredTicket } from '../../schemas/records.js';
import { ZendeskTicketEventSchema, type ZendeskTicketEvent } from '../../schemas/zendesk.js';
import { mapTicketEvents } from '../../src/ingest/map-ticket-events.js';
import { syncStream, type SyncContext } from '../../src/ingest/sync-stream.js';
import { createZendeskSimulator, type ZendeskSimulator } from '../../src/simulator/server.js';
import { ticketEventPages } from '../../src/zendesk/pagers.js';
import { localConfig, uniqueName } from '../helpers/local-services.js';
import { tenantForSimulator } from '../helpers/sync-harness.js';
import { startTwoRegions, type TwoRegions } from '../helpers/two-regions.js';

const NOW = Date.parse('2026-11-20T12:00:00Z');
const ACCOUNT = { account: 'racing', seed: 1515, agents: 5, days: 6, ticketsPerDay: 14, rateLimit: 1_000_000, exportRateLimit: 1_000_000, usersExportRateLimit: 1_000_000 };
const TICKET_EVENT_KINDS = new Set<StoredFact['kind']>(['solve', 'reopen', 'public_reply', 'update', 'handle_time', 'one_touch']);

let regions: TwoRegions;
let simulator: ZendeskSimulator;
const redises: { quit(): Promise<unknown> }[] = [];

beforeAll(async () => {
  regions = await startTwoRegions();
  simulator = createZendeskSimulator({ accounts: [ACCOUNT], now: () => NOW });
  await simulator.listen(0);
});
afterAll(async () => {
  for (const redis of redises) await redis.quit();
  await simulator?.close();
  await regions?.close();
});

/** A tenant of the account with its users stored, and a context for in-process syncs. */
async function newTenant(label: string) {
  const id = uniqueName(label).replaceAll('_', '-').slice(0, 40);
  const harness = await tenantForSimulator(regions, simulator, { id, region: 'us', account: ACCOUNT.account, timeZone: 'Europe/Berlin' });
  redises.push(harness.redis);
  const users = await syncStream(await harness.context(), 'users');
  expect(users.status).toBe('done');
  return { ...harness, id };
}

/** Every ticket event of the export, once each, in (timestamp, id) order. */
async function wholeExport(context: SyncContext): Promise<ZendeskTicketEvent[]> {
  const byId = new Map<number, ZendeskTicketEvent>();
  for await (const page of ticketEventPages(context.client, 0, Math.floor(NOW / 1000))) {
    for (const record of page.records) {
      const event = ZendeskTicketEventSchema.parse(record);
      byId.set(event.id, event);
    }
  }
  return [...byId.values()].sort((a, b) => a.timestamp - b.timestamp || a.id - b.id);
}

interface Expected {
  facts: Map<string, StoredFact>;
  tickets: Map<number, StoredTicket>;
  events: ZendeskTicketEvent[];
}

/** What one undisturbed pass over the whole export stores: the reference. */
async function expectedOf(tenant: StoredTenant, context: SyncContext): Promise<Expected> {
  const events = await wholeExport(context);
  const staff = new Set(await context.database.agents.ids(tenant._id));
  const mapped = mapTicketEvents(events, [], {
    tenantId: tenant._id,
    timeZone: tenant.timeZone,
    totalTimeFieldId: tenant.timeTrackingFields.total,
    isStaff: (id) => staff.has(id),
  });
  return {
    facts: new Map(mapped.facts.map((fact) => [fact._id, fact])),
    tickets: new Map(mapped.tickets.map((ticket) => [ticket.ticketId, ticket])),
    events,
  };
}

const factOf = (fact: StoredFact) => ({ _id: fact._id, kind: fact.kind, ticketId: fact.ticketId, agentId: fact.agentId, at: fact.at.toISOString(), day: fact.day, value: fact.value ?? null });
const stateOf = (ticket: StoredTicket) => ({
  ticketId: ticket.ticketId,
  lastSolverId: ticket.lastSolverId ?? null,
  assignments: (ticket.assignments ?? []).map((assignment) => ({ at: assignment.at.toISOString(), agentId: assignment.agentId })),
  lastEventAt: ticket.lastEventAt?.toISOString() ?? null,
  lastEventId: ticket.lastEventId ?? null,
});

/**
 * The invariant: every event a ticket's stored state counts as applied has its facts,
 * exactly as the reference derives them (a reopen credited to the solver before it,
 * not to nobody nor to an older solver), and the state is the reference's state.
 * Returns what differs, so that a failure says which tickets and facts.
 */
async function violations(tenantId: string, expected: Expected): Promise<string[]> {
  const db = regions.router.region('us').db;
  const stored = new Map((await db.collection<StoredFact>('facts').find({ tenantId }).toArray()).filter((fact) => TICKET_EVENT_KINDS.has(fact.kind)).map((fact) => [fact._id, fact]));
  const tickets = await db.collection<StoredTicket>('tickets').find({ tenantId }).toArray();
  const problems: string[] = [];
  for (const ticket of tickets) {
    if (ticket.lastEventAt === null || ticket.lastEventAt === undefined || ticket.lastEventId === null || ticket.lastEventId === undefined) continue;
    const appliedAt = ticket.lastEventAt.getTime() / 1000;
    const applied = expected.events.filter(
      (event) => event.ticket_id === ticket.ticketId && (event.timestamp < appliedAt || (event.timestamp === appliedAt && event.id <= (ticket.lastEventId as number))),
    );
    for (const event of applied) {
      for (const [id, fact] of expected.facts) {
        if (!id.startsWith(`${tenantId}:`) || fact.ticketId !== ticket.ticketId || !id.includes(`:${event.id}:`)) continue;
        const got = stored.get(id);
        if (!got) problems.push(`ticket ${ticket.ticketId}: event ${event.id} is applied but its ${fact.kind} fact is missing`);
        else if (JSON.stringify(factOf(got)) !== JSON.stringify(factOf(fact))) problems.push(`ticket ${ticket.ticketId}: ${fact.kind} fact of event ${event.id} credits ${got.agentId}, not ${fact.agentId}`);
      }
    }
    const want = expected.tickets.get(ticket.ticketId);
    if (want && JSON.stringify(stateOf(ticket)) !== JSON.stringify(stateOf(want))) problems.push(`ticket ${ticket.ticketId}: state ${JSON.stringify(stateOf(ticket))} is not ${JSON.stringify(stateOf(want))}`);
  }
  for (const id of expected.facts.keys()) if (!stored.has(id)) problems.push(`fact ${id} is missing`);
  for (const id of stored.keys()) if (!expected.facts.has(id)) problems.push(`fact ${id} should not exist`);
  return problems;
}

/** One sync process of test/support/sync-child: the given streams of the tenant, concurrently. */
function syncInChild(tenantId: string, streams: string, perPage: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/sync-child/main.ts', tenantId, streams, String(perPage)], {
      env: { ...process.env, ...regions.env, REDIS_URL: localConfig().redisUrl, TALLY_QUEUE_PREFIX: sharedPrefix },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}
const sharedPrefix = uniqueName('race').slice(0, 40);

describe('ticket state under concurrent writers (issue 15, item 0)', { timeout: 300_000 }, () => {
  it('a stalled sync that writes an older ticket state late never makes a later reopen credit nobody', async () => {
    const { tenant, context } = await newTenant('stalled');
    const expected = await expectedOf(tenant, await context());
    expect([...expected.facts.values()].filter((fact) => fact.kind === 'reopen').length).toBeGreaterThan(3);

    // The stalled holder maps its first page and stores its facts, then stalls before writing its ticket states.
    const base = await context({ ticketEventsPerPage: 40 });
    let releaseStalled!: () => void;
    const stalledRelease = new Promise<void>((resolve) => (releaseStalled = resolve));
    let stalledHolding!: () => void;
    const holding = new Promise<void>((resolve) => (stalledHolding = resolve));
    // It stalls before it takes the tickets lock, as a process would anywhere between its read and its write.
    const stalledLocks = {
      ...base.locks,
      tickets: {
        hold: async <T>(tenantId: string, work: (stillHeld: () => Promise<boolean>) => Promise<T>): Promise<T> => {
          stalledHolding();
          await stalledRelease;
          return base.locks.tickets.hold(tenantId, work);
        },
      },
    };
    const stalled = syncStream(
      {
        ...base,
        locks: stalledLocks,
        // Its lease lapsed while it stalled: its checkpoint is refused, and it stops there.
        checkpointFence: () => Promise.reject(Object.assign(new Error('the sync lease was lost'), { code: 'LEASE_LOST' })),
      },
      'ticket_events',
    ).catch((error: unknown) => error);
    await holding;

    // Meanwhile the worker that took the lease over syncs a good part of the export.
    const takeover = await syncStream(await context({ ticketEventsPerPage: 40, maxPages: 12 }), 'ticket_events');
    expect(takeover.status).toBe('paused');
    releaseStalled();
    expect(await stalled).toMatchObject({ code: 'LEASE_LOST' });
    // Then it syncs on to the end, from its own checkpoint.
    expect((await syncStream(await context({ ticketEventsPerPage: 40 }), 'ticket_events')).status).toBe('done');

    expect(await violations(tenant._id, expected)).toEqual([]);
  });

  it('two processes syncing ticket events and tickets at once, many times, leave every applied event with its facts', async () => {
    const rounds = 4;
    for (let round = 0; round < rounds; round++) {
      const { tenant, context } = await newTenant(`fleet${round}`);
      const expected = await expectedOf(tenant, await context());
      // Both processes run both streams at once (the second one's ticket events as after a
      // lapsed lease), with different page sizes so that their page boundaries differ
      // and fall between solves and reopens.
      const [first, second] = await Promise.all([
        syncInChild(tenant._id, 'ticket_events,tickets', 9 + round),
        syncInChild(tenant._id, 'tickets,ticket_events', 23 - round),
      ]);
      expect(first.code, first.output).toBe(0);
      expect(second.code, second.output).toBe(0);
      expect(await violations(tenant._id, expected), `round ${round}`).toEqual([]);
    }
  });
});

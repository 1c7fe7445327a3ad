/** Records for the store contract suites: each test uses a tenant of its own, so suites share a database. */
import { randomUUID } from 'node:crypto';
import { storedIds, type StoredDaily, type StoredFact, type StoredTicket } from '../../schemas/records.js';
import type { RegionStores } from '../../src/store/ports.js';

/** What every contract suite is given: a way to the stores under test (memory or FerretDB). */
export type MakeStores = () => RegionStores | Promise<RegionStores>;

export function newTenantId(): string {
  return `contract-${randomUUID().slice(0, 12)}`;
}

export function ticket(tenantId: string, ticketId: number, fields: Partial<StoredTicket> = {}): StoredTicket {
  return {
    _id: storedIds.ticket(tenantId, ticketId),
    tenantId,
    ticketId,
    assigneeId: null,
    groupId: null,
    brandId: null,
    status: 'open',
    lastSolverId: null,
    assignments: [],
    dimensions: [],
    publicReplies: 0,
    oneTouch: null,
    lastEventAt: null,
    lastEventId: null,
    updatedAt: new Date('2026-03-01T10:00:00Z'),
    ...fields,
  };
}

export function fact(tenantId: string, id: string, fields: Partial<StoredFact> = {}): StoredFact {
  return {
    _id: `${tenantId}:${id}`,
    tenantId,
    kind: 'solve',
    ticketId: 1,
    agentId: 7,
    at: new Date('2026-03-01T10:00:00Z'),
    day: '2026-03-01',
    ...fields,
  };
}

const EMPTY_HISTOGRAM = { sum: 0, count: 0, bins: [], counts: [] };

export function bucket(tenantId: string, agentId: number, day: string, fields: Partial<StoredDaily> = {}): StoredDaily {
  return {
    _id: storedIds.daily(tenantId, agentId, day),
    tenantId,
    agentId,
    day,
    solves: 1,
    reopens: 0,
    publicReplies: 0,
    ticketsTouched: 1,
    handleTimeSeconds: 0,
    ticketsWithHandleTime: 0,
    csatGood: 0,
    csatBad: 0,
    oneTouchTickets: 0,
    firstReplyMinutes: EMPTY_HISTOGRAM,
    fullResolutionMinutes: EMPTY_HISTOGRAM,
    requesterWaitMinutes: EMPTY_HISTOGRAM,
    agentWorkMinutes: EMPTY_HISTOGRAM,
    firstReplyBusinessMinutes: EMPTY_HISTOGRAM,
    fullResolutionBusinessMinutes: EMPTY_HISTOGRAM,
    requesterWaitBusinessMinutes: EMPTY_HISTOGRAM,
    agentWorkBusinessMinutes: EMPTY_HISTOGRAM,
    slices: '[]',
    updatedAt: new Date('2026-03-02T00:00:00Z'),
    ...fields,
  };
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

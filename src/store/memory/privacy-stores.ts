/**
 * Memory implementations of the privacy store ports (src/store/ports.ts), with the
 * semantics of store/mongo/privacy-stores.ts; they read and delete across the
 * region's tables as the Mongo adapters do across its collections.
 */
import type { CollectionCounts, StoredAgent, StoredDaily, StoredFact, StoredOffboarding, StoredPurge, StoredSuppression, StoredTicket } from '../../../schemas/records.js';
import { StoredOffboardingSchema, StoredPurgeSchema, StoredSuppressionSchema } from '../../../schemas/records.js';
import { StoreError } from '../../shared/errors.js';
import type * as ports from '../ports.js';
import { bumpBucketDays, deleteRollupsCovering, deleteTenantRollups } from './rollup-store.js';
import { copy, copyOrNull, deleteWhere, type Doc, distinctDays, filterOf, type MemoryTables } from './tables.js';
import { bumpAgentDirectory } from './record-stores.js';

export class MemorySuppressionStore implements ports.SuppressionStore {
  constructor(private readonly table: Map<string, StoredSuppression>) {}

  async add(entry: StoredSuppression): Promise<void> {
    const document = StoredSuppressionSchema.parse(entry);
    if (!this.table.has(document._id)) this.table.set(document._id, copy(document));
    return Promise.resolve();
  }

  async find(id: string): Promise<StoredSuppression | null> {
    return Promise.resolve(copyOrNull(this.table.get(id)));
  }

  async list(tenantId: string): Promise<StoredSuppression[]> {
    return Promise.resolve(filterOf(this.table, (entry) => entry.tenantId === tenantId));
  }
}

const byRequestedAt = (a: StoredPurge, b: StoredPurge) => a.requestedAt.getTime() - b.requestedAt.getTime();

export class MemoryPurgeStore implements ports.PurgeStore {
  private readonly table: Map<string, StoredPurge>;
  private readonly offboarding: Map<string, StoredOffboarding>;

  constructor(tables: MemoryTables) {
    this.table = tables.table('purges');
    this.offboarding = tables.table('offboardings');
  }

  async insert(request: StoredPurge): Promise<void> {
    const document = StoredPurgeSchema.parse(request);
    if (this.table.has(document._id)) return Promise.reject(new StoreError('STORE_FAILED', 'could not file a purge request (database error 11000)', { retryable: true }));
    this.table.set(document._id, copy(document));
    return Promise.resolve();
  }

  async find(id: string): Promise<StoredPurge | null> {
    return Promise.resolve(copyOrNull(this.table.get(id)));
  }

  async update(id: string, patch: ports.PurgePatch, options: { unsetTarget?: boolean } = {}): Promise<void> {
    const found = this.table.get(id);
    if (!found) return Promise.reject(new StoreError('PURGE_UNKNOWN', `no purge request ${id} in this region`));
    const next: StoredPurge = copy({ ...found, ...patch });
    if (options.unsetTarget) {
      delete next.target;
      delete next.reason;
    }
    this.table.set(id, next);
    return Promise.resolve();
  }

  async list(tenantId: string): Promise<StoredPurge[]> {
    return Promise.resolve(filterOf(this.table, (request) => request.tenantId === tenantId).sort(byRequestedAt));
  }

  async unfinished(): Promise<StoredPurge[]> {
    return Promise.resolve(filterOf(this.table, (request) => request.state !== 'done').sort(byRequestedAt));
  }

  async eraseDoneReasons(): Promise<number> {
    let erased = 0;
    for (const request of this.table.values()) {
      if (request.state !== 'done' || request.reason === undefined) continue;
      delete request.reason;
      erased++;
    }
    return Promise.resolve(erased);
  }

  async saveOffboarding(record: StoredOffboarding): Promise<void> {
    const document = StoredOffboardingSchema.parse(record);
    this.offboarding.set(document._id, copy({ ...this.offboarding.get(document._id), ...document }));
    return Promise.resolve();
  }

  async offboardings(tenantId: string): Promise<StoredOffboarding[]> {
    return Promise.resolve(filterOf(this.offboarding, (record) => record.tenantId === tenantId).sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime()));
  }
}

/** A users-stream quarantine entry is keyed by the user id (src/ingest/validate-records.ts). */
const userQuarantineId = (tenantId: string, agentId: number) => `${tenantId}:users:${agentId}`;

type Owned = Record<string, unknown>;

export class MemoryAgentDataStore implements ports.AgentDataStore {
  constructor(private readonly tables: MemoryTables) {}

  async count(tenantId: string, agentId: number): Promise<CollectionCounts> {
    const of = (name: string, match: (document: Doc) => boolean) => filterOf(this.tables.table<Doc>(name), match).length;
    const owned = (document: Owned) => document.tenantId === tenantId && document.agentId === agentId;
    const facts = of('facts', owned);
    const ratings = of('facts', (fact) => owned(fact) && fact.kind === 'rating');
    return Promise.resolve({
      agents: of('agents', (agent) => agent.tenantId === tenantId && agent.zendeskUserId === agentId),
      facts: facts - ratings,
      ratings,
      daily: of('daily', owned),
      staleBuckets: of('stale_buckets', owned),
      tickets: this.ticketsNaming(tenantId, agentId).length,
      quarantine: of('quarantine', (entry) => entry._id === userQuarantineId(tenantId, agentId)),
    });
  }

  async erase(tenantId: string, agentId: number): Promise<CollectionCounts> {
    const owned = (document: Owned) => document.tenantId === tenantId && document.agentId === agentId;
    // A rating still supersedes its ticket's older ratings, so it stays, crediting nobody.
    let ratings = 0;
    for (const fact of this.tables.table<StoredFact>('facts').values()) {
      if (!owned(fact) || fact.kind !== 'rating') continue;
      if (fact.agentId !== 0) ratings++;
      fact.agentId = 0;
    }
    const facts = deleteWhere(this.tables.table<StoredFact>('facts'), owned);
    const bucketDays = distinctDays(filterOf(this.tables.table<StoredDaily>('daily'), owned));
    const daily = deleteWhere(this.tables.table<StoredDaily>('daily'), owned);
    bumpBucketDays(this.tables, tenantId, bucketDays);
    deleteTenantRollups(this.tables, tenantId);
    const staleBuckets = deleteWhere(this.tables.table<Doc>('stale_buckets'), owned);
    const agents = deleteWhere(this.tables.table<StoredAgent>('agents'), (agent) => agent.tenantId === tenantId && agent.zendeskUserId === agentId);
    bumpAgentDirectory(this.tables.table('agent_directory'), tenantId);
    const quarantine = deleteWhere(this.tables.table<Doc>('quarantine'), (entry) => entry._id === userQuarantineId(tenantId, agentId));
    const tickets = this.ticketsNaming(tenantId, agentId);
    const scrub = (id: number | null | undefined) => (id === agentId ? null : (id ?? null));
    for (const ticket of tickets) {
      this.tables.table<StoredTicket>('tickets').set(ticket._id, {
        ...ticket,
        assigneeId: scrub(ticket.assigneeId),
        lastSolverId: scrub(ticket.lastSolverId),
        assignments: (ticket.assignments ?? []).map((assignment) => ({ at: assignment.at, agentId: scrub(assignment.agentId) })),
        oneTouch: ticket.oneTouch?.agentId === agentId ? null : (ticket.oneTouch ?? null),
      });
    }
    return Promise.resolve({ agents, facts, ratings, daily, staleBuckets, tickets: tickets.length, quarantine });
  }

  async countEmailIndex(tenantId: string, emailIndex: string): Promise<number> {
    return Promise.resolve(filterOf(this.tables.table<StoredAgent>('agents'), (agent) => agent.tenantId === tenantId && agent.emailIndex === emailIndex).length);
  }

  async facts(tenantId: string, agentId: number): Promise<StoredFact[]> {
    const found = filterOf(this.tables.table<StoredFact>('facts'), (fact) => fact.tenantId === tenantId && fact.agentId === agentId);
    return Promise.resolve(found.sort((a, b) => a.at.getTime() - b.at.getTime() || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0)));
  }

  async buckets(tenantId: string, agentId: number): Promise<StoredDaily[]> {
    const found = filterOf(this.tables.table<StoredDaily>('daily'), (row) => row.tenantId === tenantId && row.agentId === agentId);
    return Promise.resolve(found.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0)));
  }

  /** Tickets naming the agent as assignee, last solver or in their assignment history. */
  private ticketsNaming(tenantId: string, agentId: number): StoredTicket[] {
    return filterOf(
      this.tables.table<StoredTicket>('tickets'),
      (ticket) =>
        ticket.tenantId === tenantId &&
        (ticket.assigneeId === agentId || ticket.lastSolverId === agentId || (ticket.assignments ?? []).some((assignment) => assignment.agentId === agentId)),
    );
  }
}

/** The Mongo adapter's order (store/mongo/privacy-stores.ts): the tenant record first, keys last. */
const TENANT_COLLECTIONS = ['tenants', 'cursors', 'stale_buckets', 'facts', 'daily', 'tickets', 'dimensions', 'api_keys', 'people', 'agents', 'agent_directory', 'quarantine', 'purges', 'suppressions', 'audit', 'rollups', 'bucket_days', 'keys'] as const;

export class MemoryTenantDataStore implements ports.TenantDataStore {
  readonly collections = TENANT_COLLECTIONS;

  constructor(private readonly tables: MemoryTables) {}

  async count(tenantId: string, collection: string): Promise<number> {
    return Promise.resolve(filterOf(this.tables.table<Doc>(collection), ofTenant(tenantId, collection)).length);
  }

  async deleteAll(tenantId: string, collection: string): Promise<number> {
    const match = collection === 'keys' ? (key: Doc) => key.tenantId === tenantId && key.kind === 'agent' : ofTenant(tenantId, collection);
    return Promise.resolve(deleteWhere(this.tables.table<Doc>(collection), match));
  }
}

/** The tenant record's `_id` is the tenant id; every other document has a tenantId field. */
function ofTenant(tenantId: string, collection: string): (document: Doc) => boolean {
  return collection === 'tenants' ? (document) => document._id === tenantId : (document) => document.tenantId === tenantId;
}

export class MemoryRetentionStore implements ports.RetentionStore {
  constructor(private readonly tables: MemoryTables) {}

  async factDays(tenantId: string): Promise<string[]> {
    return Promise.resolve(distinctDays(filterOf(this.tables.table<StoredFact>('facts'), (fact) => fact.tenantId === tenantId)));
  }

  async deleteFactsOnDay(tenantId: string, day: string, before?: Date): Promise<number> {
    return Promise.resolve(
      deleteWhere(this.tables.table<StoredFact>('facts'), (fact) => fact.tenantId === tenantId && fact.day === day && (before === undefined || fact.at.getTime() < before.getTime())),
    );
  }

  async bucketDays(tenantId: string): Promise<string[]> {
    return Promise.resolve(distinctDays(filterOf(this.tables.table<StoredDaily>('daily'), (row) => row.tenantId === tenantId)));
  }

  async deleteBucketsOnDay(tenantId: string, day: string): Promise<number> {
    const deleted = deleteWhere(this.tables.table<StoredDaily>('daily'), (row) => row.tenantId === tenantId && row.day === day);
    bumpBucketDays(this.tables, tenantId, [day]);
    deleteRollupsCovering(this.tables, tenantId, day);
    return Promise.resolve(deleted);
  }
}

/**
 * Memory implementations of the record store ports (src/store/ports.ts), with the
 * semantics of store/mongo/region-database.ts: idempotent writes, ticket states that
 * never move back, fenced checkpoints. For fast unit tests of use cases; the contract
 * suites in test/contract/ hold them and the Mongo adapters to the same behaviour.
 */
import { randomUUID } from 'node:crypto';
import type { DimensionKind, StoredApiKey, StoredDimension, StoredAgent, StoredAgentDirectory, StoredAudit, StoredCursor, StoredDaily, StoredFact, StoredKey, StoredQuarantine, StoredStaleBucket, Stream, StoredTenant, StoredTicket } from '../../../schemas/records.js';
import { dailyIdParts, StoredAgentSchema, StoredAuditSchema, StoredDailySchema, StoredDimensionSchema, StoredApiKeySchema, StoredFactSchema, StoredKeySchema, StoredQuarantineSchema, StoredStaleBucketSchema, storedIds, StoredTenantSchema, StoredTicketSchema } from '../../../schemas/records.js';
import { StoreError } from '../../shared/errors.js';
import type * as ports from '../ports.js';
import { bumpBucketDays } from './rollup-store.js';
import { copy, copyOrNull, distinctDays, filterOf, type MemoryTables, sameDocument, upsertInto } from './tables.js';

export class MemoryTenantStore implements ports.TenantStore {
  constructor(private readonly table: Map<string, StoredTenant>) {}

  async find(tenantId: string): Promise<StoredTenant | null> {
    return Promise.resolve(copyOrNull(this.table.get(tenantId)));
  }

  async insert(tenant: StoredTenant): Promise<void> {
    const document = StoredTenantSchema.parse(tenant);
    if (this.table.has(document._id)) return Promise.reject(new StoreError('TENANT_EXISTS', `tenant ${tenant._id} already exists`));
    this.table.set(document._id, copy(document));
    return Promise.resolve();
  }

  async update(tenantId: string, patch: ports.TenantPatch, at: Date): Promise<void> {
    const found = this.table.get(tenantId);
    if (!found) return Promise.reject(new StoreError('TENANT_UNKNOWN', `no tenant ${tenantId} in this region`));
    const allowed: ports.TenantPatch = {};
    for (const key of ['credentials', 'timeTrackingFields', 'status', 'unavailableStreams', 'retention'] as const) {
      if (patch[key] !== undefined) Object.assign(allowed, { [key]: patch[key] });
    }
    this.table.set(tenantId, copy({ ...found, ...allowed, updatedAt: at }));
    return Promise.resolve();
  }

  async list(): Promise<StoredTenant[]> {
    return Promise.resolve(filterOf(this.table, () => true).sort((a, b) => compare(a._id, b._id)));
  }
}

export class MemoryApiKeyStore implements ports.ApiKeyStore {
  constructor(private readonly table: Map<string, StoredApiKey>) {}

  async insert(key: StoredApiKey): Promise<void> {
    const document = StoredApiKeySchema.parse(key);
    if (this.table.has(document._id)) throw new StoreError('STORE_FAILED', 'an API key with this id exists');
    this.table.set(document._id, copy(document));
    return Promise.resolve();
  }

  async find(keyId: string): Promise<StoredApiKey | null> {
    return Promise.resolve(copyOrNull(this.table.get(keyId)));
  }

  async list(tenantId: string): Promise<StoredApiKey[]> {
    return Promise.resolve(filterOf(this.table, (key) => key.tenantId === tenantId).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a._id.localeCompare(b._id)));
  }

  async revoke(tenantId: string, keyId: string, at: Date): Promise<boolean> {
    const key = this.table.get(keyId);
    if (!key || key.tenantId !== tenantId) return Promise.resolve(false);
    if (key.revokedAt === null) this.table.set(keyId, { ...key, revokedAt: at });
    return Promise.resolve(true);
  }

  async touch(keyId: string, at: Date): Promise<void> {
    const key = this.table.get(keyId);
    if (key) this.table.set(keyId, { ...key, lastUsedAt: at });
    return Promise.resolve();
  }
}

export class MemoryDimensionStore implements ports.DimensionStore {
  constructor(private readonly table: Map<string, StoredDimension>) {}

  async upsertMany(records: readonly StoredDimension[]): Promise<ports.WriteCounts> {
    return Promise.resolve(upsertInto(this.table, records.map((record) => StoredDimensionSchema.parse(record))));
  }

  async list(tenantId: string): Promise<StoredDimension[]> {
    const found = filterOf(this.table, (record) => record.tenantId === tenantId);
    return Promise.resolve(found.sort((a, b) => a.kind.localeCompare(b.kind) || a.zendeskId - b.zendeskId));
  }

  async find(tenantId: string, kind: DimensionKind, zendeskId: number): Promise<StoredDimension | null> {
    return Promise.resolve(this.table.get(storedIds.dimension(tenantId, kind, zendeskId)) ?? null);
  }
}

export class MemoryAgentStore implements ports.AgentStore {
  constructor(
    private readonly table: Map<string, StoredAgent>,
    private readonly directory: Map<string, StoredAgentDirectory>,
  ) {}

  async upsertMany(agents: readonly StoredAgent[]): Promise<ports.WriteCounts> {
    const documents = agents.map((agent) => StoredAgentSchema.parse(agent));
    const written = upsertInto(this.table, documents);
    // As in Mongo: an agent stored without an email loses an older blind index.
    for (const agent of documents) {
      const stored = this.table.get(agent._id);
      if (agent.emailIndex === undefined && stored?.emailIndex !== undefined) {
        const rest = { ...stored };
        delete rest.emailIndex;
        this.table.set(agent._id, rest);
      }
    }
    for (const tenantId of new Set(documents.map((agent) => agent.tenantId))) bumpAgentDirectory(this.directory, tenantId);
    return Promise.resolve(written);
  }

  async directoryVersion(tenantId: string): Promise<string> {
    return Promise.resolve(this.directory.get(tenantId)?.version ?? '');
  }

  async find(tenantId: string, zendeskUserId: number): Promise<StoredAgent | null> {
    return Promise.resolve(filterOf(this.table, (agent) => agent.tenantId === tenantId && agent.zendeskUserId === zendeskUserId)[0] ?? null);
  }

  async findMany(tenantId: string, zendeskUserIds: readonly number[]): Promise<StoredAgent[]> {
    const wanted = new Set(zendeskUserIds);
    return Promise.resolve(filterOf(this.table, (agent) => agent.tenantId === tenantId && wanted.has(agent.zendeskUserId)));
  }

  async findByEmailIndex(tenantId: string, emailIndex: string): Promise<StoredAgent | null> {
    return Promise.resolve(filterOf(this.table, (agent) => agent.tenantId === tenantId && agent.emailIndex === emailIndex)[0] ?? null);
  }

  async ids(tenantId: string): Promise<number[]> {
    return Promise.resolve(filterOf(this.table, (agent) => agent.tenantId === tenantId).map((agent) => agent.zendeskUserId));
  }
}

type TicketState = Pick<StoredTicket, '_id' | 'tenantId' | 'ticketId' | 'assigneeId' | 'groupId' | 'brandId' | 'status' | 'updatedAt'>;

export class MemoryTicketStore implements ports.TicketStore {
  constructor(private readonly table: Map<string, StoredTicket>) {}

  async upsertMany(tickets: readonly StoredTicket[]): Promise<ports.WriteCounts> {
    return Promise.resolve(upsertInto(this.table, tickets.map((ticket) => StoredTicketSchema.parse(ticket))));
  }

  async findMany(tenantId: string, ticketIds: readonly number[]): Promise<StoredTicket[]> {
    const found = [...new Set(ticketIds)].map((id) => this.table.get(storedIds.ticket(tenantId, id))).filter((ticket) => ticket?.tenantId === tenantId);
    return Promise.resolve(found.map((ticket) => copy(ticket as StoredTicket)));
  }

  async applyEvents(tickets: readonly StoredTicket[]): Promise<ports.WriteCounts> {
    let written = 0;
    for (const ticket of tickets.map((one) => StoredTicketSchema.parse(one))) {
      const existing = this.table.get(ticket._id);
      if (!existing) {
        this.table.set(ticket._id, copy(ticket));
        written++;
        continue;
      }
      if (!notAheadOf(existing, ticket.lastEventAt, ticket.lastEventId)) continue;
      const { lastSolverId, assignments, lastEventAt, lastEventId, dimensions, publicReplies, oneTouch } = ticket;
      written += this.replaceIfChanged(existing, { lastSolverId, assignments, lastEventAt, lastEventId, dimensions, publicReplies, oneTouch });
    }
    return Promise.resolve({ written, duplicates: 0 });
  }

  async reconcile(states: readonly TicketState[]): Promise<ports.WriteCounts> {
    let written = 0;
    for (const { _id, tenantId, ticketId, assigneeId, groupId, brandId, status, updatedAt } of states) {
      const existing = this.table.get(_id);
      if (existing) {
        written += this.replaceIfChanged(existing, { assigneeId, groupId, brandId: brandId ?? null, status, updatedAt });
        continue;
      }
      const created = { _id, tenantId, ticketId, lastSolverId: null, assignments: [], lastEventAt: null, lastEventId: null, assigneeId, groupId, brandId: brandId ?? null, status, updatedAt };
      this.table.set(_id, copy(created));
      written++;
    }
    return Promise.resolve({ written, duplicates: 0 });
  }

  private replaceIfChanged(existing: StoredTicket, fields: Partial<StoredTicket>): number {
    const next = copy({ ...existing, ...fields });
    if (sameDocument(existing, next)) return 0;
    this.table.set(existing._id, next);
    return 1;
  }
}

/** As store/mongo/region-database.ts's `notAheadOf`: the stored state applied no event after (at, id). */
function notAheadOf(stored: StoredTicket, at: Date | null, id: number | null): boolean {
  const storedAt = stored.lastEventAt ?? null;
  if (storedAt === null) return true;
  if (at === null || id === null) return false;
  if (storedAt.getTime() < at.getTime()) return true;
  return storedAt.getTime() === at.getTime() && stored.lastEventId !== null && stored.lastEventId !== undefined && stored.lastEventId <= id;
}

export class MemoryCursorStore implements ports.CursorStore {
  constructor(private readonly table: Map<string, StoredCursor>) {}

  async position(tenantId: string, stream: Stream): Promise<string | null> {
    return Promise.resolve(this.table.get(storedIds.cursor(tenantId, stream))?.position ?? null);
  }

  async save(tenantId: string, stream: Stream, position: string, at: Date, fence?: string): Promise<void> {
    const _id = storedIds.cursor(tenantId, stream);
    const existing = this.table.get(_id);
    if (fence === undefined) {
      this.table.set(_id, copy({ leaseToken: null, ...existing, _id, tenantId, stream, position, updatedAt: at }));
      return Promise.resolve();
    }
    const drawn = Number(fence);
    if (!/^\d{16}$/.test(fence) || !Number.isSafeInteger(drawn)) {
      return Promise.reject(new StoreError('CHECKPOINT_FENCED', `the fence of a checkpoint of ${_id} is not a 16-digit number; this sync stops`));
    }
    if (existing) {
      const fenceOk = existing.fence === undefined || existing.fence <= drawn;
      const tokenOk = existing.leaseToken === null || existing.leaseToken === undefined || existing.leaseToken <= fence;
      if (!fenceOk || !tokenOk) {
        return Promise.reject(new StoreError('CHECKPOINT_FENCED', `the checkpoint of ${_id} belongs to a newer sync lease; this sync stops`));
      }
    }
    this.table.set(_id, copy({ ...existing, _id, tenantId, stream, position, updatedAt: at, leaseToken: fence, fence: drawn }));
    return Promise.resolve();
  }

  async highestFence(tenantId: string, stream: Stream): Promise<number> {
    const cursor = this.table.get(storedIds.cursor(tenantId, stream));
    const written = cursor?.leaseToken ? Number(cursor.leaseToken) : 0;
    return Promise.resolve(Math.max(cursor?.fence ?? 0, Number.isSafeInteger(written) ? written : 0));
  }

  async recordFence(tenantId: string, stream: Stream, fence: number): Promise<void> {
    const _id = storedIds.cursor(tenantId, stream);
    const existing = this.table.get(_id);
    if (!existing) this.table.set(_id, { _id, tenantId, stream, leaseToken: null, fence });
    else if (existing.fence === undefined || existing.fence < fence) this.table.set(_id, { ...existing, fence });
    return Promise.resolve();
  }
}

export class MemoryQuarantineStore implements ports.QuarantineStore {
  constructor(private readonly table: Map<string, StoredQuarantine>) {}

  async add(entries: readonly StoredQuarantine[]): Promise<number> {
    const documents = entries.map((entry) => StoredQuarantineSchema.parse(entry));
    upsertInto(this.table, documents);
    return Promise.resolve(documents.length);
  }
}

export class MemoryFactStore implements ports.FactStore {
  constructor(private readonly table: Map<string, StoredFact>) {}

  async insertMany(facts: readonly StoredFact[]): Promise<ports.WriteCounts> {
    const documents = facts.map((fact) => StoredFactSchema.parse(fact));
    let written = 0;
    for (const document of documents) {
      if (this.table.has(document._id)) continue;
      this.table.set(document._id, copy(document));
      written++;
    }
    return Promise.resolve({ written, duplicates: documents.length - written });
  }

  async replaceMany(facts: readonly StoredFact[]): Promise<ports.WriteCounts> {
    return Promise.resolve(upsertInto(this.table, facts.map((fact) => StoredFactSchema.parse(fact))));
  }

  async onDay(tenantId: string, day: string): Promise<StoredFact[]> {
    return Promise.resolve(filterOf(this.table, (fact) => fact.tenantId === tenantId && fact.day === day));
  }

  async days(tenantId: string): Promise<string[]> {
    return Promise.resolve(distinctDays(filterOf(this.table, (fact) => fact.tenantId === tenantId)));
  }

  async ratings(tenantId: string): Promise<StoredFact[]> {
    return Promise.resolve(filterOf(this.table, (fact) => fact.tenantId === tenantId && fact.kind === 'rating'));
  }

  async hasRatings(tenantId: string): Promise<boolean> {
    return (await this.ratings(tenantId)).length > 0;
  }

  async ratingsOf(tenantId: string, ticketIds: readonly number[]): Promise<StoredFact[]> {
    const wanted = new Set(ticketIds);
    return Promise.resolve(filterOf(this.table, (fact) => fact.tenantId === tenantId && fact.kind === 'rating' && wanted.has(fact.ticketId)));
  }
}

export class MemoryDailyStore implements ports.DailyStore {
  private readonly table: Map<string, StoredDaily>;

  constructor(private readonly tables: MemoryTables) {
    this.table = tables.table('daily');
  }

  async replace(rows: readonly StoredDaily[], emptiedIds: readonly string[], options: { readonly wholeDays?: boolean } = {}): Promise<ports.WholeDays> {
    const documents = rows.map((row) => StoredDailySchema.parse(row));
    upsertInto(this.table, documents);
    for (const id of emptiedIds) this.table.delete(id);
    // One step, so no other writer comes between: a day is whole when it holds only the given rows.
    const days = new Map([...documents, ...emptiedIds.map(dailyIdParts)].map(({ tenantId, day }) => [storedIds.bucketDay(tenantId, day), { tenantId, day }]));
    const given = new Set(documents.map((row) => row._id));
    const whole = new Map<string, string>();
    for (const [id, { tenantId, day }] of days) {
      const [version] = bumpBucketDays(this.tables, tenantId, [day]).values();
      if (!options.wholeDays || version === undefined) continue;
      if (filterOf(this.table, (row) => row.tenantId === tenantId && row.day === day).every((row) => given.has(row._id))) whole.set(id, version);
    }
    return Promise.resolve(whole);
  }

  async *range(tenantId: string, from: string, to: string, agentId?: number): AsyncIterable<StoredDaily> {
    const found = filterOf(this.table, (row) => row.tenantId === tenantId && row.day >= from && row.day <= to && (agentId === undefined || row.agentId === agentId));
    // Day by day, as the Mongo adapter reads them.
    yield* await Promise.resolve(found.sort((a, b) => compare(a.day, b.day)));
  }

  async days(tenantId: string): Promise<string[]> {
    return Promise.resolve(distinctDays(filterOf(this.table, (row) => row.tenantId === tenantId)));
  }

  async agentsOn(tenantId: string, day: string): Promise<number[]> {
    return Promise.resolve(filterOf(this.table, (row) => row.tenantId === tenantId && row.day === day).map((row) => row.agentId));
  }
}

export class MemoryStaleBucketStore implements ports.StaleBucketStore {
  constructor(private readonly table: Map<string, StoredStaleBucket>) {}

  async mark(buckets: readonly ports.StaleBucket[]): Promise<void> {
    if (buckets.length === 0) return Promise.resolve();
    const mark = randomUUID();
    for (const { _id, ...bucket } of new Map(buckets.map((bucket) => [bucket._id, bucket])).values()) {
      const document = StoredStaleBucketSchema.parse({ _id: `${_id}/${mark}`, ...bucket, mark });
      this.table.set(document._id, document);
    }
    return Promise.resolve();
  }

  async list(tenantId: string): Promise<ports.StaleBucketMarks[]> {
    const byBucket = new Map<string, ports.StaleBucketMarks>();
    for (const { _id, tenantId: owner, agentId, day } of filterOf(this.table, (stale) => stale.tenantId === tenantId)) {
      const bucket = { tenantId: owner, agentId, day };
      const bucketId = storedIds.daily(bucket.tenantId, bucket.agentId, bucket.day);
      const found = byBucket.get(bucketId) ?? { _id: bucketId, ...bucket, markIds: [] };
      found.markIds.push(_id);
      byBucket.set(bucketId, found);
    }
    return Promise.resolve([...byBucket.values()]);
  }

  async clear(buckets: readonly ports.StaleBucketMarks[]): Promise<void> {
    for (const bucket of buckets) {
      for (const id of bucket.markIds) if (this.table.get(id)?.tenantId === bucket.tenantId) this.table.delete(id);
    }
    return Promise.resolve();
  }
}

/** The audit collection under src/audit/keyed-audit-log.ts. */
export class MemoryAuditLogStore implements ports.AuditLogStore {
  constructor(private readonly table: Map<string, StoredAudit>) {}

  async last(tenantId: string): Promise<StoredAudit | null> {
    return Promise.resolve(this.ofTenant(tenantId).at(-1) ?? null);
  }

  async find(tenantId: string, seq: number): Promise<StoredAudit | null> {
    return Promise.resolve(copyOrNull(this.table.get(storedIds.audit(tenantId, seq))));
  }

  async insert(entry: StoredAudit): Promise<'inserted' | 'exists'> {
    const document = StoredAuditSchema.parse(entry);
    if (this.table.has(document._id)) return Promise.resolve('exists');
    this.table.set(document._id, copy(document));
    return Promise.resolve('inserted');
  }

  async *entries(tenantId: string): AsyncIterable<StoredAudit> {
    yield* await Promise.resolve(this.ofTenant(tenantId));
  }

  private ofTenant(tenantId: string): StoredAudit[] {
    return filterOf(this.table, (entry) => entry.tenantId === tenantId).sort((a, b) => a.seq - b.seq);
  }
}

export class MemoryKeyStore implements ports.KeyStore {
  constructor(private readonly table: Map<string, StoredKey>) {}

  async find(id: string): Promise<StoredKey | null> {
    return Promise.resolve(copyOrNull(this.table.get(id)));
  }

  async insert(key: StoredKey): Promise<'inserted' | 'exists'> {
    const document = StoredKeySchema.parse(key);
    if (this.table.has(document._id)) return Promise.resolve('exists');
    this.table.set(document._id, copy(document));
    return Promise.resolve('inserted');
  }

  async findMany(tenantId: string, ids: readonly string[]): Promise<StoredKey[]> {
    const found = [...new Set(ids)].map((id) => this.table.get(id)).filter((key) => key?.tenantId === tenantId);
    return Promise.resolve(found.map((key) => copy(key as StoredKey)));
  }

  async insertMany(keys: readonly StoredKey[]): Promise<string[]> {
    const existed: string[] = [];
    for (const document of keys.map((key) => StoredKeySchema.parse(key))) {
      if (this.table.has(document._id)) existed.push(document._id);
      else this.table.set(document._id, copy(document));
    }
    return Promise.resolve(existed);
  }

  async replaceWrapped(id: string, wrappedKey: Uint8Array, kekVersion: string, at: Date): Promise<void> {
    const found = this.table.get(id);
    if (found) this.table.set(id, copy({ ...found, wrappedKey: Buffer.from(wrappedKey), kekVersion, rewrappedAt: at }));
    return Promise.resolve();
  }

  async *tenantKeys(): AsyncIterable<StoredKey> {
    yield* await Promise.resolve(filterOf(this.table, (key) => key.kind === 'tenant').sort((a, b) => compare(a._id, b._id)));
  }

  async delete(id: string): Promise<boolean> {
    return Promise.resolve(this.table.delete(id));
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A new version of the tenant's agents, as store/mongo/agent-directory.ts writes it. */
export function bumpAgentDirectory(directory: Map<string, StoredAgentDirectory>, tenantId: string): void {
  directory.set(tenantId, { _id: tenantId, tenantId, version: randomUUID(), updatedAt: new Date() });
}

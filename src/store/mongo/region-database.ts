import { randomUUID } from 'node:crypto';
import { WHOLE_RESULT } from './whole-result.js';
import { type Collection, type Db, type Filter, MongoBulkWriteError, MongoServerError } from 'mongodb';
import {
  type StoredAgent,
  StoredAgentSchema,
  type StoredAudit,
  StoredAuditSchema,
  type StoredDaily,
  StoredDailySchema,
  type DimensionKind,
  type StoredDimension,
  StoredDimensionSchema,
  type StoredApiKey,
  type StoredPerson,
  StoredApiKeySchema,
  type StoredStaleBucket,
  StoredStaleBucketSchema,
  type StoredCursor,
  type StoredFact,
  StoredFactSchema,
  type StoredKey,
  StoredKeySchema,
  type StoredQuarantine,
  StoredQuarantineSchema,
  type Stream,
  dailyIdParts,
  storedIds,
  type StoredTenant,
  StoredTenantSchema,
  type StoredTicket,
  StoredTicketSchema,
} from '../../../schemas/records.js';
import type { RegionId } from '../../../schemas/config.js';
import { StoreError } from '../../shared/errors.js';
import { MongoPersonStore } from './person-store.js';
import { finishBucketDays, markBucketDays, MongoRollupStore } from './rollup-store.js';
import { MONGODB_TRAITS, type ServerTraits } from './server-traits.js';
import { storeCall, translate } from './store-call.js';
import { bulkUpdate, insertThenUpdate, upsertById } from './upsert-by-id.js';
import { type AuditChainDeps, KeyedAuditLog } from '../../audit/keyed-audit-log.js';
import { MongoAgentDataStore, MongoPurgeStore, MongoRetentionStore, MongoSuppressionStore, MongoTenantDataStore } from './privacy-stores.js';
import type {
  AgentStore,
  AuditLogStore,
  CursorStore,
  DailyStore,
  WholeDays,
  DimensionStore,
  ApiKeyStore,
  FactStore,
  KeyStore,
  QuarantineStore,
  RegionStores,
  StaleBucket,
  StaleBucketMarks,
  StaleBucketStore,
  TenantPatch,
  TenantStore,
  TicketStore,
  WriteCounts,
} from '../ports.js';
import { agentDirectoryVersion, bumpAgentDirectory } from './agent-directory.js';
import { DUPLICATE_KEY } from './duplicate-key.js';
import type { PurgeLedger } from '../../backup/backup-ports.js';
import { UNCONFIGURED_LEDGER } from '../../backup/purge-ledger.js';

/** Collections of docs/architecture.md#collections. */
export const COLLECTIONS = [
  'tenants',
  'agents',
  'agent_directory',
  'tickets',
  'dimensions',
  'api_keys',
  'people',
  'facts',
  'daily',
  'stale_buckets',
  'cursors',
  'quarantine',
  'keys',
  'audit',
  'suppressions',
  'purges',
  'offboardings',
  'bucket_days',
  'rollups',
] as const;

/**
 * Indexes created at start. `_id` carries every uniqueness rule (composed key
 * parts), so nothing depends on unique secondary indexes catching missing
 * fields, and no TTL or partial indexes are used (FerretDB v1 lacks them).
 */
const INDEXES: Record<string, { key: Record<string, 1 | -1>; name: string }[]> = {
  agents: [
    { key: { tenantId: 1, zendeskUserId: 1 }, name: 'tenant_user' },
    { key: { tenantId: 1, emailIndex: 1 }, name: 'tenant_email_index' },
  ],
  tickets: [
    { key: { tenantId: 1, ticketId: 1 }, name: 'tenant_ticket' },
    // Purges find the tickets that name an agent, to replace it with null.
    { key: { tenantId: 1, assigneeId: 1 }, name: 'tenant_assignee' },
    { key: { tenantId: 1, lastSolverId: 1 }, name: 'tenant_last_solver' },
    { key: { tenantId: 1, 'assignments.agentId': 1 }, name: 'tenant_assignment_agent' },
  ],
  facts: [
    { key: { tenantId: 1, agentId: 1, at: 1 }, name: 'tenant_agent_at' },
    { key: { tenantId: 1, at: 1 }, name: 'tenant_at' },
    { key: { tenantId: 1, kind: 1, ticketId: 1 }, name: 'tenant_kind_ticket' },
    { key: { tenantId: 1, day: 1 }, name: 'tenant_day' },
  ],
  daily: [
    { key: { tenantId: 1, day: 1 }, name: 'tenant_day' },
    { key: { tenantId: 1, agentId: 1, day: 1 }, name: 'tenant_agent_day' },
  ],
  audit: [{ key: { tenantId: 1, seq: 1 }, name: 'tenant_seq' }],
  // A flush clears its marks by marking (one per page batch), which FerretDB finds through this index's `mark`.
  stale_buckets: [
    { key: { tenantId: 1 }, name: 'tenant' },
    { key: { tenantId: 1, mark: 1 }, name: 'tenant_mark' },
  ],
  suppressions: [{ key: { tenantId: 1 }, name: 'tenant' }],
  purges: [{ key: { tenantId: 1 }, name: 'tenant' }],
  offboardings: [{ key: { tenantId: 1 }, name: 'tenant' }],
  cursors: [{ key: { tenantId: 1 }, name: 'tenant' }],
  quarantine: [{ key: { tenantId: 1, stream: 1 }, name: 'tenant_stream' }],
  keys: [{ key: { tenantId: 1, kind: 1 }, name: 'tenant_kind' }],
  bucket_days: [{ key: { tenantId: 1, month: 1 }, name: 'tenant_month' }],
  dimensions: [{ key: { tenantId: 1 }, name: 'tenant' }],
  api_keys: [{ key: { tenantId: 1 }, name: 'tenant' }],
  people: [{ key: { tenantId: 1, emailIndex: 1 }, name: 'tenant_email' }],
  rollups: [{ key: { tenantId: 1 }, name: 'tenant' }],
};

/** One region's database and its stores. Only RegionRouter makes these. */
export class RegionDatabase implements RegionStores {
  // Each store typed as its port, so this class and the RegionStores interface cannot drift apart.
  readonly tenants: RegionStores['tenants'];
  readonly agents: RegionStores['agents'];
  readonly tickets: RegionStores['tickets'];
  readonly dimensions: RegionStores['dimensions'];
  readonly apiKeys: RegionStores['apiKeys'];
  readonly people: RegionStores['people'];
  readonly facts: RegionStores['facts'];
  readonly keys: RegionStores['keys'];
  readonly checkpoints: RegionStores['checkpoints'];
  readonly quarantined: RegionStores['quarantined'];
  readonly daily: RegionStores['daily'];
  readonly rollups: RegionStores['rollups'];
  readonly staleBuckets: RegionStores['staleBuckets'];
  readonly audit: RegionStores['audit'];
  readonly suppressions: RegionStores['suppressions'];
  readonly purges: RegionStores['purges'];
  readonly agentData: RegionStores['agentData'];
  readonly tenantData: RegionStores['tenantData'];
  readonly retention: RegionStores['retention'];
  readonly purgeLedger: RegionStores['purgeLedger'];

  constructor(
    readonly region: RegionId,
    readonly db: Db,
    traits: ServerTraits = MONGODB_TRAITS,
    /** The audit chain's key (from this database's tenant keys) and head store; without them appends and verify refuse. */
    auditChain?: (keys: KeyStore) => AuditChainDeps,
    /** The region's purge ledger; without it a purge or offboarding cannot complete here (a restore's target). */
    purgeLedger: PurgeLedger = UNCONFIGURED_LEDGER,
  ) {
    this.purgeLedger = purgeLedger;
    this.tenants = new MongoTenantStore(db.collection<StoredTenant>('tenants'));
    this.agents = new MongoAgentStore(db.collection<StoredAgent>('agents'), db, traits);
    this.tickets = new MongoTicketStore(db.collection<StoredTicket>('tickets'), traits);
    this.dimensions = new MongoDimensionStore(db.collection<StoredDimension>('dimensions'));
    this.apiKeys = new MongoApiKeyStore(db.collection<StoredApiKey>('api_keys'));
    this.people = new MongoPersonStore(db.collection<StoredPerson>('people'));
    this.facts = new MongoFactStore(db.collection<StoredFact>('facts'), traits);
    this.keys = new MongoKeyStore(db.collection<StoredKey>('keys'), traits);
    this.checkpoints = new MongoCursorStore(db.collection<StoredCursor>('cursors'));
    this.quarantined = new MongoQuarantineStore(db.collection<StoredQuarantine>('quarantine'));
    this.daily = new MongoDailyStore(db, traits);
    this.rollups = new MongoRollupStore(db);
    this.staleBuckets = new MongoStaleBucketStore(db.collection<StoredStaleBucket>('stale_buckets'));
    this.audit = new KeyedAuditLog(new MongoAuditLogStore(db.collection<StoredAudit>('audit')), auditChain?.(this.keys) ?? null);
    this.suppressions = new MongoSuppressionStore(db);
    this.purges = new MongoPurgeStore(db);
    this.agentData = new MongoAgentDataStore(db);
    this.tenantData = new MongoTenantDataStore(db);
    this.retention = new MongoRetentionStore(db);
  }

  collection<T extends object>(name: (typeof COLLECTIONS)[number]): Collection<T> {
    return this.db.collection<T>(name);
  }

  cursors(): Collection<StoredCursor> {
    return this.db.collection<StoredCursor>('cursors');
  }

  quarantine(): Collection<StoredQuarantine> {
    return this.db.collection<StoredQuarantine>('quarantine');
  }

  async ensureIndexes(): Promise<void> {
    // Only the missing ones, one at a time: FerretDB v1.24.2 panics on a createIndexes
    // listing several indexes when some exist, and has hung when several processes
    // created the same indexes at once; every process start comes through here.
    const existing = new Set(
      (await storeCall('list collections', () => this.db.listCollections({}, { nameOnly: true }).toArray())).map((c) => c.name),
    );
    for (const [name, indexes] of Object.entries(INDEXES)) {
      const present = existing.has(name)
        ? new Set((await storeCall(`list indexes of ${name}`, () => this.db.collection(name).listIndexes().toArray())).map((index: { name?: unknown }) => String(index.name)))
        : new Set<string>();
      for (const { key, name: indexName } of indexes) {
        if (present.has(indexName)) continue;
        await storeCall(`create index ${indexName} on ${name}`, () => this.db.collection(name).createIndex(key, { name: indexName }));
      }
    }
  }
}

class MongoTenantStore implements TenantStore {
  constructor(private readonly collection: Collection<StoredTenant>) {}

  find(tenantId: string): Promise<StoredTenant | null> {
    return storeCall('read a tenant', () => this.collection.findOne({ _id: tenantId }));
  }

  async insert(tenant: StoredTenant): Promise<void> {
    const document = StoredTenantSchema.parse(tenant);
    try {
      await this.collection.insertOne(document);
    } catch (error) {
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) {
        throw new StoreError('TENANT_EXISTS', `tenant ${tenant._id} already exists`, { cause: error });
      }
      throw translate('insert a tenant', error);
    }
  }

  async update(tenantId: string, patch: TenantPatch, at: Date): Promise<void> {
    const allowed: TenantPatch = {};
    for (const key of ['credentials', 'timeTrackingFields', 'status', 'unavailableStreams', 'retention'] as const) {
      if (patch[key] !== undefined) Object.assign(allowed, { [key]: patch[key] });
    }
    const result = await storeCall('update a tenant', () =>
      this.collection.updateOne({ _id: tenantId }, { $set: { ...allowed, updatedAt: at } }),
    );
    if (result.matchedCount === 0) throw new StoreError('TENANT_UNKNOWN', `no tenant ${tenantId} in this region`);
  }

  list(): Promise<StoredTenant[]> {
    return storeCall('list tenants', () => this.collection.find({}, WHOLE_RESULT).sort({ _id: 1 }).toArray());
  }
}

class MongoAgentStore implements AgentStore {
  constructor(
    private readonly collection: Collection<StoredAgent>,
    private readonly db: Db,
    private readonly traits: ServerTraits,
  ) {}

  async upsertMany(agents: readonly StoredAgent[]): Promise<WriteCounts> {
    const documents = agents.map((agent) => StoredAgentSchema.parse(agent));
    const written = await upsertById(this.collection, documents, 'agents');
    // An upsert only sets fields: an agent stored without an email loses any blind index an
    // earlier version stored for it (that of the empty email, shared by every such agent).
    const withoutIndex = documents.filter((agent) => agent.emailIndex === undefined);
    if (withoutIndex.length > 0) {
      await bulkUpdate(
        this.collection,
        withoutIndex.map((agent) => ({ updateOne: { filter: { _id: agent._id, emailIndex: { $exists: true } }, update: { $unset: { emailIndex: '' } } } })),
        'clear the email index of agents without an email',
      );
    }
    for (const tenantId of new Set(documents.map((agent) => agent.tenantId))) await bumpAgentDirectory(this.db, tenantId);
    return written;
  }

  directoryVersion(tenantId: string): Promise<string> {
    return agentDirectoryVersion(this.db, tenantId);
  }

  find(tenantId: string, zendeskUserId: number): Promise<StoredAgent | null> {
    return storeCall('read an agent', () => this.collection.findOne({ tenantId, zendeskUserId }));
  }

  async findMany(tenantId: string, zendeskUserIds: readonly number[]): Promise<StoredAgent[]> {
    const wanted = new Set(zendeskUserIds);
    if (wanted.size === 0) return [];
    if (this.traits.indexedIn) return storeCall('read agents', () => this.collection.find({ tenantId, zendeskUserId: { $in: [...wanted] } }, WHOLE_RESULT).toArray());
    // Where `$in` is not indexed (FerretDB), a few agents are read one by one (each by the
    // indexed tenant and user id); more, in one read of the tenant's agents, a team's worth.
    if (wanted.size <= FEW_AGENTS) {
      const found = await Promise.all([...wanted].map((zendeskUserId) => storeCall('read an agent', () => this.collection.findOne({ tenantId, zendeskUserId }))));
      return found.filter((agent): agent is StoredAgent => agent !== null);
    }
    const agents = await storeCall('read agents', () => this.collection.find({ tenantId }, WHOLE_RESULT).toArray());
    return agents.filter((agent) => wanted.has(agent.zendeskUserId));
  }

  async ids(tenantId: string): Promise<number[]> {
    const agents = await storeCall('list agents', () =>
      this.collection.find({ tenantId }, WHOLE_RESULT).project<{ zendeskUserId: number }>({ _id: 0, zendeskUserId: 1 }).toArray(),
    );
    return agents.map((agent) => agent.zendeskUserId);
  }

  findByEmailIndex(tenantId: string, emailIndex: string): Promise<StoredAgent | null> {
    return storeCall('read an agent', () => this.collection.findOne({ tenantId, emailIndex }));
  }
}

class MongoDimensionStore implements DimensionStore {
  constructor(private readonly collection: Collection<StoredDimension>) {}

  upsertMany(records: readonly StoredDimension[]): Promise<WriteCounts> {
    return upsertById(this.collection, records.map((record) => StoredDimensionSchema.parse(record)), 'groups and brands');
  }

  async list(tenantId: string): Promise<StoredDimension[]> {
    const found = await storeCall('read groups and brands', () => this.collection.find({ tenantId }, WHOLE_RESULT).toArray());
    return found.sort((a, b) => a.kind.localeCompare(b.kind) || a.zendeskId - b.zendeskId);
  }

  find(tenantId: string, kind: DimensionKind, zendeskId: number): Promise<StoredDimension | null> {
    return storeCall('read a group or brand', () => this.collection.findOne({ _id: storedIds.dimension(tenantId, kind, zendeskId) }));
  }
}

class MongoApiKeyStore implements ApiKeyStore {
  constructor(private readonly collection: Collection<StoredApiKey>) {}

  async insert(key: StoredApiKey): Promise<void> {
    await storeCall('store an API key', () => this.collection.insertOne(StoredApiKeySchema.parse(key)));
  }

  find(keyId: string): Promise<StoredApiKey | null> {
    return storeCall('read an API key', () => this.collection.findOne({ _id: keyId }));
  }

  async list(tenantId: string): Promise<StoredApiKey[]> {
    const keys = await storeCall('list API keys', () => this.collection.find({ tenantId }, WHOLE_RESULT).toArray());
    return keys.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a._id.localeCompare(b._id));
  }

  async revoke(tenantId: string, keyId: string, at: Date): Promise<boolean> {
    const result = await storeCall('revoke an API key', () => this.collection.updateOne({ _id: keyId, tenantId, revokedAt: null }, { $set: { revokedAt: at } }));
    if (result.matchedCount === 1) return true;
    return (await this.collection.countDocuments({ _id: keyId, tenantId })) === 1;
  }

  async touch(keyId: string, at: Date): Promise<void> {
    await storeCall('record an API key use', () => this.collection.updateOne({ _id: keyId }, { $set: { lastUsedAt: at } }));
  }
}

class MongoTicketStore implements TicketStore {
  constructor(
    private readonly collection: Collection<StoredTicket>,
    private readonly traits: ServerTraits,
  ) {}

  async findMany(tenantId: string, ticketIds: readonly number[]): Promise<StoredTicket[]> {
    const found = await byKeys(
      this.traits,
      ticketIds.map((id) => storedIds.ticket(tenantId, id)),
      (ids) => storeCall('read tickets', () => this.collection.find({ tenantId, _id: { $in: ids } }, WHOLE_RESULT).toArray()),
      (_id) => storeCall('read a ticket', () => this.collection.findOne({ _id })),
    );
    return found.map(withTicketDefaults);
  }

  async reconcile(
    states: readonly Pick<StoredTicket, '_id' | 'tenantId' | 'ticketId' | 'assigneeId' | 'groupId' | 'brandId' | 'status' | 'updatedAt'>[],
  ): Promise<WriteCounts> {
    // Plain upserts: the tickets export mostly finds tickets ticket events already stored.
    return bulkUpdate(
      this.collection,
      states.map(({ _id, tenantId, ticketId, assigneeId, groupId, brandId, status, updatedAt }) => ({
        updateOne: {
          filter: { _id },
          update: {
            $set: { assigneeId, groupId, brandId: brandId ?? null, status, updatedAt },
            $setOnInsert: { tenantId, ticketId, lastSolverId: null, assignments: [], lastEventAt: null, lastEventId: null },
          },
          upsert: true,
        },
      })),
      'reconcile tickets',
    );
  }

  upsertMany(tickets: readonly StoredTicket[]): Promise<WriteCounts> {
    return upsertById(this.collection, tickets.map((ticket) => StoredTicketSchema.parse(ticket)), 'tickets');
  }

  applyEvents(tickets: readonly StoredTicket[]): Promise<WriteCounts> {
    return insertThenUpdate(
      this.collection,
      tickets.map((ticket) => {
        const { _id, tenantId, ticketId, assigneeId, groupId, brandId, status, updatedAt, lastSolverId, assignments, lastEventAt, lastEventId, ...derived } =
          StoredTicketSchema.parse(ticket);
        const { dimensions, publicReplies, oneTouch } = derived;
        return {
          _id,
          set: { lastSolverId, assignments, lastEventAt, lastEventId, dimensions: dimensions ?? [], publicReplies: publicReplies ?? 0, oneTouch: oneTouch ?? null },
          setOnInsert: { tenantId, ticketId, assigneeId, groupId, brandId: brandId ?? null, status, updatedAt },
          onlyIf: notAheadOf(lastEventAt, lastEventId),
        };
      }),
      'apply ticket events',
    );
  }
}

/**
 * A stored ticket state that has applied no event after (at, id): the only states a
 * write of the state after (at, id) may replace. Without it a sync that stalled with
 * an older state (its lease lapsed while it held a page) could write it over a newer
 * one after the sync that took over had moved the checkpoint past the events in
 * between: those events would then be missing from the state for good, and a later
 * reopen would credit the wrong solver or nobody (issue 15, item 0). The condition and
 * the write happen under the tenant's tickets lock (src/ingest/tenant-lock.ts), since
 * FerretDB evaluates a filter and writes the document in two steps.
 * `lastEventAt: null` also matches a state without the field (first written by the tickets export).
 */
function notAheadOf(at: Date | null, id: number | null): Filter<StoredTicket> {
  if (at === null || id === null) return { lastEventAt: null };
  return { $or: [{ lastEventAt: null }, { lastEventAt: { $lt: at } }, { lastEventAt: at, lastEventId: { $lte: id } }] };
}

/**
 * FerretDB v1 drops null values from `$setOnInsert` (real MongoDB keeps them), so a
 * ticket first written by one stream can lack the other stream's nullable fields.
 */
function withTicketDefaults(ticket: StoredTicket): StoredTicket {
  return {
    ...ticket,
    assigneeId: ticket.assigneeId ?? null,
    groupId: ticket.groupId ?? null,
    brandId: ticket.brandId ?? null,
    lastSolverId: ticket.lastSolverId ?? null,
    assignments: ticket.assignments ?? [],
    dimensions: ticket.dimensions ?? [],
    publicReplies: ticket.publicReplies ?? 0,
    oneTouch: ticket.oneTouch ?? null,
    lastEventAt: ticket.lastEventAt ?? null,
    lastEventId: ticket.lastEventId ?? null,
  };
}

class MongoCursorStore implements CursorStore {
  constructor(private readonly collection: Collection<StoredCursor>) {}

  async position(tenantId: string, stream: Stream): Promise<string | null> {
    const cursor = await storeCall('read a checkpoint', () => this.collection.findOne({ _id: storedIds.cursor(tenantId, stream) }));
    return cursor?.position ?? null;
  }

  async save(tenantId: string, stream: Stream, position: string, at: Date, fence?: string): Promise<void> {
    if (fence !== undefined) return this.saveFenced(tenantId, stream, position, at, fence);
    await storeCall('save a checkpoint', () =>
      this.collection.updateOne(
        { _id: storedIds.cursor(tenantId, stream) },
        { $set: { tenantId, stream, position, updatedAt: at }, $setOnInsert: { leaseToken: null } },
        { upsert: true },
      ),
    );
  }

  /**
   * The durable half of the lease's fence (jobs/stream-lease.ts): Redis draws fences
   * (INCR is atomic there; FerretDB v1 applies $inc and conditional updates as a read
   * then a whole-document write, so concurrent ones can be lost), seeded from this.
   * A cursor last fenced by the Redis-only counter of before has only its leaseToken.
   */
  async highestFence(tenantId: string, stream: Stream): Promise<number> {
    const cursor = await storeCall('read a sync fence', () =>
      this.collection.findOne({ _id: storedIds.cursor(tenantId, stream) }, { projection: { fence: 1, leaseToken: 1 } }),
    );
    const written = cursor?.leaseToken ? Number(cursor.leaseToken) : 0;
    return Math.max(cursor?.fence ?? 0, Number.isSafeInteger(written) ? written : 0);
  }

  async recordFence(tenantId: string, stream: Stream, fence: number): Promise<void> {
    const _id = storedIds.cursor(tenantId, stream);
    const raise = () => this.collection.updateOne({ _id }, { $max: { fence }, $setOnInsert: { tenantId, stream, leaseToken: null } }, { upsert: true });
    await storeCall('record a sync fence', () =>
      raise().catch((error: unknown) => {
        // Another write inserted the cursor first: it exists now.
        if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return raise();
        throw error;
      }),
    );
  }

  private async saveFenced(tenantId: string, stream: Stream, position: string, at: Date, fence: string): Promise<void> {
    const _id = storedIds.cursor(tenantId, stream);
    const drawn = Number(fence);
    if (!/^\d{16}$/.test(fence) || !Number.isSafeInteger(drawn)) {
      throw new StoreError('CHECKPOINT_FENCED', `the fence of a checkpoint of ${_id} is not a 16-digit number; this sync stops`);
    }
    try {
      // No fence drawn or written since may be higher than ours: once a newer lease drew
      // its fence, older holders are refused even before it writes. A cursor without a
      // counter was fenced by the Redis-only counter of before (or not at all).
      // FerretDB drops nulls from $setOnInsert, so an unfenced cursor may lack leaseToken.
      await this.collection.updateOne(
        {
          _id,
          $and: [
            { $or: [{ fence: { $exists: false } }, { fence: { $lte: drawn } }] },
            { $or: [{ leaseToken: { $exists: false } }, { leaseToken: null }, { leaseToken: { $lte: fence } }] },
          ],
        },
        { $set: { tenantId, stream, position, updatedAt: at, leaseToken: fence, fence: drawn } },
        { upsert: true },
      );
    } catch (error) {
      // The cursor exists with a higher fence, so the upsert collided with it.
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) {
        throw new StoreError('CHECKPOINT_FENCED', `the checkpoint of ${_id} belongs to a newer sync lease; this sync stops`);
      }
      throw translate('save a checkpoint', error);
    }
  }
}

class MongoQuarantineStore implements QuarantineStore {
  constructor(private readonly collection: Collection<StoredQuarantine>) {}

  async add(entries: readonly StoredQuarantine[]): Promise<number> {
    if (entries.length === 0) return 0;
    const documents = entries.map((entry) => StoredQuarantineSchema.parse(entry));
    await upsertById(this.collection, documents, 'quarantine entries');
    return documents.length;
  }
}

class MongoFactStore implements FactStore {
  constructor(
    private readonly collection: Collection<StoredFact>,
    private readonly traits: ServerTraits,
  ) {}

  async insertMany(facts: readonly StoredFact[]): Promise<WriteCounts> {
    if (facts.length === 0) return { written: 0, duplicates: 0 };
    const documents = facts.map((fact) => StoredFactSchema.parse(fact));
    try {
      const result = await this.collection.insertMany(documents, { ordered: false });
      return { written: result.insertedCount, duplicates: 0 };
    } catch (error) {
      if (error instanceof MongoBulkWriteError) {
        const writeErrors = [error.writeErrors].flat();
        if (writeErrors.every((writeError) => writeError.code === DUPLICATE_KEY)) {
          return { written: documents.length - writeErrors.length, duplicates: writeErrors.length };
        }
      }
      throw translate('insert facts', error);
    }
  }

  replaceMany(facts: readonly StoredFact[]): Promise<WriteCounts> {
    return upsertById(this.collection, facts.map((fact) => StoredFactSchema.parse(fact)), 'facts');
  }

  onDay(tenantId: string, day: string): Promise<StoredFact[]> {
    return storeCall('read facts', () => this.collection.find({ tenantId, day }, WHOLE_RESULT).toArray());
  }

  async days(tenantId: string): Promise<string[]> {
    return (await storeCall('list fact days', () => this.collection.distinct('day', { tenantId }))).map(String);
  }

  ratings(tenantId: string): Promise<StoredFact[]> {
    return storeCall('read ratings', () => this.collection.find({ tenantId, kind: 'rating' }, WHOLE_RESULT).toArray());
  }

  async hasRatings(tenantId: string): Promise<boolean> {
    return (await storeCall('read ratings', () => this.collection.findOne({ tenantId, kind: 'rating' }, { projection: { _id: 1 } }))) !== null;
  }

  ratingsOf(tenantId: string, ticketIds: readonly number[]): Promise<StoredFact[]> {
    return byKeys(
      this.traits,
      ticketIds,
      (ids) => storeCall('read ratings', () => this.collection.find({ tenantId, kind: 'rating', ticketId: { $in: ids } }, WHOLE_RESULT).toArray()),
      (ticketId) => storeCall('read ratings', () => this.collection.find({ tenantId, kind: 'rating', ticketId }, WHOLE_RESULT).toArray()),
    );
  }
}

/** Days whose buckets `replace` reads side by side, to tell whole days. */
const DAY_READS_AT_ONCE = 4;

class MongoDailyStore implements DailyStore {
  private readonly collection: Collection<StoredDaily>;

  constructor(
    private readonly db: Db,
    private readonly traits: ServerTraits,
  ) {
    this.collection = db.collection<StoredDaily>('daily');
  }

  async replace(rows: readonly StoredDaily[], emptiedIds: readonly string[], options: { readonly wholeDays?: boolean } = {}): Promise<WholeDays> {
    const documents = rows.map((row) => StoredDailySchema.parse(row));
    // The days' versions change around the write, so no rollup over them is used again (docs/metrics.md#rollups).
    const days = daysByTenant([...documents.map((row) => ({ tenantId: row.tenantId, day: row.day })), ...emptiedIds.map(dailyIdParts)]);
    const now = new Date();
    const writing = new Map<string, Map<string, string>>();
    for (const [tenantId, tenantDays] of days) writing.set(tenantId, await markBucketDays(this.db, tenantId, tenantDays, true, now));
    // Read once the days are marked: a writer that adds a bucket after this read marks the day again, and the write is then not alone.
    const ours = options.wholeDays ? await this.daysHoldingOnly(documents, emptiedIds) : new Set<string>();
    await upsertById(this.collection, documents, 'daily buckets');
    if (emptiedIds.length > 0) {
      if (this.traits.indexedIn) await storeCall('delete empty daily buckets', () => this.collection.deleteMany({ _id: { $in: [...emptiedIds] } }));
      else await eachOf(emptiedIds, (_id) => storeCall('delete an empty daily bucket', () => this.collection.deleteOne({ _id })));
    }
    const whole = new Map<string, string>();
    for (const [tenantId, versions] of writing) {
      for (const [day, version] of (await finishBucketDays(this.db, tenantId, versions, new Date())) ?? []) {
        if (ours.has(storedIds.bucketDay(tenantId, day))) whole.set(storedIds.bucketDay(tenantId, day), version);
      }
    }
    return whole;
  }

  /** The days (bucket day ids) whose every bucket is one of these rows or emptied ids. */
  private async daysHoldingOnly(documents: readonly StoredDaily[], emptiedIds: readonly string[]): Promise<Set<string>> {
    const agentsByDay = new Map<string, { tenantId: string; day: string; agents: Set<number> }>();
    const add = (tenantId: string, day: string, agentId: number) => {
      const id = storedIds.bucketDay(tenantId, day);
      let found = agentsByDay.get(id);
      if (!found) agentsByDay.set(id, (found = { tenantId, day, agents: new Set() }));
      found.agents.add(agentId);
    };
    for (const { tenantId, day, agentId } of [...documents, ...emptiedIds.map(dailyIdParts)]) add(tenantId, day, agentId);
    const holding = new Set<string>();
    const entries = [...agentsByDay];
    for (let at = 0; at < entries.length; at += DAY_READS_AT_ONCE) {
      await Promise.all(
        entries.slice(at, at + DAY_READS_AT_ONCE).map(async ([id, { tenantId, day, agents }]) => {
          if ((await this.agentsOn(tenantId, day)).every((agentId) => agents.has(agentId))) holding.add(id);
        }),
      );
    }
    return holding;
  }

  async days(tenantId: string): Promise<string[]> {
    return (await storeCall('list bucket days', () => this.collection.distinct('day', { tenantId }))).map(String);
  }

  async agentsOn(tenantId: string, day: string): Promise<number[]> {
    const found = await storeCall('list buckets', () =>
      this.collection.find({ tenantId, day }, WHOLE_RESULT).project<{ agentId: number }>({ _id: 0, agentId: 1 }).toArray(),
    );
    return found.map((bucket) => bucket.agentId);
  }

  async *range(tenantId: string, from: string, to: string, agentId?: number): AsyncIterable<StoredDaily> {
    if (agentId !== undefined) {
      // One agent's days in one query: the index tenant_agent_day on MongoDB; on FerretDB
      // the two equalities are pushed down and leave only that agent's buckets to check.
      const filter: Filter<StoredDaily> = { tenantId, agentId, day: { $gte: from, $lte: to } };
      const buckets = await storeCall('read daily buckets', () => this.collection.find(filter, WHOLE_RESULT).toArray());
      yield* buckets.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
      return;
    }
    // The whole tenant day by day: equality filters are what FerretDB pushes down to its backend.
    for (let day = from; day <= to; day = nextDay(day)) {
      const filter: Filter<StoredDaily> = { tenantId, day, ...(agentId === undefined ? {} : { agentId }) };
      yield* await storeCall('read daily buckets', () => this.collection.find(filter, WHOLE_RESULT).toArray());
    }
  }
}

class MongoStaleBucketStore implements StaleBucketStore {
  constructor(private readonly collection: Collection<StoredStaleBucket>) {}

  async mark(buckets: readonly StaleBucket[]): Promise<void> {
    if (buckets.length === 0) return;
    const mark = randomUUID();
    const documents = [...new Map(buckets.map((bucket) => [bucket._id, bucket])).values()].map(({ _id, ...bucket }) =>
      StoredStaleBucketSchema.parse({ _id: `${_id}/${mark}`, ...bucket, mark }),
    );
    await storeCall('mark stale buckets', () => this.collection.insertMany(documents, { ordered: false }));
  }

  async list(tenantId: string): Promise<StaleBucketMarks[]> {
    const marks = await storeCall('list stale buckets', () => this.collection.find({ tenantId }, WHOLE_RESULT).toArray());
    const byBucket = new Map<string, StaleBucketMarks>();
    for (const { _id, mark, ...bucket } of marks) {
      const bucketId = storedIds.daily(bucket.tenantId, bucket.agentId, bucket.day);
      const found = byBucket.get(bucketId) ?? { _id: bucketId, ...bucket, markIds: [] };
      found.markIds.push(_id);
      byBucket.set(bucketId, found);
      void mark;
    }
    return [...byBucket.values()];
  }

  async clear(buckets: readonly StaleBucketMarks[]): Promise<void> {
    // A mark id is `${bucketId}/${mark}`: grouped by tenant and marking, each delete's equalities leave FerretDB
    // only that marking's documents to filter by the `$in` (a whole tenant's marks, after a long backfill, were many).
    const byMarking = groupBy(buckets.flatMap((bucket) => bucket.markIds.map((id) => [`${bucket.tenantId}/${id.slice(id.lastIndexOf('/') + 1)}`, id] as const)));
    for (const [key, ids] of byMarking) {
      const split = key.indexOf('/');
      const tenantId = key.slice(0, split);
      const mark = key.slice(split + 1);
      for (let start = 0; start < ids.length; start += CLEAR_BATCH) {
        const batch = ids.slice(start, start + CLEAR_BATCH);
        await storeCall('clear stale buckets', () => this.collection.deleteMany({ tenantId, mark, _id: { $in: batch } }));
      }
    }
  }
}

const CLEAR_BATCH = 1000;

function groupBy(pairs: readonly (readonly [string, string])[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const [key, value] of pairs) {
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(value);
  }
  return groups;
}

/** The audit collection; chaining, keys and the head are src/audit/keyed-audit-log.ts's. */
class MongoAuditLogStore implements AuditLogStore {
  constructor(private readonly collection: Collection<StoredAudit>) {}

  last(tenantId: string): Promise<StoredAudit | null> {
    return storeCall('read the last audit entry', () => this.collection.findOne({ tenantId }, { sort: { seq: -1 } }));
  }

  find(tenantId: string, seq: number): Promise<StoredAudit | null> {
    return storeCall('read an audit entry', () => this.collection.findOne({ _id: storedIds.audit(tenantId, seq) }));
  }

  async insert(entry: StoredAudit): Promise<'inserted' | 'exists'> {
    try {
      await this.collection.insertOne(StoredAuditSchema.parse(entry));
      return 'inserted';
    } catch (error) {
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return 'exists';
      throw translate('append to the audit log', error);
    }
  }

  async *entries(tenantId: string): AsyncIterable<StoredAudit> {
    const cursor = this.collection.find({ tenantId }).sort({ seq: 1 });
    try {
      for (;;) {
        const next = await storeCall('read the audit log', () => cursor.next());
        if (next === null) return;
        yield next;
      }
    } finally {
      await cursor.close();
    }
  }
}

class MongoKeyStore implements KeyStore {
  constructor(
    private readonly collection: Collection<StoredKey>,
    private readonly traits: ServerTraits,
  ) {}

  find(id: string): Promise<StoredKey | null> {
    return storeCall('read a key', () => this.collection.findOne({ _id: id }));
  }

  async insert(key: StoredKey): Promise<'inserted' | 'exists'> {
    try {
      await this.collection.insertOne(StoredKeySchema.parse(key));
      return 'inserted';
    } catch (error) {
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return 'exists';
      throw translate('insert a key', error);
    }
  }

  async findMany(tenantId: string, ids: readonly string[]): Promise<StoredKey[]> {
    const wanted = new Set(ids);
    // Where `$in` is not indexed (FerretDB), many keys (a report's agents) come quicker in one
    // read of the tenant's keys, a team's worth, than in a lookup each.
    if (!this.traits.indexedIn && wanted.size > MANY_KEYS) {
      const all = await storeCall('read keys', () => this.collection.find({ tenantId }, WHOLE_RESULT).toArray());
      return all.filter((key) => wanted.has(key._id));
    }
    return byKeys(
      this.traits,
      ids,
      (unique) => storeCall('read keys', () => this.collection.find({ tenantId, _id: { $in: unique } }, WHOLE_RESULT).toArray()),
      // By _id alone (FerretDB uses its _id index only then: src/store/mongo/server-traits.ts), the tenant checked here.
      async (_id) => ((found) => (found?.tenantId === tenantId ? found : null))(await storeCall('read a key', () => this.collection.findOne({ _id }))),
    );
  }

  async insertMany(keys: readonly StoredKey[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const documents = keys.map((key) => StoredKeySchema.parse(key));
    try {
      await this.collection.insertMany(documents, { ordered: false });
      return [];
    } catch (error) {
      if (error instanceof MongoBulkWriteError) {
        const writeErrors = [error.writeErrors].flat();
        if (writeErrors.every((writeError) => writeError.code === DUPLICATE_KEY)) return writeErrors.map((writeError) => (documents[writeError.index] as StoredKey)._id);
      }
      throw translate('insert keys', error);
    }
  }

  async replaceWrapped(id: string, wrappedKey: Uint8Array, kekVersion: string, at: Date): Promise<void> {
    await storeCall('rewrap a key', () =>
      this.collection.updateOne({ _id: id }, { $set: { wrappedKey: Buffer.from(wrappedKey), kekVersion, rewrappedAt: at } }),
    );
  }

  async delete(id: string): Promise<boolean> {
    const result = await storeCall('delete a key', () => this.collection.deleteOne({ _id: id }));
    return result.deletedCount === 1;
  }

  async *tenantKeys(): AsyncIterable<StoredKey> {
    yield* this.collection.find({ kind: 'tenant' }).sort({ _id: 1 });
  }
}

/**
 * The documents for many keys, each key once: one `$in` query where the server answers
 * it from an index, otherwise a lookup per key (see ServerTraits), a few at a time.
 */
async function byKeys<K, T>(
  traits: ServerTraits,
  keys: readonly K[],
  batched: (unique: K[]) => Promise<T[]>,
  perKey: (key: K) => Promise<T | T[] | null>,
): Promise<T[]> {
  const unique = [...new Set(keys)];
  if (unique.length === 0) return [];
  if (traits.indexedIn) return batched(unique);
  return (await eachOf(unique, perKey)).flatMap((found) => (found === null ? [] : found));
}

/** Up to this many agents are read one by one where `$in` is not indexed. */
const FEW_AGENTS = 8;

/** More keys than this are read as all of the tenant's where `$in` is not indexed. */
const MANY_KEYS = 32;

/** Lookups by key (where `$in` is not indexed, see ServerTraits) run a few at a time. */
const LOOKUP_CONCURRENCY = 8;

async function eachOf<I, O>(inputs: readonly I[], lookup: (input: I) => Promise<O>): Promise<O[]> {
  const unique = [...new Set(inputs)];
  const results: O[] = new Array<O>(unique.length);
  let next = 0;
  const worker = async () => {
    while (next < unique.length) {
      const index = next++;
      results[index] = await lookup(unique[index] as I);
    }
  };
  await Promise.all(Array.from({ length: Math.min(LOOKUP_CONCURRENCY, unique.length) }, worker));
  return results;
}

const nextDay = (day: string): string => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);


function daysByTenant(buckets: readonly { tenantId: string; day: string }[]): Map<string, Set<string>> {
  const days = new Map<string, Set<string>>();
  for (const { tenantId, day } of buckets) {
    let found = days.get(tenantId);
    if (!found) days.set(tenantId, (found = new Set()));
    found.add(day);
  }
  return days;
}

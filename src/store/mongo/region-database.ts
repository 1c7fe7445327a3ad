import { type AnyBulkWriteOperation, type Collection, type Db, type Filter, MongoBulkWriteError, MongoServerError } from 'mongodb';
import {
  type StoredAgent,
  StoredAgentSchema,
  type StoredCursor,
  type StoredFact,
  StoredFactSchema,
  type StoredKey,
  StoredKeySchema,
  type StoredQuarantine,
  StoredQuarantineSchema,
  type Stream,
  storedIds,
  type StoredTenant,
  StoredTenantSchema,
  type StoredTicket,
  StoredTicketSchema,
} from '../../../schemas/records.js';
import type { RegionId } from '../../../schemas/config.js';
import { StoreError } from '../../shared/errors.js';
import type { AgentStore, CursorStore, FactStore, KeyStore, QuarantineStore, TenantPatch, TenantStore, TicketStore, WriteCounts } from '../ports.js';

const DUPLICATE_KEY = 11000;

/** Collections of design.md §4; the daily, purge and audit ones join with their issues. */
export const COLLECTIONS = ['tenants', 'agents', 'tickets', 'facts', 'daily', 'cursors', 'quarantine', 'keys'] as const;

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
  tickets: [{ key: { tenantId: 1, ticketId: 1 }, name: 'tenant_ticket' }],
  facts: [
    { key: { tenantId: 1, agentId: 1, at: 1 }, name: 'tenant_agent_at' },
    { key: { tenantId: 1, at: 1 }, name: 'tenant_at' },
  ],
  daily: [{ key: { tenantId: 1, day: 1 }, name: 'tenant_day' }],
  cursors: [{ key: { tenantId: 1 }, name: 'tenant' }],
  quarantine: [{ key: { tenantId: 1, stream: 1 }, name: 'tenant_stream' }],
  keys: [{ key: { tenantId: 1, kind: 1 }, name: 'tenant_kind' }],
};

/** One region's database and its stores. Only RegionRouter makes these. */
export class RegionDatabase {
  readonly tenants: TenantStore;
  readonly agents: AgentStore;
  readonly tickets: TicketStore;
  readonly facts: FactStore;
  readonly keys: KeyStore;
  readonly checkpoints: CursorStore;
  readonly quarantined: QuarantineStore;

  constructor(
    readonly region: RegionId,
    readonly db: Db,
  ) {
    this.tenants = new MongoTenantStore(db.collection<StoredTenant>('tenants'));
    this.agents = new MongoAgentStore(db.collection<StoredAgent>('agents'));
    this.tickets = new MongoTicketStore(db.collection<StoredTicket>('tickets'));
    this.facts = new MongoFactStore(db.collection<StoredFact>('facts'));
    this.keys = new MongoKeyStore(db.collection<StoredKey>('keys'));
    this.checkpoints = new MongoCursorStore(db.collection<StoredCursor>('cursors'));
    this.quarantined = new MongoQuarantineStore(db.collection<StoredQuarantine>('quarantine'));
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
    // One at a time: FerretDB v1.24.2 panics (and drops the connection) on a
    // createIndexes command listing several indexes when some already exist.
    for (const [name, indexes] of Object.entries(INDEXES)) {
      for (const { key, name: indexName } of indexes) {
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
    return storeCall('list tenants', () => this.collection.find({}).sort({ _id: 1 }).toArray());
  }
}

class MongoAgentStore implements AgentStore {
  constructor(private readonly collection: Collection<StoredAgent>) {}

  upsertMany(agents: readonly StoredAgent[]): Promise<WriteCounts> {
    return upsertById(this.collection, agents.map((agent) => StoredAgentSchema.parse(agent)), 'agents');
  }

  find(tenantId: string, zendeskUserId: number): Promise<StoredAgent | null> {
    return storeCall('read an agent', () => this.collection.findOne({ tenantId, zendeskUserId }));
  }

  findByEmailIndex(tenantId: string, emailIndex: string): Promise<StoredAgent | null> {
    return storeCall('read an agent', () => this.collection.findOne({ tenantId, emailIndex }));
  }
}

class MongoTicketStore implements TicketStore {
  constructor(private readonly collection: Collection<StoredTicket>) {}

  findMany(tenantId: string, ticketIds: readonly number[]): Promise<StoredTicket[]> {
    if (ticketIds.length === 0) return Promise.resolve([]);
    return storeCall('read tickets', async () =>
      (await this.collection.find({ _id: { $in: ticketIds.map((id) => storedIds.ticket(tenantId, id)) } }).toArray()).map(withTicketDefaults),
    );
  }

  async reconcile(
    states: readonly Pick<StoredTicket, '_id' | 'tenantId' | 'ticketId' | 'assigneeId' | 'groupId' | 'status' | 'updatedAt'>[],
  ): Promise<WriteCounts> {
    return bulkUpdate(
      this.collection,
      states.map(({ _id, tenantId, ticketId, assigneeId, groupId, status, updatedAt }) => ({
        updateOne: {
          filter: { _id },
          update: {
            $set: { assigneeId, groupId, status, updatedAt },
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
    return bulkUpdate(
      this.collection,
      tickets.map((ticket) => {
        const { _id, tenantId, ticketId, assigneeId, groupId, status, updatedAt, lastSolverId, assignments, lastEventAt, lastEventId } =
          StoredTicketSchema.parse(ticket);
        return {
          updateOne: {
            filter: { _id },
            update: {
              $set: { lastSolverId, assignments, lastEventAt, lastEventId },
              $setOnInsert: { tenantId, ticketId, assigneeId, groupId, status, updatedAt },
            },
            upsert: true,
          },
        };
      }),
      'apply ticket events',
    );
  }
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
    lastSolverId: ticket.lastSolverId ?? null,
    assignments: ticket.assignments ?? [],
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

  async save(tenantId: string, stream: Stream, position: string, at: Date): Promise<void> {
    await storeCall('save a checkpoint', () =>
      this.collection.updateOne(
        { _id: storedIds.cursor(tenantId, stream) },
        { $set: { tenantId, stream, position, updatedAt: at }, $setOnInsert: { leaseToken: null } },
        { upsert: true },
      ),
    );
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
  constructor(private readonly collection: Collection<StoredFact>) {}

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
}

class MongoKeyStore implements KeyStore {
  constructor(private readonly collection: Collection<StoredKey>) {}

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

/** Upserts whole documents by `_id` (replays rewrite the same values). */
async function upsertById<T extends { _id: string }>(collection: Collection<T>, documents: readonly T[], what: string): Promise<WriteCounts> {
  return bulkUpdate(
    collection,
    documents.map(({ _id, ...fields }) => ({
      updateOne: { filter: { _id } as Filter<T>, update: { $set: fields as Partial<T> }, upsert: true },
    })),
    `upsert ${what}`,
  );
}

/**
 * FerretDB v1.24.2 (SQLite) stops answering some update batches of a hundred or
 * more upserts, and keeps that database locked afterwards; batches of 20 have
 * always gone through, so updates are sent in chunks of that size.
 */
const UPDATE_BATCH = 20;

async function bulkUpdate<T extends { _id: string }>(collection: Collection<T>, operations: AnyBulkWriteOperation<T>[], what: string): Promise<WriteCounts> {
  let written = 0;
  for (let start = 0; start < operations.length; start += UPDATE_BATCH) {
    const result = await storeCall(what, () => collection.bulkWrite(operations.slice(start, start + UPDATE_BATCH), { ordered: true }));
    written += result.upsertedCount + result.modifiedCount;
  }
  return { written, duplicates: 0 };
}

async function storeCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw translate(what, error);
  }
}

/** Driver errors stop here: callers see StoreError with a stable code, never a MongoServerError. */
function translate(what: string, error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'unknown';
  return new StoreError('STORE_FAILED', `could not ${what} (database error ${code})`, { retryable: true, cause: error });
}

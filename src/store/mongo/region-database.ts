import { type Collection, type Db, type Filter, MongoBulkWriteError, MongoServerError } from 'mongodb';
import {
  type StoredAgent,
  StoredAgentSchema,
  type StoredCursor,
  type StoredFact,
  StoredFactSchema,
  type StoredKey,
  StoredKeySchema,
  type StoredQuarantine,
  type StoredTenant,
  StoredTenantSchema,
  type StoredTicket,
  StoredTicketSchema,
} from '../../../schemas/records.js';
import type { RegionId } from '../../../schemas/config.js';
import { StoreError } from '../../shared/errors.js';
import type { AgentStore, FactStore, KeyStore, TenantPatch, TenantStore, TicketStore, WriteCounts } from '../ports.js';

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

  constructor(
    readonly region: RegionId,
    readonly db: Db,
  ) {
    this.tenants = new MongoTenantStore(db.collection<StoredTenant>('tenants'));
    this.agents = new MongoAgentStore(db.collection<StoredAgent>('agents'));
    this.tickets = new MongoTicketStore(db.collection<StoredTicket>('tickets'));
    this.facts = new MongoFactStore(db.collection<StoredFact>('facts'));
    this.keys = new MongoKeyStore(db.collection<StoredKey>('keys'));
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

  upsertMany(tickets: readonly StoredTicket[]): Promise<WriteCounts> {
    return upsertById(this.collection, tickets.map((ticket) => StoredTicketSchema.parse(ticket)), 'tickets');
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
  if (documents.length === 0) return { written: 0, duplicates: 0 };
  const result = await storeCall(`upsert ${what}`, () =>
    collection.bulkWrite(
      documents.map(({ _id, ...fields }) => ({
        updateOne: { filter: { _id } as Filter<T>, update: { $set: fields as Partial<T> }, upsert: true },
      })),
      { ordered: true },
    ),
  );
  return { written: result.upsertedCount + result.modifiedCount, duplicates: 0 };
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

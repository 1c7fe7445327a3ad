/**
 * Stores for privacy operations (docs/architecture.md#privacy-operations): suppressions, purge requests and
 * receipts, and the per-agent and per-tenant views that purge, offboarding and
 * retention count and delete through. Every filter is an equality on indexed
 * fields (FerretDB evaluates `$in` and ranges itself); the one range, on the
 * retention cutoff's own day, is narrowed by a day equality first.
 */
import { WHOLE_RESULT } from './whole-result.js';
import { type Collection, type Db, type Filter, MongoServerError } from 'mongodb';
import {
  type CollectionCounts,
  type StoredDaily,
  type StoredFact,
  type StoredOffboarding,
  StoredOffboardingSchema,
  type StoredPurge,
  StoredPurgeSchema,
  type StoredSuppression,
  StoredSuppressionSchema,
  type StoredTicket,
} from '../../../schemas/records.js';
import { StoreError } from '../../shared/errors.js';
import type { AgentDataStore, PurgePatch, PurgeStore, RetentionStore, SuppressionStore, TenantDataStore } from '../ports.js';
import { bumpAgentDirectory } from './agent-directory.js';
import { DUPLICATE_KEY } from './duplicate-key.js';
import { bumpTenantDays, deleteRollupsCovering, deleteTenantRollups, markBucketDays } from './rollup-store.js';
import { storeCall, translate } from './store-call.js';

/** Scrubs of one ticket tried against syncs changing it at the same time. */
const SCRUB_ATTEMPTS = 8;

export class MongoSuppressionStore implements SuppressionStore {
  private readonly collection: Collection<StoredSuppression>;

  constructor(db: Db) {
    this.collection = db.collection<StoredSuppression>('suppressions');
  }

  async add(entry: StoredSuppression): Promise<void> {
    try {
      await this.collection.insertOne(StoredSuppressionSchema.parse(entry));
    } catch (error) {
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return;
      throw translate('add a suppression', error);
    }
  }

  find(id: string): Promise<StoredSuppression | null> {
    return storeCall('read a suppression', () => this.collection.findOne({ _id: id }));
  }

  list(tenantId: string): Promise<StoredSuppression[]> {
    return storeCall('list suppressions', () => this.collection.find({ tenantId }, WHOLE_RESULT).toArray());
  }
}

export class MongoPurgeStore implements PurgeStore {
  private readonly collection: Collection<StoredPurge>;
  private readonly offboarding: Collection<StoredOffboarding>;

  constructor(db: Db) {
    this.collection = db.collection<StoredPurge>('purges');
    this.offboarding = db.collection<StoredOffboarding>('offboardings');
  }

  async insert(request: StoredPurge): Promise<void> {
    await storeCall('file a purge request', () => this.collection.insertOne(StoredPurgeSchema.parse(request)));
  }

  find(id: string): Promise<StoredPurge | null> {
    return storeCall('read a purge request', () => this.collection.findOne({ _id: id }));
  }

  async update(id: string, patch: PurgePatch, options: { unsetTarget?: boolean } = {}): Promise<void> {
    const fields = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
    const result = await storeCall('update a purge request', () =>
      this.collection.updateOne({ _id: id }, { $set: fields, ...(options.unsetTarget ? { $unset: { target: '', reason: '' } } : {}) }),
    );
    if (result.matchedCount === 0) throw new StoreError('PURGE_UNKNOWN', `no purge request ${id} in this region`);
  }

  list(tenantId: string): Promise<StoredPurge[]> {
    return storeCall('list purge requests', () => this.collection.find({ tenantId }, WHOLE_RESULT).sort({ requestedAt: 1 }).toArray());
  }

  /**
   * Read by every worker each reconcile interval: one round trip over a small
   * collection (requests and receipts only), which FerretDB scans for the `$ne`.
   */
  async unfinished(): Promise<StoredPurge[]> {
    const found = await storeCall('list unfinished purge requests', () => this.collection.find({ state: { $ne: 'done' } }, WHOLE_RESULT).toArray());
    return found.sort((a, b) => a.requestedAt.getTime() - b.requestedAt.getTime());
  }

  async eraseDoneReasons(): Promise<number> {
    const result = await storeCall('erase reasons of done purge requests', () =>
      this.collection.updateMany({ state: 'done', reason: { $exists: true } }, { $unset: { reason: '' } }),
    );
    return result.modifiedCount;
  }

  async saveOffboarding(record: StoredOffboarding): Promise<void> {
    const { _id, ...fields } = StoredOffboardingSchema.parse(record);
    await storeCall('save an offboarding', () => this.offboarding.updateOne({ _id }, { $set: fields }, { upsert: true }));
  }

  offboardings(tenantId: string): Promise<StoredOffboarding[]> {
    return storeCall('list offboardings', () => this.offboarding.find({ tenantId }, WHOLE_RESULT).sort({ startedAt: 1 }).toArray());
  }
}

type AgentRef = { tenantId: string; agentId: number };

export class MongoAgentDataStore implements AgentDataStore {
  constructor(private readonly db: Db) {}

  async count(tenantId: string, agentId: number): Promise<CollectionCounts> {
    const ref = { tenantId, agentId };
    const [agents, facts, ratings, daily, staleBuckets, quarantine, tickets] = await Promise.all([
      this.countOf('agents', { tenantId, zendeskUserId: agentId }),
      this.countOf('facts', ref),
      this.countOf('facts', { ...ref, kind: 'rating' }),
      this.countOf('daily', ref),
      this.countOf('stale_buckets', ref),
      this.countOf('quarantine', { _id: userQuarantineId(tenantId, agentId) }),
      this.ticketsNaming(ref).then((found) => found.length),
    ]);
    return { agents, facts: facts - ratings, ratings, daily, staleBuckets, tickets, quarantine };
  }

  async erase(tenantId: string, agentId: number): Promise<CollectionCounts> {
    const ref = { tenantId, agentId };
    // A rating still supersedes its ticket's older ratings, so it stays, crediting nobody.
    const ratings = await storeCall('reassign ratings', () =>
      this.db.collection<StoredFact>('facts').updateMany({ ...ref, kind: 'rating' }, { $set: { agentId: 0 } }),
    );
    // One agent's documents in chunks by (tenant, agent): each chunk's delete reads only that agent's rest.
    const facts = await this.deleteOf('facts', ref);
    // The agent's bucket days change version around the delete, and every rollup of the
    // tenant goes, so no rollup keeps the agent's numbers (docs/metrics.md#rollups).
    const bucketDays = (await storeCall('list the agent\'s bucket days', () => this.db.collection('daily').distinct('day', ref))).map(String);
    await markBucketDays(this.db, tenantId, bucketDays, true, new Date());
    const daily = await this.deleteOf('daily', ref);
    await deleteTenantRollups(this.db, tenantId);
    await markBucketDays(this.db, tenantId, bucketDays, false, new Date());
    // Every other day too: the delete also takes a bucket a flush wrote after the days were listed.
    await bumpTenantDays(this.db, tenantId, bucketDays, new Date());
    const staleBuckets = await this.deleteOf('stale_buckets', ref);
    const agents = await this.deleteOf('agents', { tenantId, zendeskUserId: agentId });
    // After the delete: a reader that kept this agent's name under the old version reads it again.
    await bumpAgentDirectory(this.db, tenantId);
    const quarantine = await this.deleteOf('quarantine', { _id: userQuarantineId(tenantId, agentId) });
    let tickets = 0;
    for (const found of await this.ticketsNaming(ref)) {
      await this.scrubTicket(found, agentId);
      tickets++;
    }
    // Again, last: a read that summed the buckets before they went may have saved a rollup since.
    await deleteTenantRollups(this.db, tenantId);
    return { agents, facts, ratings: ratings.modifiedCount, daily, staleBuckets, tickets, quarantine };
  }

  /**
   * Replaces the agent by null in one ticket's state, only over the state it read: a
   * sync that applied an event (or reconciled the assignee) in between would otherwise
   * lose it, and the state would then count that event as applied without its solver
   * (the lost reopen of issue 15, item 0). On a changed state it reads again and retries.
   */
  private async scrubTicket(found: StoredTicket, agentId: number): Promise<void> {
    const collection = this.db.collection<StoredTicket>('tickets');
    const scrub = (id: number | null) => (id === agentId ? null : id);
    let ticket: StoredTicket | null = found;
    for (let attempt = 0; ticket !== null && attempt < SCRUB_ATTEMPTS; attempt++) {
      const read: StoredTicket = ticket;
      const result = await storeCall('scrub a ticket', () =>
        collection.updateOne(
          { _id: read._id, lastEventId: read.lastEventId ?? null, assigneeId: read.assigneeId ?? null, updatedAt: read.updatedAt ?? null },
          {
            $set: {
              assigneeId: scrub(read.assigneeId ?? null),
              lastSolverId: scrub(read.lastSolverId ?? null),
              assignments: (read.assignments ?? []).map((assignment) => ({ at: assignment.at, agentId: scrub(assignment.agentId) })),
              oneTouch: read.oneTouch?.agentId === agentId ? null : (read.oneTouch ?? null),
            },
          },
        ),
      );
      if (result.matchedCount === 1) return;
      ticket = await storeCall('read a ticket', () => collection.findOne({ _id: read._id }));
    }
    if (ticket !== null) {
      throw new StoreError('STORE_FAILED', `could not scrub ticket ${found.ticketId}: syncs kept changing it; the purge retries`, { retryable: true });
    }
  }

  countEmailIndex(tenantId: string, emailIndex: string): Promise<number> {
    return this.countOf('agents', { tenantId, emailIndex });
  }

  facts(tenantId: string, agentId: number): Promise<StoredFact[]> {
    return storeCall('read facts of an agent', () => this.db.collection<StoredFact>('facts').find({ tenantId, agentId }, WHOLE_RESULT).sort({ at: 1, _id: 1 }).toArray());
  }

  buckets(tenantId: string, agentId: number): Promise<StoredDaily[]> {
    return storeCall('read buckets of an agent', () => this.db.collection<StoredDaily>('daily').find({ tenantId, agentId }, WHOLE_RESULT).sort({ day: 1 }).toArray());
  }

  /** Tickets naming the agent as assignee, last solver or in their assignment history, each once. */
  private async ticketsNaming({ tenantId, agentId }: AgentRef): Promise<StoredTicket[]> {
    const collection = this.db.collection<StoredTicket>('tickets');
    const filters: Filter<StoredTicket>[] = [
      { tenantId, assigneeId: agentId },
      { tenantId, lastSolverId: agentId },
      { tenantId, 'assignments.agentId': agentId },
    ];
    const found = new Map<string, StoredTicket>();
    for (const filter of filters) {
      for (const ticket of await storeCall('find tickets of an agent', () => collection.find(filter, WHOLE_RESULT).toArray())) found.set(ticket._id, ticket);
    }
    return [...found.values()];
  }

  private countOf(name: string, filter: Filter<{ _id: string }>): Promise<number> {
    return storeCall(`count ${name}`, () => this.db.collection<{ _id: string }>(name).countDocuments(filter));
  }

  private deleteOf(name: string, filter: Filter<{ _id: string }>): Promise<number> {
    return deleteInChunks(this.db.collection<{ _id: string }>(name), filter, name);
  }
}

/** A users-stream quarantine entry is keyed by the user id (src/ingest/validate-records.ts). */
const userQuarantineId = (tenantId: string, agentId: number) => `${tenantId}:users:${agentId}`;

/** The tenant record goes first, so syncs stop; keys go last (the tenant key separately, after them). */
const TENANT_COLLECTIONS = [
  'tenants',
  'cursors',
  'stale_buckets',
  'facts',
  'daily',
  'tickets',
  'dimensions',
  'api_keys',
  'people',
  'agents',
  'agent_directory',
  'quarantine',
  'purges',
  'suppressions',
  'audit',
  'rollups',
  'bucket_days',
  'keys',
] as const;

export class MongoTenantDataStore implements TenantDataStore {
  readonly collections = TENANT_COLLECTIONS;

  constructor(private readonly db: Db) {}

  count(tenantId: string, collection: string): Promise<number> {
    return storeCall(`count ${collection}`, () => this.db.collection<{ _id: string }>(collection).countDocuments(tenantFilter(tenantId, collection)));
  }

  async deleteAll(tenantId: string, collection: string): Promise<number> {
    if (collection === 'facts' || collection === 'daily') return deleteByDay(this.db, collection, { tenantId });
    const filter = collection === 'keys' ? { tenantId, kind: 'agent' } : tenantFilter(tenantId, collection);
    return deleteInChunks(this.db.collection<{ _id: string }>(collection), filter, collection);
  }
}

/**
 * FerretDB v1 sends one PostgreSQL parameter per document a delete removes, and
 * PostgreSQL takes at most 65,535: a larger deleteMany fails. Deletes therefore go
 * in chunks: the first ids in `_id` order under the same filter, then a delete up
 * to the last of them. A range, not `$in`: FerretDB checks `$in` against every
 * listed id for every document it reads.
 */
const DELETE_CHUNK = 20_000;

async function deleteInChunks(collection: Collection<{ _id: string }>, filter: Filter<{ _id: string }>, what: string): Promise<number> {
  let deleted = 0;
  for (;;) {
    const ids = await storeCall(`find ${what} to delete`, () =>
      collection.find(filter, WHOLE_RESULT).sort({ _id: 1 }).project<{ _id: string }>({ _id: 1 }).limit(DELETE_CHUNK).toArray(),
    );
    const last = ids.at(-1)?._id;
    if (last === undefined) return deleted;
    // A filter naming an `_id` matches one document, so it never reaches a second chunk.
    const chunk: Filter<{ _id: string }> = ids.length < DELETE_CHUNK ? filter : { ...filter, _id: { $lte: last } };
    deleted += (await storeCall(`delete ${what}`, () => collection.deleteMany(chunk))).deletedCount;
    if (ids.length < DELETE_CHUNK) return deleted;
  }
}

/**
 * A tenant's facts and buckets go one local day at a time: each chunk's filter
 * then holds one day's documents, which FerretDB reads whole before it applies
 * the `$in`, rather than the whole tenant's.
 */
async function deleteByDay(db: Db, name: 'facts' | 'daily', filter: { tenantId: string }): Promise<number> {
  const collection = db.collection<{ _id: string; day?: string }>(name);
  let deleted = 0;
  for (const day of (await storeCall(`list ${name} days`, () => collection.distinct('day', filter))).map(String)) {
    deleted += await deleteInChunks(collection, { ...filter, day }, name);
  }
  // Anything without a day (none is written so), or written meanwhile.
  return deleted + (await deleteInChunks(collection, filter, name));
}

/** The tenant record's `_id` is the tenant id; every other document has a tenantId field. */
function tenantFilter(tenantId: string, collection: string): Filter<{ _id: string }> {
  return collection === 'tenants' ? { _id: tenantId } : { tenantId };
}

export class MongoRetentionStore implements RetentionStore {
  constructor(private readonly db: Db) {}

  async factDays(tenantId: string): Promise<string[]> {
    return (await storeCall('list fact days', () => this.db.collection('facts').distinct('day', { tenantId }))).map(String).sort();
  }

  async deleteFactsOnDay(tenantId: string, day: string, before?: Date): Promise<number> {
    const filter = before === undefined ? { tenantId, day } : { tenantId, day, at: { $lt: before } };
    return deleteInChunks(this.db.collection<{ _id: string }>('facts'), filter, 'expired facts');
  }

  async bucketDays(tenantId: string): Promise<string[]> {
    return (await storeCall('list bucket days', () => this.db.collection('daily').distinct('day', { tenantId }))).map(String).sort();
  }

  async deleteBucketsOnDay(tenantId: string, day: string): Promise<number> {
    await markBucketDays(this.db, tenantId, [day], true, new Date());
    const deleted = await deleteInChunks(this.db.collection<{ _id: string }>('daily'), { tenantId, day }, 'expired buckets');
    await deleteRollupsCovering(this.db, tenantId, [day]);
    await markBucketDays(this.db, tenantId, [day], false, new Date());
    return deleted;
  }
}

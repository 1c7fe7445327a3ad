/** What use cases need from storage; the Mongo adapters in store/mongo implement these. */
import type {
  CollectionCounts,
  DimensionKind,
  Stream,
  StoredDimension,
  StoredApiKey,
  StoredPerson,
  StoredOffboarding,
  StoredPurge,
  StoredSuppression,
  StoredAgent,
  StoredAudit,
  StoredDaily,
  StoredFact,
  StoredKey,
  StoredQuarantine,
  StoredStaleBucket,
  StoredTenant,
  StoredTicket,
  StoredRollup,
} from '../../schemas/records.js';
import type { AuditHead } from '../../schemas/audit-head.js';
import type { RegionId } from '../../schemas/config.js';
import type { ChainCheck } from '../audit/audit-chain.js';
import type { PurgeLedger } from '../backup/backup-ports.js';

export interface KeyStore {
  find(id: string): Promise<StoredKey | null>;
  /** Inserts unless a key with that id exists; says which. */
  insert(key: StoredKey): Promise<'inserted' | 'exists'>;
  /** The tenant's keys among these ids (those that exist). */
  findMany(tenantId: string, ids: readonly string[]): Promise<StoredKey[]>;
  /** Inserts each key unless one with its id exists; returns the ids that existed. */
  insertMany(keys: readonly StoredKey[]): Promise<string[]>;
  replaceWrapped(id: string, wrappedKey: Uint8Array, kekVersion: string, at: Date): Promise<void>;
  tenantKeys(): AsyncIterable<StoredKey>;
  delete(id: string): Promise<boolean>;
}

/** A tenant's updatable fields: never its id or region. */
export type TenantPatch = Partial<Pick<StoredTenant, 'credentials' | 'timeTrackingFields' | 'status' | 'unavailableStreams' | 'retention'>>;

export interface TenantStore {
  find(tenantId: string): Promise<StoredTenant | null>;
  insert(tenant: StoredTenant): Promise<void>;
  update(tenantId: string, patch: TenantPatch, at: Date): Promise<void>;
  list(): Promise<StoredTenant[]>;
}

export interface WriteCounts {
  written: number;
  duplicates: number;
}

export interface AgentStore {
  upsertMany(agents: readonly StoredAgent[]): Promise<WriteCounts>;
  find(tenantId: string, zendeskUserId: number): Promise<StoredAgent | null>;
  /** The stored agents among these Zendesk user ids, in one round trip (ids not stored are left out). */
  findMany(tenantId: string, zendeskUserIds: readonly number[]): Promise<StoredAgent[]>;
  findByEmailIndex(tenantId: string, emailIndex: string): Promise<StoredAgent | null>;
  /** Zendesk user ids of the tenant's stored agents. */
  ids(tenantId: string): Promise<number[]>;
  /**
   * The version of the tenant's stored agents: it changes after every upsertMany and
   * every purge's erase (AgentDataStore.erase) of them; '' before the first write. A
   * reader that reads it before the agents may keep what it decrypted under it.
   */
  directoryVersion(tenantId: string): Promise<string>;
}

export interface TicketStore {
  upsertMany(tickets: readonly StoredTicket[]): Promise<WriteCounts>;
  findMany(tenantId: string, ticketIds: readonly number[]): Promise<StoredTicket[]>;
  /** What ticket events derive (solver, assignments, last event); the current state only when the ticket is new. */
  applyEvents(tickets: readonly StoredTicket[]): Promise<WriteCounts>;
  /** Current state from the tickets export; never touches what ticket events derived. */
  reconcile(states: readonly Pick<StoredTicket, '_id' | 'tenantId' | 'ticketId' | 'assigneeId' | 'groupId' | 'brandId' | 'status' | 'updatedAt'>[]): Promise<WriteCounts>;
}

/** API keys (docs/api.md#keys): looked up by id on every request, so a revocation holds at once everywhere. */
export interface ApiKeyStore {
  insert(key: StoredApiKey): Promise<void>;
  find(keyId: string): Promise<StoredApiKey | null>;
  list(tenantId: string): Promise<StoredApiKey[]>;
  /** Marks the tenant's key revoked; false when the tenant has no such key. */
  revoke(tenantId: string, keyId: string, at: Date): Promise<boolean>;
  /** Records a use (at most once a minute per key is enough for `api-keys list`). */
  touch(keyId: string, at: Date): Promise<void>;
}

/** The dashboard's people of a tenant (docs/dashboard.md#people). */
export interface PersonStore {
  /** Refuses (STORE_CONFLICT) a second person with the same email index in the tenant. */
  insert(person: StoredPerson): Promise<void>;
  find(tenantId: string, personId: string): Promise<StoredPerson | null>;
  findByEmailIndex(tenantId: string, emailIndex: string): Promise<StoredPerson | null>;
  list(tenantId: string): Promise<StoredPerson[]>;
  /**
   * Sets `changes` when the stored person still has the fields of `expect` (a compare and
   * set: two sign-ins with one code, or a setup link used twice at once, succeed once).
   * True when it was written.
   */
  update(tenantId: string, personId: string, expect: Partial<Omit<StoredPerson, '_id' | 'tenantId'>>, changes: Partial<Omit<StoredPerson, '_id' | 'tenantId'>>): Promise<boolean>;
  /** Adds one failed sign-in and returns the count. */
  countFailure(tenantId: string, personId: string, at: Date): Promise<number>;
}

/** Groups and brands with their sealed names (docs/metrics.md#dimensions). */
export interface DimensionStore {
  upsertMany(records: readonly StoredDimension[]): Promise<WriteCounts>;
  /** The tenant's groups and brands, by kind then id. */
  list(tenantId: string): Promise<StoredDimension[]>;
  find(tenantId: string, kind: DimensionKind, zendeskId: number): Promise<StoredDimension | null>;
}

export interface CursorStore {
  position(tenantId: string, stream: Stream): Promise<string | null>;
  /**
   * With a fence (the sync lease's token), the write only happens if no higher fence
   * wrote before; otherwise it throws StoreError `CHECKPOINT_FENCED` and changes nothing.
   */
  save(tenantId: string, stream: Stream, position: string, at: Date, fence?: string): Promise<void>;
  /**
   * The highest fence the stream's sync lease drew or wrote with (0 if none): kept
   * with the cursor, so it survives Redis losing its data.
   */
  highestFence(tenantId: string, stream: Stream): Promise<number>;
  /** Records a newly drawn fence (never lowers the stored one): older fences can no longer save. */
  recordFence(tenantId: string, stream: Stream, fence: number): Promise<void>;
}

export interface QuarantineStore {
  add(entries: readonly StoredQuarantine[]): Promise<number>;
}

export interface FactStore {
  /** Inserts facts, ignoring ones already stored (same _id): replays never double count. */
  insertMany(facts: readonly StoredFact[]): Promise<WriteCounts>;
  /** Replaces facts whose source can change (ratings): the latest state wins. */
  replaceMany(facts: readonly StoredFact[]): Promise<WriteCounts>;
  /** Every fact on one local day of the tenant. */
  onDay(tenantId: string, day: string): Promise<StoredFact[]>;
  /** The local days that have facts. */
  days(tenantId: string): Promise<string[]>;
  /** Every rating fact of these tickets, whoever it credits and whenever. */
  ratingsOf(tenantId: string, ticketIds: readonly number[]): Promise<StoredFact[]>;
  /** Every rating fact of the tenant in one read (a recomputation of many days needs most of them). */
  ratings(tenantId: string): Promise<StoredFact[]>;
  /** Whether the tenant has any rating fact. */
  hasRatings(tenantId: string): Promise<boolean>;
}

/**
 * The days a `DailyStore.replace` asked for `wholeDays` left holding exactly the rows
 * it was given, by bucket day id (`storedIds.bucketDay`), each with the version the
 * write gave it (docs/metrics.md#handed-buckets). A day is whole when, once the write
 * had marked it, every bucket on it was one the write replaced or deleted, and no other
 * writer marked the day before the write marked it written.
 */
export type WholeDays = ReadonlyMap<string, string>;

export interface DailyStore {
  /**
   * Writes recomputed days and deletes days left with nothing to count. Without
   * `wholeDays` the answer is empty: telling whole days costs a read of each day's buckets.
   */
  replace(rows: readonly StoredDaily[], emptiedIds: readonly string[], options?: { readonly wholeDays?: boolean }): Promise<WholeDays>;
  /** Days `from` to `to` inclusive (YYYY-MM-DD), optionally of one agent, streamed. */
  range(tenantId: string, from: string, to: string, agentId?: number): AsyncIterable<StoredDaily>;
  /** The days that have buckets. */
  days(tenantId: string): Promise<string[]>;
  /** Agents with a bucket on that day. */
  agentsOn(tenantId: string, day: string): Promise<number[]>;
}

/**
 * Rollups of daily buckets and the versions of the days under them (docs/metrics.md#rollups).
 * Every write to a day's buckets (DailyStore.replace, an agent's erasure, retention)
 * changes the day's version; adapters do that themselves, around the write.
 */
/** The state of one day's buckets: a version that changes with every write, and whether a write is under way. */
export interface DayVersion {
  readonly version: string;
  readonly writing: boolean;
}

export interface RollupStore {
  /** The versions of the tenant's days in these months (YYYY-MM); a day never written is absent. */
  dayVersions(tenantId: string, months: readonly string[]): Promise<Map<string, DayVersion>>;
  find(tenantId: string, ids: readonly string[]): Promise<StoredRollup[]>;
  /** Writes (or replaces) one rollup. */
  save(rollup: StoredRollup): Promise<void>;
}

/** A bucket to recompute: `_id` is the daily bucket's id. */
export type StaleBucket = Omit<StoredStaleBucket, 'mark'>;

/** A stale bucket with the marks that made it so, as listed. */
export interface StaleBucketMarks extends StaleBucket {
  readonly markIds: string[];
}

export interface StaleBucketStore {
  mark(buckets: readonly StaleBucket[]): Promise<void>;
  /** The tenant's stale buckets, each once, with the marks listed for it. */
  list(tenantId: string): Promise<StaleBucketMarks[]>;
  /** Clears exactly the marks listed: a bucket marked again since stays stale. */
  clear(buckets: readonly StaleBucketMarks[]): Promise<void>;
}

export type AuditEntry = Pick<StoredAudit, 'tenantId' | 'actor' | 'action' | 'details'>;

export interface AuditStore {
  /** Appends to the tenant's keyed chain, then moves its head object; safe against concurrent appenders. */
  append(entry: AuditEntry, at: Date): Promise<StoredAudit>;
  /** The tenant's entries in chain order. */
  entries(tenantId: string): AsyncIterable<StoredAudit>;
  /** Checks every link and MAC of the tenant's chain, and the log against its head object. */
  verify(tenantId: string): Promise<ChainCheck>;
  /** Removes the tenant's head objects (offboarding, once its entries are gone). */
  removeHeads(tenantId: string): Promise<void>;
}

/** The audit collection itself, under the keyed log (src/audit/keyed-audit-log.ts). */
export interface AuditLogStore {
  /** The tenant's entry with the highest seq. */
  last(tenantId: string): Promise<StoredAudit | null>;
  find(tenantId: string, seq: number): Promise<StoredAudit | null>;
  /** 'exists' when another appender took that seq first. */
  insert(entry: StoredAudit): Promise<'inserted' | 'exists'>;
  entries(tenantId: string): AsyncIterable<StoredAudit>;
}

/** Heads of audit chains, one object each, outside the tenants' databases (src/storage/gcs-audit-heads.ts). */
export interface AuditHeadStore {
  /** The head stored under `name`, or null when there is none. */
  read(name: string): Promise<AuditHead | null>;
  /**
   * Replaces the head under `name` with `next` if `accept` approves the current one,
   * atomically: a writer that raced in between makes it read and ask again. True if written.
   */
  advance(name: string, next: AuditHead, accept: (current: AuditHead | null) => Promise<boolean>): Promise<boolean>;
  /** Deletes every head whose name starts with `prefix`. */
  removeAll(prefix: string): Promise<void>;
}

export interface SuppressionStore {
  /** Inserts unless an entry with that id exists (a retried purge). */
  add(entry: StoredSuppression): Promise<void>;
  find(id: string): Promise<StoredSuppression | null>;
  /** The tenant's suppressions; a small set, read before and after every page a sync writes. */
  list(tenantId: string): Promise<StoredSuppression[]>;
}

export type PurgePatch = Partial<Omit<StoredPurge, '_id' | 'tenantId' | 'region' | 'requestedAt' | 'requestedBy' | 'reason'>>;

export interface PurgeStore {
  insert(request: StoredPurge): Promise<void>;
  find(id: string): Promise<StoredPurge | null>;
  /** Sets fields; `unsetTarget` removes the target and the sealed reason once the receipt stands. */
  update(id: string, patch: PurgePatch, options?: { unsetTarget?: boolean }): Promise<void>;
  list(tenantId: string): Promise<StoredPurge[]>;
  /** Every request of the region not yet done, oldest first: what the worker's purge reconciler runs. */
  unfinished(): Promise<StoredPurge[]>;
  /** Removes the reason of every done request that still has one (filed before reasons were erased); returns how many. */
  eraseDoneReasons(): Promise<number>;
  saveOffboarding(record: StoredOffboarding): Promise<void>;
  offboardings(tenantId: string): Promise<StoredOffboarding[]>;
}

/**
 * Everything stored that is keyed by, or mentions, one agent of a tenant: what
 * purges count, delete and verify. Ratings are kept but credit nobody (agent 0),
 * since a rating still supersedes older ratings of its ticket; tickets keep their
 * state with the agent replaced by null.
 */
export interface AgentDataStore {
  count(tenantId: string, agentId: number): Promise<CollectionCounts>;
  /** Idempotent; returns what it changed per collection. */
  erase(tenantId: string, agentId: number): Promise<CollectionCounts>;
  /** Documents left that carry the email blind index (agents). */
  countEmailIndex(tenantId: string, emailIndex: string): Promise<number>;
  /** The facts crediting the agent, in time order (for an access request). */
  facts(tenantId: string, agentId: number): Promise<StoredFact[]>;
  /** The agent's daily buckets, in day order. */
  buckets(tenantId: string, agentId: number): Promise<StoredDaily[]>;
}

/** Every document of one tenant in its region: what offboarding counts and deletes. */
export interface TenantDataStore {
  /** Collections holding tenant documents, in deletion order (the tenant record first, keys last). */
  readonly collections: readonly string[];
  count(tenantId: string, collection: string): Promise<number>;
  deleteAll(tenantId: string, collection: string): Promise<number>;
}

/** Retention: deletes by local day, so FerretDB answers with equality filters. */
export interface RetentionStore {
  factDays(tenantId: string): Promise<string[]>;
  deleteFactsOnDay(tenantId: string, day: string, before?: Date): Promise<number>;
  bucketDays(tenantId: string): Promise<string[]>;
  deleteBucketsOnDay(tenantId: string, day: string): Promise<number>;
}

/**
 * Every store a region's database offers (store/mongo/region-database.ts implements it,
 * store/memory/region-stores.ts fakes it): what use cases and job processors take,
 * whole or as a `Pick`, instead of the Mongo adapter.
 */
export interface RegionStores {
  readonly region: RegionId;
  readonly tenants: TenantStore;
  readonly agents: AgentStore;
  readonly tickets: TicketStore;
  readonly dimensions: DimensionStore;
  readonly apiKeys: ApiKeyStore;
  readonly people: PersonStore;
  readonly facts: FactStore;
  readonly keys: KeyStore;
  readonly checkpoints: CursorStore;
  readonly quarantined: QuarantineStore;
  readonly daily: DailyStore;
  readonly rollups: RollupStore;
  readonly staleBuckets: StaleBucketStore;
  readonly audit: AuditStore;
  readonly suppressions: SuppressionStore;
  readonly purges: PurgeStore;
  readonly agentData: AgentDataStore;
  readonly tenantData: TenantDataStore;
  readonly retention: RetentionStore;
  /** Completed purges and offboardings, outside the database and its backups (docs/backup.md#purge-ledger). */
  readonly purgeLedger: PurgeLedger;
}

/**
 * The configured regions' stores (store/mongo/region-router.ts implements it): the
 * only way use cases reach stored data, pinned to each tenant's region.
 */
export interface Regions {
  readonly regionIds: RegionId[];
  /** Throws StoreError `REGION_UNKNOWN` for a region not configured. */
  region(id: RegionId): RegionStores;
  /** The region a tenant lives in, or null if no region has it. */
  regionOf(tenantId: string): Promise<RegionId | null>;
  /** The stores of the tenant's region; throws StoreError `TENANT_UNKNOWN` if no region has it. */
  for(tenantId: string): Promise<RegionStores>;
}

/** What use cases need from storage; the Mongo adapters in store/mongo implement these. */
import type {
  Stream,
  StoredAgent,
  StoredAudit,
  StoredDaily,
  StoredFact,
  StoredKey,
  StoredQuarantine,
  StoredStaleBucket,
  StoredTenant,
  StoredTicket,
} from '../../schemas/records.js';

export interface KeyStore {
  find(id: string): Promise<StoredKey | null>;
  /** Inserts unless a key with that id exists; says which. */
  insert(key: StoredKey): Promise<'inserted' | 'exists'>;
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
  findByEmailIndex(tenantId: string, emailIndex: string): Promise<StoredAgent | null>;
  /** Zendesk user ids of the tenant's stored agents. */
  ids(tenantId: string): Promise<number[]>;
}

export interface TicketStore {
  upsertMany(tickets: readonly StoredTicket[]): Promise<WriteCounts>;
  findMany(tenantId: string, ticketIds: readonly number[]): Promise<StoredTicket[]>;
  /** What ticket events derive (solver, assignments, last event); the current state only when the ticket is new. */
  applyEvents(tickets: readonly StoredTicket[]): Promise<WriteCounts>;
  /** Current state from the tickets export; never touches what ticket events derived. */
  reconcile(states: readonly Pick<StoredTicket, '_id' | 'tenantId' | 'ticketId' | 'assigneeId' | 'groupId' | 'status' | 'updatedAt'>[]): Promise<WriteCounts>;
}

export interface CursorStore {
  position(tenantId: string, stream: Stream): Promise<string | null>;
  /**
   * With a fence (the sync lease's token), the write only happens if no higher fence
   * wrote before; otherwise it throws StoreError `CHECKPOINT_FENCED` and changes nothing.
   */
  save(tenantId: string, stream: Stream, position: string, at: Date, fence?: string): Promise<void>;
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
}

export interface DailyStore {
  /** Writes recomputed days and deletes days left with nothing to count. */
  replace(rows: readonly StoredDaily[], emptiedIds: readonly string[]): Promise<void>;
  /** Days `from` to `to` inclusive (YYYY-MM-DD), optionally of one agent, streamed. */
  range(tenantId: string, from: string, to: string, agentId?: number): AsyncIterable<StoredDaily>;
  /** The days that have buckets. */
  days(tenantId: string): Promise<string[]>;
  /** Agents with a bucket on that day. */
  agentsOn(tenantId: string, day: string): Promise<number[]>;
}

export interface StaleBucketStore {
  mark(buckets: readonly Omit<StoredStaleBucket, 'mark'>[]): Promise<void>;
  list(tenantId: string): Promise<StoredStaleBucket[]>;
  /** Clears marks that have not been renewed since they were listed. */
  clear(marks: readonly StoredStaleBucket[]): Promise<void>;
}

export type AuditEntry = Pick<StoredAudit, 'tenantId' | 'actor' | 'action' | 'details'>;

export interface AuditStore {
  /** Appends to the tenant's chain; safe against concurrent appenders. */
  append(entry: AuditEntry, at: Date): Promise<StoredAudit>;
  /** The tenant's entries in chain order. */
  entries(tenantId: string): AsyncIterable<StoredAudit>;
}

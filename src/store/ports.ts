/** What use cases need from storage; the Mongo adapters in store/mongo implement these. */
import type { Stream, StoredAgent, StoredFact, StoredKey, StoredQuarantine, StoredTenant, StoredTicket } from '../../schemas/records.js';

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
  save(tenantId: string, stream: Stream, position: string, at: Date): Promise<void>;
}

export interface QuarantineStore {
  add(entries: readonly StoredQuarantine[]): Promise<number>;
}

export interface FactStore {
  /** Inserts facts, ignoring ones already stored (same _id): replays never double count. */
  insertMany(facts: readonly StoredFact[]): Promise<WriteCounts>;
  /** Replaces facts whose source can change (ratings): the latest state wins. */
  replaceMany(facts: readonly StoredFact[]): Promise<WriteCounts>;
}

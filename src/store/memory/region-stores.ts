/**
 * A region's stores in memory (src/store/ports.ts RegionStores) and a set of such
 * regions (Regions): what fast unit tests hand use cases in place of
 * store/mongo's RegionDatabase and RegionRouter.
 */
import type { AuditHead } from '../../../schemas/audit-head.js';
import type { RegionId } from '../../../schemas/config.js';
import { type AuditChainDeps, KeyedAuditLog } from '../../audit/keyed-audit-log.js';
import { StoreError } from '../../shared/errors.js';
import type { AuditHeadStore, KeyStore, RegionStores, Regions } from '../ports.js';
import { MemoryAgentDataStore, MemoryPurgeStore, MemoryRetentionStore, MemorySuppressionStore, MemoryTenantDataStore } from './privacy-stores.js';
import {
  MemoryAgentStore,
  MemoryAuditLogStore,
  MemoryCursorStore,
  MemoryDailyStore,
  MemoryFactStore,
  MemoryKeyStore,
  MemoryQuarantineStore,
  MemoryStaleBucketStore,
  MemoryTenantStore,
  MemoryTicketStore,
} from './record-stores.js';
import { copy, MemoryTables } from './tables.js';

/** Every store of one region over one set of tables; the audit chain as RegionDatabase takes it. */
export function memoryRegionStores(region: RegionId = 'eu', auditChain?: (keys: KeyStore) => AuditChainDeps): RegionStores {
  const tables = new MemoryTables();
  const keys = new MemoryKeyStore(tables);
  return {
    region,
    tenants: new MemoryTenantStore(tables),
    agents: new MemoryAgentStore(tables),
    tickets: new MemoryTicketStore(tables),
    facts: new MemoryFactStore(tables),
    keys,
    checkpoints: new MemoryCursorStore(tables),
    quarantined: new MemoryQuarantineStore(tables),
    daily: new MemoryDailyStore(tables),
    staleBuckets: new MemoryStaleBucketStore(tables),
    audit: new KeyedAuditLog(new MemoryAuditLogStore(tables), auditChain?.(keys) ?? null),
    suppressions: new MemorySuppressionStore(tables),
    purges: new MemoryPurgeStore(tables),
    agentData: new MemoryAgentDataStore(tables),
    tenantData: new MemoryTenantDataStore(tables),
    retention: new MemoryRetentionStore(tables),
  };
}

/** Regions over memory stores, with RegionRouter's lookups. */
export class MemoryRegions implements Regions {
  private readonly stores: ReadonlyMap<RegionId, RegionStores>;

  constructor(stores: readonly RegionStores[]) {
    this.stores = new Map(stores.map((one) => [one.region, one]));
  }

  get regionIds(): RegionId[] {
    return [...this.stores.keys()];
  }

  region(id: RegionId): RegionStores {
    const found = this.stores.get(id);
    if (!found) throw new StoreError('REGION_UNKNOWN', `region ${id} is not configured (TALLY_REGIONS)`);
    return found;
  }

  async regionOf(tenantId: string): Promise<RegionId | null> {
    for (const stores of this.stores.values()) if (await stores.tenants.find(tenantId)) return stores.region;
    return null;
  }

  async for(tenantId: string): Promise<RegionStores> {
    const region = await this.regionOf(tenantId);
    if (!region) throw new StoreError('TENANT_UNKNOWN', `no tenant ${tenantId} in any configured region`);
    return this.region(region);
  }
}

/** Audit heads in memory (src/storage/gcs-audit-heads.ts's port), each write atomic. */
export class MemoryAuditHeads implements AuditHeadStore {
  private readonly heads = new Map<string, AuditHead>();

  async read(name: string): Promise<AuditHead | null> {
    const found = this.heads.get(name);
    return Promise.resolve(found ? copy(found) : null);
  }

  async advance(name: string, next: AuditHead, accept: (current: AuditHead | null) => Promise<boolean>): Promise<boolean> {
    for (;;) {
      const current = this.heads.get(name) ?? null;
      if (!(await accept(current ? copy(current) : null))) return false;
      // A writer that raced in while `accept` ran makes it ask again.
      if ((this.heads.get(name) ?? null) !== current) continue;
      this.heads.set(name, copy(next));
      return true;
    }
  }

  async removeAll(prefix: string): Promise<void> {
    for (const name of [...this.heads.keys()]) if (name.startsWith(prefix)) this.heads.delete(name);
    return Promise.resolve();
  }
}

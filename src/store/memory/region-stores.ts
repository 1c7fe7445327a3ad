/**
 * A region's stores in memory (src/store/ports.ts RegionStores) and a set of such
 * regions (Regions): what fast unit tests hand use cases in place of
 * store/mongo's RegionDatabase and RegionRouter.
 */
import type { AuditHead } from '../../../schemas/audit-head.js';
import type { RegionId } from '../../../schemas/config.js';
import { type AuditChainDeps, KeyedAuditLog } from '../../audit/keyed-audit-log.js';
import { foundRegion, regionIn } from '../region-lookup.js';
import type { AuditHeadStore, KeyStore, RegionStores, Regions } from '../ports.js';
import { MemoryAgentDataStore, MemoryPurgeStore, MemoryRetentionStore, MemorySuppressionStore, MemoryTenantDataStore } from './privacy-stores.js';
import {
  MemoryAgentStore,
  MemoryApiKeyStore,
  MemoryAuditLogStore,
  MemoryCursorStore,
  MemoryDailyStore,
  MemoryDimensionStore,
  MemoryFactStore,
  MemoryKeyStore,
  MemoryQuarantineStore,
  MemoryStaleBucketStore,
  MemoryTenantStore,
  MemoryTicketStore,
} from './record-stores.js';
import { MemoryPersonStore } from './person-store.js';
import { MemoryRollupStore } from './rollup-store.js';
import { copy, MemoryTables } from './tables.js';
import { MemoryPurgeLedger } from './purge-ledger.js';

/** Every store of one region over one set of tables; the audit chain as RegionDatabase takes it. */
export function memoryRegionStores(region: RegionId = 'eu', auditChain?: (keys: KeyStore) => AuditChainDeps): RegionStores {
  const tables = new MemoryTables();
  const keys = new MemoryKeyStore(tables.table('keys'));
  return {
    region,
    tenants: new MemoryTenantStore(tables.table('tenants')),
    agents: new MemoryAgentStore(tables.table('agents'), tables.table('agent_directory')),
    tickets: new MemoryTicketStore(tables.table('tickets')),
    dimensions: new MemoryDimensionStore(tables.table('dimensions')),
    apiKeys: new MemoryApiKeyStore(tables.table('api_keys')),
    people: new MemoryPersonStore(tables.table('people')),
    facts: new MemoryFactStore(tables.table('facts')),
    keys,
    checkpoints: new MemoryCursorStore(tables.table('cursors')),
    quarantined: new MemoryQuarantineStore(tables.table('quarantine')),
    daily: new MemoryDailyStore(tables),
    rollups: new MemoryRollupStore(tables),
    staleBuckets: new MemoryStaleBucketStore(tables.table('stale_buckets')),
    audit: new KeyedAuditLog(new MemoryAuditLogStore(tables.table('audit')), auditChain?.(keys) ?? null),
    suppressions: new MemorySuppressionStore(tables.table('suppressions')),
    purges: new MemoryPurgeStore(tables),
    agentData: new MemoryAgentDataStore(tables),
    tenantData: new MemoryTenantDataStore(tables),
    retention: new MemoryRetentionStore(tables),
    purgeLedger: new MemoryPurgeLedger(),
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
    return regionIn(this.stores, id);
  }

  async regionOf(tenantId: string): Promise<RegionId | null> {
    for (const stores of this.stores.values()) if (await stores.tenants.find(tenantId)) return stores.region;
    return null;
  }

  async for(tenantId: string): Promise<RegionStores> {
    return this.region(foundRegion(tenantId, await this.regionOf(tenantId)));
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

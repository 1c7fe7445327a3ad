/** In-memory implementations of the store ports (src/store/ports.ts), for fast unit tests of use cases. */
export { MemoryAuditHeads, MemoryRegions, memoryRegionStores } from './region-stores.js';
export {
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
export { MemoryAgentDataStore, MemoryPurgeStore, MemoryRetentionStore, MemorySuppressionStore, MemoryTenantDataStore } from './privacy-stores.js';
export { MemoryTables } from './tables.js';

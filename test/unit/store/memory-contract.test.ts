/** The store contracts (test/contract/) against the memory fakes of src/store/memory/. */
import { memoryRegionStores } from '../../../src/store/memory/index.js';
import { describeAuditStore } from '../../contract/audit-store.contract.js';
import { describeRegionStores } from '../../contract/index.js';
import { memoryRegion } from './memory-region.js';

describeRegionStores(() => memoryRegionStores('eu'));

describeAuditStore(() => {
  const region = memoryRegion();
  return Promise.resolve({ audit: region.stores.audit, prepare: async (tenantId: string) => void (await region.addTenant(tenantId)) });
});

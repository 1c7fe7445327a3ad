import { describe, expect, it } from 'vitest';
import { fact, type MakeStores, newTenantId } from './fixtures.js';
import { tenant } from './tenant-store.contract.js';

/** TenantDataStore (src/store/ports.ts): what offboarding counts and deletes, the tenant record first. */
export function describeTenantDataStore(make: MakeStores): void {
  describe('TenantDataStore contract', () => {
    it('lists the tenant record first and keys last, and counts and deletes only the tenant\'s documents', async () => {
      const stores = await make();
      const [tenantId, other] = [newTenantId(), newTenantId()];
      expect(stores.tenantData.collections[0]).toBe('tenants');
      expect(stores.tenantData.collections.at(-1)).toBe('keys');
      await stores.tenants.insert(tenant(tenantId));
      await stores.tenants.insert(tenant(other));
      await stores.facts.insertMany([fact(tenantId, 'a'), fact(tenantId, 'b', { day: '2026-03-02' }), fact(other, 'a')]);
      expect(await stores.tenantData.count(tenantId, 'tenants')).toBe(1);
      expect(await stores.tenantData.count(tenantId, 'facts')).toBe(2);
      expect(await stores.tenantData.deleteAll(tenantId, 'facts')).toBe(2);
      expect(await stores.tenantData.deleteAll(tenantId, 'tenants')).toBe(1);
      expect(await stores.tenants.find(tenantId)).toBeNull();
      expect(await stores.tenantData.count(other, 'facts')).toBe(1);
      expect(await stores.tenants.find(other)).not.toBeNull();
    });
  });
}

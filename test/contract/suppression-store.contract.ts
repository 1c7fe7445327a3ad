import { describe, expect, it } from 'vitest';
import { type MakeStores, newTenantId } from './fixtures.js';

/** SuppressionStore (src/store/ports.ts): a retried purge adds its suppression once. */
export function describeSuppressionStore(make: MakeStores): void {
  describe('SuppressionStore contract', () => {
    it('adds once, finds by id and lists the tenant\'s', async () => {
      const { suppressions } = await make();
      const [tenantId, other] = [newTenantId(), newTenantId()];
      const entry = { _id: `${tenantId}:r1`, tenantId, requestId: 'r1', zendeskUserId: 7, createdAt: new Date('2026-03-01T10:00:00Z') };
      await suppressions.add(entry);
      await suppressions.add({ ...entry, zendeskUserId: 8 });
      expect(await suppressions.find(entry._id)).toEqual(entry);
      expect(await suppressions.list(tenantId)).toEqual([entry]);
      expect(await suppressions.list(other)).toEqual([]);
      expect(await suppressions.find(`${other}:r1`)).toBeNull();
    });
  });
}

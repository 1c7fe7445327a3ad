import { describe, expect, it } from 'vitest';
import { bucket, fact, type MakeStores, newTenantId } from './fixtures.js';

/** RetentionStore (src/store/ports.ts): deletes by local day, facts optionally before a cutoff. */
export function describeRetentionStore(make: MakeStores): void {
  describe('RetentionStore contract', () => {
    it('lists days and deletes one day, facts before the cutoff only', async () => {
      const stores = await make();
      const tenantId = newTenantId();
      await stores.facts.insertMany([
        fact(tenantId, 'a', { day: '2026-03-01', at: new Date('2026-03-01T08:00:00Z') }),
        fact(tenantId, 'b', { day: '2026-03-01', at: new Date('2026-03-01T20:00:00Z') }),
        fact(tenantId, 'c', { day: '2026-03-02', at: new Date('2026-03-02T08:00:00Z') }),
      ]);
      await stores.daily.replace([bucket(tenantId, 7, '2026-03-01'), bucket(tenantId, 7, '2026-03-02')], []);
      expect(await stores.retention.factDays(tenantId)).toEqual(['2026-03-01', '2026-03-02']);
      expect(await stores.retention.bucketDays(tenantId)).toEqual(['2026-03-01', '2026-03-02']);
      expect(await stores.retention.deleteFactsOnDay(tenantId, '2026-03-01', new Date('2026-03-01T12:00:00Z'))).toBe(1);
      expect((await stores.facts.onDay(tenantId, '2026-03-01')).map((one) => one._id)).toEqual([`${tenantId}:b`]);
      expect(await stores.retention.deleteFactsOnDay(tenantId, '2026-03-02')).toBe(1);
      expect(await stores.retention.deleteBucketsOnDay(tenantId, '2026-03-01')).toBe(1);
      expect(await stores.retention.bucketDays(tenantId)).toEqual(['2026-03-02']);
    });
  });
}
